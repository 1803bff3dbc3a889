"""Graph algorithms shared by the engine and the renderer.

Everything here is iterative: a graph as deep as memory allows (a chain of a
million gates) never meets Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value


def gate_order(root: Value) -> list[Value]:
    """The gate outputs `root` depends on (root included), in creation order.

    A Value can only be made from Values that already exist, so creation order
    is a topological order: collect what `root` reaches with an explicit stack,
    then sort by creation number. Deterministic, and no recursion. Leaves are
    left out: backward needs no order for them, and skipping them halves the
    walk in a network, where most Values are weights and inputs.
    """
    if root._a is None:
        return []
    reached = {root}
    stack = [root]
    while stack:
        node = stack.pop()
        while True:  # walk down first operands directly; stack second ones for later
            b = node._b
            if b is not None and b._a is not None and b not in reached:
                reached.add(b)
                stack.append(b)
            node = node._a
            if node._a is None or node in reached:
                break
            reached.add(node)
    return sorted(reached, key=_creation_number)


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, parents before children: leaves, then gates."""
    if root._a is None:
        return [root]
    gates = gate_order(root)
    leaves = {
        operand: None
        for gate in gates
        for operand in (gate._a, gate._b)
        if operand is not None and operand._a is None
    }
    return sorted(leaves, key=_creation_number) + gates


_creation_number = attrgetter("_id")


def backward_steps(root: Value) -> Iterator[Value]:
    """Backpropagate from `root`, yielding each gate's output once it is processed.

    Nodes come in reverse topological order, root first. When a node is yielded,
    the chain rule has just been applied at its gate: each operand has received
    `local_grad * node.grad`. `Value.backward()` runs this to the end; the
    frame-by-frame renderer draws the graph after each step.

    Gates push their gradient on, so a pass starts every gate's output from zero,
    computes this pass's gradients only, and adds back what it held before:
    calling backward twice adds the same amounts twice, instead of pushing the
    first pass's gradients through the graph again. Leaves pass nothing on, so
    they simply accumulate.
    """
    gates = gate_order(root)
    gates.reverse()
    earlier = [node.grad for node in gates]
    first_pass = not any(earlier)  # the usual case: nothing to set aside
    if not first_pass:
        for node in gates:
            node.grad = 0.0
    root.grad += 1.0
    try:
        for node in gates:
            upstream = node.grad
            node._a.grad += node._da * upstream
            if node._b is not None:
                node._b.grad += node._db * upstream
            yield node
    finally:
        if not first_pass:
            for node, grad in zip(gates, earlier, strict=True):
                node.grad += grad


def zero_grad(root: Value) -> None:
    """Set `.grad` to 0.0 on `root` and on every node it depends on."""
    for node in topological_order(root):
        node.grad = 0.0
