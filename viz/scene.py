"""Value graph -> a plain description of the picture (no Graphviz here).

A scene is what a slide shows, as data:

- `Node`: a gate circle (`+`, `*-1`, `exp`, ...) or a collapsed composite gate.
- `Wire`: one stretch of wire with its forward value (green, above) and its
  gradient (red, below). A leaf's name is written where its wire starts, the
  output's name where the root's wire ends. A value used by several gates gets a
  trunk wire (its value and summed gradient) that branches into one wire per use,
  each carrying that use's own contribution `local * upstream`.
- `Group`: a composite gate drawn as a labelled box around its gates.

What the picture knows about gradients comes in a `GradState`: `viz.draw` shows
the engine's current `.grad` values (or none), the frames of `viz.steps` show the
gradients the engine has accumulated after each step of the backward pass.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

from autograd import Value, topological_order
from autograd.composite import Composite

from .theme import format_constant, format_number

GROUP_MODES = ("box", "collapse", "none")
RANKDIRS = ("LR", "RL", "TB", "BT")

# Above WARN_NODES drawn nodes a picture is hard to read and Graphviz gets slow;
# above MAX_NODES it can take minutes, so we refuse instead of hanging.
WARN_NODES = 500
MAX_NODES = 2000


class GraphTooLargeWarning(UserWarning):
    """The graph draws, but it has too many nodes to read comfortably."""


class GraphTooLargeError(ValueError):
    """The graph has too many nodes for Graphviz to lay out in reasonable time."""


@dataclass(frozen=True)
class Node:
    id: str
    text: str  # what is written in the circle
    kind: str  # "gate" or "composite" (a collapsed group)
    group: str | None = None  # the innermost box it is drawn in
    active: bool = False  # frames: the gate whose chain-rule step is shown


@dataclass(frozen=True)
class Wire:
    id: str
    kind: str  # "input", "constant", "wire", "trunk", "branch" or "output"
    value: float
    grad: float | None  # None: not shown (not computed yet, or a constant)
    source: str | None  # Node or Wire it comes out of; None: it starts at `start`
    target: str | None  # Node it goes into; None: it ends at `end`
    start: str | None = None  # leaf name (or value) written where the wire starts
    end: str | None = None  # output name written where the wire ends
    name: str | None = None  # label of an intermediate value, written by its number
    group: str | None = None  # the innermost box it is drawn in
    reserve: float | None = None  # frames: a gradient not known yet, drawn invisibly
    active: bool = False  # frames: its gradient was just computed
    slot: int = 0  # wires into one gate are drawn top to bottom in slot order


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    parent: str | None  # enclosing box, if any


@dataclass(frozen=True)
class Scene:
    nodes: tuple[Node, ...]
    wires: tuple[Wire, ...]
    groups: tuple[Group, ...]
    rankdir: str = "LR"
    precision: int = 2
    note: str | None = None  # one line under the picture
    caption: tuple[str, ...] = ()  # frames: lines of text under the picture
    title: str | None = None  # frames: bold first line of the caption
    caption_width: int | None = None  # points; frames keep one width so they line up


@dataclass(frozen=True)
class GradState:
    """The gradients a picture shows, by position in `topological_order(root)`.

    `processed`: gates whose chain-rule step has run, so the wires into them
    carry known gradients. `seeded`: the root's own gradient is known.
    `reserve`: the final gradients, written invisibly where a gradient is not
    known yet so that every frame of an animation has the same layout.
    """

    grads: Sequence[float]
    processed: frozenset[int]
    seeded: bool
    reserve: Sequence[float] | None = None


@dataclass
class _Use:
    """One drawn use of a value: a target drawn node and the gates behind it."""

    target: str | None  # None: the output end
    slot: int  # operand slots in gate order, then operand order
    consumers: list[tuple[int, float]] = field(default_factory=list)  # (gate index, local)


def root_name(root: Value) -> str:
    return root.label if root.label else "f"


def gate_text(node: Value, fold_constants: bool) -> str:
    """The symbol in a gate's circle, with a folded constant as on the slides."""
    gate = node.gate
    assert gate is not None
    const = node.const
    if const is None or not fold_constants:
        return gate.symbol
    text = format_constant(const)
    symbol = gate.symbol
    if symbol == "+" and (const < 0 or text.startswith("-")):
        return text  # x - 3 reads `-3`, not `+-3`
    if symbol and not any(ch.isalnum() for ch in symbol):
        return f"{symbol}{text}"  # infix: +1, *-1, **2
    return f"{symbol}(·,{text})"  # a named gate: max(·,0)


def check_size(count: int, groups: str) -> None:
    hint = (
        ""
        if groups == "collapse"
        else '; draw composite gates as single gates with groups="collapse"'
    )
    if count > MAX_NODES:
        raise GraphTooLargeError(
            f"the graph has {count} nodes to draw, more than viz draws ({MAX_NODES}): "
            f"Graphviz would take minutes{hint}, or draw a smaller part of the graph"
        )
    if count > WARN_NODES:
        warnings.warn(
            f"drawing {count} nodes: the picture will be hard to read{hint}",
            GraphTooLargeWarning,
            stacklevel=4,
        )


def validate(precision: int, groups: str, rankdir: str) -> None:
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 12:
        raise ValueError(f"precision must be an int from 0 to 12, got {precision!r}")
    if groups not in GROUP_MODES:
        choices = ", ".join(map(repr, GROUP_MODES))
        raise ValueError(f"groups must be one of {choices}, got {groups!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")


def build_scene(
    root: Value,
    state: GradState,
    *,
    order: list[Value] | None = None,
    precision: int = 2,
    fold_constants: bool = True,
    groups: str = "box",
    rankdir: str = "LR",
    active: int | None = None,
    note: str | None = None,
    caption: Sequence[str] = (),
    title: str | None = None,
) -> Scene:
    """The scene of the graph ending at `root`; `active` is a gate's position in `order`."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value to draw, got {type(root).__name__}")
    validate(precision, groups, rankdir)
    if order is None:
        order = topological_order(root)
    if groups != "collapse":
        check_size(len(order), groups)  # early: nothing below is worth doing
    index = {node: i for i, node in enumerate(order)}
    grads = state.grads

    # --- groups: which box each gate is in, or which collapsed gate it is part of
    group_ids: dict[Composite, str] = {}
    group_list: list[Group] = []

    def group_id(comp: Composite) -> str:
        gid = group_ids.get(comp)
        if gid is None:
            parent = None
            if groups == "box" and comp.parent is not None:
                parent = group_id(comp.parent)
            gid = f"c{len(group_list)}"
            group_ids[comp] = gid
            group_list.append(Group(gid, comp.name, parent))
        return gid

    drawn: dict[int, str] = {}  # gate index -> id of the node that draws it
    node_group: dict[str, str | None] = {}  # node id -> box
    nodes: list[Node] = []
    for i, node in enumerate(order):
        if node.gate is None:
            continue
        scope = node.scope if groups != "none" else None
        if groups == "collapse" and scope is not None:
            while scope.parent is not None:
                scope = scope.parent
            gid = group_id(scope)
            drawn[i] = gid
            if gid not in node_group:
                node_group[gid] = None
                nodes.append(Node(gid, scope.name, "composite"))
            continue
        nid = f"g{i}"
        drawn[i] = nid
        box = group_id(scope) if scope is not None else None
        node_group[nid] = box
        nodes.append(Node(nid, gate_text(node, fold_constants), "gate", box))
    if groups == "collapse":
        check_size(len(nodes) + sum(1 for n in order if n.gate is None), groups)

    active_id = drawn.get(active) if active is not None else None
    if active_id is not None:
        nodes = [
            Node(n.id, n.text, n.kind, n.group, True) if n.id == active_id else n for n in nodes
        ]

    # --- uses: one per (value, gate) operand slot; a collapsed gate takes each value once
    uses: dict[int, list[_Use]] = {}
    constants: list[tuple[int, float, int]] = []  # (gate index, constant, slot) as leaves
    slot = 0
    for j, node in enumerate(order):
        if node.gate is None:
            continue
        target = drawn[j]
        collapsed = not target.startswith("g")
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            p = index[parent]
            if drawn.get(p) == target:
                continue  # inside one collapsed gate
            slots = uses.setdefault(p, [])
            if collapsed:
                same = [u for u in slots if u.target == target]
                if same:
                    same[0].consumers.append((j, local))
                    continue
            slots.append(_Use(target, slot, [(j, local)]))
            slot += 1
        if node.const is not None and not fold_constants and not collapsed:
            constants.append((j, node.const, slot))
            slot += 1
    r = index[root]
    uses.setdefault(r, []).append(_Use(None, slot))

    # --- wires, in the order of the values they carry
    wires: list[Wire] = []

    parents = {g.id: g.parent for g in group_list}

    def common_group(a: str | None, b: str | None) -> str | None:
        chain = []
        while a is not None:
            chain.append(a)
            a = parents[a]
        while b is not None and b not in chain:
            b = parents[b]
        return b

    def target_group(target: str | None) -> str | None:
        return node_group.get(target) if target is not None else None

    def use_grad(use: _Use) -> float | None:
        done = [(j, local) for j, local in use.consumers if j in state.processed]
        if not done:
            return None
        return math.fsum(local * grads[j] for j, local in done)

    def use_reserve(use: _Use) -> float | None:
        if state.reserve is None:
            return None
        return math.fsum(local * state.reserve[j] for j, local in use.consumers)

    def is_active(use: _Use) -> bool:
        return active is not None and any(j == active for j, _ in use.consumers)

    def new_id() -> str:
        return f"w{len(wires)}"

    pending_constants = sorted(
        constants, key=lambda jc: max(index[p] for p in order[jc[0]].parents)
    )
    for v, node in enumerate(order):
        value_uses = uses.get(v)
        if not value_uses:
            continue
        is_root = v == r
        leaf = node.gate is None
        start = (node.label or format_number(node.data, precision)) if leaf else None
        source = None if leaf else drawn[v]
        name = node.label if not leaf and not is_root else None
        src_group = None if leaf else node_group[drawn[v]]
        if len(value_uses) == 1:
            use = value_uses[0]
            if use.target is None:  # the root's wire: its gradient is the seed
                grad = grads[v] if state.seeded else None
                reserve = state.reserve[v] if state.reserve is not None else None
                wire_group = None
            else:
                grad = grads[v] if use_grad(use) is not None else None
                reserve = state.reserve[v] if state.reserve is not None else None
                wire_group = common_group(src_group, target_group(use.target))
            kind = "output" if use.target is None else "input" if leaf else "wire"
            wires.append(
                Wire(
                    new_id(),
                    kind,
                    node.data,
                    grad,
                    source,
                    use.target,
                    start=start,
                    end=root_name(root) if use.target is None else None,
                    name=name,
                    group=wire_group,
                    reserve=reserve,
                    active=is_active(use),
                    slot=use.slot,
                )
            )
        else:
            trunk_group = src_group
            for use in value_uses:
                trunk_group = common_group(trunk_group, target_group(use.target))
            known = any(use_grad(use) is not None for use in value_uses if use.target is not None)
            trunk = new_id()
            wires.append(
                Wire(
                    trunk,
                    "trunk",
                    node.data,
                    grads[v] if known else None,
                    source,
                    None,
                    start=start,
                    name=name,
                    group=trunk_group,
                    reserve=state.reserve[v] if state.reserve is not None else None,
                    active=any(is_active(use) for use in value_uses),
                )
            )
            for use in value_uses:
                wires.append(
                    Wire(
                        new_id(),
                        "branch",
                        node.data,
                        use_grad(use),
                        trunk,
                        use.target,
                        group=common_group(trunk_group, target_group(use.target)),
                        reserve=use_reserve(use),
                        active=is_active(use),
                        slot=use.slot,
                    )
                )
        while (
            pending_constants and max(index[p] for p in order[pending_constants[0][0]].parents) <= v
        ):
            j, const, const_slot = pending_constants.pop(0)
            wires.append(
                Wire(
                    new_id(),
                    "constant",
                    const,
                    None,
                    None,
                    drawn[j],
                    start=format_constant(const, precision),
                    group=node_group[drawn[j]],
                    slot=const_slot,
                )
            )

    return Scene(
        nodes=tuple(nodes),
        wires=tuple(wires),
        groups=tuple(group_list) if groups == "box" else (),
        rankdir=rankdir,
        precision=precision,
        note=note,
        caption=tuple(caption),
        title=title,
    )


def current_state(root: Value, order: list[Value], show: bool) -> GradState:
    """The engine's `.grad` values as they are now, all shown or none."""
    gates = frozenset(i for i, n in enumerate(order) if n.gate is not None) if show else frozenset()
    return GradState(grads=[n.grad for n in order], processed=gates, seeded=show)
