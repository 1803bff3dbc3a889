"""`viz.explore`: a Value graph as an interactive page, to step through and to quiz on.

    page = viz.explore(f)                       # shows itself in Jupyter, VS Code, Colab
    page.save("fxyz.html")                      # one standalone file, works offline
    viz.explore(f, mode="quiz").save("quiz.html")

The page is one HTML file: the graph laid out once by Graphviz (every number
in place, so nothing moves when numbers appear; a small graph with composite
gates twice, boxed and collapsed, a button apart), the data of the backward pass
as JSON (`viz/pass_data.py`) and a small script (`viz/page/explorer.js`) that only
shows, hides and re-colours what is already there. Nothing is fetched: the
page's Content-Security-Policy forbids every request, so it works from
`file://` and inside a notebook's sandboxed `<iframe srcdoc>`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from autograd import Value, topological_order

from .hooks import hooked_svg, without_gradients
from .options import OptionError, Options
from .pass_data import View, build_pass_data
from .picture import too_much_hint
from .scene import build_scene, finished_state, root_name
from .steps import Recording, step_texts
from .theme import Theme, chosen
from .webpage import Page, notebook_height, page_script, script_json, standalone, theme_style

MODES = ("step", "quiz")
SECOND_VIEW_GATES = 100  # up to this many gates a page offers composites boxed and collapsed


class Explorer(Page):
    """An explorer page: `save` it as a file, or let a notebook display it.

    `html` is the standalone page; `svg` the picture shown by notebook viewers
    that run no script (GitHub, nbviewer): the finished one, or for a quiz the
    forward one (values, no gradients).
    """


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
    drawing options of `viz.draw`; `groups` is the view the page opens on (see
    `_views` for when it offers the other). The `.grad` of the graph are left as
    they are.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    if mode not in MODES:
        raise OptionError(f"mode must be 'step' or 'quiz', got {mode!r}")
    if not isinstance(root, Value):
        raise TypeError(f"explore() needs a Value, got {type(root).__name__}")
    order = topological_order(root)
    run = Recording(root, order)
    done = finished_state(order, run.final, show=True)
    views = [
        View(way, f"v{k}-" if k else "", build_scene(root, done, replace(options, groups=way),
                                                   order=order))
        for k, way in enumerate(_views(order, groups, mode))
    ]  # fmt: skip
    if mode == "quiz":
        views = [_without_sums(view, root, order, options) for view in views]
    texts = step_texts(root, order, run, groups, precision)
    pass_data = build_pass_data(root, order, run, texts, views, options)
    pass_data.update(mode=mode, f=root_name(root))
    svgs = []
    for view, data in zip(views, pass_data["views"], strict=True):
        labels = {wid: w["label"] for wid, w in data["wires"].items() if "label" in w}
        hint = too_much_hint(order, replace(options, groups=view.groups))
        svgs.append(hooked_svg(view.scene, options.theme, labels, hint, view.prefix))
    title = f"gategrad explorer: {root_name(root)}"
    page = _page(svgs, views, pass_data, options.theme, mode, title)
    fallback = without_gradients(svgs[0]) if mode == "quiz" else svgs[0]
    return Explorer(page, fallback, height=notebook_height(svgs[0]), title="gategrad explorer")


def _without_sums(view: View, root: Value, order: list[Value], options: Options) -> View:
    """A quiz's drawing: the note on values drawn once per use (copies k/n) says which
    they are, not what their copies' gradients add up to, which are answers."""
    state = finished_state(order, [0.0] * len(order), show=False)
    forward = build_scene(root, state, replace(options, groups=view.groups), order=order)
    return replace(view, scene=replace(view.scene, copies=forward.copies))


def _views(order: list[Value], groups: str, mode: str) -> list[str]:
    """The drawings a page offers: `groups` first; in step mode a graph with composite
    gates and at most SECOND_VIEW_GATES gates also gets the other of boxed and collapsed,
    one button away. A bigger graph gets one layout: a second would about double the cost
    of the page (and a network reads best collapsed anyway)."""
    gates = sum(1 for node in order if node.gate is not None)
    if mode != "step" or groups == "none" or gates > SECOND_VIEW_GATES:
        return [groups]
    if all(node.scope is None for node in order):
        return [groups]
    return [groups, "collapse" if groups == "box" else "box"]


def _page(
    svgs: list[str],
    views: list[View],
    pass_data: dict[str, Any],
    theme: Theme,
    mode: str,
    title: str,
) -> str:
    layouts = [
        f'<div class="layout" data-groups="{view.groups}"{" hidden" if k else ""}>{svg}</div>'
        for k, (view, svg) in enumerate(zip(views, svgs, strict=True))
    ]
    parts = {
        "STEP": f"{pass_data['n']} / {pass_data['n']}",
        "SVG": "\n".join(layouts),
        "DATA": script_json(pass_data),
        "SCRIPT": page_script("explorer.js"),
    }
    style = theme_style(theme, "explorer.css")
    return standalone("explorer.html", parts, title=title, style=style, kind=mode)
