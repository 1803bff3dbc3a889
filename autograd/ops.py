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
    try:
        out = x**c
    except OverflowError:  # |x| ** c too large: the sign is the base's for odd c
        return -INF if x < 0.0 and _is_odd_integer(c) else INF
    except ZeroDivisionError:  # 0.0 ** negative: IEEE pow gives ±inf
        return math.copysign(INF, x) if _is_odd_integer(c) else INF
    if isinstance(out, complex):  # negative base, fractional exponent
        return NAN
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
_NAN_NAN = (NAN, NAN)


def _max_grads(out: float, a: float, b: float) -> tuple[float, float]:
    # The larger input takes all of the gradient; a tie splits it evenly.
    if a > b:
        return _ALL_TO_FIRST
    if b > a:
        return _ALL_TO_SECOND
    if a == b:
        return _HALF_EACH
    return _NAN_NAN


_ONE = (1.0,)
_ZERO = (0.0,)


def _relu_grads(out: float, x: float) -> tuple[float]:
    return _ONE if out > 0.0 else _ZERO  # relu'(0) = 0


def _log_grads(out: float, x: float) -> tuple[float]:
    return (_reciprocal(x),)


def _pow_grads(out: float, x: float, c: float) -> tuple[float, float]:
    # Only the base is differentiated: the exponent is always a constant.
    if c == 0.0:
        return _ZERO_NAN
    return (c * _pow(x, c - 1.0), NAN)


_ZERO_NAN = (0.0, NAN)


GATES: dict[str, Gate] = {}


def register_gate(gate: Gate) -> Gate:
    """Add a gate to the table (or replace one of the same name) and return it.

    This is how a user adds a gate of their own: the checker, the hypothesis
    strategies and the renderer find it here. Apply it to Values with
    `Value.apply(gate, *operands)`.
    """
    if not isinstance(gate, Gate):
        raise TypeError(f"register_gate expects a Gate, got {type(gate).__name__}")
    if gate.arity not in (1, 2):
        raise ValueError(f"gate {gate.name!r}: a gate takes one or two operands, not {gate.arity}")
    GATES[gate.name] = gate
    return gate


ADD = register_gate(Gate("add", "+", 2, _add, _add_grads, accepts_constant=True))
MUL = register_gate(Gate("mul", "*", 2, _mul, _mul_grads, accepts_constant=True))
EXP = register_gate(Gate("exp", "exp", 1, _exp, _exp_grads))
RECIPROCAL = register_gate(Gate("reciprocal", "1/x", 1, _reciprocal, _reciprocal_grads))
SIGMOID = register_gate(Gate("sigmoid", "σ", 1, _sigmoid, _sigmoid_grads))
MAX = register_gate(Gate("max", "max", 2, _max, _max_grads, accepts_constant=True))
RELU = register_gate(Gate("relu", "relu", 1, _relu, _relu_grads))
TANH = register_gate(Gate("tanh", "tanh", 1, math.tanh, _tanh_grads))
LOG = register_gate(Gate("log", "log", 1, _log, _log_grads))
POW = register_gate(
    Gate("pow", "**", 2, _pow, _pow_grads, accepts_constant=True, needs_constant=True)
)
