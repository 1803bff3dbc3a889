"""The gate table's second column: each built-in gate's local derivatives, written in gates.

The float rules in `autograd.ops` give a gate's local derivatives as numbers,
which is all `backward()` needs. To differentiate a derivative again
(`grad(..., create_graph=True)`), the local derivatives must themselves be
Values made of gates, so that the chain rule can run through them. Each
function here is that second form of one gate's rule:

    derivative(out, *operands) -> one local derivative per operand

`out` is the gate's output Value and `operands` its operands: Values, and a
folded constant as a plain float (its entry in the result is never used). An
entry may be a Value built from them with gates, or a plain number when the
derivative does not change with any operand (add's 1, relu's mask).

Each one does the same arithmetic as its float rule, in the same order, so the
numbers agree with the float table to the last bit (tests/test_derivatives.py
holds them to it). That is also why relu and max return the float table's own
slopes as constants: the kinks (relu'(0) = 0, a tie of max ½ each, nan) keep
exactly the first-order semantics, and the second derivative is 0.

This module imports nothing from the engine at run time: the rules only use
the operators of the Values they are given, so `ops` can wire them in.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value


def add(out: Value, a: Value, b: Value | float) -> tuple[float, float]:
    """d(a + b) = 1 for each operand: the upstream gradient passes through unchanged."""
    return 1.0, 1.0


def mul(out: Value, a: Value, b: Value | float) -> tuple[Value | float, Value]:
    """d(a·b)/da = b and d(a·b)/db = a: the operands themselves, so no new gate."""
    return b, a


def exp(out: Value, x: Value) -> tuple[Value]:
    """e^x is its own derivative: the output Value."""
    return (out,)


def reciprocal(out: Value, x: Value) -> tuple[Value]:
    """d(1/x)/dx = -(1/x)² = -out · out."""
    return (-out * out,)


def sigmoid(out: Value, x: Value) -> tuple[Value]:
    """σ' = σ·(1 - σ), made of the output Value."""
    return (out * (1.0 - out),)


def tanh(out: Value, x: Value) -> tuple[Value]:
    """tanh' = 1 - tanh², made of the output Value."""
    return (1.0 - out * out,)


def log(out: Value, x: Value) -> tuple[Value]:
    """d(log x)/dx = 1/x: a reciprocal gate on the operand."""
    return (x.reciprocal(),)


def power(out: Value, x: Value, c: float) -> tuple[Value | float, float]:
    """d(x^c)/dx = x^(c-1) · c; the exponent is a constant, never differentiated.

    x^0 is constant, so its slope is the number 0 (as in the float rule), and
    x^1's is the number 1 (the float rule's c · x^0 is 1 · 1 everywhere).
    """
    if c == 0.0:
        return 0.0, math.nan
    if c == 1.0:
        return 1.0, math.nan
    return (x ** (c - 1.0)) * c, math.nan


def constant_slopes(out: Value, *operands: Value | float) -> tuple[float, ...]:
    """The float table's own slopes, held constant: for relu and max.

    Their slopes are 0 or 1 (½ at a tie of max) and change only by jumping at a
    kink, so as functions they are constant almost everywhere: their derivative
    is 0, and the upstream gradient times this constant mask is all there is.
    """
    gate = out.gate
    if gate is None:
        raise TypeError("constant_slopes() needs a gate's output, got a leaf")
    return gate.local_grads(*(float(operand) for operand in operands))
