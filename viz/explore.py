"""`viz.explore`: a Value graph as an interactive page, to step through and to quiz on.

    page = viz.explore(f)                       # shows itself in Jupyter, VS Code, Colab
    page.save("fxyz.html")                      # one standalone file, works offline
    viz.explore(f, mode="quiz").save("quiz.html")

The page is one HTML file: the graph laid out once by Graphviz (every number
in place, so nothing moves when numbers appear), the data of the backward pass
as JSON (`viz.trace`) and a small script (`viz/page/explorer.js`) that only
shows, hides and re-colours what is already there. Nothing is fetched: the
page's Content-Security-Policy forbids every request, so it works from
`file://` and inside a notebook's sandboxed `<iframe srcdoc>`.
"""

from __future__ import annotations

import html
import json
import os
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from autograd import Value, topological_order

from .files import check_folder
from .hooks import hooked_svg
from .options import OptionError, Options
from .picture import too_much_hint
from .scene import build_scene, finished_state, root_name
from .steps import Recording, step_texts
from .theme import Theme, chosen
from .trace import build_trace

MODES = ("step", "quiz")
_PLACEHOLDER = re.compile(r"\{\{([A-Z]+)\}\}")
_FONT = re.compile(r"[^A-Za-z0-9 ,-]")  # what of a font list goes into the page's CSS


class Explorer:
    """An explorer page: `save` it as a file, or let a notebook display it.

    `html` is the standalone page; `svg` the finished picture, shown by
    notebook viewers that run no script (GitHub, nbviewer).
    """

    def __init__(self, page: str, svg: str, height: int) -> None:
        self.html = page
        self.svg = svg
        self.height = height  # pixels a notebook gives the page

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to `path` (an .html file in a folder that exists)."""
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"an explorer page is saved as .html, got {str(path)!r}")
        check_folder(path)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        """The page in a sandboxed iframe: notebooks run no script in plain HTML output,
        and two explorers in one notebook must not share ids."""
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{self.height}px;border:0" '
            'title="gategrad explorer"></iframe>'
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self._repr_html_(), "image/svg+xml": self.svg}


def explore(
    root: Value,
    *,
    mode: str = "step",
    precision: int = 2,
    fold_constants: bool = True,
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
) -> Explorer:
    """An interactive page of the graph ending at `root`.

    `mode="step"`: step through the backward pass (the steps of `viz.frames`);
    `mode="quiz"`: type each gradient into a box and check it. Takes the
    drawing options of `viz.draw`. The `.grad` of the graph are left as they are.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    if mode not in MODES:
        raise OptionError(f"mode must be 'step' or 'quiz', got {mode!r}")
    if not isinstance(root, Value):
        raise TypeError(f"explore() needs a Value, got {type(root).__name__}")
    order = topological_order(root)
    run = Recording(root, order)
    scene = build_scene(root, finished_state(order, run.final, show=True), options, order=order)
    texts = step_texts(root, order, run, groups, precision)
    trace = build_trace(root, order, scene, run, texts, options)
    trace.update(mode=mode, f=root_name(root))
    labels = {wid: w["label"] for wid, w in trace["wires"].items() if "label" in w}
    svg = hooked_svg(scene, options.theme, labels, hint=too_much_hint(order, options))
    page = _page(svg, trace, options.theme, mode, title=f"gategrad explorer: {root_name(root)}")
    return Explorer(page, svg, height=_height(svg))


def _asset(name: str) -> str:
    return (files("viz") / "page" / name).read_text(encoding="utf-8")


def _script_json(data: object) -> str:
    """JSON that can sit inside <script>: no `<`, `>` or `&` can end or open a tag."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _style(theme: Theme) -> str:
    colours = {
        "value": theme.value_color,
        "grad": theme.grad_color,
        "active": theme.active_color,
        "active-fill": theme.active_fill,
        "background": theme.background,
        "note": theme.note_color,
        "font": _FONT.sub("", theme.fontname) or "sans-serif",
    }
    variables = "".join(f"--{name}:{value};" for name, value in colours.items())
    return f":root{{{variables}}}\n" + _asset("explorer.css")


def _page(svg: str, trace: dict[str, Any], theme: Theme, mode: str, title: str) -> str:
    """The template with its parts filled in, in one pass: nothing put in is read again."""
    parts = {
        "TITLE": html.escape(title),
        "MODE": mode,
        "STEP": f"{trace['n']} / {trace['n']}",
        "STYLE": _style(theme),
        "SVG": svg,
        "DATA": _script_json(trace),
        "SCRIPT": _asset("explorer.js"),
    }
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _asset("explorer.html"))


def _height(svg: str) -> int:
    """Pixels for the page in a notebook: the picture at its size, within reason, and controls."""
    found = re.search(r'height="([0-9.]+)pt"', svg)
    picture = float(found.group(1)) * 4 / 3 if found else 400.0
    return int(min(max(picture * 1.5, 200), 640) + 300)
