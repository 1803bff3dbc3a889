"""grad(), hessian() and the table's second column (derivatives written in gates).

Expected numbers are closed forms computed with `math` (the derivatives of each
gate worked out by hand), finite differences of backward()'s gradients, or
backward() itself where the arithmetic is meant to be the same.
"""

import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import GATES, Gate, Value, grad, hessian, register_gate, topological_order
from autograd.check import assert_gradients_match, gradcheck
from autograd.derivatives import PATHS
from autograd.testing import expressions

inf, nan = math.inf, math.nan


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def derivatives(build, x: float, n: int) -> list[float]:
    """[f, f', ..., f^(n)] at x, each the grad of the one before, built with gates."""
    leaf = Value(x, "x")
    current = build(leaf)
    found = [current.data]
    for _ in range(n):
        (current,) = grad(current, [leaf], create_graph=True)
        found.append(current.data)
    return found


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-14)


# --- closed forms, gate by gate: f, f', f'', f''' ----------------------------------


def sigmoid_forms(x: float) -> list[float]:
    s = 1 / (1 + math.exp(-x))
    return [s, s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)]


def tanh_forms(x: float) -> list[float]:
    t = math.tanh(x)
    return [t, 1 - t * t, -2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t)]


CLOSED_FORMS = {
    "exp": (lambda v: v.exp(), lambda x: [math.exp(x)] * 4),
    "reciprocal": (lambda v: v.reciprocal(), lambda x: [1 / x, -1 / x**2, 2 / x**3, -6 / x**4]),
    "sigmoid": (lambda v: v.sigmoid(), sigmoid_forms),
    "tanh": (lambda v: v.tanh(), tanh_forms),
    "log": (lambda v: v.log(), lambda x: [math.log(x), 1 / x, -1 / x**2, 2 / x**3]),
    "square (mul)": (lambda v: v * v, lambda x: [x * x, 2 * x, 2.0, 0.0]),
    "mul by 3": (lambda v: v * 3, lambda x: [3 * x, 3.0, 0.0, 0.0]),
    "add 2": (lambda v: v + 2, lambda x: [x + 2, 1.0, 0.0, 0.0]),
    "x + x": (lambda v: v + v, lambda x: [2 * x, 2.0, 0.0, 0.0]),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
@pytest.mark.parametrize("x", [0.3, 1.7, -0.8])
def test_derivatives_up_to_the_third_match_closed_forms(name, x):
    build, forms = CLOSED_FORMS[name]
    if name == "log" and x < 0:
        x = -x
    got = derivatives(build, x, 3)
    assert all(close(a, b) for a, b in zip(got, forms(x), strict=True)), (got, forms(x))


@pytest.mark.parametrize("c", [2.0, 3.0, 0.5, -1.0, -2.5, 1.0, 0.0])
def test_pow_derivatives_match_c_times_x_to_the_c_minus_1(c):
    x = 1.3
    expected = [
        x**c,
        c * x ** (c - 1),
        c * (c - 1) * x ** (c - 2),
        c * (c - 1) * (c - 2) * x ** (c - 3),
    ]
    got = derivatives(lambda v: v**c, x, 3)
    assert all(close(a, b) for a, b in zip(got, expected, strict=True)), (got, expected)


@pytest.mark.parametrize(
    ("x", "slope"),
    [(1.5, 1.0), (-1.5, 0.0), (0.0, 0.0)],  # relu'(0) = 0, as in backward()
)
def test_relu_has_its_first_order_slope_and_no_curvature(x, slope):
    assert derivatives(lambda v: v.relu(), x, 3)[1:] == [slope, 0.0, 0.0]


@pytest.mark.parametrize(
    ("a", "b", "da", "db"), [(2.0, 1.0, 1.0, 0.0), (1.0, 2.0, 0.0, 1.0), (1.5, 1.5, 0.5, 0.5)]
)
def test_max_sends_its_first_order_mask_and_has_no_curvature(a, b, da, db):
    x, y = Value(a), Value(b)
    f = (x * x).max(y * y)  # the mask times the square's derivative 2x
    gx, gy = grad(f, [x, y], create_graph=True)
    assert (gx.data, gy.data) == (da * 2 * a, db * 2 * b)
    assert hessian(f, [x, y]) == [[2 * da, 0.0], [0.0, 2 * db]]


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (2.0, [8.0, 12.0, 12.0, 6.0]),  # x³ wins: its derivatives 3x², 6x, 6
        (0.5, [1.0, 0.0, 0.0, 0.0]),  # the constant 1 wins
        (1.0, [1.0, 1.5, 3.0, 3.0]),  # a tie: half of each of x³'s derivatives
    ],
)
def test_max_with_a_constant_up_to_the_third_derivative(x, expected):
    assert derivatives(lambda v: (v * v * v).max(1.0), x, 3) == expected


def test_mixed_partials_of_a_product():
    x, y = Value(3.0), Value(-2.0)
    f = x * x * y  # f_xx = 2y, f_xy = 2x, f_yy = 0
    assert hessian(f, [x, y]) == [[-4.0, 6.0], [6.0, 0.0]]


def test_the_issue_example_sigmoid_second_derivative():
    x = Value(0.7, "x")
    (dfdx,) = grad(x.sigmoid(), [x], create_graph=True)
    (d2,) = grad(dfdx, [x])
    s = sigmoid_forms(0.7)
    assert close(dfdx.data, s[1]) and close(d2.data, s[2])
    assert d2.is_leaf  # create_graph=False: a number in a leaf


def test_hessian_of_a_two_variable_function_matches_its_closed_form():
    a, b = 0.4, -1.1
    x, y = Value(a), Value(b)
    f = (x * y).tanh() + x.exp() * y
    t = math.tanh(a * b)
    t2 = -2 * t * (1 - t * t)  # tanh''
    expected = [
        [b * b * t2 + math.exp(a) * b, (1 - t * t) + a * b * t2 + math.exp(a)],
        [(1 - t * t) + a * b * t2 + math.exp(a), a * a * t2],
    ]
    got = hessian(f, [x, y])
    assert all(
        close(g, e)
        for row, erow in zip(got, expected, strict=True)
        for g, e in zip(row, erow, strict=True)
    )


# --- grad's contract ---------------------------------------------------------------


def test_grad_neither_reads_nor_changes_any_grad():
    x, y = Value(1.5), Value(-0.5)
    f = (x * y).exp() + x
    x.grad, y.grad, f.grad = 7.0, -3.0, 11.0
    gx, gy = grad(f, [x, y], create_graph=True)
    grad(gx, [x, y])
    assert (x.grad, y.grad, f.grad) == (7.0, -3.0, 11.0)
    e = math.exp(-0.75)
    assert close(gx.data, -0.5 * e + 1) and close(gy.data, 1.5 * e)


def test_backward_works_on_a_derivative():
    x = Value(0.3)
    (dfdx,) = grad(x.tanh(), [x], create_graph=True)
    dfdx.backward()
    assert close(x.grad, tanh_forms(0.3)[2])


def test_without_create_graph_the_results_are_leaves():
    x = Value(2.0)
    (g,) = grad(x * x, [x])
    assert g.is_leaf and g.data == 4.0
    (again,) = grad(g, [x])
    assert again.data == 0.0


def test_an_input_the_output_does_not_use_gets_zero_and_the_output_itself_one():
    x, y = Value(1.0), Value(2.0)
    f = x.exp()
    gy, gf = grad(f, [y, f])
    assert (gy.data, gf.data) == (0.0, 1.0)


def test_an_inner_node_can_be_an_input():
    x = Value(0.5)
    h = x * 3
    f = h.tanh() * h
    (gh,) = grad(f, [h])
    t = math.tanh(1.5)
    assert close(gh.data, (1 - t * t) * 1.5 + t)


def test_a_constant_derivative_is_a_leaf_holding_it():
    x, y = Value(1.0), Value(2.0)
    gx, gy = grad(x + 3 * y, [x, y], create_graph=True)
    assert gx.is_leaf and gy.is_leaf and (gx.data, gy.data) == (1.0, 3.0)


@pytest.mark.parametrize(
    ("output", "inputs", "message"),
    [
        (1.0, [], "differentiates a Value"),
        (Value(1.0), Value(1.0), r"grad\(f, \[x\]\)"),
        (Value(1.0), [1.0], r"inputs\[0\] is a float"),
        (Value(1.0), "x", "list of Values"),
    ],
)
def test_bad_arguments_are_type_errors_naming_the_problem(output, inputs, message):
    with pytest.raises(TypeError, match=message):
        grad(output, inputs)


@pytest.mark.parametrize(
    ("output", "inputs", "message"),
    [
        (1.0, [], r"^hessian\(\) differentiates a Value"),
        (Value(1.0), Value(1.0), r"write hessian\(f, \[x\]\)"),
        (Value(1.0), [1.0], r"^hessian\(\): inputs\[0\] is a float"),
    ],
)
def test_bad_arguments_to_hessian_name_hessian(output, inputs, message):
    with pytest.raises(TypeError, match=message):
        hessian(output, inputs)


def test_create_graph_must_be_a_bool():
    x = Value(1.0)
    with pytest.raises(TypeError, match="create_graph"):
        grad(x, [x], create_graph="yes")


# --- user gates ------------------------------------------------------------------


def test_a_user_gate_without_a_derivative_rule_stops_a_second_derivative_by_name(gate_table):
    cube = register_gate(Gate("cube", "³", 1, lambda x: (x**3, 3 * x * x)))
    x = Value(2.0)
    f = x.apply(cube).exp()
    assert grad(f, [x])[0].data == pytest.approx(12 * math.exp(8.0))  # first order works
    with pytest.raises(NotImplementedError, match="'cube'"):
        grad(f, [x], create_graph=True)


def test_a_user_gate_with_a_derivative_rule_differentiates_to_any_order(gate_table):
    cube = register_gate(
        Gate("cube", "³", 1, lambda x: (x**3, 3 * x * x), derivative=lambda out, x: (3 * x * x,))
    )
    assert derivatives(lambda v: v.apply(cube), 1.5, 4)[1:] == [3 * 1.5**2, 6 * 1.5, 6.0, 0.0]


@pytest.mark.parametrize(
    ("rule", "message"),
    [(lambda out, x: 3.0, "tuple of 1"), (lambda out, x: ("a",), "returned a str")],
)
def test_a_malformed_derivative_rule_is_an_error_naming_the_gate(gate_table, rule, message):
    odd = register_gate(Gate("odd", "o", 1, lambda x: (2 * x, 2.0), derivative=rule))
    x = Value(1.0)
    with pytest.raises(TypeError, match=f"'odd'.*{message}"):
        grad(x.apply(odd), [x], create_graph=True)


def test_a_derivative_rule_may_return_an_int_beyond_floats_range_as_its_rule_may(gate_table):
    """The float table turns such an int into inf; the table in gates does the same."""
    huge = register_gate(
        Gate("huge", "h", 1, lambda x: (x, 10**400), derivative=lambda out, x: (-(10**400),))
    )
    x = Value(1.0)
    (slope,) = grad(x.apply(huge), [x], create_graph=True)
    assert slope.data == -math.inf
    assert grad(x.apply(huge), [x])[0].data == math.inf  # the float rule's own


def test_a_derivative_rule_must_be_callable():
    with pytest.raises(TypeError, match="derivative must be a function"):
        Gate("g", "g", 1, lambda x: (x, 1.0), derivative=3)


# --- the backward pass as a graph -------------------------------------------------


def test_the_gates_of_a_backward_pass_are_composites_named_after_their_gate():
    x = Value(0.7, "x")
    f = x.sigmoid()
    (dfdx,) = grad(f, [x], create_graph=True)
    assert f.scope is None  # the forward graph is not boxed
    assert dfdx.scope is not None and dfdx.scope.name == "∂sigmoid"
    assert dfdx.parents[0] is f  # σ' is built from the forward output


def test_shares_of_a_value_used_twice_add_up_in_their_own_composite():
    x = Value(0.5)
    f = x.exp() * x.tanh()
    (dfdx,) = grad(f, [x], create_graph=True)
    assert dfdx.gate is GATES["add"] and dfdx.scope.name == PATHS


def test_no_gates_are_made_for_a_branch_no_input_feeds(gate_table):
    differentiated = []

    def spy_derivative(out, v):
        differentiated.append(v)
        return (1.0,)

    spy = register_gate(Gate("spy", "s", 1, lambda v: (v, 1.0), derivative=spy_derivative))
    x, y = Value(0.5), Value(2.0)
    f = x.apply(spy).exp() * y.apply(spy).sigmoid()
    grad(f, [x], create_graph=True)
    assert differentiated == [x]  # not y's branch


def test_the_gates_made_are_all_in_a_backward_composite():
    x, y = Value(0.5), Value(2.0)
    f = (x * y).tanh() * x + y.log()
    (dfdx,) = grad(f, [x], create_graph=True)
    made = {node for node in topological_order(dfdx) if not node.is_leaf} - set(
        topological_order(f)
    )
    assert made and all(node.scope.name in ("∂mul", "∂tanh", PATHS) for node in made)


# --- the same numbers as backward() -------------------------------------------------


def backward_grads(f, point: list[float]) -> list[float]:
    leaves = [Value(x) for x in point]
    f(*leaves).backward()
    return [leaf.grad for leaf in leaves]


@given(expressions(n_inputs=3, max_leaves=8))
def test_first_derivatives_are_backwards_to_the_bit(case):
    f, point = case
    expected = backward_grads(f, point)
    leaves = [Value(x) for x in point]
    out = f(*leaves)
    floats = [g.data for g in grad(out, leaves)]
    gates = [0.0 + g.data for g in grad(out, leaves, create_graph=True)]  # 0.0 + : -0.0 sums
    assert [bits(g) for g in floats] == [bits(g) for g in expected]
    assert [bits(g) for g in gates] == [bits(g) for g in expected]


EDGES = [0.0, -0.0, 1.0, -1.0, inf, -inf, nan, 1e308, 1e-320]


@settings(max_examples=300)
@given(st.sampled_from(EDGES), st.sampled_from(EDGES))
def test_at_kinks_and_edges_gate_built_slopes_are_backwards(a, b):
    """relu'(0) = 0, max's tie ½ each, nan and inf: the float table's semantics."""

    def f(x, y):
        return (x.relu() * y).max(x) + (x * y).tanh() + y.exp() * x.sigmoid() + (x - y).max(y)

    expected = backward_grads(f, [a, b])
    x, y = Value(a), Value(b)
    got = [0.0 + g.data for g in grad(f(x, y), [x, y], create_graph=True)]
    assert [bits(g) for g in got] == [bits(g) for g in expected]


# --- second derivatives against finite differences ----------------------------------


def numeric_hessian(f, point: list[float], h: float = 1e-5) -> list[list[float]]:
    """Central differences of backward()'s gradients (the float table, not the gates)."""
    rows = []
    for j in range(len(point)):
        up = backward_grads(f, [x + h * (i == j) for i, x in enumerate(point)])
        down = backward_grads(f, [x - h * (i == j) for i, x in enumerate(point)])
        rows.append([(u - d) / (2 * h) for u, d in zip(up, down, strict=True)])
    return [list(column) for column in zip(*rows, strict=True)]  # row i: d/dx_j of df/dx_i


@given(expressions(n_inputs=2, max_leaves=6))
def test_hessians_of_random_expressions_match_finite_differences(case):
    f, point = case
    leaves = [Value(x) for x in point]
    got = hessian(f(*leaves), leaves)
    expected = numeric_hessian(f, point)
    for got_row, expected_row in zip(got, expected, strict=True):
        for g, e in zip(got_row, expected_row, strict=True):
            assert abs(g - e) <= 1e-3 * (1 + abs(e)), (got, expected)


# --- gradcheck(order=2) -----------------------------------------------------------


def test_gradcheck_order_2_checks_every_second_derivative():
    report = gradcheck(lambda x, y: (x * y).tanh() + x.sigmoid() * y.exp(), [0.5, -1.0], order=2)
    assert report.ok, report
    names = [row.name for row in report.inputs]
    assert names == ["x", "y", "∂²f/∂x∂x", "∂²f/∂x∂y", "∂²f/∂y∂x", "∂²f/∂y∂y"]
    a, b = 0.5, -1.0
    t = math.tanh(a * b)
    s = sigmoid_forms(a)
    fxy = (1 - t * t) - 2 * a * b * t * (1 - t * t) + s[1] * math.exp(b)
    assert close(report.inputs[3].analytic, fxy) and close(report.inputs[4].analytic, fxy)


def test_gradcheck_order_3_names_third_derivatives():
    report = gradcheck(lambda x: x.log() * x, [0.7], order=3)
    assert report.ok, report
    assert report.inputs[-1].name == "∂³f/∂x∂x∂x"
    assert close(report.inputs[-1].analytic, -1 / 0.7**2)  # (x log x)''' = -1/x²


def test_gradcheck_order_2_names_a_derivative_rule_that_disagrees_with_its_float_rule(gate_table):
    cube = register_gate(
        Gate("cube", "³", 1, lambda x: (x**3, 3 * x * x), derivative=lambda out, x: (2 * x * x,))
    )
    report = gradcheck(lambda x: x.apply(cube), [1.5], order=2)
    assert not report.ok
    assert [rule.gate for rule in report.wrong_rules] == ["cube"]
    assert "'cube' has a wrong derivative in gates" in str(report)
    second = report.inputs[1]  # d/dx of 2x² against the central difference of 3x²
    assert second.verdict == "wrong" and close(second.analytic, 6.0)
    assert second.numeric == pytest.approx(9.0, rel=1e-6)


def test_gradcheck_order_2_catches_a_rule_that_gives_the_right_number_as_a_constant(gate_table):
    cube = register_gate(
        Gate(
            "cube", "³", 1, lambda x: (x**3, 3 * x * x), derivative=lambda out, x: (3 * x.data**2,)
        )
    )
    report = gradcheck(lambda x: x.apply(cube), [1.5], order=2)
    assert not report.ok and report.inputs[1].analytic == 0.0 and not report.wrong_rules


@pytest.mark.parametrize("order", [9, 40, 10**9])
def test_gradcheck_refuses_an_order_that_would_take_hours_before_it_starts(order):
    """Order 9 of two inputs is 2**8 derivatives of order 9 alone, each ~3**8 times f's gates."""
    f = lambda x, y: (x * y).tanh() + x.sigmoid()  # noqa: E731
    with pytest.raises(ValueError, match=r"order=\d+.*too long.*lower order"):
        gradcheck(f, [0.3, -0.4], order=order)


def test_gradcheck_allows_a_high_order_that_is_cheap():
    assert gradcheck(lambda x: x.sigmoid(), [0.3], order=8).ok


def test_gradcheck_order_2_through_a_gate_without_a_rule_is_an_error_naming_it(gate_table):
    cube = register_gate(Gate("cube", "³", 1, lambda x: (x**3, 3 * x * x)))
    assert gradcheck(lambda x: x.apply(cube), [1.5]).ok
    with pytest.raises(NotImplementedError, match="'cube'"):
        gradcheck(lambda x: x.apply(cube), [1.5], order=2)


@pytest.mark.parametrize("order", [0, 1.5, True, "2"])
def test_gradcheck_order_must_be_a_whole_number_from_1(order):
    with pytest.raises(ValueError, match="order"):
        gradcheck(lambda x: x * x, [1.0], order=order)


@given(expressions(n_inputs=2, max_leaves=6))
def test_random_expressions_pass_gradcheck_of_order_2(case):
    f, point = case
    assert_gradients_match(f, point, order=2)


def test_a_picture_of_a_derivative_boxes_the_backward_pass_and_not_the_forward_graph():
    import viz

    x = Value(0.7, "x")
    (dfdx,) = grad(x.sigmoid(), [x], create_graph=True)
    source = viz.draw(dfdx, show_grad=False).source
    start = source.index("subgraph cluster")
    box = source[start : source.index("\n\t}", start)]
    assert "∂sigmoid" in box and ">*<" in box  # σ' = out * (1 - out), boxed
    assert ">σ<" in source and ">σ<" not in box  # the forward gate it reads is outside
    collapsed = viz.draw(dfdx, show_grad=False, groups="collapse").source
    assert ">∂sigmoid<" in collapsed and "cluster" not in collapsed


def test_a_derivative_that_is_a_value_of_the_graph_is_that_value():
    x, y = Value(3.0), Value(4.0)
    e = x.exp()
    assert grad(x * y, [x], create_graph=True)[0] is y
    assert grad(e, [x], create_graph=True)[0] is e
