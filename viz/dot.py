"""Scene -> graphviz.Digraph. All escaping of text lives here and only here.

How a wire is drawn: every wire is a small node of its own, an HTML table of
three rows: the forward value (green), a one-point cell whose top border is the
stretch of wire, and the gradient (red). Edges enter that middle cell on one
side and leave it on the other, so the line runs straight through the table
with its two numbers exactly above and below it, as on the slides, and
Graphviz spaces the numbers like any node: they never sit on a line. A leaf's
name is a cell at the start of its wire's table, the output's name a cell at
the end, so the picture reads `x ──> (+) ──> f` with no gaps.

Every piece of text (names, symbols, composite names, captions) goes through
`escape`, which turns it into character references, and every label is an
HTML-like label built here: a name such as `<x>]; injected [shape=box` stays text.
A character that cannot be written to a file at all (a lone surrogate such as
`\\ud800`) is written as its escape, so any text the engine lets through draws.
Theme values (colours, font names, sizes) are not text: `Theme` accepts only
plain forms of them when it is made, so they are written as they are.
"""

from __future__ import annotations

import math
from collections import defaultdict

import graphviz

from .layout import aligned_sources, check_layout, depths
from .scene import Node, Scene, Wire
from .theme import Theme, chosen

# Graphviz reads `\N`, `\G`, `\L`... in a label as the node's name, the graph's
# name...: after character references are decoded. Only `\\` stands for a
# backslash itself, so a backslash is written as two, each as a reference.
_BACKSLASH = "&#92;&#92;"

# How to write each character that means something to DOT or to HTML-like labels.
_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "\\": _BACKSLASH,
    "[": "&#91;",
    "]": "&#93;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
}

# A gate's input whose chain is this many nodes longer than its other inputs' is its spine.
SPINE_LEAD = 6

# A collapsed gate with this many inputs or more gets them as one grid (see _bundles).
BUNDLE_MIN = 12

# Rounds per node that `dot` may spend ranking and placing (nslimit, nslimit1).
# The scenes the guard lets through need far fewer; this bounds any it misjudges.
NS_LIMIT = 5

# Which side of a wire's middle cell edges come in and go out, per direction.
_PORTS = {"LR": ("w", "e"), "RL": ("e", "w"), "TB": ("n", "s"), "BT": ("s", "n")}


def escape(text: str) -> str:
    """Text as it must appear inside an HTML-like label: markup and DOT syntax inert."""
    out = []
    for ch in text:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch < " " or ch == "\x7f":
            out.append(" ")  # control characters (newlines included) become spaces
        elif "\ud800" <= ch <= "\udfff":  # a lone surrogate: no UTF-8 file can hold it
            out.append(f"{_BACKSLASH}u{ord(ch):04x}")  # written as Python does: \ud800
        else:
            out.append(ch)
    return "".join(out)


def _font(text: str, color: str, size: float, bold: bool = False, italic: bool = False) -> str:
    body = escape(text)
    if bold:
        body = f"<B>{body}</B>"
    if italic:
        body = f"<I>{body}</I>"
    return f'<FONT COLOR="{color}" POINT-SIZE="{size:g}">{body}</FONT>'


def _html(inner: str) -> str:
    return f"<{inner}>"


class _Drawer:
    def __init__(self, scene: Scene, theme: Theme, bundle: bool) -> None:
        self.scene = scene
        self.theme = theme
        self.inport, self.outport = _PORTS[scene.rankdir]
        self.vertical = scene.rankdir in ("TB", "BT")
        self.bundles = _bundles(scene) if bundle else {}
        self.bundled = {w.id: gate for gate, wires in self.bundles.items() for w in wires}
        self.origins = _origins(scene, set(self.bundled))

    # --- labels -------------------------------------------------------------------

    def wire_label(self, wire: Wire) -> str:
        return _html(self.wire_table(wire, self.start_text(wire)))

    def start_text(self, wire: Wire) -> str | None:
        """A leaf's name where its wire starts, with k/n on a copy drawn once per use."""
        t = self.theme
        if wire.start is None:
            return None
        start = _font(wire.start, t.name_color, t.name_size)
        if wire.copy is not None:  # which use of the leaf this is
            k, n = wire.copy
            start += "<BR/>" + _font(f"{k}/{n}", t.note_color, t.note_size - 2)
        return start

    def wire_table(self, wire: Wire, start: str | None) -> str:
        """A wire as a table: value above the stretch of line, gradient below it."""
        t = self.theme
        value = _font(wire.value, t.value_color, t.number_size)
        if wire.name:
            value = _font(f"{wire.name} = ", t.label_color, t.number_size, italic=True) + value
        if wire.grad is not None:
            grad = _font(wire.grad, t.grad_color, t.number_size, bold=wire.active)
        elif wire.reserve is not None:  # not known yet: hold its place, invisibly
            grad = _font(wire.reserve, "transparent", t.number_size)
        else:
            grad = _font("\u00a0", t.grad_color, t.number_size)
        line_color = t.active_color if wire.active else t.wire_color
        border = 2 if wire.active else 1
        end = _font(wire.end, t.name_color, t.name_size) if wire.end is not None else None
        pad = 'CELLPADDING="1"'
        if not self.vertical:
            line = (
                f'<TD PORT="p" HEIGHT="1" WIDTH="{t.wire_min_width}" BORDER="{border}" '
                f'SIDES="T" COLOR="{line_color}"></TD>'
            )
            first, last = (start, end) if self.scene.rankdir == "LR" else (end, start)
            head = f'<TD ROWSPAN="3" CELLPADDING="3">{first}</TD>' if first else ""
            tail = f'<TD ROWSPAN="3" CELLPADDING="3">{last}</TD>' if last else ""
            rows = [
                f"<TR>{head}<TD {pad}>{value}</TD>{tail}</TR>",
                f"<TR>{line}</TR>",
                f"<TR><TD {pad}>{grad}</TD></TR>",
            ]
        else:
            line = (
                f'<TD PORT="p" WIDTH="1" HEIGHT="{t.wire_min_width // 2}" BORDER="{border}" '
                f'SIDES="L" COLOR="{line_color}"></TD>'
            )
            first, last = (start, end) if self.scene.rankdir == "TB" else (end, start)
            rows = [
                f'<TR><TD {pad} ALIGN="RIGHT">{value}</TD>{line}'
                f'<TD {pad} ALIGN="LEFT">{grad}</TD></TR>'
            ]
            if first:
                rows.insert(0, f'<TR><TD COLSPAN="3" CELLPADDING="3">{first}</TD></TR>')
            if last:
                rows.append(f'<TR><TD COLSPAN="3" CELLPADDING="3">{last}</TD></TR>')
        return (
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
            + "".join(rows)
            + "</TABLE>"
        )

    def bundle_label(self, wires: list[Wire]) -> str:
        """The inputs of a big collapsed gate as one grid of small wires, row by row.

        Each keeps its numbers as on any wire; one that comes from another gate
        is named by where it comes from, in the style of an intermediate value.
        """
        t = self.theme
        columns = math.ceil(math.sqrt(len(wires)))
        cells = []
        for wire in wires:
            start = self.start_text(wire)
            if start is None:
                origin = self.origins.get(wire.id, "")
                start = _font(origin, t.label_color, t.number_size, italic=True)
            cells.append(f'<TD CELLPADDING="4">{self.wire_table(wire, start)}</TD>')
        rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
        return _html(
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
            + "".join(f"<TR>{''.join(row)}</TR>" for row in rows)
            + "</TABLE>"
        )

    def caption_label(self) -> str | None:
        t, s = self.theme, self.scene
        lines: list[str] = []
        if s.title:
            lines.append(_font(s.title, t.name_color, t.note_size + 1, bold=True))
        lines += [_font(line, t.name_color, t.note_size) for line in s.caption]
        for note in (s.copies, s.note):
            if note:
                lines.append(_font(note, t.note_color, t.note_size, italic=True))
        if not lines:
            return None
        # frames: one width, and one height per line (a line with ∂ in it, drawn from a
        # fallback font, is a little taller), so that every frame's caption is one size
        height = int(1.6 * t.note_size) if s.caption_width else None
        width = f' WIDTH="{s.caption_width}" HEIGHT="{height}"' if s.caption_width else ""
        rows = "".join(f'<TR><TD ALIGN="LEFT"{width}>{line}</TD></TR>' for line in lines)
        return _html(
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">' + rows + "</TABLE>"
        )

    # --- the graph ------------------------------------------------------------------

    def node_attrs(self, node: Node) -> dict[str, str]:
        t = self.theme
        attrs = {
            "label": _html(_font(node.text, t.gate_text_color, t.gate_size)),
            # a circle as on the slides; an oval for long names (max(·,0), sigmoid)
            "shape": "circle" if len(node.text) <= 4 else "ellipse",
            "height": f"{t.gate_width:g}",
            "width": f"{t.gate_width:g}",
            "margin": "0.02",
            "style": "filled",
            "fillcolor": t.active_fill if node.active else t.gate_fill,
            "color": t.active_color if node.active else t.gate_color,
            "penwidth": f"{t.penwidth * (2.2 if node.active else 1):g}",
            "ordering": "in",
        }
        if node.kind == "composite":
            attrs["peripheries"] = "2"
        return attrs

    def digraph(self) -> graphviz.Digraph:
        """The picture: the graph's settings, its nodes inside their boxes, the first
        and last columns, then the edges."""
        g = self.empty_graph()
        self.add_nodes(g)
        self.add_ranks(g)
        self.add_edges(g)
        return g

    def empty_graph(self) -> graphviz.Digraph:
        t, s = self.theme, self.scene
        graph_attr = {
            "rankdir": s.rankdir,
            "bgcolor": t.background,
            "fontname": t.fontname,
            "nodesep": f"{t.nodesep:g}",
            "ranksep": f"{t.ranksep:g}",
            "pad": "0.2",
            "newrank": "true",
            # a backstop: at most this many rounds per node for network simplex
            "nslimit": f"{NS_LIMIT}",
            "nslimit1": f"{NS_LIMIT}",
        }
        caption = self.caption_label()
        if caption:
            graph_attr.update(label=caption, labelloc="b", labeljust="l")
        return graphviz.Digraph(
            "gategrad",
            graph_attr=graph_attr,
            node_attr={"fontname": t.fontname, "shape": "plain"},
            edge_attr={
                "color": t.wire_color,
                "penwidth": f"{t.penwidth:g}",
                "arrowsize": "0.6",
                "fontname": t.fontname,
            },
        )

    def add_nodes(self, g: graphviz.Digraph) -> None:
        """Gates, wires and grids, each inside the box of its composite gate (nested)."""
        t, s = self.theme, self.scene
        by_group: dict[str | None, list[tuple[str, dict[str, str]]]] = defaultdict(list)
        for node in s.nodes:
            by_group[node.group].append((node.id, self.node_attrs(node)))
        for wire in s.wires:
            if wire.id not in self.bundled:
                by_group[wire.group].append((wire.id, {"label": self.wire_label(wire)}))
        group_of = {n.id: n.group for n in s.nodes}
        for gate, wires in self.bundles.items():
            by_group[group_of[gate]].append((_bundle_id(gate), {"label": self.bundle_label(wires)}))
        children: dict[str | None, list[str]] = defaultdict(list)
        names = {}
        for group in s.groups:
            children[group.parent].append(group.id)
            names[group.id] = group.name

        def fill(sub: graphviz.Digraph, gid: str | None) -> None:
            for nid, attrs in by_group.get(gid, ()):
                sub.node(nid, **attrs)
            for child in children.get(gid, ()):
                with sub.subgraph(name=f"cluster_{child}") as box:
                    box.attr(
                        label=_html(_font(names[child], t.group_color, t.group_size, italic=True)),
                        style="rounded,dashed",
                        color=t.group_color,
                        labeljust="r",  # inputs come in on the left: keep the name clear
                        margin="10",
                    )
                    fill(box, child)

        fill(g, None)

    def add_ranks(self, g: graphviz.Digraph) -> None:
        """The inputs lined up in the first column, the output in the last."""
        s = self.scene
        sources = aligned_sources(s, self.theme.aligned_inputs)
        check_layout(s, sources)
        sources = [wid for wid in sources if wid not in self.bundled]
        if sources:
            with g.subgraph() as first:
                first.attr(rank="min")
                for wid in sources:
                    first.node(wid)
        outputs = [w.id for w in s.wires if w.kind == "output"]
        if outputs:
            with g.subgraph() as last:
                last.attr(rank="max")
                for wid in outputs:
                    last.node(wid)

    def add_edges(self, g: graphviz.Digraph) -> None:
        """Each wire from where it starts and into its gate; each grid into its gate."""
        t, s = self.theme, self.scene
        wire_ids = {w.id for w in s.wires}
        active = {"color": t.active_color, "penwidth": f"{2 * t.penwidth:g}"}
        for wire in s.wires:
            if wire.source is not None:
                tail = f"{wire.source}:p:{self.outport}" if wire.source in wire_ids else wire.source
                grid = self.bundled.get(wire.id)  # the gate whose grid draws this wire
                g.edge(
                    tail,
                    f"{wire.id}:p:{self.inport}" if grid is None else _bundle_id(grid),
                    arrowhead="none",
                    weight="3" if grid is None else "1",
                    **(active if wire.active else {}),
                )
        # Edges into gates come in operand order, and gates keep that order
        # (ordering=in): the first operand is drawn above the second, so the
        # inputs read top to bottom as the expression was written.
        spine = _spine(s)
        for wire in sorted(s.wires, key=lambda w: w.slot):
            if wire.target is not None and wire.id not in self.bundled:
                weight = 1 if wire.copy else 4 if wire.id in spine else 3
                g.edge(
                    f"{wire.id}:p:{self.outport}",
                    wire.target,
                    weight=str(weight),
                    **(active if wire.active else {}),
                )
        for gate, wires in self.bundles.items():
            lit = any(w.active for w in wires)
            g.edge(_bundle_id(gate), gate, weight="3", **(active if lit else {}))
        return g


def _bundles(scene: Scene) -> dict[str, list[Wire]]:
    """The inputs of each collapsed gate that has BUNDLE_MIN or more, in operand order.

    A network's neuron drawn as one gate takes every weight, its bias and every
    activation of the layer before: drawn as wires of their own, a 16-wide layer
    stacks 500 of them in one column, a picture 30,000 pixels tall. As one grid
    beside the gate they make a block about as wide as it is tall.
    """
    composite = {n.id for n in scene.nodes if n.kind == "composite"}
    inputs: dict[str, list[Wire]] = defaultdict(list)
    for wire in scene.wires:
        if wire.target in composite:
            inputs[wire.target].append(wire)
    return {
        gate: sorted(wires, key=lambda w: w.slot)
        for gate, wires in inputs.items()
        if len(wires) >= BUNDLE_MIN
    }


def _bundle_id(gate: str) -> str:
    return f"{gate}_inputs"


def _origins(scene: Scene, ids: set[str]) -> dict[str, str]:
    """Where each of the wires `ids` comes from, to name it in a grid: a value's
    label (`h`), a leaf's name, or the gate that made it (`L1.N3`)."""
    wire_of = {w.id: w for w in scene.wires}
    gate_text = {n.id: n.text for n in scene.nodes}
    named: dict[str, str] = {}
    for wid in ids:
        wire = wire_of[wid]
        if wire.kind == "branch" and wire.source in wire_of:
            wire = wire_of[wire.source]
        name: str | None = wire.start or wire.name or gate_text.get(wire.source or "")
        if name and wire_of[wid].name is None:  # a named value shows `q = ` already
            named[wid] = name
    return named


def _spine(scene: Scene) -> set[str]:
    """The wires that carry a long chain into a gate whose other inputs are short.

    Weighted more, they run straight, so an RNN's state or a running sum stays on
    one line instead of stepping down the page by half a row per gate. Inputs of
    near-equal depth (the slides' circuits) keep equal weights, and their gate
    sits between them.
    """
    depth = depths(scene)
    inputs: dict[str, list[str]] = defaultdict(list)
    for wire in scene.wires:
        if wire.target is not None:
            inputs[wire.target].append(wire.id)
    spine = set()
    for wires in inputs.values():
        ranked = sorted(wires, key=lambda w: depth.get(w, 0), reverse=True)
        if len(ranked) > 1 and depth.get(ranked[0], 0) - depth.get(ranked[1], 0) >= SPINE_LEAD:
            spine.add(ranked[0])
    return spine


def to_digraph(scene: Scene, theme: Theme | None = None, bundle: bool = True) -> graphviz.Digraph:
    """The Graphviz graph of a scene, in the slide look of `theme` (default: DEFAULT).

    `bundle`: draw the many inputs of a big collapsed gate as one grid (see
    `_bundles`); False keeps every wire a node of its own.
    """
    return _Drawer(scene, chosen(theme), bundle).digraph()
