"""The gate table's rules over numpy arrays: what a tape computes for a whole batch at once.

Each function here is the array twin of a rule in `autograd.ops`: the operands
are float64 arrays holding one number per example (or plain numbers: a folded
constant, a parameter), and the result is `(out, d out / d operand, ...)` with
the same IEEE float64 edge cases as the scalar rule: relu'(0) = 0, a max tie
gives each side half, a nan stays nan, exp overflows to inf, log of a negative is
nan, 1/±0 is ±inf, σ(±1000) is exactly 1 or 0, a negative number to a
fractional power is nan. tests/test_tape_rules.py holds each pair together on
those edges. (Finite results may differ in the last bit where numpy's exp, log,
tanh or power round differently from Python's math module.)

A derivative that is 1 everywhere is returned as `ONE`, so a replay can pass the
gradient on without multiplying by it. Callers silence numpy's floating-point
warnings (`np.errstate`): inf and nan are answers here, not accidents.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from .. import ops
from ..ops import Gate

Array = np.ndarray
Operand = np.ndarray | float
BatchRule = Callable[..., tuple[object, ...]]

ONE = 1.0  # the derivative of add: the gradient passes through as it is


def _add(a: Operand, b: Operand) -> tuple[Operand, float, float]:
    return np.add(a, b), ONE, ONE


def _mul(a: Operand, b: Operand) -> tuple[Operand, Operand, Operand]:
    return np.multiply(a, b), b, a


def _exp(x: Array) -> tuple[Array, Array]:
    out = np.exp(x)
    return out, out


def _reciprocal(x: Array) -> tuple[Array, Array]:
    out = np.divide(1.0, x)  # IEEE: 1/+0 = inf, 1/-0 = -inf
    return out, -out * out


def _sigmoid(x: Array) -> tuple[Array, Array]:
    # The scalar rule's two branches at once: exp only ever sees -|x|, so never overflows.
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))  # a nan x makes e, and out, nan
    return out, out * (1.0 - out)


def _max(a: Operand, b: Operand) -> tuple[Array, Array, Array]:
    a_wins = np.greater(a, b)
    b_wins = np.greater(b, a)
    tie = np.equal(a, b)
    out = np.where(a_wins | tie, a, np.where(b_wins, b, np.nan))  # neither: a nan
    # 1, 0 or ½ as in the scalar rule; with a nan neither wins nor ties, so both get 1.
    return out, 1.0 - b_wins - 0.5 * tie, 1.0 - a_wins - 0.5 * tie


def _relu(x: Array) -> tuple[Array, Array]:
    # Only x <= 0 is blocked (-0.0 gives +0.0); a nan stays nan and passes the gradient on.
    blocked = np.less_equal(x, 0.0)
    return np.where(blocked, 0.0, x), np.logical_not(blocked)


def _tanh(x: Array) -> tuple[Array, Array]:
    out = np.tanh(x)
    return out, 1.0 - out * out


def _log(x: Array) -> tuple[Array, Array]:
    return np.log(x), np.divide(1.0, x)  # log(±0) = -inf, log(negative) = nan


def _power(x: Array, c: Operand) -> Array:
    # A whole array of exponents: given one number, numpy computes x ** 0.5 as sqrt(x),
    # which differs from IEEE pow at -0.0 and -inf.
    return np.power(x, np.full(np.broadcast_shapes(np.shape(x), np.shape(c)), c))


def _pow(x: Array, c: Operand) -> tuple[Array, Array, float]:
    slope = np.where(c == 0.0, 0.0, c * _power(x, c - 1.0))  # x ** 0 is flat, even at 0
    return _power(x, c), slope, np.nan


BUILT_IN: dict[Gate, BatchRule] = {
    ops.ADD: _add,
    ops.MUL: _mul,
    ops.EXP: _exp,
    ops.RECIPROCAL: _reciprocal,
    ops.SIGMOID: _sigmoid,
    ops.MAX: _max,
    ops.RELU: _relu,
    ops.TANH: _tanh,
    ops.LOG: _log,
    ops.POW: _pow,
}


def batch_rule_of(gate: Gate) -> BatchRule:
    """The array rule a tape runs for `gate`: its own, a built-in one, or one row at a time.

    A gate without a `batch_rule` still replays: its scalar rule is called once
    per example, which is slow, so a warning says so (once per gate, when it is
    traced).
    """
    if gate in BUILT_IN:
        return BUILT_IN[gate]
    if gate.batch_rule is not None:
        return _checked_batch_rule(gate, gate.batch_rule)
    warnings.warn(
        f"gate {gate.name!r} has no batch_rule, so the tape runs its rule once per example "
        f"(slow); give Gate(..., batch_rule=...) a version over numpy arrays",
        stacklevel=5,  # the caller of trace()
    )
    return _row_by_row(gate)


def _row_by_row(gate: Gate) -> BatchRule:
    """The scalar rule applied to each example in turn, with the engine's checks."""
    rule = ops.checked_rule(gate)

    def rule_per_row(*operands: Operand) -> tuple[Array, ...]:
        columns = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in operands))
        rows = np.stack([column.ravel() for column in columns], axis=1).tolist()
        results = np.array([rule(*row) for row in rows]).reshape(len(rows), gate.arity + 1)
        return tuple(results[:, i].reshape(columns[0].shape) for i in range(gate.arity + 1))

    return rule_per_row


def _checked_batch_rule(gate: Gate, batch_rule: BatchRule) -> BatchRule:
    """A user's array rule, its result checked: arity + 1 float arrays of the operands' shape."""

    def rule_with_checks(*operands: Operand) -> tuple[Array, ...]:
        result = batch_rule(*operands)
        shape = np.broadcast_shapes(*(np.shape(x) for x in operands))
        if not isinstance(result, tuple) or len(result) != gate.arity + 1:
            raise TypeError(
                f"gate {gate.name!r}: batch_rule must return (output, one derivative per "
                f"operand), {gate.arity + 1} arrays; it returned {type(result).__name__}"
            )
        return tuple(_as_float_array(gate, entry, shape) for entry in result)

    return rule_with_checks


def _as_float_array(gate: Gate, entry: object, shape: tuple[int, ...]) -> Array:
    array = np.asarray(entry)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"gate {gate.name!r}: batch_rule returned {array.dtype} entries; they must be numbers"
        )
    try:
        return np.broadcast_to(array.astype(float, copy=False), shape)
    except ValueError:
        raise ValueError(
            f"gate {gate.name!r}: batch_rule returned an array of shape {array.shape} "
            f"for operands of shape {shape}"
        ) from None
