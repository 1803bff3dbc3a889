"""A small DOT reader for the viz tests, and tests of the reader itself.

The renderer's tests read the DOT source back instead of searching it for
strings: statements are tokenized (quoted strings and nested HTML-like labels
included), so a label that tried to inject a node or an attribute would show
up here as one. Wire labels are HTML tables, read with ElementTree.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<arrow>->|--)
  | (?P<punct>[{}\[\];,=:])
  | (?P<quoted>"(?:\\.|[^"\\])*")
  | (?P<id>[A-Za-z_\x80-\uffff][\w\x80-\uffff.]*|-?(?:\.\d+|\d+(?:\.\d*)?))
  """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(source):
        if source[i] == "<":  # an HTML string: up to the matching '>'
            depth, j = 0, i
            while True:
                if source[j] == "<":
                    depth += 1
                elif source[j] == ">":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            tokens.append(("html", source[i + 1 : j]))
            i = j + 1
            continue
        m = _TOKEN.match(source, i)
        if m is None:
            raise ValueError(f"cannot read DOT at {source[i : i + 40]!r}")
        kind = m.lastgroup
        assert kind is not None
        if kind != "ws":
            text = m.group()
            if kind == "quoted":
                text = text[1:-1].replace('\\"', '"')
            tokens.append((kind, text))
        i = m.end()
    return tokens


@dataclass
class Graph:
    attrs: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)


@dataclass
class Cluster:
    name: str
    attrs: dict[str, str]
    members: list[str]
    parent: str | None


def parse(source: str) -> Graph:
    """Nodes with their attributes, edges (tail, head, attrs; ports kept), clusters."""
    tokens = tokenize(source)
    graph = Graph()
    pos = 0

    def peek(k: int = 0) -> tuple[str, str]:
        return tokens[pos + k] if pos + k < len(tokens) else ("eof", "")

    def take() -> tuple[str, str]:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        return tok

    def attr_list() -> dict[str, str]:
        attrs: dict[str, str] = {}
        while peek()[1] == "[":
            take()
            while peek()[1] != "]":
                key = take()[1]
                assert take()[1] == "=", "attribute without ="
                attrs[key] = take()[1]
                if peek()[1] in (",", ";"):
                    take()
            take()
        return attrs

    def node_id() -> str:
        parts = [take()[1]]
        while peek()[1] == ":":
            take()
            parts.append(take()[1])
        return ":".join(parts)

    def block(cluster: Cluster | None, stack: list[Cluster]) -> None:
        nonlocal pos
        assert take()[1] == "{"
        while peek()[1] != "}":
            text = peek()[1]
            if text == ";":
                take()
                continue
            if text in ("subgraph", "{"):
                name = ""
                if text == "subgraph":
                    take()
                    if peek()[1] != "{":
                        name = take()[1]
                sub = None
                if name.startswith("cluster"):
                    sub = Cluster(name, {}, [], stack[-1].name if stack else None)
                    graph.clusters.append(sub)
                block(sub, [*stack, sub] if sub else stack)
                continue
            if text in ("graph", "node", "edge") and peek(1)[1] == "[":
                take()
                attrs = attr_list()
                if text == "graph":
                    (cluster.attrs if cluster else graph.attrs).update(attrs)
                continue
            if peek(1)[1] == "=":  # a graph attribute statement
                key = take()[1]
                take()
                value = take()[1]
                (cluster.attrs if cluster else graph.attrs)[key] = value
                continue
            first = node_id()
            chain = [first]
            while peek()[0] == "arrow":
                take()
                chain.append(node_id())
            attrs = attr_list()
            if len(chain) == 1:
                graph.nodes.setdefault(first, {}).update(attrs)
                for c in stack:
                    c.members.append(first)
            else:
                for tail, head in itertools.pairwise(chain):
                    graph.edges.append((tail, head, attrs))
                    for end in (tail, head):
                        graph.nodes.setdefault(end.split(":")[0], {})
        take()

    text = take()[1]
    assert text in ("digraph", "graph", "strict"), text
    if peek()[1] != "{":
        take()  # the graph's name
    block(None, [])
    assert pos == len(tokens), "text after the graph"
    return graph


# --- reading the renderer's labels -------------------------------------------------


def html(label: str) -> ET.Element:
    """An HTML-like label as XML (the renderer writes well-formed labels)."""
    return ET.fromstring(f"<L>{label}</L>".replace("&nbsp;", "&#160;"))


def text_of(element: ET.Element) -> str:
    """The text Graphviz shows for an element of a label (see `as_graphviz_shows`)."""
    return "".join(as_graphviz_shows(piece) for piece in element.itertext())


def as_graphviz_shows(text: str) -> str:
    """A piece of label text as Graphviz draws it, once its references are decoded.

    Graphviz replaces `\\N` (the node's name), `\\G`, `\\E`, `\\T`, `\\H` and
    `\\L` in label text, and `\\\\` by one backslash; any of the six, or a lone
    backslash at the end, means the renderer let a label be rewritten: an error here.
    """
    shown = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            follower = text[i + 1 : i + 2]
            assert follower and follower not in "NGETHL", f"Graphviz rewrites {text!r}"
            if follower == "\\":
                shown.append("\\")
                i += 2
                continue
        shown.append(text[i])
        i += 1
    return "".join(shown)


@dataclass
class WireLabel:
    value: str
    value_color: str
    grad: str | None  # None when no gradient is visible
    grad_color: str | None
    start: str | None
    end: str | None
    name: str | None
    hidden_grad: str | None  # a gradient held in place invisibly (frames)


def _fonts(cell: ET.Element) -> list[ET.Element]:
    return list(cell.iter("FONT"))


def read_wire(label: str) -> WireLabel:
    """The numbers of one wire: value above the line cell, gradient below it."""
    table = html(label).find("TABLE")
    assert table is not None, "a wire is a table"
    return read_wire_table(table)


def grid_cells(label: str) -> list[ET.Element]:
    """The wire tables of a grid (a big collapsed gate's inputs in one node); [] if none."""
    cells = (td.find("TABLE") for td in html(label).findall("./TABLE/TR/TD"))
    return [table for table in cells if table is not None]


def read_wire_table(table: ET.Element) -> WireLabel:
    """`read_wire` of a wire's table element (one of a grid's cells, or a whole label)."""
    rows = table.findall("./TR")
    assert len(rows) == 3, "a wire is three rows: value, line, gradient"
    line = [td for td in rows[1].findall("TD") if td.get("PORT") == "p"]
    assert line, "the middle row is the wire"
    start = end = None
    cells = rows[0].findall("TD")
    value_cell = [td for td in cells if td.get("ROWSPAN") is None]
    assert len(value_cell) == 1
    names = [td for td in cells if td.get("ROWSPAN") == "3"]
    index_value = cells.index(value_cell[0])
    for td in names:
        if cells.index(td) < index_value:
            start = text_of(td)
        else:
            end = text_of(td)
    fonts = _fonts(value_cell[0])
    name = None
    if len(fonts) == 2:
        name = text_of(fonts[0]).rstrip(" =")
    value_font = fonts[-1]
    (grad_cell,) = rows[2].findall("TD")
    grad_font = _fonts(grad_cell)[-1]
    grad_text = text_of(grad_font).strip("\u00a0 ")
    color = grad_font.get("COLOR")
    hidden = None
    if color == "transparent":
        hidden, grad_text = grad_text, ""
    return WireLabel(
        value=text_of(value_font),
        value_color=value_font.get("COLOR", ""),
        grad=grad_text or None,
        grad_color=color if grad_text else None,
        start=start,
        end=end,
        name=name,
        hidden_grad=hidden,
    )


def gate_text(label: str) -> str:
    return text_of(html(label))


@dataclass
class DrawnWire:
    id: str
    label: WireLabel
    source: str | None  # text of the gate it comes out of, or "wire:<id>" for a branch
    source_id: str | None
    target: str | None  # text of the gate it goes into
    target_id: str | None


def wires(graph: Graph) -> list[DrawnWire]:
    """Every wire node with what it connects, read from the edges."""
    gates = {
        nid: gate_text(attrs["label"])
        for nid, attrs in graph.nodes.items()
        if attrs.get("shape") in ("circle", "ellipse")
    }
    into: dict[str, str] = {}
    out_of: dict[str, str] = {}
    for tail, head, _ in graph.edges:
        t, h = tail.split(":")[0], head.split(":")[0]
        if h not in gates:
            into[h] = t
        if t not in gates:
            out_of[t] = h
    result = []
    for nid, attrs in graph.nodes.items():
        if nid in gates or "label" not in attrs:
            continue
        src = into.get(nid)
        tgt = out_of.get(nid)
        cells = grid_cells(attrs["label"])
        for k, cell in enumerate(cells):  # a grid: its sources are the edges into it
            label = read_wire_table(cell)
            result.append(DrawnWire(f"{nid}[{k}]", label, None, None, gates.get(tgt or ""), tgt))
        if cells:
            continue
        result.append(
            DrawnWire(
                id=nid,
                label=read_wire(attrs["label"]),
                source=gates.get(src, f"wire:{src}") if src else None,
                source_id=src,
                target=gates.get(tgt) if tgt else None,
                target_id=tgt if tgt in gates else None,
            )
        )
    return result


def gates(graph: Graph) -> dict[str, str]:
    return {
        nid: gate_text(attrs["label"])
        for nid, attrs in graph.nodes.items()
        if attrs.get("shape") in ("circle", "ellipse")
    }


# --- the reader's own tests ----------------------------------------------------------


def test_reader_reads_nodes_edges_clusters_and_html() -> None:
    source = """digraph g {
        graph [rankdir=LR]
        a [label=<<B>x &lt; y</B>>]
        "b c" [label="q\\"uote"]
        subgraph cluster_0 { label=<box> d }
        a:p:e -> "b c" [weight=3]
    }"""
    g = parse(source)
    assert g.attrs == {"rankdir": "LR"}
    assert g.nodes["a"]["label"] == "<B>x &lt; y</B>"
    assert g.nodes["b c"]["label"] == 'q"uote'
    assert g.clusters[0].members == ["d"]
    assert g.edges == [("a:p:e", "b c", {"weight": "3"})]


def test_reader_sees_an_injected_node() -> None:
    # What an unescaped label would do: the reader must notice the extra node.
    g = parse('digraph { a [label="x"]; injected [shape=box label=<y>] }')
    assert set(g.nodes) == {"a", "injected"}
