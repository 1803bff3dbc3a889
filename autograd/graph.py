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

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value

Aside = list[tuple["Value", float]]  # nodes with the .grad they held when a pass began


def _count_users(root: Value, aside: Aside) -> None:
    """Pass one: set `_pending` on every gate output below `root`; set aside the graph's .grad.

    A pass computes its own gradients from zero, so every nonzero `.grad` it
    meets goes to `aside` and becomes 0.0, to be added back when the pass ends.
    That makes a second `backward()` add exactly what the first one did,
    instead of pushing the first pass's gradients of inner nodes down again.
    The two operands are handled by the same lines written twice: a loop over
    them would cost a tuple per gate.
    """
    if root.grad:
        aside.append((root, root.grad))
        root.grad = 0.0
    stack = [root] if root._a is not None else []
    while stack:
        node = stack.pop()
        a: Value = node._a  # type: ignore[assignment]  # a gate always has a first operand
        if a._pending:  # a gate output met before: one more user
            a._pending += 1
        else:  # a leaf, or a gate output met for the first time
            if a.grad:
                aside.append((a, a.grad))
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
                    aside.append((b, b.grad))
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
    aside: Aside = []
    counted = False
    try:
        _count_users(root, aside)
        counted = True
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
        _add_back(aside)
    except BaseException:  # e.g. Ctrl-C in a huge pass: no count and no half pass left behind
        _put_back(root, aside, all_aside=counted)
        raise


# --- a pass that leaves no trace: for pictures, frames and steps ----------------------------


@contextmanager
def fresh_pass(root: Value) -> Iterator[Iterator[Value]]:
    """One backward pass from `root`, from zero gradients; every `.grad` is put back after it.

        with fresh_pass(f) as steps:
            f.backward()                  # or: for node in steps: ...
            grads = [node.grad for node in nodes]

    Inside the block every nonzero `.grad` that `root` depends on is set aside (0.0),
    as backward() sets them aside, so a `root.backward()` there computes d root / d node
    and nothing else, to the same bits as on fresh Values. The block may walk the
    yielded `steps` instead: the same pass one gate at a time, as `backward_steps`
    yields it. On leaving the block, at its end, on an error or on Ctrl-C, every `.grad`
    is put back exactly as it was (-0.0 included) and no user count is left: drawing a
    graph, or recording its pass, does not change it. This is the only place where
    gradients are saved and put back; backward() itself only adds.
    """
    aside: Aside = []
    try:
        _set_aside(root, aside)
        yield _steps(root)
    finally:
        _put_back(root, aside, all_aside=False)


def fresh_gradients(root: Value, nodes: Sequence[Value]) -> list[float]:
    """d root / d node for each of `nodes` (nodes root depends on), the graph left as it was.

    One `root.backward()` inside a `fresh_pass`: what a picture of `root` shows.
    """
    with fresh_pass(root):
        root.backward()
        return [node.grad for node in nodes]


def backward_steps(root: Value) -> Iterator[Value]:
    """The backward pass one gate at a time: yield each gate output just after its step.

    Nodes come root first, in the order of `Value.backward()` and with the same
    arithmetic, so the final gradients agree with it to the last bit. When a
    node is yielded, the chain rule has just been applied at its gate: each
    operand has received `local_grad * node.grad`.

    The order is computed before the first step, so nothing of the pass is kept
    in the graph between steps: `viz.draw`, which runs a `fresh_pass` of its own,
    may be called between two steps. A backward() there would not be undone: the
    next steps would pass its gradients on as well. Like backward(), the steps add
    their gradients to what `.grad` held before; a caller who stops early gets
    every `.grad` back as it was before the first step.
    """
    aside: Aside = []
    try:
        _set_aside(root, aside)
        yield from _steps(root)
        _add_back(aside)
    except BaseException:  # GeneratorExit when the caller stops early, or Ctrl-C
        _put_back(root, aside, all_aside=False)
        raise


def _steps(root: Value) -> Iterator[Value]:
    """The chain rule gate by gate, root first, on whatever `.grad` hold now."""
    order = _gates_root_first(root)
    root.grad = 1.0
    for node in order:
        upstream = node.grad
        node._a.grad += node._da * upstream  # type: ignore[union-attr]
        if node._b is not None:
            node._b.grad += node._db * upstream
        yield node


def _set_aside(root: Value, aside: Aside) -> None:
    """Record every node below `root` with its .grad in `aside`, and clear the nonzero ones.

    A node is recorded before it is changed, so `aside` is right at every moment;
    -0.0 stays, as in backward(), whose arithmetic the pass must repeat bit for bit.
    """
    for node in _reachable(root):
        grad = node.grad
        aside.append((node, grad))
        if grad:
            node.grad = 0.0


def _add_back(aside: Aside) -> None:
    """End of an accumulating pass: add the .grad it set aside to the pass's own."""
    for node, grad in aside:
        if grad:
            node.grad += grad


def _put_back(root: Value, aside: Aside, all_aside: bool) -> None:
    """Undo a pass from `root`: no user count left, every .grad as before the pass.

    `aside` holds what the pass had set aside when it stopped. `all_aside`: every
    node not in `aside` held zero (backward() records only nonzero .grad, and it has
    met every node once its counts are done), so any gradient there is the pass's
    own work and is cleared (a -0.0 comes back as 0.0). Otherwise a node not in
    `aside` was never touched.
    """
    for node in _reachable(root):
        node._pending = 0
        if all_aside:
            node.grad = 0.0
    for node, grad in aside:
        node.grad = grad


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
