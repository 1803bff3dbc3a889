"""The explorer page in a real browser: headless Chromium driven by Playwright.

Debian's `chromium` is used through `executable_path` (Playwright downloads no
browser here); `make test` installs it. With CI=true these tests must run, so a
missing browser is a failure; elsewhere they are skipped, saying why.

Every page is opened with all requests that are not file: or data: aborted and
recorded, and with console messages, page errors and dialogs recorded: each test
ends by asserting that none of them happened (`BrowserTab`, in conftest.py).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BrowserTab, checked_tab
from test_explore import HOSTILE, fanout, hostile
from test_viz_draw import fxyz, sigmoid_circuit

import viz
from autograd import Value, backward_steps
from autograd.nn import MLP
from viz.scene import gate_text

SHOWN = "#view .layout:not([hidden])"  # the drawing on screen (composites boxed or collapsed)


class Opened(BrowserTab):
    """An explorer page in the browser, with what its tests read."""

    def grad(self, label: str) -> str | None:
        """The red number of the wire of the Value labelled `label`; None while hidden."""
        text = self.page.locator(f'{SHOWN} g.wire[data-label="{label}"] text.grad')
        if "pending" in (text.get_attribute("class") or "").split():
            return None
        return text.text_content()

    def step(self) -> str:
        return self.page.locator("#step").text_content() or ""

    def derivation(self) -> str:
        return self.page.locator("#derivation").inner_text()

    def active_gate(self) -> str | None:
        lit = self.page.locator(f"{SHOWN} g.gate.active text")
        return lit.text_content() if lit.count() else None


@pytest.fixture
def opened(browser: Any) -> Iterator[Opened]:
    yield from checked_tab(Opened, browser)


LECTURE_VALUES = {"x": "-2.00", "y": "5.00", "z": "-4.00", "q": "3.00", "f": "-12.00"}
LECTURE_GRADS = {"x": "-4.00", "y": "-4.00", "z": "3.00", "q": "-4.00", "f": "1.00"}


# --- step mode --------------------------------------------------------------------------


def test_home_is_the_forward_picture_and_end_the_slide(opened: Opened, tmp_path: Path) -> None:
    page = opened.open(viz.explore(fxyz_named()), tmp_path)
    assert opened.step() == "0 / 2"
    assert {name: opened.value(name) for name in LECTURE_VALUES} == LECTURE_VALUES
    assert {name: opened.grad(name) for name in LECTURE_GRADS} == dict.fromkeys(LECTURE_GRADS)
    page.keyboard.press("End")
    assert opened.step() == "2 / 2"
    assert {name: opened.grad(name) for name in LECTURE_GRADS} == LECTURE_GRADS
    page.keyboard.press("Home")
    assert opened.step() == "0 / 2"
    assert opened.grad("x") is None and opened.active_gate() is None


def fxyz_named():
    f = fxyz()
    f.label = "f"
    return f


def test_arrows_step_through_the_backward_pass(opened: Opened, tmp_path: Path) -> None:
    page = opened.open(viz.explore(fxyz_named()), tmp_path)
    page.keyboard.press("ArrowRight")
    assert opened.step() == "1 / 2"
    assert opened.active_gate() == "*"
    assert [opened.grad(name) for name in "fqzxy"] == ["1.00", "-4.00", "3.00", None, None]
    assert "∂f/∂z = 1 · 3.00 = 3.00" in page.locator("#caption").inner_text()
    page.keyboard.press("ArrowRight")
    assert opened.step() == "2 / 2"
    assert opened.active_gate() == "+"
    assert opened.grad("x") == "-4.00"
    assert "∂f/∂x = ∂f/∂q · ∂q/∂x = -4.00 · 1.00 = -4.00" in page.locator("#caption").inner_text()
    page.keyboard.press("ArrowRight")  # past the end: stays
    assert opened.step() == "2 / 2"
    page.keyboard.press("ArrowLeft")
    assert opened.step() == "1 / 2" and opened.grad("x") is None
    page.click("#back")
    assert opened.step() == "0 / 2"
    page.click("#next")
    page.click("#next")
    assert opened.step() == "2 / 2"


def test_the_page_lights_the_gates_in_the_order_of_backward_steps(
    opened: Opened, tmp_path: Path
) -> None:
    f = sigmoid_circuit()
    engine = [gate_text(node, True) for node in backward_steps(f)]
    page = opened.open(viz.explore(sigmoid_circuit()), tmp_path)
    lit = []
    for _ in engine:
        page.keyboard.press("ArrowRight")
        lit.append(opened.active_gate())
    assert lit == engine
    assert opened.step() == f"{len(engine)} / {len(engine)}"


SIGMOID_GRADS = {"w0": "-0.20", "x0": "0.39", "w1": "-0.39", "x1": "-0.59", "w2": "0.20"}


def test_composites_switch_between_boxed_and_collapsed(opened: Opened, tmp_path: Path) -> None:
    """The lecture's sigmoid circuit: the same steps and numbers in both drawings."""
    page = opened.open(viz.explore(sigmoid_circuit(boxed=True)), tmp_path)
    assert page.locator(f"{SHOWN}").get_attribute("data-groups") == "box"
    assert page.locator(f"{SHOWN} g.cluster").count() == 1
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert opened.active_gate() == "exp"
    page.click("#groups")
    assert page.locator(f"{SHOWN}").get_attribute("data-groups") == "collapse"
    assert opened.step() == "3 / 8"
    assert opened.active_gate() == "sigmoid"  # the step's gate is inside the collapsed gate
    page.keyboard.press("End")
    assert {name: opened.grad(name) for name in SIGMOID_GRADS} == SIGMOID_GRADS
    page.click('#view .layout:not([hidden]) g.wire[data-label="w0"] text.grad')
    assert "-0.20" in opened.derivation()
    page.keyboard.press("c")
    assert page.locator(f"{SHOWN}").get_attribute("data-groups") == "box"
    assert {name: opened.grad(name) for name in SIGMOID_GRADS} == SIGMOID_GRADS


def test_space_plays_to_the_end(opened: Opened, tmp_path: Path) -> None:
    page = opened.open(viz.explore(fxyz_named()), tmp_path)
    from playwright.sync_api import expect

    page.keyboard.press(" ")
    expect(page.locator("#step")).to_have_text("2 / 2")
    page.click("#home")  # a button clicked: Space still plays, once
    page.keyboard.press(" ")
    expect(page.locator("#step")).to_have_text("2 / 2")
    assert page.locator("#play").text_content() == "play"
    assert opened.grad("y") == "-4.00"


# --- the derivation panel -----------------------------------------------------------------


def test_a_number_says_how_it_was_obtained_and_never_shows_0_early(
    opened: Opened, tmp_path: Path
) -> None:
    page = opened.open(viz.explore(fxyz_named()), tmp_path)
    page.click('g.wire[data-label="q"] text.value')
    assert "q = x + y = -2.00 + 5.00 = 3.00" in opened.derivation()
    page.click('g.wire[data-label="x"] text.grad')  # not computed at the forward picture
    said = opened.derivation()
    assert "not computed yet" in said and "step 2" in said
    assert "0.00" not in said
    page.keyboard.press("ArrowRight")
    assert "not computed yet" in opened.derivation()  # the panel follows the steps
    page.keyboard.press("ArrowRight")
    assert "-4.00 · 1.00 = -4.00" in opened.derivation()
    page.hover('g.wire[data-label="z"] text.grad')
    assert "∂f/∂z = 1 · 3.00 = 3.00" in opened.derivation()


def test_a_shared_value_shows_its_sum_so_far(opened: Opened, tmp_path: Path) -> None:
    page = opened.open(viz.explore(fanout()), tmp_path)
    page.keyboard.press("ArrowRight")
    page.click('g.wire[data-label="x"] text.grad')
    said = opened.derivation()
    assert "sum so far: 1.00" in said and "still to come" in said
    page.keyboard.press("End")
    said = opened.derivation()
    assert "sum: -1.00" in said and "still to come" not in said


# --- quiz mode -----------------------------------------------------------------------------


def test_quiz_checks_answers_and_gives_hints(opened: Opened, tmp_path: Path) -> None:
    page = opened.open(viz.explore(fxyz_named(), mode="quiz"), tmp_path)
    boxes = page.locator("input.answer")
    assert boxes.count() == 4  # x, y, z, q; the output's 1.00 is given
    assert opened.grad("f") == "1.00"
    assert opened.grad("x") is None
    x = page.locator('input[data-label="x"]')
    x.fill("4")
    x.press("Enter")
    assert "wrong" in (x.get_attribute("class") or "")
    page.click("#hint")
    said = opened.derivation()
    assert "-4.00" in said and "1.00" in said  # upstream and local
    page.click("#answer")
    assert x.input_value() == "-4.00"
    z = page.locator('input[data-label="z"]')
    z.fill("3.004")  # within the shown precision
    z.press("Enter")
    assert "correct" in (z.get_attribute("class") or "").split()
    q = page.locator('input[data-label="q"]')
    q.fill("-4.03")  # three units off in the last shown digit
    q.press("Enter")
    assert "wrong" in (q.get_attribute("class") or "").split()
    q.fill("-4")
    q.press("Enter")
    assert "correct" in (q.get_attribute("class") or "").split()
    assert page.locator("#score").text_content() == "2 of 4 right"


def answer(page: Any, label: str, typed: str) -> list[str]:
    box = page.locator(f'input[data-label="{label}"]')
    box.fill(typed)
    box.press("Enter")
    return (box.get_attribute("class") or "").split()


def test_a_small_gradient_is_not_answered_by_zero(opened: Opened, tmp_path: Path) -> None:
    """d(0.0025 x)/dx = 0.0025: the page shows it as 0.0025, so 0 is wrong and 0.0026 right."""
    x = Value(2.0, "x")
    page = opened.open(viz.explore(x * 0.0025, mode="quiz"), tmp_path)
    assert "wrong" in answer(page, "x", "0")
    assert "wrong" in answer(page, "x", "0.01")
    assert "correct" in answer(page, "x", "0.0026")
    assert "correct" in answer(page, "x", "2.5e-3")


@pytest.mark.parametrize("rankdir", ["TB", "RL"])
def test_other_directions_show_the_lecture_numbers(
    opened: Opened, tmp_path: Path, rankdir: str
) -> None:
    page = opened.open(viz.explore(fxyz_named(), rankdir=rankdir), tmp_path)
    assert {name: opened.grad(name) for name in LECTURE_GRADS} == dict.fromkeys(LECTURE_GRADS)
    page.keyboard.press("End")
    assert {name: opened.grad(name) for name in LECTURE_GRADS} == LECTURE_GRADS
    page.click('g.wire[data-label="q"] text.value')
    assert "q = x + y = -2.00 + 5.00 = 3.00" in opened.derivation()


# --- safety, size, pan and zoom ------------------------------------------------------------


def test_hostile_labels_run_nothing(opened: Opened, tmp_path: Path) -> None:
    explorer = viz.explore(hostile())
    page = opened.open(explorer, tmp_path)
    page.keyboard.press("End")
    texts = page.locator("svg text").all_text_contents()
    assert set(HOSTILE) <= set(texts)
    assert page.locator("img").count() == 0
    for label in HOSTILE:  # the JSON's copy of the label, shown by the derivation panel
        page.locator("g.wire").filter(has_text=label).locator("text.grad").click()
        assert f"∂f/∂{label}" in opened.derivation()
    opened.open(viz.explore(hostile(), mode="quiz"), tmp_path, "quiz.html")
    boxes = page.locator("input.answer")
    assert sorted(boxes.nth(k).get_attribute("data-label") or "" for k in range(2)) == sorted(
        HOSTILE
    )
    opened.page.set_content(explorer._repr_html_())  # the notebook form: srcdoc
    frame = page.frame_locator("iframe")
    frame.locator("#step").wait_for()
    assert frame.locator("#step").text_content() == "0 / 1"
    page.wait_for_timeout(200)  # any script smuggled in would have run by now


def test_a_300_gate_network_pans_and_zooms(opened: Opened, tmp_path: Path) -> None:
    net = MLP(3, [10, 10, 1], rng=0)
    page = opened.open(viz.explore(net([1.0, -2.0, 0.5])[0], groups="collapse"), tmp_path)
    assert opened.step() == "0 / 300"
    svg = page.locator(f"{SHOWN} svg")
    whole = svg.get_attribute("viewBox")
    page.mouse.move(500, 300)
    page.mouse.wheel(0, -600)
    zoomed = svg.get_attribute("viewBox")
    assert _width(zoomed) < _width(whole) / 2
    page.mouse.down()
    page.mouse.move(400, 250)
    page.mouse.up()
    panned = svg.get_attribute("viewBox")
    assert _width(panned) == _width(zoomed) and panned != zoomed
    for _ in range(8):
        page.keyboard.press("+")
    page.keyboard.press("End")  # zoomed in, the page follows the step's gate
    assert opened.step() == "300 / 300"
    assert _inside(page.locator(f"{SHOWN} g.gate.active").bounding_box(), page.locator("#view"))
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert _inside(page.locator(f"{SHOWN} g.gate.active").bounding_box(), page.locator("#view"))
    page.click("#zoom-fit")
    assert svg.get_attribute("viewBox") == whole


def _inside(box: dict[str, float] | None, view: Any) -> bool:
    outer = view.bounding_box()
    assert box and outer
    return (
        outer["x"] <= box["x"]
        and box["x"] + box["width"] <= outer["x"] + outer["width"]
        and outer["y"] <= box["y"]
        and box["y"] + box["height"] <= outer["y"] + outer["height"]
    )


def _width(view_box: str | None) -> float:
    assert view_box
    return float(view_box.split()[2])


def test_screenshot(opened: Opened, tmp_path: Path) -> None:
    page = opened.open(viz.explore(sigmoid_circuit(boxed=True)), tmp_path)
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.click("g.wire text.grad >> nth=0")
    shot = tmp_path / "explorer.png"
    page.screenshot(path=str(shot))
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert (width, height) == (1100, 760)
