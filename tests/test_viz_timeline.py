"""viz.Timeline's recording: per-wire numbers of one fresh pass, shapes, metrics, live().

Golden numbers are the lecture's f = (x+y)z circuit and hand-computed relus; the
page itself is tested in the browser (test_viz_timeline_page.py)."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import viz.timeline_page
from autograd import Value
from autograd.nn import MLP
from autograd.nn.losses import hinge
from viz.options import OptionError
from viz.plane import Plane
from viz.timeline import Timeline

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
SVG = "{http://www.w3.org/2000/svg}"


def fxyz(x: float = -2.0, y: float = 5.0, z: float = -4.0) -> Value:
    xv, yv, zv = Value(x, "x"), Value(y, "y"), Value(z, "z")
    q = xv + yv
    q.label = "q"
    return q * zv


def by_name(timeline: Timeline, step: int) -> dict[str, tuple[float, float]]:
    """(value, gradient) of each named wire (leaves by start, q by name, f by end)."""
    assert timeline.shape is not None
    snapshot = timeline.snapshots[step]
    named = {}
    for i, wire in enumerate(timeline.shape.wires):
        name = wire.start or wire.name or wire.end
        if name:
            named[name] = (snapshot.values[i], snapshot.grads[i])
    return named


def test_a_step_records_the_lectures_values_and_gradients() -> None:
    timeline = Timeline()
    timeline.add(fxyz())
    assert by_name(timeline, 0) == {
        "x": (-2.0, -4.0),
        "y": (5.0, -4.0),
        "z": (-4.0, 3.0),
        "q": (3.0, -4.0),
        "f": (-12.0, 1.0),
    }


def test_every_step_has_its_own_numbers() -> None:
    timeline = Timeline()
    for x in (-2.0, 0.0, 1.5):
        timeline.add(fxyz(x=x), loss=x * x)
    for step, x in enumerate((-2.0, 0.0, 1.5)):
        q = x + 5.0
        numbers = by_name(timeline, step)
        assert numbers["q"] == (q, -4.0)
        assert numbers["z"] == (-4.0, q)
        assert numbers["f"] == (q * -4.0, 1.0)
    assert [s.metrics["loss"] for s in timeline.snapshots] == [4.0, 0.0, 2.25]


def test_recording_leaves_grad_alone() -> None:
    f = fxyz()
    x = f.parents[0].parents[0]
    x.grad = 7.0
    Timeline().add(f)
    assert x.grad == 7.0
    assert f.grad == 0.0


def test_a_constant_operand_shows_no_gradient() -> None:
    x = Value(3.0, "x")
    timeline = Timeline(fold_constants=False)
    timeline.add(x * 2.0)
    shape = timeline.shape
    assert shape is not None
    constant = next(i for i, w in enumerate(shape.wires) if w.kind == "constant")
    assert math.isnan(timeline.snapshots[0].grads[constant])
    assert timeline.snapshots[0].values[constant] == 2.0


def relu_probe(z: float) -> Value:
    w = Value(z, "w")
    return (w * 1.0).relu() * Value(2.0, "v")


@pytest.mark.parametrize(("z", "off"), [(-0.5, True), (0.0, True), (0.5, False)])
def test_a_relu_at_zero_is_marked_off(z: float, off: bool) -> None:
    timeline = Timeline()
    timeline.add(relu_probe(z))
    shape = timeline.shape
    assert shape is not None
    relu_wire = next(
        i
        for i, w in enumerate(shape.wires)
        if w.source is not None and any(n.id == w.source and n.text == "relu" for n in shape.nodes)
    )
    assert (relu_wire in timeline.snapshots[0].relu_off) is off
    assert timeline.snapshots[0].relu_off == ((relu_wire,) if off else ())
    # nothing flows back through a relu that is off: w's gradient is 0
    assert by_name(timeline, 0)["w"][1] == (0.0 if off else 2.0)


def test_another_graph_is_refused_with_what_differs() -> None:
    timeline = Timeline()
    timeline.add(fxyz())
    x, y = Value(1.0, "x"), Value(2.0, "y")
    with pytest.raises(ValueError, match=r"step 2 .* draws \d+ gates, step 1 drew 2"):
        timeline.add((x + y).exp() * Value(3.0, "z"))
    with pytest.raises(ValueError, match=r"gate 1 has text '\*' where step 1 had '\+'"):
        q = x * y
        q.label = "q"
        timeline.add(q * Value(3.0, "z"))
    with pytest.raises(ValueError, match=r"start 'a' where step 1 had 'x'"):
        q = Value(1.0, "a") + y
        q.label = "q"
        timeline.add(q * Value(3.0, "z"))
    assert len(timeline) == 1


def test_an_unlabelled_leaf_whose_number_changes_is_named_as_the_reason() -> None:
    timeline = Timeline()
    timeline.add(Value(1.0) * Value(2.0, "w"))
    with pytest.raises(ValueError, match="unlabelled leaf is drawn by its number: label it"):
        timeline.add(Value(3.0) * Value(2.0, "w"))


def test_metrics_must_be_numbers_and_the_same_names_every_step() -> None:
    timeline = Timeline()
    timeline.add(fxyz(), loss=Value(0.25), accuracy=1)
    assert timeline.metric_names == ("loss", "accuracy")
    assert timeline.snapshots[0].metrics == {"loss": 0.25, "accuracy": 1.0}
    with pytest.raises(ValueError, match="missing 'accuracy'; new 'acc'"):
        timeline.add(fxyz(), loss=0.5, acc=1.0)
    with pytest.raises(TypeError, match="metric 'loss' must be a real number, got str"):
        timeline.add(fxyz(), loss="low", accuracy=1.0)
    timeline.add(fxyz(), accuracy=0.5, loss=0.5)  # order of the keywords does not matter
    assert list(timeline.snapshots[1].metrics) == ["loss", "accuracy"]


def test_bad_options_and_probes_are_named() -> None:
    with pytest.raises(OptionError, match="groups must be one of"):
        Timeline(groups="boxes")
    with pytest.raises(ValueError, match="tiny must be a fraction between 0 and 1"):
        Timeline(tiny=2)
    with pytest.raises(TypeError, match="needs the probe's Value, got float"):
        Timeline().add(1.0)  # type: ignore[arg-type]


def test_live_without_ipython_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "IPython", None)  # as if it were not installed
    with pytest.raises(RuntimeError, match="needs IPython, which is not installed"):
        Timeline().live()


def test_live_outside_a_notebook_is_a_clear_error() -> None:
    pytest.importorskip("IPython")
    with pytest.raises(RuntimeError, match=r"not one; use timeline\.save"):
        Timeline().live()


LIVE_SCRIPT = textwrap.dedent(
    """
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from autograd import Value
    from viz.timeline import Timeline

    InteractiveShell.instance()
    timeline = Timeline()
    with capture_output() as captured:
        timeline.live()
        for x in (1.0, 2.0):
            timeline.add(Value(x, "x") * Value(3.0, "w"), loss=x)
    for output in captured.outputs:
        page = "<iframe srcdoc" in output.data["text/html"]
        print(output.transient["display_id"], output.update, page)
    """
)


def test_live_displays_once_then_updates_that_output_at_every_add() -> None:
    pytest.importorskip("IPython")
    done = subprocess.run(
        [sys.executable, "-c", LIVE_SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    assert [line[1:] for line in lines] == [["False", "False"], ["True", "True"], ["True", "True"]]
    assert len({line[0] for line in lines}) == 1  # one output, updated in place


def mlp_timeline(steps: int, groups: str) -> Timeline:
    """`steps` snapshots of an MLP(2, [8, 8, 1]) probe, its weights nudged between them."""
    model = MLP(2, [8, 8, 1], rng=0)
    timeline = Timeline(groups=groups)
    for step in range(steps):
        loss = hinge(model([0.5, -1.0])[0], 1)
        timeline.add(loss, loss=loss, step=step)
        for p in model.parameters():
            p.data += 0.01
    return timeline


@needs_dot
def test_a_hundred_steps_of_an_mlp_probe_fit_in_five_megabytes(tmp_path: Path) -> None:
    page = mlp_timeline(100, "box").save(tmp_path / "mlp.html")
    assert page.stat().st_size < 5_000_000


@needs_dot
def test_the_picture_is_laid_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    layouts = []
    real = viz.timeline_page.hooked_svg

    def counted(*args: object) -> str:
        layouts.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(viz.timeline_page, "hooked_svg", counted)
    timeline = Timeline()
    timeline.add(fxyz())
    first = timeline.page().html
    timeline.add(fxyz(x=10.0))
    second = timeline._repr_html_()
    assert len(layouts) == 1
    assert first != second


@needs_dot
def test_the_picture_without_script_shows_the_last_step() -> None:
    timeline = Timeline()
    timeline.add(fxyz())
    timeline.add(fxyz(x=10.0))  # q = 15, f = -60
    svg = ET.fromstring(timeline._repr_mimebundle_()["image/svg+xml"])
    values = [t.text.strip() for t in svg.iter(f"{SVG}text") if t.get("class") == "value"]
    assert "15.00" in values and "-60.00" in values and "3.00" not in values


def test_an_empty_timeline_has_nothing_to_save(tmp_path: Path) -> None:
    timeline = Timeline()
    with pytest.raises(ValueError, match="no steps yet"):
        timeline.save(tmp_path / "empty.html")
    assert "no steps yet" in timeline._repr_html_()


@needs_dot
def test_a_page_is_saved_as_html_only(tmp_path: Path) -> None:
    timeline = Timeline()
    timeline.add(fxyz())
    with pytest.raises(ValueError, match=r"saved as \.html"):
        timeline.save(tmp_path / "run.png")


def test_a_plane_keeps_the_sign_of_each_score_row_by_row() -> None:
    plane = Plane([[1.0, -2.0, 0.0], [-0.5, 3.0, 1e-9]], extent=(0, 3, 0, 2))
    assert plane.shape == (2, 3)
    assert plane.signs == "100011"  # 0 is not above the boundary


def test_a_bad_plane_is_named() -> None:
    with pytest.raises(ValueError, match=r"at least 2 x 2 .* got shape \(3,\)"):
        Plane([1.0, 2.0, 3.0], extent=(0, 1, 0, 1))  # type: ignore[list-item]
    with pytest.raises(ValueError, match="extent must be 4 finite numbers"):
        Plane([[1, 2], [3, 4]], extent=(0, 1, 0))
    with pytest.raises(ValueError, match="from smaller to larger"):
        Plane([[1, 2], [3, 4]], extent=(1, 0, 0, 1))
    with pytest.raises(ValueError, match="3 points but 2 labels"):
        Plane([[1, 2], [3, 4]], extent=(0, 1, 0, 1), points=[[0, 0]] * 3, labels=[1, -1])


def test_every_step_has_a_plane_of_one_grid_or_none() -> None:
    timeline = Timeline()
    timeline.add(fxyz(), plane=Plane([[1, 2], [3, 4]], extent=(0, 1, 0, 1)))
    with pytest.raises(ValueError, match="step 2 has no plane and step 1 had"):
        timeline.add(fxyz())
    with pytest.raises(ValueError, match=r"a \(2, 3\) grid, step 1's \(2, 2\)"):
        timeline.add(fxyz(), plane=Plane([[1, 2, 3], [3, 4, 5]], extent=(0, 1, 0, 1)))
    with pytest.raises(TypeError, match=r"plane must be a viz\.Plane, got list"):
        timeline.add(fxyz(), plane=[[1, 2], [3, 4]])  # type: ignore[arg-type]
    assert len(timeline) == 1


@needs_dot
def test_metrics_and_gradients_that_are_not_finite_still_make_a_page() -> None:
    """nan and inf are written as words, and the plots leave them out (JSON has no nan)."""
    timeline = Timeline()
    for k, x in enumerate((1.0, math.inf, 2.0)):
        f = (Value(x, "x") * Value(2.0, "w")).log()  # x = inf: log(inf) = inf, its gradient 0
        timeline.add(f, loss=math.nan if k == 0 else float(k))
    page = timeline.page().html
    data = re.search(r'id="timeline-data">(.*?)</script>', page, re.S)
    assert data is not None
    parsed = json.loads(data.group(1))
    assert [step["metrics"] for step in parsed["steps"]] == [["nan"], ["1"], ["2"]]
    assert parsed["marks"][0][0] is None and parsed["marks"][0][1] is not None
    assert "inf" in parsed["steps"][1]["values"]


@needs_dot
def test_the_page_does_not_sum_step_1s_copies_at_every_step() -> None:
    """A leaf used far apart is drawn once per use; the picture's note would add up the
    copies' gradients of step 1 only, so the page leaves it out (the k/n marks stay)."""
    timeline = Timeline()
    for k in range(2):
        x = Value(1.0 + k, "x")
        f = x
        for _ in range(12):
            f = f * x + 1.0
        timeline.add(f)
    assert timeline.shape is not None and timeline.shape.copies is not None  # the note exists
    svg = timeline._repr_mimebundle_()["image/svg+xml"]
    assert "add up to" not in svg
    assert re.search(r">1/\d+<", svg)  # the copies are still marked
