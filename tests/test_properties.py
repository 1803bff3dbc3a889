"""Property tests of the engine: backprop agrees with finite differences and with algebra.

Random graphs come from `autograd.testing.expressions`; the hypothesis profile
(`ci` or `dev`) is chosen in conftest.py.
"""

import math
import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import GATES, Value, backward_steps, topological_order
from autograd.check import assert_gradients_match
from autograd.testing import expressions, values

BUILTIN_GATES = sorted(GATES)  # collected before any test registers a gate of its own


@pytest.mark.parametrize("name", BUILTIN_GATES)
@given(data=st.data())
def test_every_gate_agrees_with_finite_differences(name, data):
    arity = GATES[name].arity
    f, inputs = data.draw(expressions(n_inputs=arity, max_leaves=arity, ops=[name]))
    assert_gradients_match(f, inputs)


@given(expressions())
def test_random_expressions_pass_gradcheck(case):
    f, inputs = case
    assert_gradients_match(f, inputs)


def backward_once(case):
    f, inputs = case
    out = f(*map(Value, inputs))
    out.backward()
    nodes = topological_order(out)
    return out, nodes, [node.grad for node in nodes]


@given(expressions())
def test_a_second_backward_doubles_every_gradient(case):
    out, nodes, first = backward_once(case)
    out.backward()
    assert [node.grad for node in nodes] == [2 * grad for grad in first]  # exactly, leaves too


@given(expressions())
def test_zero_grad_then_backward_reproduces_the_gradients(case):
    out, nodes, first = backward_once(case)
    out.zero_grad()
    assert all(node.grad == 0.0 for node in nodes)
    out.backward()
    assert [node.grad for node in nodes] == first


# The same gates as plain float functions, written from their definitions.
PLAIN_MATH = {
    "add": operator.add,
    "mul": operator.mul,
    "exp": math.exp,
    "reciprocal": lambda x: 1 / x,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "max": max,
    "relu": lambda x: x if x > 0 else 0.0,
    "tanh": math.tanh,
    "log": math.log,
    "pow": operator.pow,
}


@given(expressions(ops=sorted(PLAIN_MATH)))
def test_forward_equals_the_expression_in_plain_floats(case):
    f, inputs = case
    numbers = list(inputs)
    for step in f.steps:
        operands = [numbers[i] for i in step.operands]
        if step.const is not None:
            operands.append(step.const)
        numbers.append(PLAIN_MATH[step.gate.name](*operands))
    assert f(*map(Value, inputs)).data == pytest.approx(numbers[-1], rel=1e-12, abs=1e-12)


# --- algebra ------------------------------------------------------------------------


@given(values(), values())
def test_a_sum_passes_the_gradient_to_both_sides(a, b):
    (a + b).backward()
    assert (a.grad, b.grad) == (1.0, 1.0)


@given(values(), values(), values())
def test_a_product_swaps_its_inputs_times_upstream(a, b, upstream):
    ((a * b) * upstream).backward()
    assert (a.grad, b.grad) == (b.data * upstream.data, a.data * upstream.data)


@given(values(), values())
def test_max_routes_the_gradient_to_the_larger_input(a, b):
    a.max(b).backward()
    if a.data > b.data:
        assert (a.grad, b.grad) == (1.0, 0.0)
    elif b.data > a.data:
        assert (a.grad, b.grad) == (0.0, 1.0)
    else:
        assert (a.grad, b.grad) == (0.5, 0.5)


@given(values())
def test_max_tie_splits_the_gradient(a):
    tie = Value(a.data)
    a.max(tie).backward()
    assert (a.grad, tie.grad) == (0.5, 0.5)


@given(values())
def test_x_minus_x_has_gradient_zero(x):
    (x - x).backward()
    assert x.grad == 0.0


@given(values(-30, 30))
def test_sigmoid_derivative_is_sigma_times_one_minus_sigma(x):
    x.sigmoid().backward()
    sigma = 1 / (1 + math.exp(-x.data))
    assert x.grad == pytest.approx(sigma * (1 - sigma), rel=1e-12, abs=1e-300)


@given(expressions())
def test_backward_steps_end_with_the_gradients_of_backward_to_the_last_bit(case):
    out, nodes, first = backward_once(case)
    out.zero_grad()
    for _ in backward_steps(out):
        pass
    assert [node.grad for node in nodes] == first
