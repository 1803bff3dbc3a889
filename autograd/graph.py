"""Graph algorithms shared by the engine and the renderer.

Everything here is iterative: a graph as deep as memory allows (a chain of a
million gates) never meets Python's recursion limit.

The order of a backward pass is the reverse of a depth-first post-order: a walk
from the root that lists each gate output after every gate output it depends
on, first operand's branch before the second's; backward() then takes that list
from its end, so the root comes first, and after it each gate once every gate
that uses its output is done. The walk marks the Values it has listed with a
token made for this walk alone (`_mark`), so a mark left by an earlier walk,
even one stopped by Ctrl-C, means nothing to the next: no visited set, no
counts, nothing to clean up. Why not Kahn's order, two passes with a count
per Value: in a fresh process (one warm-up pass, the best of five) this walk's
backward takes about 0.4 of its time; in a process that has run ten passes
before, the two are within 15% of each other either way. A pass runs to the end, or
is cleaned up if interrupted, before the next one starts; two threads must not
run passes over shared nodes at the same time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value

Aside = list[tuple["Value", float]]  # nodes with the .grad they held when a pass began


def _gates_operands_first(root: Value, aside: Aside | None = None) -> list[Value]:
    """The gate outputs `root` depends on, root last, each after the gates it depends on.

    A depth-first walk down the first operand, then the second: a gate output
    with an operand still to list is parked on a stack (marked `parked`), and
    listed (marked `listed`) once its operands are; leaves are never pushed.
    With `aside`, the walk also sets aside every nonzero `.grad` it meets,
    leaves included, as backward() needs (see backpropagate); each is recorded
    before it is cleared, so `aside` is right at every moment. Without it the
    graph's numbers are only read.
    """
    order: list[Value] = []
    if root._a is None:
        return order
    parked = object()  # fresh tokens: marks of earlier walks are neither
    listed = object()
    stack: list[Value] = []
    push = stack.append  # bound once: the loops below run once per gate
    pop = stack.pop
    emit = order.append
    node = root
    while True:
        # Walk down from `node`, parking each gate that has an operand to list first.
        while True:
            a: Value = node._a  # type: ignore[assignment]  # a gate always has a first operand
            b = node._b
            if aside is not None and node.grad:  # met for the first time: set aside
                aside.append((node, node.grad))
                node.grad = 0.0
            if a._a is not None:
                a_waits = a._mark is not listed
            else:
                a_waits = False
                if aside is not None and a.grad:  # a leaf: cleared, so recorded only once
                    aside.append((a, a.grad))
                    a.grad = 0.0
            if b is None:
                b_waits = False
            elif b._a is not None:
                b_waits = b._mark is not listed
            else:
                b_waits = False
                if aside is not None and b.grad:
                    aside.append((b, b.grad))
                    b.grad = 0.0
            if a_waits:
                node._mark = parked
                push(node)
                if b_waits:
                    push(b)  # type: ignore[arg-type]  # b_waits: b is a gate output
                node = a
            elif b_waits:
                node._mark = parked
                push(node)
                node = b  # type: ignore[assignment]  # b_waits: b is a gate output
            else:
                break
        node._mark = listed  # its operands are listed
        emit(node)
        # Unwind: list parked gates whose operands are now listed; skip a second
        # operand listed since it was pushed; walk down from one that is not.
        while stack:
            node = pop()
            mark = node._mark
            if mark is parked:
                node._mark = listed
                emit(node)
            elif mark is not listed:
                break
        else:
            return order


def backpropagate(root: Value) -> None:
    """Add d root / d node to `.grad` of every node `root` depends on (Value.backward).

    A pass computes its own gradients from zero: the walk sets every nonzero
    `.grad` aside in `aside` (leaves included), to be added back when the pass
    ends. That makes a second `backward()` add exactly what the first one did,
    instead of pushing the first pass's gradients of inner nodes down again.
    Then one loop over the gates, root first (the module docstring's order),
    hands `local_grad * grad` to each operand: a gate's `.grad` is complete when
    its turn comes, because every gate that uses it came before.
    """
    aside: Aside = []
    walked = False
    try:
        if root.grad:  # a leaf root is not walked
            aside.append((root, root.grad))
            root.grad = 0.0
        order = _gates_operands_first(root, aside)
        walked = True
        root.grad = 1.0
        for node in reversed(order):
            upstream = node.grad
            node._a.grad += node._da * upstream  # type: ignore[union-attr]
            b = node._b
            if b is not None:
                b.grad += node._db * upstream
        _add_back(aside)
    except BaseException:  # e.g. Ctrl-C in a huge pass: no half pass left behind
        _put_back(root, aside, all_aside=walked)
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
    is put back exactly as it was (-0.0 included): drawing a graph, or recording its
    pass, does not change it. Nothing outside this module saves or restores
    gradients; here fresh_pass, backward_steps and backward() share `_set_aside`,
    `_add_back` and `_put_back`.
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
    """Undo a pass from `root`: every .grad as before the pass.

    `aside` holds what the pass had set aside when it stopped. `all_aside`: every
    node not in `aside` held zero (backward() records only nonzero .grad, and it has
    met every node once its walk is done), so any gradient there is the pass's
    own work and is cleared (a -0.0 comes back as 0.0). Otherwise a node not in
    `aside` was never touched. The walk's marks may stay: the next walk has its own.
    """
    if all_aside:
        for node in _reachable(root):
            node.grad = 0.0
    for node, grad in aside:
        node.grad = grad


def _gates_root_first(root: Value) -> list[Value]:
    """The gate outputs `root` depends on, root first, in the order backward() takes them.

    The graph's numbers are only read (the walk leaves only its marks), so
    pictures and steps may ask for it at any time.
    """
    order = _gates_operands_first(root)
    order.reverse()
    return order


def _reachable(root: Value) -> list[Value]:
    """Every node `root` depends on, root included (leaves too, unlike the walk above)."""
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
    The graph's numbers are only read.
    """
    gates = _gates_operands_first(root)
    leaves: dict[Value, None] = {}  # a dict keeps first-use order
    for node in gates:
        for operand in node.parents:
            if operand.is_leaf:
                leaves[operand] = None
    if root.is_leaf:
        leaves[root] = None
    return [*leaves, *gates]


def zero_grad(root: Value) -> None:
    """Set `.grad` to 0.0 on `root` and on every node it depends on."""
    for node in _reachable(root):
        node.grad = 0.0
