"""A scene laid out once by Graphviz, as SVG with hooks for the explorer's script.

Graphviz's SVG names nothing the way a script needs, so after one `dot -Tsvg`
run the SVG is rewritten:

- each wire's group gets `id="wire-w3"`, each gate's `id="gate-g4"` (a collapsed
  composite: `gate-c0`), each box `id="box-c0"`, each line between them
  `id="edge-w0-g3"` with `data-from` and `data-to`; the ids are the scene's, made
  from positions in the graph, so the same graph always gets the same ids;
- the `<text>` of a wire's forward value gets `class="value"`, of its gradient
  `class="grad"`; a wire carrying a named Value gets `data-label`.

To tell the two numbers apart, the layout is drawn with marker colours for them
(the rest of the theme unchanged, so every size is the real one) and the real
colours are put back here. The tooltips Graphviz writes (the ids) are dropped.
Every text is parsed and written back by ElementTree, which escapes it again.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .dot import to_digraph
from .process import run_graphviz
from .scene import Scene
from .theme import Theme

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
_MARKERS = ("#010203", "#030201", "#020301", "#010302")  # colours no picture means


def _tag(name: str) -> str:
    return f"{{{SVG}}}{name}"


def _markers(theme: Theme) -> tuple[str, str]:
    """Two colours the theme does not use, to mark the value and gradient numbers."""
    used = {str(getattr(theme, name)).lower() for name in theme.__dataclass_fields__}
    free = [c for c in _MARKERS if c not in used]
    return free[0], free[1]


def hooked_svg(
    scene: Scene, theme: Theme, labels: dict[str, str], hint: str, prefix: str = ""
) -> str:
    """The scene as SVG text with the hooks above; `labels`: wire id -> its Value's label.

    `hint` says what to do if the graph is too much for Graphviz; `prefix` starts
    every id, for a second drawing of the graph on the same page.
    """
    value_mark, grad_mark = _markers(theme)
    marked = theme.replace(value_color=value_mark, grad_color=grad_mark)
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    # every wire a node of its own (no grid of a big gate's inputs): each gets its hooks
    digraph = to_digraph(scene, marked, bundle=False)
    svg = ET.fromstring(run_graphviz(digraph.source, "svg", hint=hint))
    wires = {w.id for w in scene.wires}
    colours = {value_mark: ("value", theme.value_color), grad_mark: ("grad", theme.grad_color)}
    for group in svg.iter(_tag("g")):
        title = group.find(_tag("title"))
        if title is None or title.text is None:
            continue
        name, kind = title.text, group.get("class")
        group.remove(title)
        if kind == "node" and name in wires:
            group.set("id", f"{prefix}wire-{name}")
            group.set("class", "node wire")
            if name in labels:
                group.set("data-label", labels[name])
            for text in group.iter(_tag("text")):
                role = colours.get(text.get("fill", ""))
                if role is not None:
                    text.set("class", role[0])
                    text.set("fill", role[1])
        elif kind == "node":
            group.set("id", f"{prefix}gate-{name}")
            group.set("class", "node gate")
        elif kind == "edge":
            tail, head = (end.split(":")[0] for end in name.split("->"))
            group.set("id", f"{prefix}edge-{tail}-{head}")
            group.set("data-from", tail)
            group.set("data-to", head)
        elif kind == "graph":
            group.set("id", f"{prefix}{group.get('id')}")
        elif kind == "cluster":
            group.set("id", f"{prefix}box-{name.removeprefix('cluster_')}")
    return ET.tostring(svg, encoding="unicode")


def without_gradients(svg: str) -> str:
    """`svg` (made by `hooked_svg`) with no gradient text: the forward picture, for the
    viewers of a quiz that run no script, where every red number would be an answer."""
    picture = ET.fromstring(svg)
    for group in picture.iter(_tag("g")):
        for text in group.findall(_tag("text")):
            if text.get("class") == "grad":
                group.remove(text)
    return ET.tostring(picture, encoding="unicode")
