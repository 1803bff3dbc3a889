"""viz.explore without a browser: the page's data tells the frames' story, the SVG carries
its hooks, one Graphviz run, escaping everywhere, the notebook forms, size, bad input.
What the page does in a browser is tested in test_explore_browser.py."""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_viz_dotparse import parse, wires
from test_viz_draw import fxyz, sigmoid_circuit

import viz
import viz.hooks
from autograd import Value, backward_steps, topological_order
from autograd.nn import MLP
from viz import OptionError

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ("<img src=x onerror=alert(1)>", '"></script><script>alert(2)</script>')


def pass_data_of(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="pass-data">(.*?)</script>', page, re.S)
    assert found, "the page holds its data in one JSON script"
    return json.loads(found.group(1))


def svg_of(page: str) -> ET.Element:
    found = re.search(r"<svg.*?</svg>", page, re.S)
    assert found
    return ET.fromstring(found.group(0))


def shown_at(events: list, step: int) -> str | None:
    """The gradient text a wire shows at `step` (None: not computed yet)."""
    text = None
    for k, value in events:
        if k <= step:
            text = value
    return text


def fanout() -> Value:
    """x is used twice: a trunk with two branches, its gradient a sum of two shares."""
    x, y = Value(3.0, "x"), Value(-2.0, "y")
    p = x * y
    p.label = "p"
    return p + x


# --- the data: the frames' numbers, step by step ----------------------------------------


@needs_dot
@pytest.mark.parametrize("build", [fxyz, fanout, lambda: sigmoid_circuit(boxed=True)])
@pytest.mark.parametrize("groups", ["box", "collapse"])
def test_every_step_shows_the_numbers_of_the_frames(build, groups) -> None:
    """Frame k of viz.frames and step k of the page show the same gradient on every wire,
    and the page lights the gate that frame k lights; in each view the page offers."""
    pass_data = pass_data_of(viz.explore(build(), groups=groups).html)
    assert pass_data["views"][0]["groups"] == groups
    for view in pass_data["views"]:
        pictures = viz.frames(build(), groups=view["groups"])
        assert pass_data["n"] == len(pictures) - 2  # the forward frame, the steps, the last slide
        for k, picture in enumerate(pictures[:-1]):
            graph = parse(picture.source)
            for wire in wires(graph):
                entry = view["wires"][wire.id]
                assert shown_at(entry.get("grad", []), k) == wire.label.grad, (k, wire.id)
            lit = [nid for nid, a in graph.nodes.items() if a.get("fillcolor") == "#ffe8a3"]
            assert view["gates"][k] == (lit[0] if lit else None)


@needs_dot
def test_the_steps_come_in_the_order_of_backward_steps() -> None:
    f = sigmoid_circuit()
    order = topological_order(f)
    engine = [f"g{order.index(node)}" for node in backward_steps(f)]
    pass_data = pass_data_of(viz.explore(sigmoid_circuit()).html)
    assert pass_data["views"][0]["gates"][1:] == engine


@needs_dot
def test_the_lecture_answers_and_derivations() -> None:
    """f = (x+y)z at x=-2, y=5, z=-4: df/dx = df/dy = z = -4, df/dz = x+y = 3."""
    pass_data = pass_data_of(viz.explore(fxyz()).html)
    by_label = {w["label"]: w for w in pass_data["views"][0]["wires"].values() if "label" in w}
    assert {name: by_label[name]["exact"] for name in "xyzq"} == {
        "x": -4.0, "y": -4.0, "z": 3.0, "q": -4.0,
    }  # fmt: skip
    assert by_label["f"]["exact"] == 1.0
    assert by_label["q"]["value"] == "q = x + y = -2.00 + 5.00 = 3.00"
    assert by_label["x"]["why"] == [[2, "∂f/∂x = ∂f/∂q · ∂q/∂x = -4.00 · 1.00 = -4.00"]]
    assert "-4.00" in by_label["x"]["hint"][0] and "1.00" in by_label["x"]["hint"][0]


@needs_dot
def test_a_shared_value_sums_its_shares() -> None:
    """d(xy + x)/dx = y + 1 = -1: the trunk shows 1 after the + gate, then -1."""
    pass_data = pass_data_of(viz.explore(fanout()).html)
    (trunk,) = [w for w in pass_data["views"][0]["wires"].values() if w["kind"] == "trunk"]
    assert trunk["grad"] == [[1, "1.00"], [2, "-1.00"]]
    assert [k for k, _ in trunk["why"]] == [1, 2]
    branches = sorted(
        w["exact"] for w in pass_data["views"][0]["wires"].values() if w["kind"] == "branch"
    )
    assert branches == [-2.0, 1.0]


@needs_dot
def test_the_graph_keeps_its_gradients() -> None:
    f = fxyz()
    f.backward()
    before = [n.grad for n in topological_order(f)]
    viz.explore(f)
    assert [n.grad for n in topological_order(f)] == before


# --- the SVG's hooks ----------------------------------------------------------------------


@needs_dot
def test_every_number_has_its_class_and_every_wire_and_gate_an_id() -> None:
    page = viz.explore(fxyz()).html
    svg = svg_of(page)
    pass_data = pass_data_of(page)
    for wid, entry in pass_data["views"][0]["wires"].items():
        (group,) = [g for g in svg.iter(f"{SVG}g") if g.get("id") == f"wire-{wid}"]
        values = [t for t in group.iter(f"{SVG}text") if t.get("class") == "value"]
        grads = [t for t in group.iter(f"{SVG}text") if t.get("class") == "grad"]
        assert len(values) == 1 and len(grads) == 1
        assert values[0].get("fill") == viz.DEFAULT.value_color
        assert grads[0].get("fill") == viz.DEFAULT.grad_color
        assert group.get("data-label") == entry.get("label")
    gates = {g.get("id") for g in svg.iter(f"{SVG}g") if "gate" in (g.get("class") or "")}
    assert gates == {f"gate-{gate}" for gate in pass_data["views"][0]["gates"][1:]}


@needs_dot
def test_a_graph_with_composites_is_offered_boxed_and_collapsed() -> None:
    """Step mode draws both views (two layouts, ids apart); the quiz, and a graph without
    composites, one."""
    page = viz.explore(sigmoid_circuit(boxed=True), groups="collapse").html
    assert [v["groups"] for v in pass_data_of(page)["views"]] == ["collapse", "box"]
    layouts = re.findall(r'<div class="layout" data-groups="(\w+)"( hidden)?>', page)
    assert layouts == [("collapse", ""), ("box", " hidden")]
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert any(i.startswith("v1-box-") for i in ids)  # the sigmoid's box, in the second view
    quiz = viz.explore(sigmoid_circuit(boxed=True), mode="quiz").html
    assert [v["groups"] for v in pass_data_of(quiz)["views"]] == ["box"]
    assert [v["groups"] for v in pass_data_of(viz.explore(fxyz()).html)["views"]] == ["box"]
    flat = viz.explore(sigmoid_circuit(boxed=True), groups="none").html
    assert [v["groups"] for v in pass_data_of(flat)["views"]] == ["none"]


@needs_dot
def test_ids_come_from_the_graph_not_from_memory() -> None:
    """The same graph built twice (other objects, other id()s) gives the same page."""
    assert viz.explore(sigmoid_circuit()).html == viz.explore(sigmoid_circuit()).html


@needs_dot
def test_a_theme_that_uses_the_marker_colours_still_gets_its_classes() -> None:
    theme = viz.DEFAULT.replace(name_color="#010203", value_color="#030201")
    svg = svg_of(viz.explore(fxyz(), theme=theme).html)
    texts = list(svg.iter(f"{SVG}text"))
    assert sum(t.get("class") == "value" for t in texts) == 5
    assert sum(t.get("class") == "grad" for t in texts) == 5
    assert {t.get("fill") for t in texts if t.get("class") == "value"} == {"#030201"}


@needs_dot
def test_one_graphviz_run_per_page(monkeypatch) -> None:
    runs = []
    real = viz.hooks.run_graphviz

    def counted(*args, **kwargs):
        runs.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(viz.hooks, "run_graphviz", counted)
    viz.explore(sigmoid_circuit(boxed=True), mode="quiz")
    assert runs == ["svg"]


# --- escaping and the notebook forms -------------------------------------------------------


def hostile() -> Value:
    a, b = Value(1.0, HOSTILE[0]), Value(2.0, HOSTILE[1])
    return a * b


class _Elements(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(text: str) -> list[tuple[str, dict[str, str | None]]]:
    reader = _Elements()
    reader.feed(text)
    return reader.found


@needs_dot
def test_hostile_labels_stay_text_in_svg_json_and_page() -> None:
    page = viz.explore(hostile()).html
    tags = [tag for tag, _ in elements(page)]
    assert "img" not in tags
    assert tags.count("script") == 2  # the data and the page's own script
    pass_data = pass_data_of(page)
    assert {w.get("label") for w in pass_data["views"][0]["wires"].values()} >= set(HOSTILE)
    texts = {t.text for t in svg_of(page).iter(f"{SVG}text")}
    assert set(HOSTILE) <= texts


@needs_dot
def test_repr_html_is_one_iframe_holding_the_page() -> None:
    explorer = viz.explore(hostile())
    found = elements(explorer._repr_html_())
    assert [tag for tag, _ in found] == ["iframe"]
    attrs = found[0][1]
    assert attrs["srcdoc"] == explorer.html
    assert attrs["sandbox"] == "allow-scripts"


@needs_dot
def test_the_mime_bundle_has_a_static_finished_picture() -> None:
    bundle = viz.explore(fxyz())._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/svg+xml"}
    svg = ET.fromstring(bundle["image/svg+xml"])
    grads = sorted(t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "grad")
    assert grads == sorted(["-4.00", "-4.00", "3.00", "-4.00", "1.00"])  # the lecture's


@needs_dot
def test_a_quizs_static_picture_is_the_forward_one() -> None:
    """Viewers that run no script show the quiz's fallback: its red numbers would be answers."""
    svg = ET.fromstring(viz.explore(fxyz(), mode="quiz")._repr_mimebundle_()["image/svg+xml"])
    texts = list(svg.iter(f"{SVG}text"))
    assert [t for t in texts if t.get("class") == "grad"] == []
    assert all(t.get("fill") != viz.Theme().grad_color for t in texts)
    values = sorted(t.text or "" for t in texts if t.get("class") == "value")
    assert values == sorted(["-2.00", "5.00", "-4.00", "3.00", "-12.00"])  # the lecture's


@needs_dot
def test_a_quiz_does_not_sum_the_gradients_of_copies() -> None:
    """x used 12 times is drawn once per use; the note under a step page's picture adds up
    its copies' gradients (x.grad), which in a quiz is the answer to type."""
    x = Value(0.5, "x")
    f = x
    for _ in range(12):
        f = f * x + 1.0

    def notes(mode: str) -> list[str]:
        page = viz.explore(f, mode=mode).html
        return [t.text or "" for t in svg_of(page).iter(f"{SVG}text") if "copies" in (t.text or "")]

    assert any("x.grad = " in note for note in notes("step"))
    (note,) = notes("quiz")
    assert note.startswith("x is drawn once per use") and "grad" not in note


# --- files, size, bad input ---------------------------------------------------------------


@needs_dot
def test_save_writes_the_page_and_checks_the_name(tmp_path: Path) -> None:
    explorer = viz.explore(fxyz())
    path = explorer.save(tmp_path / "f.html")
    assert path.read_text(encoding="utf-8") == explorer.html
    with pytest.raises(ValueError, match=r"\.html"):
        explorer.save(tmp_path / "f.png")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        explorer.save(tmp_path / "missing" / "f.html")


@needs_dot
def test_the_slide_page_is_small_and_fetches_nothing() -> None:
    page = viz.explore(fxyz()).html
    assert len(page.encode()) < 400_000
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)


@needs_dot
def test_a_300_gate_network_page_is_under_3_mb() -> None:
    net = MLP(3, [10, 10, 1], rng=0)
    f = net([1.0, -2.0, 0.5])[0]
    assert sum(1 for n in topological_order(f) if n.gate is not None) == 300
    page = viz.explore(f).html
    assert len(page.encode()) < 3_000_000
    assert pass_data_of(page)["n"] == 300
    assert [v["groups"] for v in pass_data_of(page)["views"]] == ["box"]  # one layout: the budget


def test_bad_input_is_named() -> None:
    with pytest.raises(TypeError, match="needs a Value"):
        viz.explore(3.0)  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="mode"):
        viz.explore(fxyz(), mode="exam")
    with pytest.raises(OptionError, match="precision"):
        viz.explore(fxyz(), precision=-1)
    with pytest.raises(OptionError, match="rankdir"):
        viz.explore(fxyz(), rankdir="up")


# --- the command line ------------------------------------------------------------------------


@needs_dot
def test_the_command_line_writes_a_page_for_an_html_name(tmp_path: Path, capsys) -> None:
    from viz.cli import main

    page = tmp_path / "fxyz.html"
    assert main(["(x+y)*z", "x=-2", "y=5", "z=-4", "-o", str(page)]) == 0
    pass_data = pass_data_of(page.read_text(encoding="utf-8"))
    assert pass_data["mode"] == "step"
    by_label = {
        w["label"]: w["exact"] for w in pass_data["views"][0]["wires"].values() if "label" in w
    }
    assert (by_label["x"], by_label["y"], by_label["z"]) == (-4.0, -4.0, 3.0)
    quiz = tmp_path / "quiz.html"
    assert main(["(x+y)*z", "x=-2", "y=5", "z=-4", "-o", str(quiz), "--quiz"]) == 0
    assert pass_data_of(quiz.read_text(encoding="utf-8"))["mode"] == "quiz"
    assert capsys.readouterr().out.splitlines() == [f"wrote {page}", f"wrote {quiz}"]


def test_the_command_line_refuses_a_quiz_that_is_not_a_page(tmp_path: Path, capsys) -> None:
    from viz.cli import main

    picture = tmp_path / "f.png"
    assert main(["x*2", "x=1", "-o", str(picture), "--quiz"]) == 2
    assert "--quiz makes a page" in capsys.readouterr().err
    assert main(["x*2", "x=1", "-o", str(tmp_path / "missing" / "f.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@needs_dot
def test_the_example_writes_the_three_pages(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "explore.py"
    subprocess.run(
        [sys.executable, str(example), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pages = {name: (tmp_path / f"{name}.html").read_text(encoding="utf-8") for name in
             ("fxyz", "sigmoid", "quiz")}  # fmt: skip
    assert [pass_data_of(pages[name])["mode"] for name in pages] == ["step", "step", "quiz"]
    boxes = [g for g in svg_of(pages["sigmoid"]).iter(f"{SVG}g") if g.get("id") == "box-c0"]
    assert len(boxes) == 1  # the sigmoid drawn boxed


@needs_dot
@pytest.mark.parametrize(
    ("factor", "answer", "tolerance"),
    [(0.0025, "0.0025", 1e-4), (1.5e9, "1.50e+09", 1e7), (-4.0, "-4.00", 0.01)],
)
def test_a_quiz_answer_is_right_within_one_unit_of_its_last_digit(
    factor, answer, tolerance
) -> None:
    x = Value(2.0, "x")
    pass_data = pass_data_of(viz.explore(x * factor, mode="quiz").html)
    (wire,) = [w for w in pass_data["views"][0]["wires"].values() if w.get("label") == "x"]
    assert (wire["answer"], wire["exact"]) == (answer, factor)
    assert wire["tolerance"] == pytest.approx(tolerance)


@needs_dot
def test_a_nan_answer_is_typed_as_written() -> None:
    x = Value(2.0, "x")
    pass_data = pass_data_of(viz.explore(x * float("nan"), mode="quiz").html)
    (wire,) = [w for w in pass_data["views"][0]["wires"].values() if w.get("label") == "x"]
    assert (wire["answer"], wire["exact"]) == ("nan", "nan")
