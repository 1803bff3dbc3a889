"""The table of primitive gates: the one place that says what a gate computes.

Every gate is one function, its *rule*: given the operands it returns the
gate's output followed by its local derivatives, d out / d operand, side by
side. The engine (`Value`), the gradient checker, the hypothesis strategies, the
renderer and the command line all read this table, so adding a gate here (or
with `register_gate`) is enough for all of them to pick it up.

Numeric edge cases follow IEEE float64 as PyTorch does (docs/design.md §3):
overflow gives inf, 1/0 gives inf, log of a negative gives nan; no gate raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from . import gate_derivatives as in_gates
from .validate import float_or_inf, is_real_number

INF = math.inf
NAN = math.nan

Rule = Callable[..., tuple[float, ...]]
# (output Value, *operands) -> one local derivative per operand, each a Value or a number
DerivativeRule = Callable[..., tuple[object, ...]]


@dataclass(frozen=True, eq=False, slots=True)
class Gate:
    """One primitive gate.

    `rule(*operands)` returns `(out, d_out/d_operand_1, ...)`: one derivative per
    operand, a folded constant included (its entry is never used). Computing both
    in one call is cheaper, and many derivatives are easiest in terms of the
    output (exp' = out, sigmoid' = out(1-out)). `symbol` is what the renderer
    writes inside the gate's circle; when the last operand is a folded constant
    it writes `symbol + constant` (`+1`, `*-1`, `**2`), so the symbol is chosen
    to read well that way too.

    `derivative` is the rule's second form, for derivatives of derivatives: the
    local derivatives written in gates (see `autograd.gate_derivatives`). Only
    `grad(..., create_graph=True)` reads it; a gate without one works everywhere
    else.

    `batch_rule` is the rule over numpy arrays, one entry per example (see
    `autograd.tape`): it lets `trace` replay a user's gate over a whole batch at
    once. Without one the tape calls `rule` once per example. The built-in gates'
    array rules are in `autograd.tape.rules`.
    """

    name: str
    symbol: str
    arity: int
    rule: Rule
    accepts_constant: bool = False  # may the last operand be a plain number?
    needs_constant: bool = False  # must it be one? (pow: a Value exponent is not a gate here)
    derivative: DerivativeRule | None = None
    batch_rule: Rule | None = None

    def __post_init__(self) -> None:
        _check_fields(self)

    def forward(self, *operands: float) -> float:
        """The gate's output for these operands."""
        return self.rule(*operands)[0]

    def local_grads(self, *operands: float) -> tuple[float, ...]:
        """d out / d operand_i for these operands."""
        return self.rule(*operands)[1:]

    def __repr__(self) -> str:
        return f"Gate({self.name!r})"


# --- the rules: total over float64, never raising -----------------------------


def _add(a: float, b: float) -> tuple[float, float, float]:
    """a + b: both inputs get the upstream gradient unchanged."""
    return a + b, 1.0, 1.0


def _mul(a: float, b: float) -> tuple[float, float, float]:
    """a * b: each input's local gradient is the other input."""
    return a * b, b, a


def _safe_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def _exp(x: float) -> tuple[float, float]:
    """e^x, which is its own derivative; overflow gives inf."""
    out = _safe_exp(x)
    return out, out


def _safe_reciprocal(x: float) -> float:
    if x == 0.0:
        return math.copysign(INF, x)
    return 1.0 / x


def _reciprocal(x: float) -> tuple[float, float]:
    """1/x, with d/dx = -1/x² = -out²; at ±0 the output is ±inf."""
    out = _safe_reciprocal(x)
    return out, -out * out


def _sigmoid(x: float) -> tuple[float, float]:
    """σ(x) = 1/(1+e^-x), with σ' = σ(1-σ).

    Two branches so that exp never overflows: e^-x for x >= 0, e^x otherwise.
    """
    if x >= 0.0:
        out = 1.0 / (1.0 + math.exp(-x))
    elif x < 0.0:
        e = math.exp(x)
        out = e / (1.0 + e)
    else:
        out = x  # nan
    return out, out * (1.0 - out)


def _max(a: float, b: float) -> tuple[float, float, float]:
    """The larger input, which takes all of the gradient; a tie splits it evenly.

    With a nan the output is nan and there is no larger input: both get all of
    the gradient, as in PyTorch's maximum.
    """
    if a > b:
        return a, 1.0, 0.0
    if b > a:
        return b, 0.0, 1.0
    if a == b:
        return a, 0.5, 0.5
    return NAN, 1.0, 1.0


def _relu(x: float) -> tuple[float, float]:
    """max(x, 0) as its own gate, with relu'(0) = 0.

    A nan stays nan and passes the gradient on (slope 1), as PyTorch's relu does
    and as `x.max(0)` does here: only x <= 0 blocks it.
    """
    if x <= 0.0:
        return 0.0, 0.0
    return x, 1.0


def _tanh(x: float) -> tuple[float, float]:
    """tanh, with tanh' = 1 - tanh²."""
    out = math.tanh(x)
    return out, 1.0 - out * out


def _log(x: float) -> tuple[float, float]:
    """The natural log, with d/dx = 1/x: log 0 = -inf, and a negative x gives nan."""
    if x > 0.0:
        out = math.log(x)
    elif x == 0.0:
        out = -INF
    else:
        out = NAN  # negative or nan
    return out, _safe_reciprocal(x)


def _is_odd_integer(c: float) -> bool:
    return c.is_integer() and math.fmod(c, 2.0) != 0.0


def _power(x: float, c: float) -> float:
    if x < 0.0 and math.isfinite(x) and math.isfinite(c) and not c.is_integer():
        return NAN  # a negative number to a fractional power has no real value
    try:
        return x**c
    except OverflowError:  # |x| ** c too large: the sign is the base's for odd c
        return -INF if x < 0.0 and _is_odd_integer(c) else INF
    except ZeroDivisionError:  # 0.0 ** negative: IEEE pow gives ±inf
        return math.copysign(INF, x) if _is_odd_integer(c) else INF


def _pow(x: float, c: float) -> tuple[float, float, float]:
    """x ** c for a constant c, with d/dx = c·x^(c-1).

    x ** 0 is 1 everywhere, so its slope is 0 (even at x = 0). The exponent is
    never differentiated: its entry is nan.
    """
    slope = 0.0 if c == 0.0 else c * _power(x, c - 1.0)
    return _power(x, c), slope, NAN


# --- the table -------------------------------------------------------------------

GATES: dict[str, Gate] = {}


def register_gate(gate: Gate) -> Gate:
    """Add a gate of your own to the table and return it.

    The checker, the hypothesis strategies, the renderer and the command line
    find it here; apply it to Values with `Value.apply(gate, *operands)`.
    Registering again under the same name replaces your earlier gate; the
    built-in gates cannot be replaced (the operators are wired to them), so give
    a variant its own name.
    """
    if not isinstance(gate, Gate):
        raise TypeError(f"register_gate expects a Gate, got {type(gate).__name__}")
    if gate.name in BUILT_IN_NAMES:
        raise ValueError(f"{gate.name!r} is a built-in gate; register yours under another name")
    GATES[gate.name] = gate
    return gate


def _check_fields(gate: Gate) -> None:
    """Clear errors when a Gate is made, rather than a confusing failure at its first use."""
    for field in ("name", "symbol"):
        text = getattr(gate, field)
        if not isinstance(text, str) or not text:
            raise TypeError(f"a gate's {field} must be a non-empty string, got {text!r}")
    if isinstance(gate.arity, bool) or gate.arity not in (1, 2):
        raise ValueError(f"gate {gate.name!r}: a gate takes one or two operands, not {gate.arity}")
    if not callable(gate.rule):
        raise TypeError(f"gate {gate.name!r}: rule must be a function")
    for field in ("derivative", "batch_rule"):
        if getattr(gate, field) is not None and not callable(getattr(gate, field)):
            raise TypeError(f"gate {gate.name!r}: {field} must be a function or None")
    for flag in ("accepts_constant", "needs_constant"):
        if not isinstance(getattr(gate, flag), bool):
            raise TypeError(f"gate {gate.name!r}: {flag} must be True or False")
    _try_rule(gate)
    if gate.needs_constant and not (gate.accepts_constant and gate.arity == 2):
        raise ValueError(f"gate {gate.name!r}: needs_constant needs accepts_constant and arity 2")


def _try_rule(gate: Gate) -> None:
    """Call the rule once at an ordinary point to catch a result of the wrong shape.

    A rule that raises there may simply be outside its domain, so only a result
    that is not (output, one derivative per operand) is an error.
    """
    try:
        result = gate.rule(*[0.5] * gate.arity)
    except Exception:  # the rule's own business; its first real use will tell
        return
    _check_result(gate, result)


def _check_result(gate: Gate, result: object) -> tuple[float, ...]:
    """A rule's result as floats, or a TypeError that says what a rule must return."""
    if (
        type(result) is tuple
        and len(result) == gate.arity + 1
        and all(type(x) is float for x in result)
    ):
        return result  # already right: the usual case
    if (
        not isinstance(result, tuple)
        or len(result) != gate.arity + 1
        or not all(is_real_number(x) for x in result)
    ):
        raise TypeError(
            f"gate {gate.name!r}: rule must return (output, one derivative per operand), "
            f"{gate.arity + 1} numbers; it returned {result!r}"
        )
    return tuple(float_or_inf(x) for x in result)


def checked_rule(gate: Gate) -> Rule:
    """The rule the engine calls: a built-in gate's own, a user's wrapped in checks.

    A user's rule may return ints, numpy numbers or the wrong shape; the wrapper
    turns its result into floats (`.data` is always a float) or raises a clear
    error. The built-in rules are trusted, so they cost no extra call.
    """
    if gate.name in BUILT_IN_NAMES and GATES[gate.name] is gate:
        return gate.rule
    rule = gate.rule

    def rule_with_checks(*operands: float) -> tuple[float, ...]:
        return _check_result(gate, rule(*operands))

    return rule_with_checks


# The gates defined below: register_gate will not replace them (the operators are wired to them).
BUILT_IN_NAMES: set[str] = set()


def _built_in(gate: Gate) -> Gate:
    GATES[gate.name] = gate
    BUILT_IN_NAMES.add(gate.name)
    return gate


# The last column, `derivative=`, is the same rule written in gates (autograd/gate_derivatives.py).
ADD = _built_in(Gate("add", "+", 2, _add, accepts_constant=True, derivative=in_gates.add))
MUL = _built_in(Gate("mul", "*", 2, _mul, accepts_constant=True, derivative=in_gates.mul))
EXP = _built_in(Gate("exp", "exp", 1, _exp, derivative=in_gates.exp))
RECIPROCAL = _built_in(Gate("reciprocal", "1/x", 1, _reciprocal, derivative=in_gates.reciprocal))
SIGMOID = _built_in(Gate("sigmoid", "σ", 1, _sigmoid, derivative=in_gates.sigmoid))
MAX = _built_in(
    Gate("max", "max", 2, _max, accepts_constant=True, derivative=in_gates.constant_slopes)
)
RELU = _built_in(Gate("relu", "relu", 1, _relu, derivative=in_gates.constant_slopes))
TANH = _built_in(Gate("tanh", "tanh", 1, _tanh, derivative=in_gates.tanh))
LOG = _built_in(Gate("log", "log", 1, _log, derivative=in_gates.log))
POW = _built_in(
    Gate(
        "pow", "**", 2, _pow, accepts_constant=True, needs_constant=True, derivative=in_gates.power
    )
)
