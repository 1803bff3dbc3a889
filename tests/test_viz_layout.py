"""Graphs where one value feeds many gates: an RNN's weights, a polynomial's x, a long sum.

Drawn with one `x` branching to every gate, their wires cross the whole picture
once per use and Graphviz's layout time explodes (minutes, or a crash). A leaf
used far and wide is drawn once per use instead, each copy labelled k/n, and the
size guard counts the columns the wires will cross, so what is still too costly
(many values each used twice far apart, say) is refused before Graphviz starts.
The full sizes are timed in benchmarks/bench_layout.py; these keep the suite fast.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from test_viz_dotparse import gates, grid_cells, parse, wires

import viz
from autograd import Value, topological_order
from autograd.nn import MLP
from autograd.nn.losses import hinge
from viz.layout import MAX_CROSSINGS, layout_cost
from viz.numbers import format_number
from viz.options import Options
from viz.scene import Scene, build_scene, finished_state

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def rnn(steps: int) -> Value:
    """The issue's RNN: h = tanh(h·w + u·c_t), with w and u shared by every step."""
    w, u, h = Value(0.5, "w"), Value(-0.3, "u"), Value(0.0, "h0")
    for t in range(steps):
        h = (h * w + u * ((t % 5) - 2.0)).tanh()
    h.label = "h"
    return h


def horner(degree: int) -> Value:
    """A polynomial by Horner's rule: x is used once per degree."""
    x, acc = Value(0.7, "x"), Value(1.0, "a")
    for k in range(degree):
        acc = acc * x + ((k % 3) - 1.0)
    return acc


def repeated_sum(terms: int) -> Value:
    """x + x + … + x: d/dx is the number of terms."""
    x = Value(1.5, "x")
    s = x
    for _ in range(terms - 1):
        s = s + x
    return s


def scene_of(root: Value) -> Scene:
    """The scene `viz.draw` makes of `root` with the default options, without gradients."""
    order = topological_order(root)
    state = finished_state(order, [0.0] * len(order), show=False)
    return build_scene(root, state, Options(), order=order)


def copies_of(graph_source: str, name: str) -> list[tuple[str, str | None]]:
    """The (k/n mark, gradient) of every wire that starts at the leaf `name`."""
    found = []
    for w in wires(parse(graph_source)):
        if w.label.start is not None and w.label.start.startswith(name):
            found.append((w.label.start[len(name) :], w.label.grad))
    return found


def test_a_leaf_used_at_every_step_is_drawn_once_per_use_and_labelled() -> None:
    h = rnn(12)
    h.backward()
    w = next(n for n in topological_order(h) if n.label == "w")
    source = viz.draw(h).source
    marks = copies_of(source, "w")
    assert sorted(mark for mark, _ in marks) == sorted(f"{k}/12" for k in range(1, 13))
    # each copy carries its own use's share, and the shares add up to w.grad
    assert math.isclose(sum(float(grad or 0) for _, grad in marks), w.grad, abs_tol=12 * 0.005)
    note = " ".join(t for t in source.split(">") if "drawn once per use" in t)
    assert "w and u are drawn once per use" in note
    assert f"w.grad = {format_number(w.grad)}" in note


def test_the_copies_of_a_repeated_sum_each_carry_a_gradient_of_one() -> None:
    s = repeated_sum(30)
    s.backward()
    marks = copies_of(viz.draw(s).source, "x")
    assert len(marks) == 30
    assert all(grad == "1.00" for _, grad in marks)
    assert "x.grad = 30.00" in viz.draw(s).source


def test_the_note_gives_an_unlabelled_leafs_total_by_its_number() -> None:
    x = Value(1.5)
    s = x
    for _ in range(29):
        s = s + x
    s.backward()
    source = viz.draw(s).source
    assert "add up to 30.00 for 1.50" in source
    assert "1.50.grad" not in source


def test_a_leaf_used_a_few_times_close_together_keeps_its_trunk_and_branches() -> None:
    x = Value(3.0, "x")
    f = x * x * x
    f.backward()
    drawn = wires(parse(viz.draw(f).source))
    (trunk,) = [w for w in drawn if w.label.start == "x"]  # one x, no k/n
    assert trunk.label.grad == "27.00"
    assert len([w for w in drawn if w.source == f"wire:{trunk.id}"]) == 3
    assert "drawn once per use" not in viz.draw(f).source


def test_without_gradients_the_copies_are_still_labelled_and_the_note_says_so() -> None:
    source = viz.draw(horner(20), show_grad=False).source
    marks = copies_of(source, "x")
    assert sorted(mark for mark, _ in marks) == sorted(f"{k}/20" for k in range(1, 21))
    assert all(grad is None for _, grad in marks)
    assert "x is drawn once per use" in source and ".grad =" not in source


def test_large_shared_graphs_cost_little_to_lay_out() -> None:
    """An unrolled RNN, a polynomial, a 500-term sum at full size: drawn once per use,
    no wire crosses a column of gates."""
    for root in (rnn(40), horner(75), repeated_sum(500)):
        assert layout_cost(scene_of(root), []).crossings == 0


def svg_texts(path: Path) -> Counter[str]:
    """Every piece of text Graphviz wrote into an SVG file."""
    tree = ET.parse(path)
    return Counter(el.text or "" for el in tree.iter("{http://www.w3.org/2000/svg}text"))


@needs_dot
@pytest.mark.parametrize("make", [lambda: rnn(15), lambda: horner(25), lambda: repeated_sum(60)])
def test_the_rendered_picture_holds_every_value_and_gradient(tmp_path: Path, make) -> None:
    root = make()
    root.backward()
    texts = svg_texts(viz.render(root, tmp_path / "g.svg"))
    for node in topological_order(root):
        assert texts[format_number(node.data)] > 0, node
        if node.is_leaf and node.label:  # copies: at least one per use, each named
            assert texts[node.label] >= 1
    assert any("drawn once per use" in t for t in texts)


@needs_dot
def test_an_rnn_state_runs_straight_across_the_picture() -> None:
    """The state's gates stay on one line instead of stepping down the page."""
    h = rnn(15)
    h.backward()
    source = viz.draw(h).source
    tanh_ids = [nid for nid, text in gates(parse(source)).items() if text == "tanh"]
    where = plain_positions(source)
    heights = [where[nid][1] for nid in tanh_ids]
    assert len(tanh_ids) == 15
    assert max(heights) - min(heights) < viz.DEFAULT.gate_width  # within a row, not 15 rows


@needs_dot
def test_a_500_term_sum_renders(tmp_path: Path) -> None:
    s = repeated_sum(500)
    s.backward()
    path = viz.render(s, tmp_path / "sum.svg")
    assert svg_texts(path)["500/500"] == 1


def fanned_out_inner_value(uses: int) -> Value:
    """An inner value, h = tanh(x), used by gates all along a chain: s = 0.9·s + h."""
    h = Value(0.3, "x").tanh()
    s = h
    for _ in range(uses):
        s = s * 0.9 + h
    return s


def test_an_inner_value_used_far_and_wide_is_copied_by_a_name_its_wire_ends_in() -> None:
    s = fanned_out_inner_value(30)
    s.backward()
    h = next(n for n in topological_order(s) if n.gate is not None and n.gate.name == "tanh")
    drawn = wires(parse(viz.draw(s).source))
    (own,) = [w for w in drawn if w.source == "tanh"]
    assert own.label.end == "#1" and own.target is None  # its whole gradient, then the name
    assert own.label.grad == format_number(h.grad)
    copies = [w for w in drawn if w.label.start is not None and w.label.start.startswith("#1")]
    assert sorted(w.label.start for w in copies) == sorted(f"#1{k}/31" for k in range(1, 32))
    shares = sum(float(w.label.grad or "nan") for w in copies)
    assert math.isclose(shares, h.grad, rel_tol=0.05)  # each share rounded as it is shown
    assert layout_cost(scene_of(s), []).crossings == 0


def long_skips(steps: int, skip: int) -> Value:
    """v_t = 0.9·v_(t-1) + v_(t-skip): every value used twice, `skip` steps apart.

    Two uses are too few to copy, so each skip is a wire across the picture.
    """
    values = [Value(0.5, "x")]
    for t in range(steps):
        v = values[-1] * 0.9
        if t >= skip:
            v = v + values[-skip]
        values.append(v)
    return values[-1]


def test_the_guard_refuses_wires_that_would_cross_too_many_columns() -> None:
    with pytest.raises(viz.GraphTooLargeError) as refused:
        viz.draw(long_skips(100, 20))
    message = str(refused.value)
    assert "spread over many values" in message  # why: every value is used twice, far apart
    assert "smaller part of the graph" in message  # what to do
    assert layout_cost(scene_of(long_skips(100, 20)), []).crossings > MAX_CROSSINGS


def test_the_guard_warns_before_a_slow_layout() -> None:
    with pytest.warns(viz.GraphTooLargeWarning, match="several seconds"):
        viz.draw(long_skips(60, 20))


def plain_positions(source: str) -> dict[str, tuple[float, float]]:
    """Where Graphviz puts each node, in inches, from its `plain` output."""
    plain = subprocess.run(
        ["dot", "-Tplain"], input=source, capture_output=True, text=True, check=True
    ).stdout
    return {
        parts[1]: (float(parts[2]), float(parts[3]))
        for parts in (line.split() for line in plain.splitlines())
        if parts[0] == "node"
    }


@needs_dot
def test_an_input_used_only_at_the_end_of_a_long_chain_sits_by_its_gate() -> None:
    """Lined up with x in the first column, b's wire would cross the whole picture."""
    x, b = Value(0.5, "x"), Value(0.1, "b")
    v = x
    for _ in range(300):
        v = v * 1.0001
    v = v + b
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not slow to lay out: no warning
        source = viz.draw(v).source
    (b_wire,) = [w.id for w in wires(parse(source)) if w.label.start == "b"]
    (x_wire,) = [w.id for w in wires(parse(source)) if w.label.start == "x"]
    where = plain_positions(source)
    width = max(px for px, _ in where.values())
    assert where[x_wire][0] < 0.01 * width and where[b_wire][0] > 0.99 * width


# --- the shape of a network's picture ------------------------------------------------------


def readme_network_loss() -> Value:
    """The README's network: MLP(2, [16, 16, 1]) scoring one point, and its hinge loss."""
    model = MLP(2, [16, 16, 1], rng=0)
    (score,) = model([0.5, -1.0])
    loss = hinge(score, +1)
    loss.backward()
    return loss


def test_a_neuron_with_many_inputs_gets_them_as_one_grid_beside_it() -> None:
    loss = readme_network_loss()
    graph = parse(viz.draw(loss, groups="collapse").source)
    neurons = {nid: text for nid, text in gates(graph).items() if text.startswith("L2.")}
    drawn = wires(graph)
    assert len(neurons) == 16
    for nid, text in neurons.items():
        (grid,) = [tail for tail, head, _ in graph.edges if head == nid]  # one edge in
        assert grid_cells(graph.nodes[grid]["label"])
        names = [w.label.start or "" for w in drawn if w.target_id == nid]
        assert len(names) == 33  # 16 weights, 16 activations of layer 1, the bias
        assert sorted(n for n in names if n.startswith(text)) == sorted(
            [f"{text}.w{i}" for i in range(1, 17)] + [f"{text}.b"]
        )
        assert sorted(n for n in names if not n.startswith(text)) == sorted(
            f"L1.N{i}" for i in range(1, 17)
        )
    # the gradients in a grid are the weights' own
    weight = next(n for n in topological_order(loss) if n.label == "L2.N3.w1")
    (cell,) = [w for w in drawn if w.label.start == "L2.N3.w1"]
    assert cell.label.grad == format_number(weight.grad)
    # the small neurons of layer 1 keep a wire each
    assert len([w for w in drawn if (w.label.start or "").startswith("L1.N1.")]) == 3


@needs_dot
def test_the_readme_network_fits_a_png_without_shrinking(tmp_path: Path) -> None:
    """Collapsed, the README's MLP(2, [16, 16, 1]) is a block that fits a PNG at full size,
    not a strip taller than Graphviz's largest bitmap."""
    loss = readme_network_loss()
    path = viz.render(loss, tmp_path / "net.svg", groups="collapse")
    root = ET.parse(path).getroot()
    width, height = (float(root.get(side, "0").removesuffix("pt")) for side in ("width", "height"))
    dpi = viz.DEFAULT.dpi
    assert max(width, height) * dpi / 72 < 32767  # Graphviz's largest bitmap: no shrinking
    assert height < 3 * width
    texts = svg_texts(path)
    for node in topological_order(loss):
        if node.label:  # every weight and bias, by name, with its value
            assert texts[node.label] == 1, node.label
            assert texts[format_number(node.data)] >= 1


def two_chains(steps: int, lag: int) -> Value:
    """Two tanh chains, each step reading the other's value from `lag` steps before:
    many unlabelled values (all outputs of tanh), each used twice far apart."""
    hs, cs = [Value(0.1, "h")], [Value(0.2, "c")]
    for t in range(steps):
        cs.append((cs[-1] * 0.9 + hs[max(0, t - lag)]).tanh())
        hs.append((hs[-1] * 0.8 + cs[max(0, t - lag)]).tanh())
    return hs[-1] + cs[-1]


def test_the_guard_names_one_value_not_all_values_that_share_a_description() -> None:
    """Forty different outputs of tanh are forty values: the widest is one of them."""
    cost = layout_cost(scene_of(two_chains(40, 10)), [])
    assert cost.widest == "the output of tanh"
    assert cost.crossings > MAX_CROSSINGS
    assert 0 < cost.widest_crossings < cost.crossings / 10
