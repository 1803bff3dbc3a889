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


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each listed after all of its parents.

    A Value can only be made from Values that already exist, so creation order
    is a topological order: collect what `root` reaches with an explicit stack,
    then sort by creation number. Deterministic, and no recursion.
    """
    reached = {root}
    stack = [root]
    while stack:
        node = stack.pop()
        a = node._a
        if a is None:
            continue  # a leaf
        if a not in reached:
            reached.add(a)
            stack.append(a)
        b = node._b
        if b is not None and b not in reached:
            reached.add(b)
            stack.append(b)
    return sorted(reached, key=_creation_number)


_creation_number = attrgetter("_id")


def backward_steps(root: Value) -> Iterator[Value]:
    """Backpropagate from `root`, yielding each gate's output once it is processed.

    Nodes come in reverse topological order, root first. When a node is yielded,
    the chain rule has just been applied at its gate: each operand has received
    `local_grad * node.grad`. `Value.backward()` runs this to the end; the
    frame-by-frame renderer draws the graph after each step.

    A pass starts every node from zero so that it computes this pass's gradients
    only, then adds back what the nodes held before: calling backward twice adds
    the same amounts twice, instead of pushing the first pass's gradients of
    inner nodes through the graph again.
    """
    order = topological_order(root)
    order.reverse()
    earlier = [node.grad for node in order]
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    try:
        for node in order:
            if node._a is None:
                continue  # a leaf: nothing to pass on
            upstream = node.grad
            node._a.grad += node._da * upstream
            if node._b is not None:
                node._b.grad += node._db * upstream
            yield node
    finally:
        for node, grad in zip(order, earlier, strict=True):
            node.grad += grad


def zero_grad(root: Value) -> None:
    """Set `.grad` to 0.0 on `root` and on every node it depends on."""
    for node in topological_order(root):
        node.grad = 0.0
