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
the gradients of one backward pass from its root (or none, or with
`show_grad="held"` the Values' `.grad` as they are), the frames of `viz.steps`
show the gradients the engine has accumulated after each step of that pass. A
pass for a picture is the engine's own, run inside `autograd.fresh_pass`, which
sets every `.grad` aside and puts it back, so a picture never shows, or leaves
behind, gradients that other passes added.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from autograd import Value, topological_order
from autograd.composite import Composite

from .caller import warn_caller
from .numbers import format_constant
from .options import Options

# Above WARN_NODES drawn nodes a picture is hard to read and Graphviz gets slow;
# above MAX_NODES it can take minutes, so we refuse instead of hanging.
WARN_NODES = 500
MAX_NODES = 2000

# A leaf used this many times or more, whose branches would reach across more
# than COPY_REACH gate columns in all, is drawn once per use (see copied_values).
COPY_MIN_USES = 3
COPY_REACH = 16
COPIES_NAMED = 3  # the note names this many copied values, then says how many more


class GraphTooLargeWarning(UserWarning):
    """The graph draws, but it has too many nodes to read comfortably."""


class GraphTooLargeError(ValueError):
    """The graph is too large to draw: too many nodes for Graphviz, or steps for frames."""


@dataclass(frozen=True)
class Node:
    id: str
    text: str  # what is written in the circle
    kind: str  # "gate" or "composite" (a collapsed group)
    group: str | None = None  # the innermost box it is drawn in
    active: bool = False  # frames: the gate whose chain-rule step is shown


@dataclass(frozen=True)
class Wire:
    """A stretch of wire; its numbers are text, written by `Options.number`."""

    id: str
    kind: str  # "input", "constant", "wire", "trunk", "branch" or "output"; a copy is a branch
    value: str
    grad: str | None  # None: not shown (not computed yet, or a constant)
    source: str | None  # Node or Wire it comes out of; None: it starts at `start`
    target: str | None  # Node it goes into; None: it ends at `end`
    start: str | None = None  # leaf name (or value) written where the wire starts
    end: str | None = None  # output name written where the wire ends
    name: str | None = None  # label of an intermediate value, written by its number
    group: str | None = None  # the innermost box it is drawn in
    reserve: str | None = None  # frames: a gradient not known yet, drawn invisibly
    active: bool = False  # frames: its gradient was just computed
    slot: int = 0  # wires into one gate are drawn top to bottom in slot order
    node: int | None = None  # index in the graph's order of the Value it carries (None: a constant)
    # (gate index, local derivative) of each gate step that sends this wire its gradient
    consumers: tuple[tuple[int, float], ...] = ()
    copy: tuple[int, int] | None = None  # (k, n): use k of n of a leaf drawn once per use


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
    note: str | None = None  # one line under the picture
    caption: tuple[str, ...] = ()  # frames: lines of text under the picture
    title: str | None = None  # frames: bold first line of the caption
    copies: str | None = None  # which leaves are drawn once per use, and their gradients
    caption_width: int | None = None  # points; frames keep one width so they line up
    drawn: dict[int, str] = field(default_factory=dict)  # gate index -> id of its circle


@dataclass(frozen=True)
class GradState:
    """The gradients a picture shows, by position in `topological_order(root)`.

    `processed`: gates whose chain-rule step has run, so the wires into them
    carry known gradients. `seeded`: the root's own gradient is known.
    `reserve`: the final gradients, written invisibly where a gradient is not
    known yet so that every frame of an animation has the same layout.
    `shares`: False leaves the branches of a shared value blank, for gradients
    taken from the Values' `.grad`, which do not say which use has sent its share.
    """

    grads: Sequence[float]
    processed: frozenset[int]
    seeded: bool
    reserve: Sequence[float] | None = None
    shares: bool = True


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


def check_size(count: int, groups: str, order: Sequence[Value]) -> None:
    """Refuse `count` nodes past MAX_NODES, warn past WARN_NODES; the hint to collapse
    only where it helps: a graph with composite gates not collapsed yet."""
    collapsible = groups != "collapse" and any(node.scope is not None for node in order)
    collapse = 'draw composite gates as single gates with groups="collapse"'
    hint = f"; {collapse}" if collapsible else ""
    if count > MAX_NODES:
        smaller = "a smaller part of the graph"
        todo = f"{collapse}, or {smaller}" if collapsible else f"draw {smaller}"
        raise GraphTooLargeError(
            f"the graph has {count} nodes to draw, more than viz draws ({MAX_NODES}): "
            f"Graphviz would take minutes; {todo}"
        )
    if count > WARN_NODES:
        warn_caller(
            f"drawing {count} nodes: the picture will be hard to read{hint}", GraphTooLargeWarning
        )


def build_scene(
    root: Value,
    state: GradState,
    options: Options,
    *,
    order: list[Value] | None = None,
    active: int | None = None,
    note: str | None = None,
    caption: Sequence[str] = (),
    title: str | None = None,
) -> Scene:
    """The scene of the graph ending at `root`; `active` is a gate's position in `order`.

    Four steps, each a function below: boxes for the composite gates (made as
    the gates meet them), the gate circles, the uses of each value (which gate
    input it feeds), and the wires with their numbers.
    """
    groups = options.groups
    if order is None:
        order = topological_order(root)
    if groups != "collapse":
        check_size(len(order), groups, order)  # early: nothing below is worth doing
    boxes = _Boxes(nested=groups == "box")
    gates = _gate_nodes(order, boxes, groups, options.fold_constants, active)
    if groups == "collapse":
        check_size(len(gates.nodes) + sum(1 for n in order if n.gate is None), groups, order)
    uses, constants = _uses(order, gates.drawn, options.fold_constants)
    copied = copied_values(order, uses, gates.drawn)
    wiring = _Wiring(root, order, state, gates, boxes, active, options)
    return Scene(
        nodes=tuple(gates.nodes),
        wires=tuple(wiring.draw(uses, constants, copied)),
        groups=tuple(boxes.groups) if groups == "box" else (),
        rankdir=options.rankdir,
        note=note,
        caption=tuple(caption),
        title=title,
        drawn=gates.drawn,
        copies=wiring.copies_note(copied),
    )


def wire_grad(
    kind: str, node: int, consumers: Sequence[tuple[int, float]], state: GradState
) -> float | None:
    """The gradient a wire (its `kind`, `node` and `consumers`, see `Wire`) shows in `state`.

    None: not known yet. A branch shows what its own gates have sent back; any
    other wire shows its Value's gradient so far, once one of the gates it feeds
    has had its step (the output's: once the pass has started).
    """
    if kind == "output":
        return state.grads[node] if state.seeded else None
    done = [(j, local) for j, local in consumers if j in state.processed]
    if not done:
        return None
    if kind == "branch":
        return math.fsum(local * state.grads[j] for j, local in done) if state.shares else None
    return state.grads[node]


class _Boxes:
    """Step 1: an id for each composite gate as it is met, and which box encloses which."""

    def __init__(self, nested: bool) -> None:
        self.nested = nested  # boxes inside boxes ("box"); a collapsed gate has no parent
        self.ids: dict[Composite, str] = {}
        self.groups: list[Group] = []
        self.parent: dict[str, str | None] = {}

    def id_of(self, comp: Composite) -> str:
        gid = self.ids.get(comp)
        if gid is None:
            parent = self.id_of(comp.parent) if self.nested and comp.parent is not None else None
            gid = f"c{len(self.groups)}"
            self.ids[comp] = gid
            self.groups.append(Group(gid, comp.name, parent))
            self.parent[gid] = parent
        return gid

    def common(self, a: str | None, b: str | None) -> str | None:
        """The innermost box around both `a` and `b` (None: no box, the page itself)."""
        around_a = []
        while a is not None:
            around_a.append(a)
            a = self.parent[a]
        while b is not None and b not in around_a:
            b = self.parent[b]
        return b


@dataclass
class _Gates:
    """The gate circles, and which circle draws each gate of the graph."""

    nodes: list[Node] = field(default_factory=list)
    drawn: dict[int, str] = field(default_factory=dict)  # gate index -> id of its circle
    box: dict[str, str | None] = field(default_factory=dict)  # circle id -> box it is in


def _gate_nodes(
    order: list[Value], boxes: _Boxes, groups: str, fold_constants: bool, active: int | None
) -> _Gates:
    """Step 2: one circle per gate, or one for all the gates of a collapsed composite."""
    gates = _Gates()
    for i, node in enumerate(order):
        if node.gate is None:
            continue
        scope = node.scope if groups != "none" else None
        if groups == "collapse" and scope is not None:
            gid = boxes.id_of(_outermost(scope))
            gates.drawn[i] = gid
            if gid not in gates.box:
                gates.box[gid] = None
                gates.nodes.append(Node(gid, _outermost(scope).name, "composite"))
            continue
        nid = f"g{i}"
        box = boxes.id_of(scope) if scope is not None else None
        gates.drawn[i] = nid
        gates.box[nid] = box
        gates.nodes.append(Node(nid, gate_text(node, fold_constants), "gate", box))
    if active is not None and active in gates.drawn:
        lit = gates.drawn[active]
        gates.nodes = [replace(n, active=True) if n.id == lit else n for n in gates.nodes]
    return gates


def _outermost(scope: Composite) -> Composite:
    while scope.parent is not None:
        scope = scope.parent
    return scope


@dataclass
class _Use:
    """One drawn use of a value: a target drawn node and the gates behind it."""

    target: str | None  # None: the output end
    slot: int  # operand slots in gate order, then operand order
    consumers: list[tuple[int, float]] = field(default_factory=list)  # (gate index, local)


@dataclass(frozen=True)
class _Constant:
    """A constant operand drawn as an input of its own (fold_constants=False)."""

    gate: int  # index of the gate it goes into
    value: float
    slot: int
    after: int  # drawn right after the wires of this value, the gate's last operand


def _uses(
    order: list[Value], drawn: dict[int, str], fold_constants: bool
) -> tuple[dict[int, list[_Use]], list[_Constant]]:
    """Step 3: the uses of each value by index, one per gate operand, and unfolded constants.

    A collapsed gate takes each value once, however many of its gates use it.
    Slots count every operand in graph order, so inputs are drawn top to bottom
    as the expression was written. The last use is the root's: the output end.
    """
    index = {node: i for i, node in enumerate(order)}
    uses: dict[int, list[_Use]] = {}
    constants: list[_Constant] = []
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
            same = [u for u in slots if u.target == target] if collapsed else []
            if same:
                same[0].consumers.append((j, local))
            else:
                slots.append(_Use(target, slot, [(j, local)]))
                slot += 1
        if node.const is not None and not fold_constants and not collapsed:
            after = max(index[p] for p in node.parents)
            constants.append(_Constant(j, node.const, slot, after))
            slot += 1
    uses.setdefault(len(order) - 1, []).append(_Use(None, slot))  # the root comes last
    return uses, sorted(constants, key=lambda c: c.after)


def copied_values(
    order: list[Value], uses: dict[int, list[_Use]], drawn: dict[int, str]
) -> frozenset[int]:
    """Step 3b: the values drawn once per use, as labelled copies next to each gate.

    One wire that branches to gates all along a long graph (a weight used at
    every step of an RNN, the x of a polynomial) crosses the whole picture once
    per use, and Graphviz's positioning grows with the square of those crossings:
    `x+x+…+x` with 100 terms takes 15 s that way. So a value with at least
    COPY_MIN_USES uses whose branches would reach across more than COPY_REACH
    columns of circles in all is drawn as one short input per use instead (an
    inner value also keeps its own wire out of its gate, ending in the name its
    copies carry). Uses by the circles of one column (a layer of a network)
    reach no distance at all.
    """
    height = _heights(order, drawn)
    copied = set()
    for v, value_uses in uses.items():
        if len(value_uses) < COPY_MIN_USES or any(use.target is None for use in value_uses):
            continue
        reach = [height[use.target] for use in value_uses if use.target is not None]
        if sum(max(reach) - h for h in reach) > COPY_REACH:
            copied.add(v)
    return frozenset(copied)


def _heights(order: list[Value], drawn: dict[int, str]) -> dict[str, int]:
    """How many circles each circle is from the root's (0): its column from the right.

    Counted between circles as drawn, so a collapsed composite is one circle.
    Graph order puts every gate after its operands, so one pass from the root
    back settles them all (a collapsed composite takes the height of its latest gate).
    """
    index = {node: i for i, node in enumerate(order)}
    height: dict[str, int] = {}
    for j in range(len(order) - 1, -1, -1):
        if j not in drawn:
            continue
        here = height.setdefault(drawn[j], 0)
        for parent in order[j].parents:
            p = index[parent]
            if p in drawn and drawn[p] != drawn[j]:
                height[drawn[p]] = max(height.get(drawn[p], 0), here + 1)
    return height


class _Wiring:
    """Step 4: the wires, value by value in graph order, with the numbers each one shows.

    A value with one use is one wire; a value with several is a trunk (its value
    and whole gradient) with a branch per use (that use's share of the gradient).
    """

    def __init__(
        self,
        root: Value,
        order: list[Value],
        state: GradState,
        gates: _Gates,
        boxes: _Boxes,
        active: int | None,
        options: Options,
    ) -> None:
        self.root = root
        self.order = order
        self.state = state
        self.gates = gates
        self.boxes = boxes
        self.active = active
        self.number = options.number
        self.constant_text = options.constant
        self.wires: list[Wire] = []
        self.tags: dict[int, str] = {}  # names of unlabelled inner values drawn once per use

    def draw(
        self, uses: dict[int, list[_Use]], constants: list[_Constant], copied: frozenset[int]
    ) -> list[Wire]:
        pending = list(constants)
        for v, node in enumerate(self.order):
            value_uses = uses.get(v)
            if not value_uses:
                continue  # a value used only inside a collapsed gate
            if len(value_uses) == 1:
                self.one_wire(v, node, value_uses[0])
            elif v in copied:
                self.copies(v, node, value_uses)
            else:
                self.trunk_and_branches(v, node, value_uses)
            while pending and pending[0].after <= v:  # its gate's operands are all drawn
                self.constant(pending.pop(0))
        return self.wires

    # --- where a value's wire starts
    def start(self, node: Value) -> str | None:
        """A leaf's name (or value) written where its wire starts."""
        if node.gate is not None:
            return None
        return node.label or self.number(node.data)

    def source(self, v: int) -> str | None:
        """The circle a gate's wire comes out of; None for a leaf."""
        return self.gates.drawn[v] if self.order[v].gate is not None else None

    def name(self, node: Value) -> str | None:
        """An intermediate value's label (q), written by its number."""
        return node.label if node.gate is not None and node is not self.root else None

    def box_of(self, drawn_id: str | None) -> str | None:
        return self.gates.box.get(drawn_id) if drawn_id is not None else None

    # --- the numbers of a use
    def grad(self, kind: str, v: int, consumers: Sequence[tuple[int, float]]) -> str | None:
        """The gradient text of a wire (see `wire_grad`); None while it is not known."""
        grad = wire_grad(kind, v, consumers, self.state)
        return None if grad is None else self.number(grad)

    def use_reserve(self, use: _Use) -> str | None:
        if self.state.reserve is None:
            return None
        return self.number(math.fsum(local * self.state.reserve[j] for j, local in use.consumers))

    def reserve(self, v: int) -> str | None:
        return self.number(self.state.reserve[v]) if self.state.reserve is not None else None

    def is_active(self, use: _Use) -> bool:
        return self.active is not None and any(j == self.active for j, _ in use.consumers)

    # --- the wires
    def add(self, wire: Wire) -> str:
        self.wires.append(wire)
        return wire.id

    def next_id(self) -> str:
        return f"w{len(self.wires)}"

    def one_wire(self, v: int, node: Value, use: _Use) -> None:
        source = self.source(v)
        if use.target is None:  # the root's wire: its gradient is the seed
            box = None
        else:
            box = self.boxes.common(self.box_of(source), self.box_of(use.target))
        kind = "output" if use.target is None else "input" if node.gate is None else "wire"
        consumers = tuple(use.consumers)
        self.add(
            Wire(
                self.next_id(),
                kind,
                self.number(node.data),
                self.grad(kind, v, consumers),
                source,
                use.target,
                start=self.start(node),
                end=root_name(self.root) if use.target is None else None,
                name=self.name(node),
                group=box,
                reserve=self.reserve(v),
                active=self.is_active(use),
                slot=use.slot,
                node=v,
                consumers=consumers,
            )
        )

    def trunk(
        self,
        v: int,
        uses: list[_Use],
        group: str | None,
        start: str | None = None,
        name: str | None = None,
        end: str | None = None,
    ) -> str:
        """A value's own wire, with its whole gradient, out of its gate (or from its
        name `start`, for a leaf)."""
        consumers = tuple(c for use in uses for c in use.consumers)
        return self.add(
            Wire(
                self.next_id(),
                "trunk",
                self.number(self.order[v].data),
                self.grad("trunk", v, consumers),
                self.source(v),
                None,
                group=group,
                reserve=self.reserve(v),
                active=any(self.is_active(use) for use in uses),
                node=v,
                consumers=consumers,
                start=start,
                name=name,
                end=end,
            )
        )

    def trunk_and_branches(self, v: int, node: Value, uses: list[_Use]) -> None:
        source = self.source(v)
        trunk_box = self.box_of(source)
        for use in uses:
            trunk_box = self.boxes.common(trunk_box, self.box_of(use.target))
        trunk = self.trunk(v, uses, trunk_box, start=self.start(node), name=self.name(node))
        for use in uses:
            self.branch(v, use, trunk, self.boxes.common(trunk_box, self.box_of(use.target)))

    def branch(
        self,
        v: int,
        use: _Use,
        trunk: str | None,
        group: str | None,
        start: str | None = None,
        copy: tuple[int, int] | None = None,
    ) -> None:
        """One use of value `v`, carrying that use's share of its gradient: out of its
        `trunk`, or (a copy, `trunk` None) from the name `start`."""
        self.add(
            Wire(
                self.next_id(),
                "branch",
                self.number(self.order[v].data),
                self.grad("branch", v, use.consumers),
                trunk,
                use.target,
                start=start,
                group=group,
                reserve=self.use_reserve(use),
                active=self.is_active(use),
                slot=use.slot,
                node=v,
                consumers=tuple(use.consumers),
                copy=copy,
            )
        )

    def copies(self, v: int, node: Value, uses: list[_Use]) -> None:
        """A value drawn once per use: each copy is a branch of its own, that use's share.

        An inner value first gets its own wire out of its gate, with its whole
        gradient, ending in the name its copies start with.
        """
        name = self.copy_name(v)
        if node.gate is not None:
            self.trunk(v, uses, self.box_of(self.source(v)), end=name)
        for k, use in enumerate(uses, start=1):
            self.branch(v, use, None, self.box_of(use.target), start=name, copy=(k, len(uses)))

    def copy_name(self, v: int) -> str:
        """What the copies of value `v` are called: a leaf's name, an inner value's label,
        or for an unlabelled inner value `#1`, `#2`... in the order they are drawn."""
        node = self.order[v]
        if node.gate is None or node.label:
            return self.start(node) or node.label or ""
        return self.tags.setdefault(v, f"#{len(self.tags) + 1}")

    def copies_note(self, copied: frozenset[int]) -> str | None:
        """One line saying which values are drawn once per use, and what their copies add up to."""
        if not copied:
            return None
        named = [self.copy_name(v) for v in sorted(copied)[:COPIES_NAMED]]
        more = len(copied) - len(named)
        who = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
        if more:
            who = f"{', '.join(named)} and {more} more"
        line = f"{who} {'is' if len(copied) == 1 else 'are'} drawn once per use (copies k/n)"
        if not self.state.seeded:
            return line
        totals = ", ".join(
            self.copies_total(v, name) for name, v in zip(named, sorted(copied), strict=False)
        )
        return f"{line}: the gradients of the copies add up to {totals}"

    def copies_total(self, v: int, name: str) -> str:
        """`w.grad = 0.0014` for a named value; `30.00 for 1.50` for an unlabelled leaf,
        whose name is its number (`1.50.grad` would read as a number)."""
        total = self.number(self.state.grads[v])
        node = self.order[v]
        if node.gate is None and not node.label:
            return f"{total} for {name}"
        return f"{name}.grad = {total}"

    def constant(self, const: _Constant) -> None:
        target = self.gates.drawn[const.gate]
        self.add(
            Wire(
                self.next_id(),
                "constant",
                self.number(const.value),
                None,
                None,
                target,
                start=self.constant_text(const.value),
                group=self.gates.box[target],
                slot=const.slot,
            )
        )


def finished_state(
    order: Sequence[Value], grads: Sequence[float], show: bool, shares: bool = True
) -> GradState:
    """A whole backward pass: the gradients `grads`, all shown, or none if not `show`.

    `shares`: False when `grads` are the Values' `.grad` (see `GradState`).
    """
    gates = frozenset(i for i, n in enumerate(order) if n.gate is not None) if show else frozenset()
    return GradState(grads=grads, processed=gates, seeded=show, shares=shares)
