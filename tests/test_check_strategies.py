"""autograd.testing: what the strategies draw, and the error when hypothesis is missing."""

import importlib
import math
import sys

import pytest
from hypothesis import Phase, find, given, settings

from autograd import GATES, Value, register_gate, topological_order
from autograd.check import gradcheck
from autograd.testing import Expression, Step, expressions, values

# Searches for one draw of some shape: no shrinking, the first one found is enough.
SEARCH = settings(database=None, derandomize=True, max_examples=500, phases=[Phase.generate])


def gate_nodes(case):
    f, inputs = case
    return [node for node in topological_order(f(*map(Value, inputs))) if node.gate is not None]


@given(values(-0.5, 2.0))
def test_values_are_leaves_in_the_range(v):
    assert isinstance(v, Value) and v.is_leaf
    assert -0.5 <= v.data <= 2.0


@given(expressions(n_inputs=2, max_leaves=5, ops=["add", "mul", "exp"]))
def test_expressions_have_the_asked_shape(case):
    f, inputs = case
    assert isinstance(f, Expression)
    assert len(inputs) == 2 and all(-3.0 <= x <= 3.0 for x in inputs)
    assert 1 <= len(f.steps) <= 5
    assert {step.gate.name for step in f.steps} <= {"add", "mul", "exp"}
    # written out, the output's formula mentions the inputs at most max_leaves times
    mentions = [1, 1]
    for step in f.steps:
        mentions.append(sum(mentions[i] for i in step.operands))
    assert mentions[-1] <= 5


@given(expressions(ops=["log", "reciprocal", "relu", "max", "pow"]))
def test_gates_stay_inside_their_domains_and_off_their_kinks(case):
    for node in gate_nodes(case):
        operands = [parent.data for parent in node.parents]
        name = node.gate.name
        if name == "log":
            assert operands[0] > 1e-4
        elif name in ("reciprocal", "relu"):
            assert abs(operands[0]) > 1e-4
        elif name == "max":
            other = node.const if node.const is not None else operands[1]
            assert abs(operands[0] - other) > 1e-4
        else:
            assert node.const is not None  # pow's exponent is never a Value
        assert abs(node.data) <= 100.0


def uses_a_value_twice(case):
    """a + a: one gate reads the same node as both operands."""
    return any(len(s.operands) == 2 and s.operands[0] == s.operands[1] for s in case[0].steps)


def has_diamond(case):
    """x -> p, x -> q, (p, q) -> r: two paths from one node meet again."""
    f, _ = case
    made_by = {f.n_inputs + k: step for k, step in enumerate(f.steps)}
    for step in f.steps:
        if len(step.operands) == 2 and step.operands[0] != step.operands[1]:
            p, q = (made_by.get(i) for i in step.operands)
            if p is not None and q is not None and set(p.operands) & set(q.operands):
                return True
    return False


@pytest.mark.parametrize("shape", [uses_a_value_twice, has_diamond])
def test_some_draws_share_sub_expressions(shape):
    assert shape(find(expressions(), shape, settings=SEARCH))


def test_a_newly_registered_gate_is_drawn(gate_table, cube_gate):
    register_gate(cube_gate(lambda x: 3 * x * x))
    f, inputs = find(
        expressions(),
        lambda case: any(s.gate.name == "cube" for s in case[0].steps),
        settings=SEARCH,
    )
    assert gradcheck(f, inputs).ok


def test_drawn_expressions_catch_a_registered_gate_with_a_wrong_derivative(gate_table, cube_gate):
    register_gate(cube_gate(lambda x: 2 * x * x))
    f, inputs = find(
        expressions(ops=["add", "mul", "cube"]),
        lambda case: not gradcheck(*case).ok,
        settings=SEARCH,
    )
    assert [gate.gate for gate in gradcheck(f, inputs).wrong_gates] == ["cube"]


def test_expression_spells_itself_out_and_checks_its_arity():
    mul, exp = GATES["mul"], GATES["exp"]
    f = Expression(2, (Step(mul, (0, 1)), Step(exp, (2,)), Step(mul, (3,), -1.0)))
    assert repr(f) == "Expression(x0, x1 -> v2 = mul(x0, x1); v3 = exp(v2); v4 = mul(v3, -1.0))"
    assert f(Value(2.0), Value(-0.5)).data == -math.exp(-1.0)
    with pytest.raises(TypeError, match="takes 2 Values, got 1"):
        f(Value(1.0))


@pytest.mark.parametrize(
    ("arguments", "error", "words"),
    [
        ({"ops": ["exp", "sine"]}, ValueError, "unknown gates ['sine']"),
        ({"ops": "exp"}, TypeError, "list of gate names"),
        ({"ops": []}, ValueError, "ops is empty"),
        ({"n_inputs": 0}, ValueError, "n_inputs must be at least 1"),
        ({"max_leaves": True}, TypeError, "max_leaves must be a whole number, got bool"),
        ({"n_inputs": 2.0}, TypeError, "n_inputs must be a whole number, got float"),
    ],
)
def test_bad_strategy_arguments_get_clear_errors(arguments, error, words):
    with pytest.raises(error) as raised:
        expressions(**arguments)
    assert words in str(raised.value)


def test_without_hypothesis_the_import_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # makes `import hypothesis` fail
    monkeypatch.delitem(sys.modules, "autograd.testing")
    with pytest.raises(ImportError, match=r"pip install gategrad\[test\]"):
        importlib.import_module("autograd.testing")
