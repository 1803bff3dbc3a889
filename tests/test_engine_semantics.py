"""One test (or a few) per row of docs/design.md §3: values and gradients at the edges.

Expected numbers are IEEE float64 results, written out by hand or computed with `math`.
"""

import fractions
import math
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, ops

inf, nan = math.inf, math.nan


def grad_of(build, x: float) -> tuple[float, float]:
    """(value, d value / d x) of build(Value(x))."""
    leaf = Value(x)
    out = build(leaf)
    out.backward()
    return out.data, leaf.grad


def same(a: float, b: float) -> bool:
    """Equal as IEEE values, with nan equal to nan and the sign of zero checked."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


# --- construction ---------------------------------------------------------


@pytest.mark.parametrize("data", [3, -2.5, fractions.Fraction(1, 4), np.float32(0.5), np.int64(7)])
def test_real_numbers_become_floats(data):
    v = Value(data)
    assert type(v.data) is float and v.data == float(data)
    assert v.grad == 0.0


@pytest.mark.parametrize("data", [nan, inf, -inf])
def test_non_finite_numbers_are_accepted(data):
    assert same(Value(data).data, data)


@pytest.mark.parametrize("data", [True, "1.0", None, 1 + 2j, [1.0]])
def test_other_data_is_a_type_error_naming_the_type(data):
    with pytest.raises(TypeError, match=type(data).__name__):
        Value(data)


def test_a_value_of_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="already a Value"):
        Value(Value(1.0))


def test_an_integer_too_large_for_a_float_is_a_value_error():
    with pytest.raises(ValueError, match="too large"):
        Value(10**400)


def test_a_label_must_be_a_string_also_when_set_later():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)
    v = Value(1.0)
    with pytest.raises(TypeError, match="label"):
        v.label = 5
    v.label = "q"
    assert v.label == "q"
    v.label = None
    assert v.label is None
    with pytest.raises(ValueError, match="valid text"):
        v.label = "\ud800"  # a lone surrogate cannot be written to any file


# --- numbers as constants ---------------------------------------------------


@pytest.mark.parametrize(
    "build, value, grad",
    [
        (lambda v: v + 2, 5.0, 1.0),
        (lambda v: 2 + v, 5.0, 1.0),
        (lambda v: 3 * v, 9.0, 3.0),
        (lambda v: v * 3, 9.0, 3.0),
        (lambda v: v - 1, 2.0, 1.0),
        (lambda v: 1 - v, -2.0, -1.0),
        (lambda v: 1 / v, 1 / 3, -1 / 9),
        (lambda v: v / 2, 1.5, 0.5),
        (lambda v: -v, -3.0, -1.0),
    ],
)
def test_numbers_are_folded_into_the_gate_as_constants(build, value, grad):
    out, dx = grad_of(build, 3.0)
    assert out == pytest.approx(value) and dx == pytest.approx(grad)


def test_a_constant_is_kept_inside_the_gate_not_as_a_leaf():
    x = Value(3.0)
    out = x + 1
    assert out.parents == (x,) and out.const == 1.0 and out.gate.name == "add"
    assert (-x).const == -1.0 and (-x).gate.name == "mul"
    assert (x**2).const == 2.0 and (x**2).gate.name == "pow"


@pytest.mark.parametrize("other", ["a", None, [1.0], True, 1j])
@pytest.mark.parametrize(
    "op", [lambda a, b: a + b, lambda a, b: b + a, lambda a, b: a * b, lambda a, b: a - b,
           lambda a, b: b - a, lambda a, b: a / b, lambda a, b: b / a, lambda a, b: a ** b],
)  # fmt: skip
def test_unsupported_operands_are_a_type_error(op, other):
    with pytest.raises(TypeError):
        op(Value(2.0), other)


def test_a_value_exponent_is_a_type_error_that_suggests_exp_and_log():
    with pytest.raises(TypeError, match=r"exp\(\)"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match=r"exp\(\)"):
        2.0 ** Value(3.0)


# --- add, mul, neg, sub: IEEE ----------------------------------------------


# add, mul and relu do their arithmetic in Value, not through the table's rule:
# they must agree with the rule bit for bit, edge cases included.
EDGE_FLOATS = st.sampled_from([0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, 1e308, 5e-324])
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True) | EDGE_FLOATS


@pytest.mark.parametrize("gate, apply", [(ops.ADD, operator.add), (ops.MUL, operator.mul)])
@given(x=ANY_FLOAT, y=ANY_FLOAT)
def test_add_and_mul_operators_compute_what_the_table_says(gate, apply, x, y):
    out, *local = gate.rule(x, y)
    two_values = apply(Value(x), Value(y))
    assert same(two_values.data, out)
    assert all(map(same, two_values.local_grads, local))
    with_constant = apply(Value(x), y)
    assert same(with_constant.data, out) and same(with_constant.const, y)
    assert same(with_constant.local_grads[0], local[0])


@given(x=ANY_FLOAT)
def test_the_relu_method_computes_what_the_table_says(x):
    out, local = ops.RELU.rule(x)
    made = Value(x).relu()
    assert same(made.data, out) and same(made.local_grads[0], local)


class Parameter(Value):
    """A user's own kind of Value."""


@pytest.mark.parametrize(
    "build, dx, dp",
    [
        (lambda x, p: x + p, 1.0, 1.0),
        (lambda x, p: x * p, 5.0, 2.0),
        (lambda x, p: x.max(p), 0.0, 1.0),
        (lambda x, p: x - p, 1.0, -1.0),
        (lambda x, p: x / p, 0.2, -0.08),
        (lambda x, p: p * x, 5.0, 2.0),
    ],
)
def test_a_subclass_of_value_is_an_operand_like_any_value(build, dx, dp):
    x, p = Value(2.0), Parameter(5.0)
    out = build(x, p)
    out.backward()
    assert p in out.parents or any(p in n.parents for n in out.parents)
    assert (x.grad, p.grad) == pytest.approx((dx, dp))


def test_a_subclass_of_value_keeps_its_place_as_the_second_operand():
    x, p = Value(2.0), Parameter(5.0)
    assert (x + p).parents == (x * p).parents == x.max(p).parents == (x, p)


def test_inf_times_zero_is_nan_in_value_and_gradient():
    a, b = Value(inf), Value(0.0)
    out = a * b
    out.backward()
    assert math.isnan(out.data)
    assert a.grad == 0.0  # d/da = b = 0
    assert b.grad == inf  # d/db = a = inf


def test_inf_minus_inf_is_nan():
    assert math.isnan((Value(inf) - Value(inf)).data)


# --- exp ------------------------------------------------------------------------


def test_exp_overflows_to_inf_and_its_gradient_is_its_output():
    out, dx = grad_of(lambda v: v.exp(), 1000.0)
    assert out == inf and dx == inf
    out, dx = grad_of(lambda v: v.exp(), 1.0)
    assert out == math.e and dx == math.e
    assert grad_of(lambda v: v.exp(), -inf) == (0.0, 0.0)


# --- reciprocal and division ------------------------------------------------------


@pytest.mark.parametrize(
    "x, value, grad", [(0.0, inf, -inf), (-0.0, -inf, -inf), (4.0, 0.25, -1 / 16)]
)
def test_reciprocal_at_zero_is_signed_inf_never_zero_division(x, value, grad):
    out, dx = grad_of(lambda v: v.reciprocal(), x)
    assert same(out, value) and same(dx, grad)


def test_division_is_mul_by_reciprocal():
    a, b = Value(1.0), Value(0.0)
    assert (a / b).data == inf
    assert math.isnan((Value(0.0) / Value(0.0)).data)
    q = Value(6.0) / Value(3.0)
    assert q.gate.name == "mul" and q.parents[1].gate.name == "reciprocal"
    assert (Value(1.0) / 0).data == inf
    assert (1 / Value(4.0)).gate.name == "reciprocal"  # no extra `*1` gate
    three_over = 3 / Value(4.0)
    assert (three_over.gate.name, three_over.const) == ("mul", 3.0)


# --- sigmoid ----------------------------------------------------------------------


@pytest.mark.parametrize("x", [-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])
def test_sigmoid_is_stable_everywhere(x):
    out, dx = grad_of(lambda v: v.sigmoid(), x)
    expected = 1 / (1 + math.exp(-x)) if x > -700 else 0.0
    assert out == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert dx == pytest.approx(expected * (1 - expected), rel=1e-12, abs=1e-300)
    assert 0.0 <= out <= 1.0


def test_sigmoid_of_infinities_and_nan():
    assert grad_of(lambda v: v.sigmoid(), inf) == (1.0, 0.0)
    assert grad_of(lambda v: v.sigmoid(), -inf) == (0.0, 0.0)
    assert math.isnan(Value(nan).sigmoid().data)


# --- tanh -------------------------------------------------------------------------


def test_tanh_is_a_primitive_gate():
    out, dx = grad_of(lambda v: v.tanh(), 0.5)
    assert out == math.tanh(0.5) and dx == pytest.approx(1 - math.tanh(0.5) ** 2)
    assert Value(0.5).tanh().gate.name == "tanh"
    assert grad_of(lambda v: v.tanh(), 1000.0) == (1.0, 0.0)


# --- log --------------------------------------------------------------------------


def test_log_of_zero_is_minus_inf_and_of_negatives_nan():
    assert grad_of(lambda v: v.log(), 0.0) == (-inf, inf)
    out, _ = grad_of(lambda v: v.log(), -1.0)
    assert math.isnan(out)
    assert grad_of(lambda v: v.log(), math.e) == (1.0, 1 / math.e)


# --- max --------------------------------------------------------------------------


def max_grads(a: float, b: float) -> tuple[float, float, float]:
    va, vb = Value(a), Value(b)
    out = va.max(vb)
    out.backward()
    return out.data, va.grad, vb.grad


def test_max_gives_all_the_gradient_to_the_larger():
    assert max_grads(2.0, 1.0) == (2.0, 1.0, 0.0)
    assert max_grads(-3.0, 4.0) == (4.0, 0.0, 1.0)


def test_a_max_tie_splits_the_gradient_in_half():
    assert max_grads(1.5, 1.5) == (1.5, 0.5, 0.5)


def test_max_with_nan_is_nan_and_both_inputs_get_the_gradient_as_in_pytorch():
    out, da, db = max_grads(nan, 1.0)
    assert math.isnan(out) and (da, db) == (1.0, 1.0)
    out, da, db = max_grads(1.0, nan)
    assert math.isnan(out) and (da, db) == (1.0, 1.0)


def test_max_with_a_number_folds_it():
    out, dx = grad_of(lambda v: v.max(0), -2.0)
    assert (out, dx) == (0.0, 0.0)


def test_builtin_max_compares_data_without_recording_a_gate():
    a, b = Value(1.0), Value(2.0)
    assert max(a, b) is b
    assert a < b and b > a and a <= 1.0 and b >= 2 and not a > 5
    assert sorted([b, a]) == [a, b]
    assert a != Value(1.0)  # == is identity: Values are graph nodes


# --- relu -------------------------------------------------------------------------


@pytest.mark.parametrize("x, value, grad", [(-2.0, 0.0, 0.0), (0.0, 0.0, 0.0), (3.0, 3.0, 1.0)])
def test_relu_and_its_derivative_zero_at_zero(x, value, grad):
    assert grad_of(lambda v: v.relu(), x) == (value, grad)


def test_relu_keeps_nan_and_is_its_own_gate():
    assert math.isnan(Value(nan).relu().data)
    assert Value(1.0).relu().gate.name == "relu"


def test_relu_of_nan_passes_the_gradient_as_pytorch_and_max_with_zero_do():
    # PyTorch: torch.tensor(nan, requires_grad=True).relu().backward() leaves grad 1.0
    # (its relu blocks the gradient only where x <= 0, and nan <= 0 is false).
    out, dx = grad_of(lambda v: v.relu(), nan)
    assert math.isnan(out) and dx == 1.0
    assert grad_of(lambda v: v.max(0), nan)[1] == dx
    assert Value(nan).relu().local_grads == ops.RELU.local_grads(nan) == (1.0,)


# --- pow by a number --------------------------------------------------------------


@pytest.mark.parametrize(
    "x, c, value, grad",
    [
        (3.0, 2.0, 9.0, 6.0),
        (4.0, 0.5, 2.0, 0.25),
        (2.0, -1.0, 0.5, -0.25),
        (0.0, 0.0, 1.0, 0.0),  # 0**0 = 1, and the derivative is 0 when c == 0
        (5.0, 0.0, 1.0, 0.0),
        (10.0, 400.0, inf, inf),  # overflow -> inf
        (-10.0, 401.0, -inf, inf),  # odd power keeps the sign; 401 * (-10)**400 overflows to +inf
        (0.0, -1.0, inf, -inf),
        (-0.0, -1.0, -inf, -inf),
    ],
)
def test_pow_edges(x, c, value, grad):
    out, dx = grad_of(lambda v: v**c, x)
    assert same(out, value) and same(dx, grad)


@pytest.mark.parametrize("x, c", [(-4.0, 0.5), (-1e200, 2.5), (-1e-200, -2.5), (-8.0, 1 / 3)])
def test_negative_base_with_a_fractional_power_is_nan_never_complex_or_inf(x, c):
    out, dx = grad_of(lambda v: v**c, x)
    assert math.isnan(out) and math.isnan(dx)
    assert type(out) is float


def test_pow_with_infinities_follows_ieee():
    assert grad_of(lambda v: v**0.5, -inf)[0] == inf  # IEEE pow(-inf, 0.5) = +inf
    assert grad_of(lambda v: v**inf, -2.0)[0] == inf
    assert grad_of(lambda v: v**inf, -0.5)[0] == 0.0


def test_pow_with_a_modulus_is_a_type_error():
    with pytest.raises(TypeError, match="modulus"):
        pow(Value(2.0), 2, 3)
