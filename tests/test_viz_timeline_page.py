"""viz.Timeline's page in headless chromium: moving through the steps shows each step's
recorded numbers (worked out again here by hand), the metrics and the plots' markers
follow, weak wires are marked, hostile text stays text, and nothing leaves file://."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import BrowserTab

from autograd import Value
from autograd.nn import MLP
from viz.plane import Plane
from viz.timeline import Timeline

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
pytestmark = needs_dot

STEPS = 5


def lecture_probe(k: int) -> Value:
    """The lecture's f = (x+y)z, with x and z moved a little at every step."""
    x, y, z = Value(-2.0 + k, "x"), Value(5.0, "y"), Value(-4.0 + 0.5 * k, "z")
    q = x + y
    q.label = "q"
    return q * z


def expected(k: int) -> dict[str, tuple[str, str]]:
    """(value, gradient) per label at step k: df/dx = df/dy = z, df/dz = q, df/dq = z."""
    x, y, z = -2.0 + k, 5.0, -4.0 + 0.5 * k
    q = x + y
    numbers = {"x": (x, z), "y": (y, z), "z": (z, q), "q": (q, z), "f": (q * z, 1.0)}
    return {name: (f"{v:.2f}", f"{g:.2f}") for name, (v, g) in numbers.items()}


def loss(k: int) -> float:
    return ((-2.0 + k + 5.0) * (-4.0 + 0.5 * k)) ** 2 / 100


@pytest.fixture(scope="module")
def lecture_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    timeline = Timeline()
    for k in range(STEPS):
        timeline.add(lecture_probe(k), loss=loss(k), accuracy=k / (STEPS - 1))
    return timeline.save(tmp_path_factory.mktemp("timeline") / "lecture.html")


def shown(tab: BrowserTab, label: str) -> tuple[str, str]:
    wire = f'g[data-label="{label}"]'
    return (
        tab.page.text_content(f"{wire} text.value").strip(),
        tab.page.text_content(f"{wire} text.grad").strip(),
    )


def assert_step(tab: BrowserTab, k: int) -> None:
    assert tab.page.text_content("#snapshot") == f"{k + 1} / {STEPS}"
    for label, numbers in expected(k).items():
        assert shown(tab, label) == numbers, (k, label)


def test_moving_through_the_steps_shows_each_steps_numbers(
    tab: BrowserTab, lecture_page: Path
) -> None:
    tab.page.goto(lecture_page.as_uri())
    assert_step(tab, STEPS - 1)  # it opens on the last step
    tab.page.keyboard.press("Home")
    assert_step(tab, 0)
    tab.page.keyboard.press("ArrowRight")
    tab.page.keyboard.press("ArrowRight")
    assert_step(tab, 2)
    tab.page.keyboard.press("ArrowLeft")
    assert_step(tab, 1)
    tab.page.keyboard.press("End")
    assert_step(tab, STEPS - 1)
    tab.page.keyboard.press("ArrowRight")  # the end stays the end
    assert_step(tab, STEPS - 1)
    tab.page.locator("#slider").evaluate(
        "slider => { slider.value = '3'; slider.dispatchEvent(new Event('input')); }"
    )
    assert_step(tab, 3)
    tab.assert_clean()


def test_space_plays_to_the_end(tab: BrowserTab, lecture_page: Path) -> None:
    from playwright.sync_api import expect  # there, since the fixture found Playwright

    tab.page.goto(lecture_page.as_uri())
    tab.page.keyboard.press("Home")
    tab.page.keyboard.press(" ")
    expect(tab.page.locator("#snapshot")).to_have_text(f"{STEPS} / {STEPS}", timeout=10000)
    assert_step(tab, STEPS - 1)
    assert tab.page.text_content("#play") == "play"  # it stops at the end
    tab.assert_clean()


def polyline(tab: BrowserTab, plot: str) -> list[tuple[float, float]]:
    points = tab.page.get_attribute(f"#{plot} polyline", "points")
    return [(float(x), float(y)) for x, y in (p.split(",") for p in points.split())]


def test_the_metrics_and_the_marks_on_their_plots_follow_the_step(
    tab: BrowserTab, lecture_page: Path
) -> None:
    tab.page.goto(lecture_page.as_uri())
    tab.page.keyboard.press("Home")
    line = polyline(tab, "plot-0")
    assert len(line) == STEPS
    # the plot rises where the loss rises: the loss's order is the plot's, upside down
    by_loss = sorted(range(STEPS), key=loss)
    by_height = sorted(range(STEPS), key=lambda k: -line[k][1])
    assert [loss(k) for k in by_loss] == [loss(k) for k in by_height]
    for k in range(STEPS):
        panel = tab.page.text_content("#metrics")
        assert f"loss {loss(k):.4g}" in panel and f"accuracy {k / (STEPS - 1):.4g}" in panel
        dot = tab.page.locator("#plot-0 circle.marker")
        mark = (float(dot.get_attribute("cx")), float(dot.get_attribute("cy")))
        assert mark == pytest.approx(line[k])
        assert float(tab.page.get_attribute("#plot-0 line.marker", "x1")) == pytest.approx(
            line[k][0]
        )
        tab.page.keyboard.press("ArrowRight")
    tab.assert_clean()


def relu_probe(w: float) -> Value:
    """f = relu(2w)·v + a·e: with w < 0 the relu is off; a's gradient e = 1e-6 is tiny."""
    r = (Value(w, "w") * 2.0).relu()
    r.label = "r"
    return r * Value(3.0, "v") + Value(1.0, "a") * Value(1e-6, "e")


def classes(tab: BrowserTab, label: str) -> set[str]:
    found = tab.page.get_attribute(f'g[data-label="{label}"]', "class")
    return set(found.split())


def test_tiny_gradients_and_relus_that_are_off_are_marked(tab: BrowserTab, tmp_path: Path) -> None:
    timeline = Timeline()
    timeline.add(relu_probe(0.5))
    timeline.add(relu_probe(-0.5))
    tab.page.goto(timeline.save(tmp_path / "relu.html").as_uri())
    tab.page.keyboard.press("Home")  # relu on: dr/dw flows, a's gradient 1e-6 is a millionth of 6
    assert "off" not in classes(tab, "r") and "tiny" not in classes(tab, "w")
    assert "tiny" in classes(tab, "a") and "tiny" not in classes(tab, "e")
    assert tab.page.locator("g.edge.off").count() == 0
    tab.page.keyboard.press("End")  # relu off: r = 0 and nothing reaches w
    assert "off" in classes(tab, "r")
    assert shown(tab, "r") == ("0.00", "3.00") and shown(tab, "w") == ("-0.50", "0.00")
    assert "tiny" in classes(tab, "w") and "tiny" in classes(tab, "a")
    assert tab.page.locator("g.edge.off").count() >= 1  # the line into r is marked too
    colour = tab.page.locator('g[data-label="r"] polyline').evaluate(
        "e => getComputedStyle(e).stroke"
    )
    assert colour == "rgb(59, 111, 212)"  # the legend's blue
    assert "relu off" in tab.page.text_content("#legend")
    tab.page.screenshot(path=str(tmp_path / "relu.png"))
    assert (tmp_path / "relu.png").stat().st_size > 0
    tab.assert_clean()


HOSTILE_LABEL = '"></script><script>alert(1)</script>'
HOSTILE_ROOT = "<img src=x onerror=alert(2)>"
HOSTILE_METRIC = "<svg onload=alert(3)>&amp;"


def hostile_timeline() -> Timeline:
    timeline = Timeline()
    for k in range(2):
        f = Value(1.0 + k, HOSTILE_LABEL) * Value(2.0, "w")
        f.label = HOSTILE_ROOT
        timeline.add(f, **{HOSTILE_METRIC: float(k)})
    return timeline


def test_hostile_labels_and_metric_names_show_as_text(tab: BrowserTab, tmp_path: Path) -> None:
    tab.page.goto(hostile_timeline().save(tmp_path / "hostile.html").as_uri())
    tab.page.keyboard.press("Home")
    assert tab.page.locator("script").count() == 2  # the page's data and its script, no more
    assert HOSTILE_ROOT in tab.page.title()
    assert tab.page.text_content(".metric-name") == HOSTILE_METRIC
    labels = tab.page.locator("g.wire").evaluate_all("gs => gs.map(g => g.dataset.label)")
    assert sorted(labels) == sorted([HOSTILE_LABEL, "w", HOSTILE_ROOT])
    tab.page.keyboard.press("End")
    assert tab.page.text_content("#snapshot") == "2 / 2"
    tab.assert_clean()


def test_the_notebook_iframe_holds_a_working_page(tab: BrowserTab) -> None:
    tab.page.set_content(hostile_timeline()._repr_html_())
    frame = tab.page.frame_locator("iframe")
    assert frame.locator("#snapshot").text_content() == "2 / 2"
    frame.locator("#play").focus()
    tab.page.keyboard.press("Home")
    assert frame.locator("#snapshot").text_content() == "1 / 2"
    assert frame.locator(".metric-name").text_content() == HOSTILE_METRIC
    tab.assert_clean()


def test_the_decision_boundary_of_each_step_is_drawn(tab: BrowserTab, tmp_path: Path) -> None:
    """A boundary x = t moving right: the cells right of it say yes (score x - t > 0)."""
    columns = 6  # cell centres at x = 0.5 .. 5.5 over the extent 0..6
    timeline = Timeline()
    for t in (1.0, 4.0):
        scores = [[j + 0.5 - t for j in range(columns)] for _ in range(3)]
        plane = Plane(scores, extent=(0, 6, 0, 3), points=[(1, 1), (5, 2)], labels=[-1, 1])
        timeline.add(lecture_probe(0), plane=plane)
    tab.page.goto(timeline.save(tmp_path / "plane.html").as_uri())
    for key, t in (("Home", 1.0), ("End", 4.0)):
        tab.page.keyboard.press(key)
        cells = tab.page.locator("#plane rect.cell").evaluate_all(
            "rs => rs.map(r => r.classList[1])"
        )
        expected_row = ["yes" if j + 0.5 > t else "no" for j in range(columns)]
        assert cells == expected_row * 3, key
    assert tab.page.locator("#plane circle.yes").count() == 1
    assert tab.page.locator("#plane circle.no").count() == 1
    tab.assert_clean()


def test_a_tall_probe_fits_on_open_and_pans_and_zooms(tab: BrowserTab, tmp_path: Path) -> None:
    """An MLP(2, [8, 8, 1]) probe, one gate per neuron, is far taller than the window:
    the page opens on all of it, and the wheel, drag, keys and buttons move the view."""
    net = MLP(2, [8, 8, 1], rng=0)
    timeline = Timeline(groups="collapse")
    for k in range(2):
        timeline.add(net([0.5, -1.0 + k])[0], loss=1.0 - k)
    page = tab.open(timeline, tmp_path)
    svg, view = page.locator("#view > svg"), page.locator("#view")
    drawn, area = page.locator("#view > svg g.graph").bounding_box(), view.bounding_box()
    assert drawn and area
    assert area["height"] <= 760  # the window's height: the page does not scroll the picture
    assert area["y"] <= drawn["y"] and drawn["y"] + drawn["height"] <= area["y"] + area["height"]
    assert area["x"] <= drawn["x"] and drawn["x"] + drawn["width"] <= area["x"] + area["width"]
    assert drawn["height"] > 0.8 * area["height"]  # fitted, not shrunk to a dot
    whole = svg.get_attribute("viewBox")
    page.keyboard.press("+")
    assert _width(svg.get_attribute("viewBox")) == pytest.approx(_width(whole) / 1.25)
    page.mouse.move(area["x"] + 100, area["y"] + 100)
    page.mouse.wheel(0, -600)
    zoomed = svg.get_attribute("viewBox")
    assert _width(zoomed) < _width(whole) / 2
    page.mouse.down()
    page.mouse.move(area["x"] + 160, area["y"] + 220)
    page.mouse.up()
    panned = svg.get_attribute("viewBox")
    assert _width(panned) == _width(zoomed) and panned != zoomed
    page.keyboard.press("End")  # moving through the steps keeps the reader's view
    assert svg.get_attribute("viewBox") == panned
    page.click("#zoom-fit")
    assert svg.get_attribute("viewBox") == whole
    page.click("#zoom-out")
    assert _width(svg.get_attribute("viewBox")) == pytest.approx(_width(whole) * 1.25)
    tab.page.screenshot(path=str(tmp_path / "tall.png"))
    tab.assert_clean()


def _width(view_box: str | None) -> float:
    assert view_box
    return float(view_box.split()[2])
