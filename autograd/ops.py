"""The table of primitive gates: the one place that says what a gate computes.

Every gate is stated once, forward and local derivatives side by side. The engine
(`Value`), the gradient checker, the hypothesis strategies and the renderer all
read this table, so adding a gate here (or with `register_gate`) is enough for
all of them to pick it up.

Numeric edge cases follow IEEE float64 as PyTorch does (DESIGN.md section 2):
overflow gives inf, 1/0 gives inf, log of a negative gives nan; no gate raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

INF = math.inf
NAN = math.nan


@dataclass(frozen=True, eq=False, slots=True)
class Gate:
    """One primitive gate.

    `forward(*operands)` returns the output; `local_grads(out, *operands)` returns
    d out / d operand_i for every operand, given the output already computed (many
    derivatives are cheapest in terms of it: exp' = out, sigmoid' = out(1-out)).
    `symbol` is what the renderer writes inside the gate's circle; when the last
    operand is a folded constant the renderer writes `symbol + constant` (`+1`,
    `*-1`, `**2`), so `symbol` is chosen to read well that way too.
    """

    name: str
    symbol: str
    arity: int
    forward: Callable[..., float]
    local_grads: Callable[..., tuple[float, ...]]
    accepts_constant: bool = False  # may the last operand be a plain number?
    needs_constant: bool = False  # must it be one? (pow: a Value exponent is not a gate here)

    def __repr__(self) -> str:
        return f"Gate({self.name!r})"


# --- forward functions: total over float64, never raising -------------------


def _add(a: float, b: float) -> float:
    return a + b


def _mul(a: float, b: float) -> float:
    return a * b


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def _reciprocal(x: float) -> float:
    if x == 0.0:
        return math.copysign(INF, x)
    return 1.0 / x


def _sigmoid(x: float) -> float:
    # Two branches so that exp never overflows: exp(-x) for x >= 0, exp(x) otherwise.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x < 0.0:
        e = math.exp(x)
        return e / (1.0 + e)
    return x  # nan


def _max(a: float, b: float) -> float:
    if a != a or b != b:
        return NAN
    return a if a >= b else b


def _relu(x: float) -> float:
    return 0.0 if x <= 0.0 else x  # nan <= 0 is False, so nan stays nan


def _log(x: float) -> float:
    if x > 0.0:
        return math.log(x)
    if x == 0.0:
        return -INF
    return NAN  # negative or nan


def _is_odd_integer(c: float) -> bool:
    return c.is_integer() and math.fmod(c, 2.0) != 0.0


def _pow(x: float, c: float) -> float:
    if x < 0.0 and math.isfinite(x) and math.isfinite(c) and not c.is_integer():
        return NAN  # a negative number to a fractional power has no real value
    try:
        out = x**c
    except OverflowError:  # |x| ** c too large: the sign is the base's for odd c
        return -INF if x < 0.0 and _is_odd_integer(c) else INF
    except ZeroDivisionError:  # 0.0 ** negative: IEEE pow gives ±inf
        return math.copysign(INF, x) if _is_odd_integer(c) else INF
    return out


# --- local derivatives: d out / d operand, given the output ---------------

_ONE_ONE = (1.0, 1.0)


def _add_grads(out: float, a: float, b: float) -> tuple[float, float]:
    return _ONE_ONE


def _mul_grads(out: float, a: float, b: float) -> tuple[float, float]:
    return (b, a)


def _exp_grads(out: float, x: float) -> tuple[float]:
    return (out,)


def _reciprocal_grads(out: float, x: float) -> tuple[float]:
    return (-out * out,)


def _sigmoid_grads(out: float, x: float) -> tuple[float]:
    return (out * (1.0 - out),)


def _tanh_grads(out: float, x: float) -> tuple[float]:
    return (1.0 - out * out,)


_ALL_TO_FIRST = (1.0, 0.0)
_ALL_TO_SECOND = (0.0, 1.0)
_HALF_EACH = (0.5, 0.5)


def _max_grads(out: float, a: float, b: float) -> tuple[float, float]:
    # The larger input takes all of the gradient; a tie splits it evenly. With a
    # nan there is no larger input: both get all of it, as in PyTorch's maximum.
    if a > b:
        return _ALL_TO_FIRST
    if b > a:
        return _ALL_TO_SECOND
    if a == b:
        return _HALF_EACH
    return _ONE_ONE


_ONE = (1.0,)
_ZERO = (0.0,)


def _relu_grads(out: float, x: float) -> tuple[float]:
    return _ONE if out > 0.0 else _ZERO  # relu'(0) = 0


def _log_grads(out: float, x: float) -> tuple[float]:
    return (_reciprocal(x),)


_ZERO_NAN = (0.0, NAN)


def _pow_grads(out: float, x: float, c: float) -> tuple[float, float]:
    # The exponent is always a constant and never differentiated: its entry is nan.
    if c == 0.0:
        return _ZERO_NAN  # x ** 0 is 1 everywhere, so its slope is 0 (even at x = 0)
    return (c * _pow(x, c - 1.0), NAN)


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
    _check_fields(gate)
    if gate.name in _BUILT_IN:
        raise ValueError(f"{gate.name!r} is a built-in gate; register yours under another name")
    GATES[gate.name] = gate
    return gate


def _check_fields(gate: Gate) -> None:
    """Clear errors now rather than a confusing failure at a gate's first use."""
    for field in ("name", "symbol"):
        text = getattr(gate, field)
        if not isinstance(text, str) or not text:
            raise TypeError(f"a gate's {field} must be a non-empty string, got {text!r}")
    if isinstance(gate.arity, bool) or gate.arity not in (1, 2):
        raise ValueError(f"gate {gate.name!r}: a gate takes one or two operands, not {gate.arity}")
    for field in ("forward", "local_grads"):
        if not callable(getattr(gate, field)):
            raise TypeError(f"gate {gate.name!r}: {field} must be a function")
    if gate.needs_constant and not (gate.accepts_constant and gate.arity == 2):
        raise ValueError(f"gate {gate.name!r}: needs_constant needs accepts_constant and arity 2")


_BUILT_IN: set[str] = set()


def _built_in(gate: Gate) -> Gate:
    _check_fields(gate)
    GATES[gate.name] = gate
    _BUILT_IN.add(gate.name)
    return gate


ADD = _built_in(Gate("add", "+", 2, _add, _add_grads, accepts_constant=True))
MUL = _built_in(Gate("mul", "*", 2, _mul, _mul_grads, accepts_constant=True))
EXP = _built_in(Gate("exp", "exp", 1, _exp, _exp_grads))
RECIPROCAL = _built_in(Gate("reciprocal", "1/x", 1, _reciprocal, _reciprocal_grads))
SIGMOID = _built_in(Gate("sigmoid", "σ", 1, _sigmoid, _sigmoid_grads))
MAX = _built_in(Gate("max", "max", 2, _max, _max_grads, accepts_constant=True))
RELU = _built_in(Gate("relu", "relu", 1, _relu, _relu_grads))
TANH = _built_in(Gate("tanh", "tanh", 1, math.tanh, _tanh_grads))
LOG = _built_in(Gate("log", "log", 1, _log, _log_grads))
POW = _built_in(
    Gate("pow", "**", 2, _pow, _pow_grads, accepts_constant=True, needs_constant=True)
)
