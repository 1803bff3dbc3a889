"""What `gradcheck(f, inputs, order=2)` (and higher) checks beyond the first derivatives.

A second derivative d²f/dx dy is d/dy of the function df/dx. `grad(...,
create_graph=True)` builds df/dx from gates, from the table's second column
(each gate's derivative written in gates); backward() through that graph gives
d²f/dx dy. The reference it is compared with is a central difference, in y, of
df/dx as backward() computes it from the float table: so a derivative rule in
gates that disagrees with its gate's float rule shows up here, instead of
agreeing with itself. Order 3 does the same one level up: d/dz of the gates'
d²f/dx dy against a central difference of its float version, and so on.

Every gate's rule in gates is also compared with its float rule at the graph's
own operands: a rule that gives other numbers than the float table is named,
even where the derivatives of the inputs happen to come out right.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import product

from ..derivatives import grad, local_slopes
from ..graph import topological_order
from ..value import Value
from .numerical import Tolerance, ValueFunction, gate_at, output_of

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

# Each order multiplies the derivatives to check by the number of inputs, and the gates
# of each by about GROWTH (measured on σ, tanh, 1/x, log: 2.9 to 3.0 per order). A check
# estimated at more than MAX_EVALUATIONS gate evaluations (about a minute here) is
# refused before it starts, instead of running for hours.
GROWTH = 3
MAX_EVALUATIONS = 50_000_000


@dataclass(frozen=True)
class WrongDerivativeRule:
    """A gate whose derivative written in gates disagrees with its own float rule."""

    gate: str
    operands: tuple[float, ...]  # the node's operand values, a folded constant last
    operand_index: int
    in_gates: float
    table: float

    def __str__(self) -> str:
        at = gate_at(self.gate, self.operands)
        return (
            f"gate {self.gate!r} has a wrong derivative in gates: at {at}, d/d(operand "
            f"{self.operand_index + 1}) is {self.in_gates:.6g} by its derivative rule but "
            f"{self.table:.6g} by its float rule"
        )


@dataclass(frozen=True)
class Derivative:
    """One derivative of f of order >= 1, ready for a first-order check of its own.

    `in_gates` builds it with create_graph=True (its backward() is checked);
    `in_floats` computes its last step with backward()'s floats (its finite
    differences are the reference).
    """

    path: tuple[int, ...]  # the inputs differentiated by, in order
    in_gates: ValueFunction
    in_floats: ValueFunction

    def name(self, names: Sequence[str], last: int) -> str:
        """`∂²f/∂x∂y` for the derivative of this one by input `last`."""
        order = str(len(self.path) + 1).translate(SUPERSCRIPTS)
        by = "".join(f"∂{names[i]}" for i in (*self.path, last))
        return f"∂{order}f/{by}"


def check_cost(gates: int, n_inputs: int, order: int) -> None:
    """Refuse a check of `order` that would take too long, with a ValueError saying why.

    For each order k below `order` there are n_inputs**k derivatives, each a graph of
    about gates·GROWTH**k gates, evaluated at 2·n_inputs + 2 points (the central
    differences and one backward pass). The sum stops once it is over the limit, so a
    huge order costs nothing to refuse.
    """
    evaluations = 0
    for k in range(1, order):
        evaluations += n_inputs**k * gates * GROWTH**k * (2 * n_inputs + 2)
        if evaluations > MAX_EVALUATIONS:
            raise ValueError(
                f"gradcheck(order={order}) of this f would take too long: each order "
                f"multiplies the derivatives to check by {n_inputs} (one per input) and "
                f"their gates by about {GROWTH}, so the orders up to {k + 1} need about "
                f"{evaluations:.0e} gate evaluations (the limit is {MAX_EVALUATIONS:.0e}, "
                "about a minute); ask for a lower order, or check fewer inputs at a time"
            )


def derivatives_to_check(f: ValueFunction, n_inputs: int, order: int) -> Iterator[Derivative]:
    """Every derivative of f of order 1 to order-1, each by every sequence of inputs."""
    for k in range(1, order):
        for path in product(range(n_inputs), repeat=k):
            yield Derivative(path, _in_gates(f, path), _in_floats(f, path))


def _in_gates(f: ValueFunction, path: tuple[int, ...]) -> ValueFunction:
    def derivative(*inputs: Value) -> Value:
        out = output_of(f, inputs)
        for i in path:
            (out,) = grad(out, [inputs[i]], create_graph=True)
        return out

    return derivative


def _in_floats(f: ValueFunction, path: tuple[int, ...]) -> ValueFunction:
    before_last = _in_gates(f, path[:-1])

    def derivative(*inputs: Value) -> Value:
        (slope,) = grad(before_last(*inputs), [inputs[path[-1]]])
        return slope

    return derivative


def wrong_derivative_rules(
    f: ValueFunction, leaves: Sequence[Value], order: int, tolerance: Tolerance
) -> tuple[WrongDerivativeRule, ...]:
    """Each gate whose rule in gates disagrees with its float rule (first place per gate),
    in every graph that `order` differentiates with gates: f's, and its derivatives' up to
    order-2."""
    found: dict[str, WrongDerivativeRule] = {}
    for k in range(order - 1):
        for path in product(range(len(leaves)), repeat=k):
            for node in topological_order(_in_gates(f, path)(*leaves)):
                gate = node.gate
                if gate is not None and gate.name not in found:
                    wrong = _check_rule(node, tolerance)
                    if wrong is not None:
                        found[gate.name] = wrong
    return tuple(found.values())


def _check_rule(node: Value, tolerance: Tolerance) -> WrongDerivativeRule | None:
    """The node's rule in gates against its float rule, at the node's own operands."""
    gate = node.gate
    assert gate is not None
    operands = [parent.data for parent in node.parents]
    if node.const is not None:
        operands.append(node.const)
    slopes = local_slopes(node)[: len(node.parents)]
    for i, (slope, table) in enumerate(zip(slopes, node.local_grads, strict=True)):
        in_gates = float(slope)
        agree = in_gates == table or (math.isnan(in_gates) and math.isnan(table))
        if not (agree or tolerance.close(in_gates, table)):
            return WrongDerivativeRule(gate.name, tuple(operands), i, in_gates, table)
    return None
