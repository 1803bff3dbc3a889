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


def walk(root: Value) -> tuple[list[Value], set[Value]]:
    """The gate outputs `root` depends on (root included) in creation order, and the leaves.

    A Value can only be made from Values that already exist, so creation order
    is a topological order: collect what `root` reaches with an explicit stack,
    then sort the gate outputs by creation number. Deterministic, and no
    recursion. Leaves need no order, so they are only collected: in a network
    most Values are weights and inputs, and leaving them out of the sort and the
    stack halves the work.
    """
    if root._a is None:
        return [], {root}
    gates = {root}
    leaves = set()
    stack = [root]
    while stack:
        node = stack.pop()
        while True:  # walk down first operands directly; stack second ones for later
            b = node._b
            if b is not None:
                if b._a is None:
                    leaves.add(b)
                elif b not in gates:
                    gates.add(b)
                    stack.append(b)
            node = node._a  # type: ignore[assignment]  # a gate always has a first operand
            if node._a is None:
                leaves.add(node)
                break
            if node in gates:
                break
            gates.add(node)
    return sorted(gates, key=_creation_number), leaves


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, parents before children: leaves, then gates."""
    gates, leaves = walk(root)
    return sorted(leaves, key=_creation_number) + gates


_creation_number = attrgetter("_id")


def backward_steps(root: Value) -> Iterator[Value]:
    """Backpropagate from `root`, yielding each gate's output once it is processed.

    Nodes come in reverse topological order, root first. When a node is yielded,
    the chain rule has just been applied at its gate: each operand has received
    `local_grad * node.grad`. `Value.backward()` runs this to the end; the
    frame-by-frame renderer draws the graph after each step.

    A pass computes this pass's gradients only, from zero, and then adds back
    what every node held before. So calling backward twice adds exactly the same
    amounts twice (as PyTorch does), instead of pushing the first pass's
    gradients of inner nodes through the graph again. On the usual first pass
    every gradient is already zero and there is nothing to set aside. The pass
    runs as the steps are taken: a caller who stops early gets every `.grad`
    back as it was before the pass (so do not run another pass over the same
    nodes while stepping through this one).
    """
    gates, leaves = walk(root)
    gates.reverse()
    nodes = [*gates, *leaves]
    earlier = [node.grad for node in nodes]
    first_pass = not any(earlier)
    if not first_pass:
        for node in nodes:
            node.grad = 0.0
    root.grad = 1.0
    finished = False
    try:
        for node in gates:
            upstream = node.grad
            node._a.grad += node._da * upstream  # type: ignore[union-attr]  # (a gate's)
            if node._b is not None:
                node._b.grad += node._db * upstream
            yield node
        finished = True
    finally:
        if not finished:  # stopped midway: undo the partial pass
            for node, grad in zip(nodes, earlier, strict=True):
                node.grad = grad
        elif not first_pass:
            for node, grad in zip(nodes, earlier, strict=True):
                node.grad += grad


def zero_grad(root: Value) -> None:
    """Set `.grad` to 0.0 on `root` and on every node it depends on."""
    for node in topological_order(root):
        node.grad = 0.0
