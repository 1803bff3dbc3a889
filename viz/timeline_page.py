"""What the page of a `viz.Timeline` shows, as data: the numbers of every step and the plots.

The picture is laid out once; the page's script only rewrites the text of each
wire's `value` and `grad` and switches classes, from the JSON made here:

- per step, each wire's value and gradient as the wires write them (so the page
  shows exactly what `viz.draw` would), which wires have a vanishing gradient
  (`tiny`) and which carry a relu that is off (`off`), and each metric's text;
- per metric, a small SVG plot over the steps, with the point of every step, so
  the script can move the plot's marker to the current one.

Everything that came from the user (metric names) is escaped here; numbers are
written by `viz.numbers`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from .hooks import SVG, hooked_svg
from .plane import plane_svg
from .webpage import Page, notebook_height, page_script, script_json, standalone, theme_style

if TYPE_CHECKING:
    from .timeline import Timeline

PLOT_WIDTH = 240  # pixels of one metric's plot
PLOT_HEIGHT = 56
PLOT_PAD = 6  # room around the line for the marker
OFF_COLOR = "#3b6fd4"  # a relu that is off: blue, away from the green and red numbers
METRIC_DIGITS = 4  # significant digits of a metric in the panel and on its plot


def metric_text(x: float) -> str:
    """A metric as the panel writes it: 4 significant digits, `nan` and `inf` as words."""
    return f"{x:.{METRIC_DIGITS}g}"


def step_numbers(timeline: Timeline, k: int) -> tuple[list[str], list[str | None]]:
    """Step `k`'s numbers as the wires write them: values, and gradients (None: none shown)."""
    shape = timeline.shape
    assert shape is not None
    snapshot, number = timeline.snapshots[k], timeline.options.number
    values = [number(v) for v in snapshot.values]
    grads = [
        None if wire.grad is None else number(g)
        for wire, g in zip(shape.wires, snapshot.grads, strict=True)
    ]
    return values, grads


def step_data(timeline: Timeline) -> list[dict[str, object]]:
    """Per step: the wires' numbers as text (None: no gradient shown), tiny and off wires."""
    shape = timeline.shape
    assert shape is not None
    shown = [wire.grad is not None for wire in shape.wires]
    steps: list[dict[str, object]] = []
    for k, snapshot in enumerate(timeline.snapshots):
        values, grads = step_numbers(timeline, k)
        steps.append(
            {
                "values": values,
                "grads": grads,
                "tiny": vanishing(
                    [g if on else None for g, on in zip(snapshot.grads, shown, strict=True)],
                    timeline.tiny,
                ),
                "off": list(snapshot.relu_off),
                "metrics": [metric_text(x) for x in snapshot.metrics.values()],
            }
        )
    return steps


def vanishing(grads: Sequence[float | None], tiny: float) -> list[int]:
    """The wires whose gradient size is below `tiny` times the step's largest (zero too).

    Relative, because a loss's scale sets the scale of all its gradients: what
    counts is how much smaller a gradient is than where learning happens.
    """
    sizes = [abs(g) for g in grads if g is not None and math.isfinite(g)]
    largest = max(sizes, default=0.0)
    if largest == 0.0:
        return []  # nothing flows anywhere: no wire stands out
    return [i for i, g in enumerate(grads) if g is not None and abs(g) < tiny * largest]


def plot_points(series: Sequence[float]) -> list[tuple[float, float] | None]:
    """Where each step's number sits in a plot (None: not finite, so not drawn)."""
    finite = [x for x in series if math.isfinite(x)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 0.0)
    span = high - low
    across = (PLOT_WIDTH - 2 * PLOT_PAD) / max(len(series) - 1, 1)
    height = PLOT_HEIGHT - 2 * PLOT_PAD
    points: list[tuple[float, float] | None] = []
    for i, x in enumerate(series):
        if not math.isfinite(x):
            points.append(None)
            continue
        up = (x - low) / span if span > 0 else 0.5
        points.append((round(PLOT_PAD + i * across, 2), round(PLOT_PAD + (1 - up) * height, 2)))
    return points


def plot_svg(index: int, name: str, series: Sequence[float]) -> str:
    """One metric over the steps: a line (broken where it is not finite), its range, a marker.

    The marker (`.marker`, a dot and a vertical line) is moved by the script.
    """
    points = plot_points(series)
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    lines = "".join(
        f'<polyline class="line" points="{" ".join(f"{x:g},{y:g}" for x, y in run)}"/>'
        for run in runs
        if run
    )
    finite = [x for x in series if math.isfinite(x)]
    labels = (
        f'<text class="range" x="{PLOT_WIDTH - 2}" y="10">{escape(metric_text(max(finite)))}</text>'
        f'<text class="range" x="{PLOT_WIDTH - 2}" y="{PLOT_HEIGHT - 2}">'
        f"{escape(metric_text(min(finite)))}</text>"
        if finite
        else ""
    )
    return (
        f'<svg class="plot" id="plot-{index}" width="{PLOT_WIDTH}" height="{PLOT_HEIGHT}" '
        f'viewBox="0 0 {PLOT_WIDTH} {PLOT_HEIGHT}" role="img" aria-label="{escape(name)}">'
        f"<title>{escape(name)} over the steps</title>{lines}{labels}"
        f'<line class="marker" x1="0" x2="0" y1="0" y2="{PLOT_HEIGHT}"/>'
        f'<circle class="marker" r="3.5" cx="0" cy="0"/></svg>'
    )


def metrics_panel(timeline: Timeline) -> tuple[str, list[list[tuple[float, float] | None]]]:
    """The `#metrics` panel's HTML (a row per metric: name, number, plot) and each plot's points."""
    rows, marks = [], []
    for i, name in enumerate(timeline.metric_names):
        series = [s.metrics[name] for s in timeline.snapshots]
        rows.append(
            f'<div class="metric"><span class="metric-name">{escape(name)}</span> '
            f'<span class="metric-value" id="metric-{i}"></span>{plot_svg(i, name, series)}</div>'
        )
        marks.append(plot_points(series))
    return f'<div id="metrics">{"".join(rows)}</div>', marks


class Picture:
    """The probe's picture, laid out by Graphviz once, with a handle on each wire's numbers.

    Each number's place is as wide as the widest text that wire showed in the
    steps recorded before the layout, so later numbers rarely need more room.
    `at` writes one step's numbers into it: the page's picture before its
    script runs, and the picture of viewers that run no script.
    """

    def __init__(self, timeline: Timeline) -> None:
        shape = timeline.shape
        assert shape is not None
        texts = [step_numbers(timeline, k) for k in range(len(timeline))]
        widest = tuple(
            replace(
                wire,
                value=max((values[i] for values, _ in texts), key=len),
                grad=None if wire.grad is None else max((g[i] or "" for _, g in texts), key=len),
            )
            for i, wire in enumerate(shape.wires)
        )
        # The copies' note adds up step 1's gradients: on a page of many steps it would be
        # wrong at every other one, so the copies keep only their k/n marks.
        laid_out = replace(shape, wires=widest, copies=None)
        svg = hooked_svg(laid_out, timeline.options.theme, timeline.labels, timeline.hint)
        self.root = ET.fromstring(svg)
        texts_of = {
            group.get("id"): group
            for group in self.root.iter(f"{{{SVG}}}g")
            if group.get("id", "").startswith("wire-")
        }
        self.ids = [f"wire-{wire.id}" for wire in shape.wires]
        self.numbers = [
            (_text(texts_of.get(wid), "value"), _text(texts_of.get(wid), "grad"))
            for wid in self.ids
        ]

    def at(self, values: Sequence[str], grads: Sequence[str | None]) -> str:
        """The SVG text with these numbers on the wires."""
        for (value_text, grad_text), value, grad in zip(self.numbers, values, grads, strict=True):
            if value_text is not None:
                value_text.text = value
            if grad_text is not None and grad is not None:
                grad_text.text = grad
        return ET.tostring(self.root, encoding="unicode")


def _text(group: ET.Element | None, role: str) -> ET.Element | None:
    if group is None:
        return None
    return next((t for t in group.iter(f"{{{SVG}}}text") if t.get("class") == role), None)


def page(timeline: Timeline, picture: Picture) -> Page:
    """The standalone page of the recorded steps, opening on the last one."""
    shape = timeline.shape
    assert shape is not None
    last = len(timeline) - 1
    svg = picture.at(*step_numbers(timeline, last))
    metrics, marks = metrics_panel(timeline)
    probe = next((w.end for w in shape.wires if w.end), "f")
    title = f"gategrad timeline: {probe} over {len(timeline)} steps"
    data = {
        "wires": picture.ids,
        "steps": step_data(timeline),
        "marks": marks,
        "planes": [s.plane for s in timeline.snapshots] if timeline.plane else None,
    }
    boundary = (
        f'<div id="boundary"><p class="metric-name">decision boundary</p>'
        f"{plane_svg(timeline.plane)}</div>"
        if timeline.plane
        else ""
    )
    parts = {
        "LAST": str(last),
        "COUNT": f"{last + 1} / {last + 1}",
        "SVG": svg,
        "METRICS": metrics,
        "BOUNDARY": boundary,
        "TINY": escape(f"{timeline.tiny:g}"),
        "DATA": script_json(data),
        "SCRIPT": page_script("timeline.js"),
    }
    style = theme_style(timeline.options.theme, "timeline.css", off=OFF_COLOR)
    html = standalone("timeline.html", parts, title=title, style=style, kind="timeline")
    return Page(html, svg, notebook_height(svg), title)
