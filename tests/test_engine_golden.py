"""The lecture's worked examples, with the numbers printed on its slides."""

import math

import pytest

from autograd import Value, composite


def test_f_equals_x_plus_y_times_z():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    f = q * z
    f.backward()
    assert (q.data, f.data) == (3.0, -12.0)
    assert (f.grad, q.grad, z.grad, x.grad, y.grad) == (1.0, -4.0, 3.0, -4.0, -4.0)


def sigmoid_inputs():
    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    return [Value(v, name) for name, v in values.items()]


# The slide's gradients, printed to two decimals.
SLIDE_GRADS = {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20}


def test_sigmoid_circuit_gate_by_gate():
    w0, x0, w1, x1, w2 = sigmoid_inputs()
    p0 = w0 * x0
    p1 = w1 * x1
    s01 = p0 + p1
    dot = s01 + w2
    neg = -dot
    e = neg.exp()
    plus_one = e + 1
    f = 1 / plus_one
    f.backward()
    wires = [p0, p1, s01, dot, neg, e, plus_one, f]
    expected = [-2.0, 6.0, 4.0, 1.0, -1.0, math.exp(-1), 1 + math.exp(-1), 1 / (1 + math.exp(-1))]
    assert [w.data for w in wires] == pytest.approx(expected)
    assert [round(w.data, 2) for w in wires[-3:]] == [0.37, 1.37, 0.73]
    for leaf in (w0, x0, w1, x1, w2):
        assert round(leaf.grad, 2) == SLIDE_GRADS[leaf.label]


def test_sigmoid_circuit_with_one_sigmoid_gate_matches_the_expanded_one():
    inputs = sigmoid_inputs()
    w0, x0, w1, x1, w2 = inputs
    f = (w0 * x0 + w1 * x1 + w2).sigmoid()
    f.backward()
    assert f.gate.name == "sigmoid"
    s = 1 / (1 + math.exp(-1.0))
    # d sigma / dz = s(1 - s); dz/dw0 = x0 etc. (computed by hand, not by the engine)
    upstream = s * (1 - s)
    expected = {"w0": -1 * upstream, "x0": 2 * upstream, "w1": -2 * upstream,
                "x1": -3 * upstream, "w2": upstream}  # fmt: skip
    for leaf in inputs:
        assert leaf.grad == pytest.approx(expected[leaf.label])
        assert round(leaf.grad, 2) == SLIDE_GRADS[leaf.label]


def test_hand_written_sigmoid_inside_a_composite_is_tagged():
    w0, x0, w1, x1, w2 = sigmoid_inputs()
    dot = w0 * x0 + w1 * x1 + w2
    with composite("sigmoid") as group:
        f = 1 / (1 + (-dot).exp())
    assert f.scope is group and group.name == "sigmoid"
    assert dot.scope is None
    f.backward()
    assert round(w0.grad, 2) == -0.20


def test_a_label_and_a_composite_are_kept_apart():
    with composite("neuron") as group:
        leaf = Value(1.0, "w")
        gate = leaf * 2.0
    gate.label = "h"
    assert (leaf.label, leaf.scope, gate.label, gate.scope) == ("w", group, "h", group)
    gate.label = None
    assert (gate.label, gate.scope) == (None, group)
    leaf.label = None
    outside = Value(3.0, "z")
    outside.label = None
    assert (leaf.label, leaf.scope, outside.label, outside.scope) == (None, group, None, None)


def test_add_distributes_the_upstream_gradient_unchanged():
    a, b = Value(3.0), Value(-7.0)
    out = (a + b) * 5.0
    out.backward()
    assert (a.grad, b.grad) == (5.0, 5.0)


def test_mul_swaps_its_inputs_times_upstream():
    a, b = Value(3.0), Value(-7.0)
    out = (a * b) * 2.0
    out.backward()
    assert (a.grad, b.grad) == (-7.0 * 2.0, 3.0 * 2.0)


def test_max_routes_all_of_the_gradient_to_the_larger_input():
    a, b = Value(3.0), Value(-7.0)
    out = a.max(b) * 2.0
    out.backward()
    assert (a.grad, b.grad) == (2.0, 0.0)


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda a: a + a, 2.0),
        (lambda a: a * a, 2 * 3.0),
        (lambda a: (a * 2.0 + 1.0) * (a - 4.0), 2.0 * (3.0 - 4.0) + (2 * 3.0 + 1.0)),  # diamond
    ],
    ids=["a+a", "a*a", "diamond"],
)
def test_a_value_used_twice_sums_its_gradients(build, expected):
    a = Value(3.0)
    build(a).backward()
    assert a.grad == pytest.approx(expected)
