"""Graph algorithms shared by the engine and the renderer.

Everything here is iterative: a graph as deep as memory allows (a chain of a
million gates) never meets Python's recursion limit.

The order of a backward pass is Kahn's: a gate may hand its gradient down only
once every gate of this graph that uses its output has handed down theirs.
Pass one counts, on each gate output below the root, how many gates of the
graph use it (the Value's `_pending`). Pass two starts at the root; after a
gate's chain-rule step, each of its operands has one user fewer to wait for,
and an operand left with none is ready. The counts end at zero, as they began,
so the next pass starts clean; backward() needs no sort and no set of visited
nodes, which makes this the cheapest order we found in Python (it beat a sort
by creation number and a depth-first walk). A pass runs to the end, or is cleaned
up if interrupted, before the next one starts; two threads must not run passes
over shared nodes at the same time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value

Held = list[tuple["Value", float]]  # the .grad a pass set aside, to add back at its end


def _count_users(root: Value, held: Held) -> None:
    """Pass one: set `_pending` on every gate output below `root`; clear the graph's .grad.

    A pass computes its own gradients from zero, so every nonzero `.grad` it
    meets is set aside in `held`, to be added back when the pass ends.
    That makes a second `backward()` add exactly what the first one did,
    instead of pushing the first pass's gradients of inner nodes down again.
    The two operands are handled by the same lines written twice: a loop over
    them would cost a tuple per gate.
    """
    if root.grad:
        held.append((root, root.grad))
        root.grad = 0.0
    stack = [root] if root._a is not None else []
    while stack:
        node = stack.pop()
        a: Value = node._a  # type: ignore[assignment]  # a gate always has a first operand
        if a._pending:  # a gate output met before: one more user
            a._pending += 1
        else:  # a leaf, or a gate output met for the first time
            if a.grad:
                held.append((a, a.grad))
                a.grad = 0.0
            if a._a is not None:
                a._pending = 1
                stack.append(a)
        b = node._b
        if b is not None:
            if b._pending:
                b._pending += 1
            else:
                if b.grad:
                    held.append((b, b.grad))
                    b.grad = 0.0
                if b._a is not None:
                    b._pending = 1
                    stack.append(b)


def backpropagate(root: Value) -> None:
    """Add d root / d node to `.grad` of every node `root` depends on (Value.backward).

    Pass two of the module docstring, with the chain rule: a gate output whose
    users are all done has its whole gradient, so it hands `local_grad * grad`
    to each operand, and each operand has one user fewer to wait for. Root
    first; of two operands ready together the second one's branch comes first
    (a stack), which is deterministic.
    """
    held: Held = []
    passing_down = False
    try:
        _count_users(root, held)
        passing_down = True
        root.grad = 1.0
        ready = [root] if root._a is not None else []
        while ready:
            node = ready.pop()
            upstream = node.grad
            a: Value = node._a  # type: ignore[assignment]
            a.grad += node._da * upstream
            waiting = a._pending  # 0 for a leaf
            if waiting:
                if waiting == 1:
                    a._pending = 0
                    ready.append(a)
                else:
                    a._pending = waiting - 1
            b = node._b
            if b is not None:
                b.grad += node._db * upstream
                waiting = b._pending
                if waiting:
                    if waiting == 1:
                        b._pending = 0
                        ready.append(b)
                    else:
                        b._pending = waiting - 1
        for node, grad in held:
            node.grad += grad
    except BaseException:  # e.g. Ctrl-C in a huge pass: no count and no half pass left behind
        _abandon(root, held, passing_down)
        raise


def _gates_root_first(root: Value) -> list[Value]:
    """The gate outputs `root` depends on, root first, in the order backward() takes them.

    The same two passes as backpropagate(), without gradients and with the counts
    in a dict, so the graph is only read: backpropagate() keeps its counts on the
    Values because that is faster, this is for pictures and steps. First operand
    before second, as there, so the order is the same.
    """
    if root.is_leaf:
        return []
    users: dict[Value, int] = {}
    stack = [root]
    while stack:
        for operand in stack.pop().parents:
            if operand.is_leaf:
                continue
            if operand in users:
                users[operand] += 1
            else:
                users[operand] = 1
                stack.append(operand)
    order = []
    ready = [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for operand in node.parents:
            if not operand.is_leaf:
                users[operand] -= 1
                if not users[operand]:
                    ready.append(operand)
    return order


def backward_steps(root: Value) -> Iterator[Value]:
    """The backward pass one gate at a time: yield each gate output just after its step.

    Nodes come root first, in the order of `Value.backward()` and with the same
    arithmetic, so the final gradients agree with it to the last bit. When a
    node is yielded, the chain rule has just been applied at its gate: each
    operand has received `local_grad * node.grad`. The frame-by-frame renderer
    draws the graph after each step.

    The order is computed before the first step, so nothing of the pass is kept
    in the graph between steps: `viz.draw`, which runs a pass of its own and then
    puts every `.grad` back, may be called between two steps. A backward() there
    would not be undone: the next steps would pass its gradients on as well.
    Like backward(), the steps add their gradients to what `.grad` held before;
    a caller who stops early gets every `.grad` back as it was before the first
    step.
    """
    order = _gates_root_first(root)
    saved = _grads(root)
    finished = False
    try:
        for node, grad in saved:
            if grad:  # as in backward(): only a nonzero .grad is set aside
                node.grad = 0.0
        root.grad = 1.0
        for node in order:
            upstream = node.grad
            node._a.grad += node._da * upstream  # type: ignore[union-attr]
            if node._b is not None:
                node._b.grad += node._db * upstream
            yield node
        for node, grad in saved:
            if grad:
                node.grad += grad
        finished = True
    finally:
        if not finished:
            for node, grad in saved:
                node.grad = grad


def _grads(root: Value) -> Held:
    """Every node `root` depends on, with its .grad now."""
    return [(node, node.grad) for node in _reachable(root)]


def _abandon(root: Value, held: Held, passing_down: bool) -> None:
    """Undo an interrupted backpropagate(): counts back to 0, .grad as before the pass.

    Before gradients were passed down, only the .grad set aside in `held` had
    changed; after, every node's .grad may hold some of this pass's work.
    """
    for node in _reachable(root):
        node._pending = 0
        if passing_down:
            node.grad = 0.0
    for node, grad in held:
        node.grad = grad


def _reachable(root: Value) -> list[Value]:
    """Every node `root` depends on, root included, found without the counts."""
    seen = {root}
    stack = [root]
    while stack:
        node = stack.pop()
        for operand in (node._a, node._b):
            if operand is not None and operand not in seen:
                seen.add(operand)
                stack.append(operand)
    return list(seen)


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, parents before children: leaves, then gates.

    Gates come in the reverse of the backward pass's order; leaves in the order
    the gates first use them, so `(x + y) * z` lists x, y, z, then x+y, then f.
    The graph is only read.
    """
    gates = _gates_root_first(root)
    gates.reverse()
    leaves: dict[Value, None] = {}  # a dict keeps first-use order
    for node in gates:
        for operand in node.parents:
            if operand.is_leaf:
                leaves[operand] = None
    if root.is_leaf:
        leaves[root] = None
    return [*leaves, *gates]


def zero_grad(root: Value) -> None:
    """Set `.grad` to 0.0 on `root` and on every node it depends on.

    It also clears any user count a pass could have left behind, so that after
    zero_grad() the graph is as good as new whatever happened before.
    """
    for node in _reachable(root):
        node.grad = 0.0
        node._pending = 0
