"""What Graphviz's `dot` will make of a scene, worked out before it runs.

`dot` puts every node in a column (its rank), and a wire that skips columns gets
an invisible point in each column it crosses. Its positioning step (network
simplex) then works on all those points, and its time grows faster than their
number: `x+x+…+x` with 100 terms drawn as one `x` branching to every gate made
its wires cross 9,700 columns and took 15 s, where the same gates with a copy of
`x` by each take 0.3 s. So the guard here counts the columns the wires will
cross, and refuses a scene that would take minutes before `dot` starts.

The columns are estimated as `dot` chooses them: every node as far right as its
uses allow (a value sits just before its first use), the aligned inputs of a
small circuit in the first column, and the output in the last.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .caller import warn_caller
from .scene import GraphTooLargeError, GraphTooLargeWarning, Scene, Wire

# Columns crossed by wires, in all: up to WARN_CROSSINGS `dot` takes a second or
# two; past MAX_CROSSINGS it takes many seconds, then minutes (time grows about
# with the square), and `dot` 2.43 crashes near 250,000.
WARN_CROSSINGS = 1500
MAX_CROSSINGS = 4000

# The inputs of a small circuit are lined up in the first column only while that
# stretches their wires across this many columns in all: not across a long chain.
ALIGN_REACH = 40


@dataclass(frozen=True)
class LayoutCost:
    """How much placing a scene asks of `dot`."""

    nodes: int  # gates and wires, each a node of its own
    crossings: int  # columns crossed by wires that skip columns: invisible points
    widest: str | None  # the value whose wires cross the most columns
    widest_crossings: int


def aligned_sources(scene: Scene, limit: int) -> list[str]:
    """The leaf wires lined up in the first column, as the slides do for a small circuit.

    None past `limit` inputs (a network reads better with each input by its gate),
    nor when lining them up would stretch their wires across a long graph. (A
    copy of a leaf drawn once per use is a branch, and stays by its gate.)
    """
    sources = [w.id for w in scene.wires if w.kind == "input" or (w.kind == "trunk" and w.start)]
    if len(sources) > limit:
        return []
    column = columns(scene, [])
    stretch = sum(column.get(wid, 0) for wid in sources)
    return sources if stretch <= ALIGN_REACH else []


def _edges(scene: Scene) -> list[tuple[str, str, Wire]]:
    """Every edge `dot` draws (tail, head), with the wire it belongs to."""
    edges = []
    for wire in scene.wires:
        if wire.source is not None:
            edges.append((wire.source, wire.id, wire))
        if wire.target is not None:
            edges.append((wire.id, wire.target, wire))
    return edges


def _longest_paths(scene: Scene, backward: bool = False) -> dict[str, int]:
    """The longest path to each node from a node with no edge in (or, `backward`, out).

    Walked in topological order, so each node is met once all its predecessors are done.
    """
    nexts: dict[str, list[str]] = defaultdict(list)
    incoming: dict[str, int] = defaultdict(int)
    for tail, head, _ in _edges(scene):
        if backward:
            tail, head = head, tail
        nexts[tail].append(head)
        incoming[head] += 1
    ids = [n.id for n in scene.nodes] + [w.id for w in scene.wires]
    ready = [i for i in ids if incoming[i] == 0]
    length = dict.fromkeys(ready, 0)
    while ready:
        node = ready.pop()
        for head in nexts[node]:
            length[head] = max(length.get(head, 0), length[node] + 1)
            incoming[head] -= 1
            if incoming[head] == 0:
                ready.append(head)
    return length


def depths(scene: Scene) -> dict[str, int]:
    """How many nodes lie before each node on the longest chain from an input."""
    return _longest_paths(scene)


def columns(scene: Scene, aligned: list[str]) -> dict[str, int]:
    """The column `dot` will give each node: as late as its uses allow."""
    height = _longest_paths(scene, backward=True)
    last = max(height.values(), default=0)
    column = {node: last - h for node, h in height.items()}
    tails = {tail for tail, _, _ in _edges(scene)}
    for wire in scene.wires:  # a value's own wire that ends in a name: just after its gate
        if wire.kind != "output" and wire.id not in tails and wire.source is not None:
            column[wire.id] = column.get(wire.source, 0) + 1
    for wid in aligned:
        column[wid] = 0
    return column


def layout_cost(scene: Scene, aligned: list[str]) -> LayoutCost:
    """Count the columns the wires of `scene` will cross (see the module's docstring)."""
    column = columns(scene, aligned)
    wire_of = {w.id: w for w in scene.wires}
    gate_text = {n.id: n.text for n in scene.nodes}

    def value_name(wire: Wire) -> str:
        """How a message names the value a wire carries: `x`, `q`, `the output of tanh`."""
        if wire.kind == "branch" and wire.source in wire_of:
            wire = wire_of[wire.source]
        if wire.start or wire.name:
            return repr(wire.start or wire.name)
        gate = gate_text.get(wire.source or "")
        return f"the output of {gate}" if gate else "a value"

    # Counted per value, not per name: forty unlabelled outputs of tanh are forty values.
    by_value: dict[int | str, int] = defaultdict(int)
    name_of: dict[int | str, str] = {}
    crossings = 0
    for tail, head, wire in _edges(scene):
        skipped = max(0, column.get(head, 0) - column.get(tail, 0) - 1)
        crossings += skipped
        value = wire.node if wire.node is not None else wire.id  # a constant: its own wire
        by_value[value] += skipped
        name_of.setdefault(value, value_name(wire))
    widest, most = max(by_value.items(), key=lambda kv: kv[1], default=(None, 0))
    return LayoutCost(
        nodes=len(scene.nodes) + len(scene.wires),
        crossings=crossings,
        widest=name_of[widest] if widest is not None and most else None,
        widest_crossings=most,
    )


def check_layout(scene: Scene, aligned: list[str]) -> None:
    """Refuse a scene `dot` would take minutes over (or crash on); warn when it is slow."""
    cost = layout_cost(scene, aligned)
    if cost.crossings <= WARN_CROSSINGS:
        return
    why = f"its wires cross {cost.crossings} columns of the picture"
    if cost.widest is not None and 2 * cost.widest_crossings >= cost.crossings:
        why += f", {cost.widest_crossings} of them the wires of {cost.widest}"
    elif cost.widest is not None:
        why += (
            ", spread over many values used far from where they are made (the most by one "
            f"value, {cost.widest}: {cost.widest_crossings})"
        )
    if cost.crossings > MAX_CROSSINGS:
        raise GraphTooLargeError(
            f"the graph is too large to lay out: {why}, and Graphviz places each crossing "
            f"as a point of its own (it would take minutes past {MAX_CROSSINGS}, or crash); "
            "values used by gates far from where they are made do this: draw a smaller "
            "part of the graph (fewer steps or terms)"
        )
    warn_caller(
        f"the graph is slow to lay out ({why}): Graphviz may take several seconds",
        GraphTooLargeWarning,
    )
