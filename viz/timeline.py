"""`viz.Timeline`: a training run recorded as numbers, shown as one page.

    timeline = viz.Timeline(groups="collapse")      # drawing options by name, as in viz.draw
    for epoch in range(epochs):
        ...                                          # the usual training step
        timeline.add(loss_fn(probe_x, probe_y), loss=epoch_loss, accuracy=acc)
    timeline.save("training.html")

A learner wants to see *why* the loss falls: which weights move, where gradients
fade, when a relu switches off. So each `add` keeps, for the probe graph (one
small graph built the same way at every step), the value and the gradient of
every wire of its picture, and the named metrics. The gradients are those of one
fresh backward pass from the probe, as `viz.draw` shows them; the Values' `.grad`
are left as they were, so recording never disturbs training.

Numbers, not pictures: the picture is laid out by Graphviz once, and every later
probe must draw the same picture (the same gates in the same order), or `add`
says what differs. One snapshot of an MLP(2, [8, 8, 1]) probe is a few kilobytes.
"""

from __future__ import annotations

import math
import os
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from autograd import Value, fresh_gradients, topological_order
from autograd.validate import real_number, shown

from .options import Options
from .picture import too_much_hint
from .plane import Plane
from .scene import Group, Node, Scene, Wire, build_scene, finished_state
from .theme import Theme, chosen
from .timeline_page import Picture, page
from .webpage import Page

Part = Node | Wire | Group  # what a scene is made of
RELU = "relu"  # the gate whose zero output lets no gradient through


@dataclass(frozen=True)
class Snapshot:
    """One step of a run: a number per wire of the picture, in the picture's wire order.

    `grads[i]` is nan for a wire that shows no gradient (a constant operand); a
    gradient that really is nan is nan too, and the picture writes it the same way.
    `relu_off`: the wires that carry the output of a relu at 0, through which no
    gradient flows back at this step.
    """

    values: array[float]
    grads: array[float]
    relu_off: tuple[int, ...]
    metrics: Mapping[str, float]
    plane: str | None = None  # the signs of a Plane's scores, row by row ("1": score > 0)


class Timeline:
    """The probe graph's numbers and the metrics of every step of a training run.

    Options are those of `viz.draw` that shape a picture, by name: `precision`,
    `fold_constants`, `groups` ("box", "collapse" or "none"), `rankdir`, `theme`
    (they are checked at once, into `self.options`).
    `tiny`: a wire's gradient counts as vanishing when its size is below `tiny`
    times the largest gradient size of the same snapshot.
    """

    def __init__(
        self,
        *,
        precision: int = 2,
        fold_constants: bool = True,
        groups: str = "box",
        rankdir: str = "LR",
        theme: Theme | None = None,
        tiny: float = 1e-3,
    ) -> None:
        self.options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
        self._exact = _Exact(precision, fold_constants, groups, rankdir, self.options.theme)
        self.tiny = _fraction(tiny)
        self.snapshots: list[Snapshot] = []
        self.shape: Scene | None = None  # step 1's picture, as the page lays it out
        self._blank: Scene | None = None  # step 1's exact scene without numbers: its shape
        self._display: Any = None  # an IPython display handle once live() is called
        self._picture: Picture | None = None  # laid out at the first page, then kept
        self.labels: dict[str, str] = {}  # wire id -> label of the Value it carries
        self.hint = ""  # what to try if Graphviz cannot lay the probe out
        self.plane: Plane | None = None  # step 1's plane: its grid, extent and points

    def __len__(self) -> int:
        return len(self.snapshots)

    @property
    def metric_names(self) -> tuple[str, ...]:
        """The metrics' names, in the order the first `add` gave them."""
        return tuple(self.snapshots[0].metrics) if self.snapshots else ()

    def add(self, probe: Value, *, plane: Plane | None = None, **metrics: float) -> Snapshot:
        """Record `probe`'s values and gradients and the step's `metrics`; return the snapshot.

        Every probe must draw the same picture as the first, and every step must
        name the same metrics; a ValueError says what differs. A metric may be a
        Value (its `.data` is kept). `plane`: a 2-input classifier's decision
        over its input plane (`viz.Plane`), at every step or none.
        """
        if not isinstance(probe, Value):
            raise TypeError(f"Timeline.add() needs the probe's Value, got {type(probe).__name__}")
        numbers = self._checked_metrics(metrics)
        self._check_plane(plane)
        order = topological_order(probe)
        state = finished_state(order, fresh_gradients(probe, order), show=True)
        exact = build_scene(probe, state, self._exact, order=order)
        blank = _without_numbers(exact)
        if self._blank is None:
            self.shape = build_scene(probe, state, self.options, order=order)
            self._blank = blank
            self.labels = _labels(exact, order)
            self.hint = too_much_hint(order, self.options)
        elif blank != self._blank:
            raise ValueError(
                f"step {len(self) + 1} does not draw the picture of step 1: "
                f"{_difference(self._blank, blank)}. A Timeline needs the same probe graph "
                "at every step (the same gates in the same order)"
            )
        snapshot = Snapshot(
            values=array("d", (float(w.value) for w in exact.wires)),
            grads=array("d", (math.nan if w.grad is None else float(w.grad) for w in exact.wires)),
            relu_off=tuple(
                i
                for i, w in enumerate(exact.wires)
                if w.node is not None and _relu_at_zero(order[w.node])
            ),
            metrics=numbers,
            plane=None if plane is None else plane.signs,
        )
        if not self.snapshots:
            self.plane = plane
        self.snapshots.append(snapshot)
        if self._display is not None:
            self._display.update(self)
        return snapshot

    def _checked_metrics(self, metrics: Mapping[str, object]) -> dict[str, float]:
        numbers = {name: _metric(name, value) for name, value in metrics.items()}
        if self.snapshots and set(numbers) != set(self.metric_names):
            missing = [n for n in self.metric_names if n not in numbers]
            extra = [n for n in numbers if n not in self.metric_names]
            said = "; ".join(
                part
                for part in (
                    f"missing {', '.join(map(repr, missing))}" if missing else "",
                    f"new {', '.join(map(repr, extra))}" if extra else "",
                )
                if part
            )
            raise ValueError(
                f"step {len(self) + 1} names other metrics than step 1 ({said}): "
                "give every step the same metrics"
            )
        return {name: numbers[name] for name in self.metric_names} if self.snapshots else numbers

    def _check_plane(self, plane: Plane | None) -> None:
        if plane is not None and not isinstance(plane, Plane):
            raise TypeError(f"plane must be a viz.Plane, got {type(plane).__name__}")
        if not self.snapshots:
            return
        if (plane is None) != (self.plane is None):
            given = "no plane" if plane is None else "a plane"
            raise ValueError(
                f"step {len(self) + 1} has {given} and step 1 had not: give every step a plane "
                "or none"
            )
        if plane is not None and self.plane is not None and plane.shape != self.plane.shape:
            raise ValueError(
                f"step {len(self) + 1}'s plane is a {plane.shape} grid, step 1's {self.plane.shape}"
            )

    def page(self) -> Page:
        """The standalone page of the steps so far (Graphviz lays the picture out only once)."""
        if not self.snapshots:
            raise ValueError("the timeline has no steps yet: call add(probe, ...) first")
        if self._picture is None:
            self._picture = Picture(self)
        return page(self, self._picture)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to `path`, an .html file that opens offline in any browser."""
        return self.page().save(path)

    def _repr_html_(self) -> str:
        if not self.snapshots:
            return "<p>gategrad timeline: no steps yet (call <code>add(probe, ...)</code>)</p>"
        return self.page()._repr_html_()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        if not self.snapshots:
            return {"text/html": self._repr_html_()}
        return self.page()._repr_mimebundle_()

    def live(self) -> None:
        """Show the page in this Jupyter output now, and update it in place at every `add`.

        Uses IPython's display handles, so no widget library is needed.
        """
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            raise RuntimeError(
                "Timeline.live() shows the page in a Jupyter notebook and needs IPython, "
                "which is not installed; outside a notebook use timeline.save('run.html')"
            ) from None
        if get_ipython() is None:
            raise RuntimeError(
                "Timeline.live() shows the page in a Jupyter notebook, and this is not one; "
                "use timeline.save('run.html') instead"
            )
        self._display = display(self, display_id=True)


class _Exact(Options):
    """Options whose scene writes every number as its repr, which `float()` reads back exactly.

    The scene works out each wire's number (a branch's share of the gradient
    too); recording them this way keeps that arithmetic in one place.
    """

    def number(self, x: float) -> str:
        return repr(float(x))


def _fraction(tiny: object) -> float:
    """`tiny` as a float strictly between 0 and 1; a clear error otherwise."""
    value = real_number(tiny, "tiny")
    if not 0.0 < value < 1.0:
        raise ValueError(f"tiny must be a fraction between 0 and 1, got {shown(tiny)}")
    return value


def _metric(name: str, value: object) -> float:
    """A metric's number; a Value gives its `.data`."""
    if isinstance(value, Value):
        return value.data
    return real_number(value, f"metric {name!r}")


def _labels(scene: Scene, order: list[Value]) -> dict[str, str]:
    """Each wire's Value's label (the output's name for the probe), for the page's hooks."""
    labels = {}
    for wire in scene.wires:
        label = wire.end if wire.end else order[wire.node].label if wire.node is not None else None
        if label:
            labels[wire.id] = label
    return labels


def _relu_at_zero(node: Value) -> bool:
    gate = node.gate
    return gate is not None and gate.name == RELU and node.data == 0.0


def _without_numbers(scene: Scene) -> Scene:
    """The scene with the numbers that change from step to step taken out: its shape."""
    return replace(
        scene,
        copies=None,  # it says what the copies' gradients add up to
        wires=tuple(
            replace(w, value="", grad=None, reserve=None, consumers=_gates_only(w.consumers))
            for w in scene.wires
        ),
    )


def _gates_only(consumers: tuple[tuple[int, float], ...]) -> tuple[tuple[int, float], ...]:
    """A wire's consumers without their local derivatives, which change with the numbers."""
    return tuple((gate, 0.0) for gate, _ in consumers)


def _first_different_field(old: Part, new: Part) -> str:
    return next(f.name for f in fields(old) if getattr(old, f.name) != getattr(new, f.name))


def _difference(first: Scene, now: Scene) -> str:
    """The first thing, in words, that differs between two scenes without numbers."""
    parts: list[tuple[str, Sequence[Part], Sequence[Part]]] = [
        ("gate", first.nodes, now.nodes),
        ("wire", first.wires, now.wires),
        ("composite box", first.groups, now.groups),
    ]
    for what, a, b in parts:
        if len(a) != len(b):
            return f"it draws {len(b)} {what}s, step 1 drew {len(a)}"
        for k, (old, new) in enumerate(zip(a, b, strict=True), start=1):
            if old != new:
                field = _first_different_field(old, new)
                hint = " (an unlabelled leaf is drawn by its number: label it)"
                return (
                    f"its {what} {k} has {field} {shown(getattr(new, field))} "
                    f"where step 1 had {shown(getattr(old, field))}"
                    + (hint if field == "start" else "")
                )
    return "the picture's options differ"
