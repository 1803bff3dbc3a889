"""viz.draw: the numbers of the lecture's golden circuits on the right wires, in the
right colours; folding, fan-out, groups, show_grad, escaping, determinism, limits."""

from __future__ import annotations

import inspect
import math
import re
import shutil
import subprocess
import warnings
from fractions import Fraction

import graphviz
import pytest
from test_viz_dotparse import gates, html, parse, text_of, wires

import viz
import viz.steps
import viz.theme
from autograd import Value, backward_steps, composite, topological_order
from viz.scene import MAX_NODES, WARN_NODES

GREEN = viz.DEFAULT.value_color
RED = viz.DEFAULT.grad_color
HAS_DOT = shutil.which("dot") is not None


def fxyz() -> Value:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    return q * z


def sigmoid_circuit(*, gate: bool = False, boxed: bool = False) -> Value:
    w0, x0 = Value(2.0, "w0"), Value(-1.0, "x0")
    w1, x1 = Value(-3.0, "w1"), Value(-2.0, "x1")
    w2 = Value(-3.0, "w2")
    z = w0 * x0 + w1 * x1 + w2
    if gate:
        return z.sigmoid()
    if boxed:
        with composite("sigmoid"):
            return (1 + (-z).exp()).reciprocal()
    return (1 + (-z).exp()).reciprocal()


def drawn(root: Value, **options: object):
    return parse(viz.draw(root, **options).source)


def by_start(graph) -> dict[str, object]:
    return {w.label.start: w.label for w in wires(graph) if w.label.start is not None}


def out_of(graph, gate: str):
    """The wire coming out of the only gate with this text."""
    found = [w for w in wires(graph) if w.source == gate]
    assert len(found) == 1, [w.source for w in wires(graph)]
    return found[0].label


def assert_wire(label, value: str, grad: str | None) -> None:
    assert (label.value, label.value_color) == (value, GREEN)
    if grad is None:
        assert label.grad is None
    else:
        assert (label.grad, label.grad_color) == (grad, RED)


# --- the golden pictures ------------------------------------------------------------


def test_fxyz_every_value_green_above_and_gradient_red_below() -> None:
    f = fxyz()
    f.backward()
    g = drawn(f)
    leaves = by_start(g)
    assert_wire(leaves["x"], "-2.00", "-4.00")
    assert_wire(leaves["y"], "5.00", "-4.00")
    assert_wire(leaves["z"], "-4.00", "3.00")
    q = out_of(g, "+")
    assert q.name == "q"
    assert_wire(q, "3.00", "-4.00")
    out = out_of(g, "*")
    assert out.end == "f"  # the root's wire ends at its name
    assert_wire(out, "-12.00", "1.00")
    assert sorted(gates(g).values()) == ["*", "+"]
    # x and y go into +, z and q into *
    targets = {w.label.start or w.label.name: w.target for w in wires(g)}
    assert targets == {"x": "+", "y": "+", "z": "*", "q": "*", None: None}


def test_sigmoid_expanded_golden_wires() -> None:
    f = sigmoid_circuit()
    f.label = "f"
    f.backward()
    g = drawn(f)
    leaves = by_start(g)
    assert_wire(leaves["w0"], "2.00", "-0.20")
    assert_wire(leaves["x0"], "-1.00", "0.39")
    assert_wire(leaves["w1"], "-3.00", "-0.39")
    assert_wire(leaves["x1"], "-2.00", "-0.59")
    assert_wire(leaves["w2"], "-3.00", "0.20")
    assert sorted(gates(g).values()) == sorted(["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"])
    assert_wire(out_of(g, "*-1"), "-1.00", "-0.20")
    assert_wire(out_of(g, "exp"), "0.37", "-0.53")
    assert_wire(out_of(g, "+1"), "1.37", "-0.53")
    assert_wire(out_of(g, "1/x"), "0.73", "1.00")
    products = sorted(w.label.value for w in wires(g) if w.source == "*")
    assert products == ["-2.00", "6.00"]
    sums = sorted((w.label.value, w.label.grad) for w in wires(g) if w.source == "+")
    assert sums == [("1.00", "0.20"), ("4.00", "0.20")]


def test_sigmoid_as_one_gate() -> None:
    f = sigmoid_circuit(gate=True)
    f.backward()
    g = drawn(f)
    assert "σ" in gates(g).values()
    into = [w.label for w in wires(g) if w.target == "σ"]
    assert len(into) == 1
    assert_wire(into[0], "1.00", "0.20")
    assert_wire(out_of(g, "σ"), "0.73", "1.00")
    assert out_of(g, "σ").end == "f"  # unnamed output: `f`


def test_precision_option() -> None:
    f = fxyz()
    f.backward()
    leaves = by_start(drawn(f, precision=3))
    assert_wire(leaves["x"], "-2.000", "-4.000")
    assert by_start(drawn(f, precision=0))["z"].grad == "3"


def test_unlabelled_leaf_shows_its_value() -> None:
    f = Value(1.5) * Value(-2.0, "b")
    f.backward()
    leaves = by_start(drawn(f))
    assert set(leaves) == {"1.50", "b"}
    assert_wire(leaves["1.50"], "1.50", "-2.00")


# --- folding --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "text"),
    [
        (lambda x: x + 1, "+1"),
        (lambda x: x - 3, "-3"),
        (lambda x: -x, "*-1"),
        (lambda x: 2 * x, "*2"),
        (lambda x: x / 4, "*0.25"),
        (lambda x: x**2, "**2"),
        (lambda x: x**0.5, "**0.5"),
        (lambda x: x.max(0), "max(·,0)"),
        (lambda x: x + 0.1 + 0.2 - 0.2, "-0.2"),
    ],
)
def test_constants_fold_into_the_gate(build, text: str) -> None:
    out = build(Value(3.0, "x"))
    assert text in gates(drawn(out)).values()


def test_fold_constants_false_draws_constants_as_leaves() -> None:
    x = Value(3.0, "x")
    f = (x - 3) * 2
    f.backward()
    g = drawn(f, fold_constants=False)
    assert sorted(gates(g).values()) == ["*", "+"]
    leaves = by_start(g)
    assert set(leaves) == {"x", "-3", "2"}
    assert_wire(leaves["-3"], "-3.00", None)  # a constant has no gradient
    assert_wire(leaves["2"], "2.00", None)
    assert {w.label.start: w.target for w in wires(g) if w.label.start} == {
        "x": "+", "-3": "+", "2": "*",
    }  # fmt: skip
    assert_wire(leaves["x"], "3.00", "2.00")


# --- fan-out: one wire per use --------------------------------------------------------


def test_a_value_used_twice_has_one_wire_per_use() -> None:
    x = Value(3.0, "x")
    y = Value(-2.0, "y")
    f = x * y + x  # df/dx = y + 1 = -1: -2 through *, 1 through +
    f.backward()
    g = drawn(f)
    (trunk,) = [w for w in wires(g) if w.label.start == "x"]
    assert_wire(trunk.label, "3.00", "-1.00")  # the leaf's summed gradient
    branches = [w for w in wires(g) if w.source == f"wire:{trunk.id}"]
    assert sorted((w.target, w.label.grad) for w in branches) == [("*", "-2.00"), ("+", "1.00")]
    for w in branches:
        assert w.label.value == "3.00"


def test_x_times_x_has_two_wires_into_the_same_gate() -> None:
    x = Value(2.0, "x")
    f = x * x
    f.backward()
    g = drawn(f)
    (trunk,) = [w for w in wires(g) if w.label.start == "x"]
    assert trunk.label.grad == "4.00"
    branches = [w for w in wires(g) if w.source == f"wire:{trunk.id}"]
    assert [(w.target, w.label.grad) for w in branches] == [("*", "2.00"), ("*", "2.00")]
    edges_into_gate = [e for e in g.edges if e[1] == branches[0].target_id]
    assert len(edges_into_gate) == 2


def test_an_inner_value_used_twice_branches_after_its_gate() -> None:
    a = Value(2.0, "a")
    e = a.exp()
    f = e * e + e
    f.backward()
    g = drawn(f)
    trunk = [w for w in wires(g) if w.source == "exp"]
    assert len(trunk) == 1
    assert trunk[0].label.grad == "15.78"  # df/de = 2e + 1 at e = exp(2)
    branches = [w for w in wires(g) if w.source == f"wire:{trunk[0].id}"]
    assert len(branches) == 3


# --- show_grad --------------------------------------------------------------------------


def red_numbers(graph) -> list[str]:
    return [w.label.grad for w in wires(graph) if w.label.grad is not None]


def test_before_backward_no_red_numbers_and_the_picture_says_why() -> None:
    f = fxyz()
    source = viz.draw(f).source
    assert red_numbers(parse(source)) == []
    assert "all gradients are 0 (or backward has not run yet)" in source
    assert "f.backward()" in source


def test_after_backward_auto_shows_gradients_and_no_note() -> None:
    f = fxyz()
    f.backward()
    source = viz.draw(f).source
    assert len(red_numbers(parse(source))) == 5
    assert "not computed" not in source


def test_show_grad_forced_on_and_off() -> None:
    f = fxyz()
    source = viz.draw(f, show_grad=True).source
    # x, y, z, q, f in wire order: the lecture's gradients, computed for the picture
    assert red_numbers(parse(source)) == ["-4.00", "-4.00", "3.00", "-4.00", "1.00"]
    assert "are 0: call f.backward()" in source
    assert [n.grad for n in topological_order(f)] == [0.0] * 5
    f.backward()
    hidden = viz.draw(f, show_grad=False).source
    assert red_numbers(parse(hidden)) == []
    assert "not computed" not in hidden  # the user asked for no gradients


def test_zero_grad_hides_gradients_again() -> None:
    f = fxyz()
    f.backward()
    f.zero_grad()
    assert red_numbers(drawn(f)) == []


def note(graph) -> str:
    label = graph.attrs.get("label")
    return text_of(html(label)) if label else ""


def x_wires(graph) -> tuple[str, list[str]]:
    """The gradient on x's trunk and those on its branches."""
    (trunk,) = [w for w in wires(graph) if w.label.start == "x"]
    branches = [w.label.grad for w in wires(graph) if w.source == f"wire:{trunk.id}"]
    return trunk.label.grad, branches


def test_a_value_used_by_another_root_still_adds_up_on_the_picture() -> None:
    x = Value(2.0, "x")
    f = x * 10
    g = x * x
    f.backward()
    g.backward()  # x.grad is now 10 + 4 = 14, but the picture of g is about g alone
    assert x.grad == 14.0
    picture = parse(viz.draw(g).source)
    trunk, branches = x_wires(picture)
    assert trunk == "4.00"  # ∂g/∂x = 2x
    assert branches == ["2.00", "2.00"]  # and the trunk is the sum of its branches
    assert "one backward pass from f" in note(picture)  # g has no label: "f" on the picture
    assert "hold different numbers (another backward pass" in note(picture)


def test_two_backward_calls_draw_one_pass_and_say_the_grads_differ() -> None:
    f = fxyz()
    f.backward()
    once = viz.draw(f).source
    f.backward()
    assert f.grad == 2.0  # the engine accumulates, as PyTorch does
    twice = parse(viz.draw(f).source)
    lecture = ["-4.00", "-4.00", "3.00", "-4.00", "1.00"]  # x, y, z, q, f
    assert red_numbers(twice) == red_numbers(parse(once)) == lecture  # not doubled
    assert "differ" in note(twice)
    assert "differ" not in once  # after one pass the .grad are what is drawn: no note
    assert note(parse(once)) == ""


def test_an_inner_node_is_drawn_with_its_own_gradients() -> None:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.backward()  # q.grad == x.grad == -4: gradients of f
    picture = parse(viz.draw(q).source)
    assert red_numbers(picture) == ["1.00", "1.00", "1.00"]  # ∂q/∂x, ∂q/∂y, ∂q/∂q
    assert "one backward pass from q" in note(picture)


def test_a_nan_gradient_is_no_reason_for_a_note() -> None:
    x = Value(math.nan, "x")
    f = x * x
    f.backward()
    assert math.isnan(x.grad)  # nan != nan, yet the .grad are exactly what is drawn
    assert note(parse(viz.draw(f).source)) == ""


def test_draw_leaves_every_grad_as_it_was() -> None:
    x = Value(2.0, "x")
    f = x * 10
    g = x * x
    f.backward()
    g.backward()
    g.backward()
    nodes = topological_order(f) + topological_order(g)
    before = [n.grad for n in nodes]
    for root in (f, g):
        for show_grad in ("auto", True, False):
            viz.draw(root, show_grad=show_grad)
    assert [n.grad for n in nodes] == before == [18.0, 1.0, 18.0, 2.0]  # x: 10 + 4 + 4


def test_a_gradient_of_zero_after_backward_is_not_called_not_computed() -> None:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(0.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.backward()
    assert (q.grad, x.grad, y.grad) == (0.0, 0.0, 0.0)  # ∂f/∂q = z = 0: backward did run
    picture = parse(viz.draw(q).source)
    assert red_numbers(picture) == []
    assert "all gradients are 0 (or backward has not run yet)" in note(picture)
    assert "not computed" not in note(picture)


def test_auto_shows_gradients_when_any_value_holds_one() -> None:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(0.0, "z")
    q = x + y
    q.label = "q"
    f = q * z + x
    f.backward()
    assert (q.grad, x.grad) == (0.0, 1.0)  # backward reached q's graph, q's own .grad is 0
    picture = parse(viz.draw(q).source)
    assert red_numbers(picture) == ["1.00", "1.00", "1.00"]  # ∂q/∂x, ∂q/∂y, ∂q/∂q
    assert "one backward pass from q" in note(picture)


def test_drawing_while_stepping_through_backward() -> None:
    """A student's own animation: `for node in backward_steps(f): display(viz.draw(f))`."""
    f = fxyz()
    held, fresh = [], []
    for _ in backward_steps(f):
        held.append(parse(viz.draw(f, show_grad="held").source))
        fresh.append(parse(viz.draw(f).source))
    # x, y, z, q, f in wire order. After the * gate only q and z have their gradients.
    assert red_numbers(held[0]) == ["0.00", "0.00", "3.00", "-4.00", "1.00"]
    assert red_numbers(held[1]) == ["-4.00", "-4.00", "3.00", "-4.00", "1.00"]
    assert note(held[0]) == note(held[1]) == ""  # "held" draws the .grad: nothing to explain
    # The default draws the whole pass, and says the .grad are not there yet.
    lecture = ["-4.00", "-4.00", "3.00", "-4.00", "1.00"]
    assert red_numbers(fresh[0]) == red_numbers(fresh[1]) == lecture
    assert "one still in progress" in note(fresh[0])
    assert note(fresh[1]) == ""  # the pass is complete: the .grad are what is drawn
    assert [n.grad for n in topological_order(f)] == [-4.0, -4.0, 3.0, -4.0, 1.0]  # x y z q f


def test_held_draws_the_grads_as_they_are_and_leaves_branches_blank() -> None:
    x = Value(2.0, "x")
    g = x * x
    assert red_numbers(drawn(g, show_grad="held")) == ["0.00", "0.00"]  # no pass is run
    g.backward()
    g.backward()
    assert x.grad == 8.0  # 2x, twice
    picture = drawn(g, show_grad="held")
    assert x_wires(picture) == ("8.00", [None, None])  # which use sent what is not held
    assert out_of(picture, "*").grad == "2.00"
    assert note(picture) == ""
    assert (x.grad, g.grad) == (8.0, 2.0)


def test_named_root_is_used_in_the_note_and_at_the_end() -> None:
    f = fxyz()
    f.label = "loss"
    source = viz.draw(f).source
    assert "loss.backward()" in source
    assert out_of(parse(source), "*").end == "loss"


# --- non-finite numbers -------------------------------------------------------------------


def test_nan_and_inf_print_as_words() -> None:
    big = Value(1000.0, "big")
    e = big.exp()  # inf
    n = e * 0  # inf * 0 = nan
    f = n + (-e)
    f.backward()
    texts = {w.label.value for w in wires(drawn(f))} | set(red_numbers(drawn(f)))
    assert {"inf", "-inf", "nan"} <= texts
    assert not any(re.search(r"-nan|NaN|Infinity", t) for t in texts)


def test_format_number() -> None:
    fmt = viz.format_number
    assert fmt(-2.0) == "-2.00"
    assert fmt(-0.0) == "0.00"
    assert fmt(-0.001) == "-0.0010"  # nonzero: significant digits, not 0.00
    assert fmt(0.7310585786) == "0.73"
    assert fmt(math.nan) == "nan"
    assert fmt(math.inf) == "inf"
    assert fmt(-math.inf) == "-inf"
    assert fmt(1.5e9) == "1.50e+09"
    assert fmt(2.0, 0) == "2"


def test_a_nonzero_number_never_prints_as_zero() -> None:
    fmt = viz.format_number
    assert fmt(math.exp(-6)) == "0.0025"
    assert fmt(0.004) == "0.0040"  # trailing zeros kept, as the wires keep them
    assert fmt(-1e-5) == "-1.0e-05"
    assert fmt(2.5e-300) == "2.5e-300"
    assert fmt(5e-324) == "4.9e-324"  # the smallest subnormal
    assert fmt(0.3, 0) == "0.3" and fmt(7e-8, 0) == "7e-08"
    assert fmt(0.005) == "0.01"  # rounds to a nonzero number: decimals as usual
    for x in [1e-3, 3e-7, -4.4e-12, 1e-200]:
        for precision in range(13):
            text = fmt(x, precision)
            assert float(text) != 0, (x, precision, text)


def test_small_numbers_on_the_wires_are_not_zeros() -> None:
    # the graph: exp(-6) = 0.0025 was drawn 0.00, and the gradients of the
    # branches 0.00 and -0.01 beside a sum of 0.00
    x, y = Value(3.0, "x"), Value(-2.0, "y")
    p = x * y
    f = (p + x) * p.exp()
    f.backward()
    texts = {w.label.value for w in wires(drawn(f))} | set(red_numbers(drawn(f)))
    assert "0.0025" in texts  # exp(-6), a value
    assert not any(float(t) == 0 for t in texts if t not in ("nan", "inf", "-inf"))


def test_a_misspelt_option_is_a_type_error_naming_it() -> None:
    for function in (viz.draw, viz.frames):
        with pytest.raises(TypeError, match="precison"):
            function(fxyz(), precison=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="gropus"):
        viz.render(fxyz(), "f.dot", gropus="collapse")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "function",
    [viz.draw, viz.render, viz.frames, viz.save_frames, viz.save_gif, viz.steps.png_frames],
)
def test_every_drawing_function_lists_its_options_by_name(function) -> None:
    parameters = inspect.signature(function).parameters
    for name in ("precision", "fold_constants", "groups", "rankdir", "theme"):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, name
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


# --- composite groups ------------------------------------------------------------------------


def test_groups_box_draws_a_labelled_cluster_around_the_composite() -> None:
    f = sigmoid_circuit(boxed=True)
    f.backward()
    g = drawn(f)  # groups="box" is the default
    (cluster,) = g.clusters
    assert "sigmoid" in cluster.attrs["label"]
    texts = gates(g)
    assert sorted(texts[m] for m in cluster.members if m in texts) == ["*-1", "+1", "1/x", "exp"]
    assert len(texts) == 8


def test_groups_collapse_draws_one_gate_with_the_composites_numbers() -> None:
    f = sigmoid_circuit(boxed=True)
    f.backward()
    g = drawn(f, groups="collapse")
    assert g.clusters == []
    assert sorted(gates(g).values()) == ["*", "*", "+", "+", "sigmoid"]
    (into,) = [w.label for w in wires(g) if w.target == "sigmoid"]
    assert_wire(into, "1.00", "0.20")
    assert_wire(out_of(g, "sigmoid"), "0.73", "1.00")
    assert_wire(by_start(g)["w0"], "2.00", "-0.20")


def test_groups_none_ignores_the_tags() -> None:
    f = sigmoid_circuit(boxed=True)
    f.backward()
    g = drawn(f, groups="none")
    assert g.clusters == []
    assert len(gates(g)) == 8


def test_nested_composites_are_nested_boxes_and_collapse_to_the_outer_one() -> None:
    a, b, c = Value(0.5, "a"), Value(-1.0, "b"), Value(2.0, "c")
    with composite("layer"):
        with composite("neuron"):
            n1 = (a * b).tanh()
        with composite("neuron"):
            n2 = (a * c).tanh()  # `a` goes into both neurons
    f = n1 + n2
    f.backward()
    boxes = drawn(f).clusters
    assert [c.parent for c in boxes] == [None, boxes[0].name, boxes[0].name]
    names = [re.sub(r"<[^>]*>", "", c.attrs["label"]) for c in boxes]
    assert names == ["layer", "neuron", "neuron"]
    g = drawn(f, groups="collapse")
    assert sorted(gates(g).values()) == ["+", "layer"]
    # `a` enters the collapsed layer once, carrying both uses' gradient
    (into_a,) = [w for w in wires(g) if w.label.start == "a"]
    assert into_a.target == "layer"
    assert into_a.label.grad == viz.format_number(a.grad)
    outs = [w.label.value for w in wires(g) if w.source == "layer"]
    assert sorted(outs) == sorted([viz.format_number(n1.data), viz.format_number(n2.data)])


def test_two_uses_of_a_composite_name_are_two_groups() -> None:
    x = Value(1.0, "x")
    with composite("neuron"):
        a = x.tanh()
    with composite("neuron"):
        b = x.exp()
    f = a * b
    assert len(drawn(f).clusters) == 2
    assert sorted(gates(drawn(f, groups="collapse")).values()) == ["*", "neuron", "neuron"]


# --- escaping ------------------------------------------------------------------------------

NASTY = [
    "<x>]; injected [shape=box label=<y>",
    'q"; injected [color=red]; "',
    "back\\slash \\N \\G & amp; &lt; {a|b}",
    "new\nline\ttab",
    "</FONT></TD></TR></TABLE>> injected [x=<",
    "]]>{}|<>",
]


@pytest.mark.parametrize("name", NASTY)
def test_labels_are_text_and_add_no_node_or_attribute(name: str) -> None:
    x = Value(1.0, name)
    y = Value(2.0, "y")
    with composite(name):
        h = (x * y).exp()
    h.label = name
    h.backward()
    for groups in ("box", "collapse"):
        g = parse(viz.draw(h, groups=groups).source)
        assert not [n for n in g.nodes if "injected" in n]
        allowed = {
            "label", "shape", "width", "height", "margin", "style", "fillcolor", "color",
            "penwidth", "peripheries", "ordering",
        }  # fmt: skip
        for attrs in g.nodes.values():
            assert set(attrs) <= allowed
        for _, _, attrs in g.edges:
            assert set(attrs) <= {"arrowhead", "weight", "color", "penwidth", "style"}
        leaves = by_start(g)
        clean = name.replace("\n", " ").replace("\t", " ")
        assert clean in leaves  # the name survives as text, escapes undone
        assert out_of(g, "exp" if groups == "box" else clean).end == clean


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz dot not installed")
def test_graphviz_itself_reads_the_nasty_labels_as_text() -> None:
    x = Value(1.0, NASTY[0])
    with composite(NASTY[4]):
        h = (x * Value(2.0, NASTY[1])).exp()
    h.backward()
    source = viz.draw(h).source
    canon = subprocess.run(
        ["dot", "-Tcanon"], input=source.encode(), capture_output=True, check=True
    ).stdout.decode()
    g = parse(canon)
    assert sorted(g.nodes) == sorted(parse(source).nodes)
    assert "injected" not in " ".join(g.nodes)


# --- determinism ----------------------------------------------------------------------------


def test_same_graph_gives_byte_identical_dot() -> None:
    first = fxyz()
    first.backward()
    second = fxyz()  # new Values, new id()s, same graph
    second.backward()
    a, b = viz.draw(first).source, viz.draw(second).source
    assert a == b
    for node in (first, second):
        assert str(id(node)) not in a
        assert hex(id(node)) not in a
    assert viz.draw(first).source == a  # drawing twice changes nothing


def test_identical_for_boxes_and_collapse_too() -> None:
    sources = set()
    for _ in range(2):
        f = sigmoid_circuit(boxed=True)
        f.backward()
        sources.add(
            viz.draw(f).source + viz.draw(f, groups="collapse").source
            + viz.draw(f, fold_constants=False).source
        )  # fmt: skip
    assert len(sources) == 1


# --- options, errors, size --------------------------------------------------------------------


def test_draw_returns_a_digraph_that_jupyter_can_show() -> None:
    g = viz.draw(fxyz())
    assert isinstance(g, graphviz.Digraph)
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is needed to make the SVG Jupyter shows")
    svg = g._repr_mimebundle_()["image/svg+xml"]  # what a notebook cell displays
    assert "<svg" in svg and "&#45;12.00" in svg  # Graphviz writes the minus as &#45;


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"precision": -1}, ValueError),
        ({"precision": 2.5}, ValueError),
        ({"show_grad": "yes"}, ValueError),
        ({"show_grad": 1}, ValueError),  # 1 == True, but only True and False are switches
        ({"groups": "boxes"}, ValueError),
        ({"rankdir": "XY"}, ValueError),
        ({"theme": "dark"}, TypeError),
        ({"fold_constants": "no"}, TypeError),  # a non-empty string is truthy: not a yes
        ({"fold_constants": 0}, TypeError),
    ],
)
def test_bad_options_are_refused(options, error) -> None:
    with pytest.raises(error):
        viz.draw(fxyz(), **options)


def test_draw_needs_a_value() -> None:
    with pytest.raises(TypeError, match="Value"):
        viz.draw(3.0)  # type: ignore[arg-type]


def test_a_leaf_alone_draws() -> None:
    x = Value(2.0, "x")
    x.backward()
    (w,) = wires(drawn(x))
    assert (w.label.start, w.label.end, w.label.value, w.label.grad) == ("x", "x", "2.00", "1.00")


@pytest.mark.parametrize("rankdir", ["LR", "RL", "TB", "BT"])
def test_every_direction_draws(rankdir: str) -> None:
    f = fxyz()
    f.backward()
    g = viz.draw(f, rankdir=rankdir)
    assert f"rankdir={rankdir}" in g.source
    assert "-12.00" in g.source


def test_theme_colours_are_used() -> None:
    f = fxyz()
    f.backward()
    theme = viz.DEFAULT.replace(value_color="#0000ff", grad_color="#ff00ff")
    g = parse(viz.draw(f, theme=theme).source)
    for w in wires(g):
        assert w.label.value_color == "#0000ff"
        assert w.label.grad_color == "#ff00ff"


@pytest.mark.parametrize(
    ("field", "value", "error", "message"),
    [
        ("value_color", 'red" x="1', ValueError, "value_color must be"),  # an attribute injected
        ("grad_color", "#12345", ValueError, "grad_color must be"),
        ("background", "", ValueError, "background must be"),
        ("active_fill", "<B>", ValueError, "active_fill must be"),
        ("wire_color", 0xFF0000, TypeError, "wire_color must be a colour string, got int"),
        ("fontname", 'Helvetica"', ValueError, "fontname must be"),
        ("fontname", "Arial><B", ValueError, "fontname must be"),
        ("fontname", None, TypeError, "fontname must be a string"),
        ("number_size", "big", TypeError, "number_size must be a real number, got str 'big'"),
        ("gate_size", 0, ValueError, "gate_size must be a positive number"),
        ("penwidth", float("nan"), ValueError, "penwidth must be a positive number"),
        ("ranksep", -0.1, ValueError, "ranksep must be a positive number"),
        ("dpi", 0, ValueError, "dpi must be at least 1"),
        ("dpi", 144.5, TypeError, "dpi must be a whole number"),
        ("wire_min_width", True, TypeError, "wire_min_width must be a whole number"),
    ],
)
def test_a_theme_refuses_bad_fields_by_name(field, value, error, message) -> None:
    with pytest.raises(error, match=re.escape(message)):
        viz.DEFAULT.replace(**{field: value})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value_color", "notacolor", "value_color must be"),  # Graphviz would draw it black
        ("grad_color", "reed", "a Graphviz colour name"),
        ("number_size", 1e300, "number_size must be from 1 to 200 points, got 1e+300"),
        ("number_size", 0.001, "number_size must be from 1 to 200 points"),
        ("gate_width", 1e9, "gate_width must be from"),
        ("dpi", 100_000, "dpi must be from 1 to 1200"),
    ],
)
def test_a_theme_refuses_colours_graphviz_does_not_know_and_sizes_that_draw_nothing(
    field, value, message
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        viz.DEFAULT.replace(**{field: value})


def test_graphviz_knows_every_colour_name_a_theme_accepts() -> None:
    if not HAS_DOT:
        pytest.skip("needs Graphviz's dot")
    names = sorted(viz.theme.color_names())
    assert {"red", "gray50", "lightgoldenrodyellow", "transparent"} <= set(names)
    source = "digraph {" + "".join(f'n{i} [color="{n}"];' for i, n in enumerate(names)) + "}"
    done = subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True)
    assert b"not a known color" not in done.stderr
    assert viz.Theme(value_color="LightBlue").value_color == "LightBlue"  # any case


def test_a_theme_takes_colour_names_hex_forms_and_any_real_size() -> None:
    theme = viz.Theme(value_color="gray50", grad_color="#f00", note_color="#11223344",
                      number_size=10, gate_size=Fraction(29, 2))  # fmt: skip
    assert (theme.number_size, theme.gate_size) == (10.0, 14.5)
    assert type(theme.number_size) is float and type(theme.gate_size) is float
    f = fxyz()
    f.backward()
    source = viz.draw(f, theme=theme).source
    assert 'COLOR="gray50" POINT-SIZE="10"' in source


def chain(n: int) -> Value:
    v = Value(0.5, "x")
    for _ in range(n - 1):
        v = v * 1.0001
    return v


def boxed_chain(n: int) -> Value:
    with composite("block"):
        return chain(n)


def test_a_large_graph_warns_and_suggests_collapse_where_it_helps() -> None:
    with pytest.warns(viz.GraphTooLargeWarning, match="collapse"):
        viz.draw(boxed_chain(WARN_NODES + 10))
    with pytest.warns(viz.GraphTooLargeWarning) as caught:
        viz.draw(chain(WARN_NODES + 10))  # no composite gate: collapsing cannot help
    assert not any("collapse" in str(w.message) for w in caught)


def test_a_huge_graph_is_refused_fast_and_says_what_to_do() -> None:
    with pytest.raises(viz.GraphTooLargeError, match="collapse"):
        viz.draw(boxed_chain(MAX_NODES + 10))
    with pytest.raises(viz.GraphTooLargeError, match="minutes; draw a smaller part") as plain:
        viz.draw(chain(MAX_NODES + 10))
    assert "collapse" not in str(plain.value)
    with pytest.raises(viz.GraphTooLargeError):
        viz.draw(chain(200_000))  # refused before any drawing work


def test_a_large_graph_of_composites_draws_collapsed() -> None:
    x = Value(0.1, "x")
    v = x
    for _ in range(60):  # 60 composites of 40 gates: 2,400 nodes, 60 when collapsed
        with composite("block"):
            for _ in range(40):
                v = v * 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = parse(viz.draw(v, groups="collapse").source)
    assert list(gates(g).values()) == ["block"] * 60
