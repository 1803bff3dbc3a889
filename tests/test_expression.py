"""The expression language: what it builds, and everything it refuses (and where)."""

from __future__ import annotations

import math
import sys
import traceback

import pytest

from autograd import GATES, Gate, ops, topological_order
from viz import expression
from viz.expression import MAX_DEPTH, MAX_LENGTH, ExpressionError, build

# --- the lecture's graphs ----------------------------------------------------


def test_the_slide_graph_has_the_lecture_values_and_gradients():
    f = build("(x+y)*z", {"x": -2, "y": 5, "z": -4})
    f.backward()
    q, z = f.parents
    x, y = q.parents
    assert (q.data, f.data) == (3.0, -12.0)
    assert [(leaf.label, leaf.grad) for leaf in (x, y, z)] == [("x", -4.0), ("y", -4.0), ("z", 3.0)]
    assert q.grad == -4.0


SIGMOID_TEXT = "1/(1+exp(-(w0*x0+w1*x1+w2)))"
SIGMOID_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}


def test_the_sigmoid_neuron_has_the_lecture_output_and_gradients():
    f = build(SIGMOID_TEXT, SIGMOID_VALUES)
    f.backward()
    out = 1 / (1 + math.exp(-1.0))  # the weighted sum is 2*-1 + -3*-2 - 3 = 1
    slope = out * (1 - out)  # d out / d sum, about 0.20
    grads = {node.label: node.grad for node in topological_order(f) if node.is_leaf}
    assert f.data == pytest.approx(out)
    expected = {"w0": -slope, "x0": 2 * slope, "w1": -2 * slope, "x1": -3 * slope, "w2": slope}
    assert grads == pytest.approx(expected)
    lecture = {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20}
    assert {name: round(grad, 2) for name, grad in grads.items()} == lecture


def test_the_sigmoid_neuron_is_drawn_with_the_slides_four_gates():
    chain, node = [], build(SIGMOID_TEXT, SIGMOID_VALUES)
    for _ in range(4):  # from the output back to the weighted sum
        chain.append((node.gate.name, node.const))
        node = node.parents[0]
    assert chain == [("reciprocal", None), ("add", 1.0), ("exp", None), ("mul", -1.0)]
    assert node.data == 1.0


# --- what the language builds --------------------------------------------------


def test_each_name_is_one_leaf_so_x_times_x_uses_x_twice():
    f = build("x*x", {"x": 3})
    f.backward()
    x, other = f.parents
    assert x is other
    assert (x.label, x.data, x.grad) == ("x", 3.0, 6.0)


def test_a_lone_variable_is_its_own_leaf():
    f = build(" x ", {"x": 1.5})
    assert f.is_leaf and f.label == "x" and f.data == 1.5


@pytest.mark.parametrize(
    ("text", "gate", "const"),
    [
        ("x + 1", "add", 1.0),
        ("2 * x", "mul", 2.0),
        ("-x", "mul", -1.0),
        ("x - 3", "add", -3.0),
        ("x / 4", "mul", 0.25),
        ("x ** 2", "pow", 2.0),
        ("max(x, 0)", "max", 0.0),
        ("pow(x, 3)", "pow", 3.0),
    ],
)
def test_numbers_are_folded_into_the_gate_as_its_constant(text, gate, const):
    f = build(text, {"x": 5})
    assert (f.gate.name, f.const, len(f.parents)) == (gate, const, 1)


def test_one_over_an_expression_is_the_reciprocal_gate_alone():
    f = build("1/x", {"x": 4})
    assert f.gate is ops.RECIPROCAL and f.data == 0.25


def test_unary_plus_changes_nothing_and_minus_binds_looser_than_power():
    assert build("+x", {"x": 2}).data == 2.0
    assert build("-x**2", {"x": 3}).data == -9.0  # -(x**2), as in Python and maths
    assert build("2*x**2 - x/4", {"x": 2}).data == 7.5


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("exp", math.exp(0.5)),
        ("log", math.log(0.5)),
        ("tanh", math.tanh(0.5)),
        ("sigmoid", 1 / (1 + math.exp(-0.5))),
        ("σ", 1 / (1 + math.exp(-0.5))),
        ("relu", 0.5),
        ("reciprocal", 2.0),
        ("recip", 2.0),
    ],
)
def test_gates_are_called_by_name_symbol_or_alias(name, expected):
    f = build(f"{name}(x)", {"x": 0.5})
    assert f.data == pytest.approx(expected)
    assert f.parents[0].label == "x"


def test_max_of_two_variables_is_one_max_gate():
    f = build("max(a, b)", {"a": 1, "b": 4})
    f.backward()
    assert f.gate is ops.MAX and f.data == 4.0
    assert [p.grad for p in f.parents] == [0.0, 1.0]


def test_a_gate_registered_later_is_callable_too(monkeypatch):
    def cube(x):
        return x**3, 3 * x * x

    monkeypatch.setitem(GATES, "cube", Gate("cube", "x³", 1, cube))
    f = build("cube(x)", {"x": 2})
    f.backward()
    assert (f.data, f.parents[0].grad) == (8.0, 12.0)


@pytest.mark.parametrize(
    ("text", "const"),
    [
        ("x + 2**0.5", math.sqrt(2)),
        ("x * (1/0)", math.inf),  # the engine's reciprocal: 1/0 is inf, not an error
        ("x + exp(0)", 1.0),
        ("x + max(2, 3)", 3.0),
        ("x + -(1 + 2)", -3.0),
    ],
)
def test_arithmetic_on_numbers_alone_becomes_one_constant(text, const):
    f = build(text, {"x": 1})
    assert len(f.parents) == 1 and f.parents[0].label == "x"
    assert f.const == const


def test_a_negative_number_to_a_fractional_power_is_nan_not_complex():
    assert math.isnan(build("x + (-8) ** (1/3)", {"x": 1}).const)


# --- what it refuses ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # syntax errors name the column where Python's parser stopped
        ("x + * y", "column 5: syntax error"),
        ("x +", "column 4: syntax error"),
        ("(x+y", "column 1: syntax error: '(' was never closed"),
        ("σ(x) + )", "column 8: syntax error"),
        ("x = 1", "column 3: syntax error"),
        ("import os", "column 1: syntax error"),
        # unknown names and functions
        ("x + z", "column 5: unknown name 'z': give it a value, e.g. z=1.5"),
        ("  x + z", "column 7: unknown name 'z'"),
        ("  x + * y", "column 7: syntax error"),
        ("σ(x) + foo", "column 8: unknown name 'foo'"),
        ("foo(x)", "column 1: unknown function 'foo'; the gates are: add, exp,"),
        ("x(2)", "column 1: x is a variable, not a gate"),
        ("exp + x", "column 1: exp is a gate: call it, e.g. exp(x)"),
        # Python that is not in the language
        ("x.exp()", "column 1: attribute access ('.') not allowed"),
        ("x.data", "column 1: attribute access ('.') not allowed"),
        ("x[0]", "column 1: subscripts ('[...]') not allowed"),
        ("(lambda: x)()", "column 2: only gates can be called"),
        ("x + (lambda: 1)", "column 6: lambda not allowed"),
        ("[x for x in x]", "column 1: comprehensions not allowed"),
        ("max(x, (x for x in x))", "column 8: comprehensions not allowed"),
        ("x < 1", "column 1: comparisons not allowed"),
        ("x and x", "column 1: 'and' / 'or' not allowed"),
        ("x if x else x", "column 1: 'if ... else' not allowed"),
        ("(y := x)", "column 2: ':=' not allowed"),
        ("max(*x)", "column 5: '*' unpacking not allowed"),
        ("x, x", "column 1: tuples not allowed"),
        ("{x: x}", "column 1: dicts not allowed"),
        ("f'{x}'", "column 1: f-strings not allowed"),
        ("(yield x)", "column 2: 'Yield' expressions not allowed"),
        ("max(x, key=x)", "column 8: keyword arguments are not allowed in max()"),
        ("x // 2", "column 1: only the operators + - * / ** are allowed"),
        ("x % 2", "column 1: only the operators + - * / ** are allowed"),
        ("x ^ 2", "column 1: only the operators + - * / ** are allowed"),
        ("~x", "column 1: only unary - and + are allowed"),
        ("not x", "column 1: only unary - and + are allowed"),
        ("'a' + x", "column 1: only numbers are allowed here, not 'a'"),
        ("x + True", "column 5: only numbers are allowed here, not True"),
        ("x * 1j", "column 5: only numbers are allowed here, not 1j"),
        ("x + None", "column 5: only numbers are allowed here, not None"),
        ("x + 1" + "0" * 400, "column 5: the number 1000"),
        # dunder names, called or not
        ("__import__('os').system('touch pwned')", "column 1: attribute access"),
        ("__import__('os')", "column 1: names that start with '__' are not allowed"),
        ("x + __builtins__", "column 5: names that start with '__' are not allowed"),
        # gates used the wrong way
        ("x ** y", "column 6: the exponent must be a number"),
        ("2 ** x", "column 6: the exponent must be a number"),
        ("pow(x, y)", "column 8: the exponent must be a number"),
        ("max(0, x)", "column 1: max(): only the last argument may be a plain number"),
        ("exp(x, y)", "column 1: exp() takes 1 argument, got 2"),
        ("max(x)", "column 1: max() takes 2 arguments, got 1"),
        # whole-expression problems
        ("", "the expression is empty"),
        ("   ", "the expression is empty"),
        ("x\n+ y", "the expression must be one line of printable characters"),
        ("x\0", "the expression must be one line of printable characters"),
        ("1 + 2", "the expression has no variables"),
    ],
)
def test_refused_with_a_message_that_says_where(text, message):
    with pytest.raises(ExpressionError) as caught:
        build(text, {"x": 1.0, "y": 2.0})
    assert str(caught.value).startswith(message)


def test_a_value_the_expression_does_not_use_is_refused():
    with pytest.raises(ExpressionError, match=r"^y is given a value but the expression does not"):
        build("x * 2", {"x": 1, "y": 2})


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("1x", "'1x' cannot be a variable name"),
        ("x-1", "'x-1' cannot be a variable name"),
        ("lambda", "'lambda' cannot be a variable name"),
        ("__class__", "'__class__': names that start with '__' are not allowed"),
        ("exp", "'exp' is the name of a gate"),
        ("recip", "'recip' is the name of a gate"),
        ("ﬁ", "'ﬁ' reads as 'fi' in an expression"),
    ],
)
def test_bad_variable_names_are_refused(name, message):
    with pytest.raises(ExpressionError) as caught:
        build("2", {name: 1.0})
    assert str(caught.value).startswith(message)


def test_the_expression_must_be_a_string():
    with pytest.raises(TypeError, match="must be a string, got bytes"):
        build(b"x", {"x": 1})


def test_nothing_is_run_when_the_text_tries_to_run_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for text in ["__import__('os').system('touch pwned')", "exp(open('pwned', 'w'))"]:
        with pytest.raises(ExpressionError):
            build(text, {})
    assert list(tmp_path.iterdir()) == []


# --- the documented limits -------------------------------------------------------------


def test_length_is_limited_and_checked_before_python_parses(monkeypatch):
    assert build("x" + " " * (MAX_LENGTH - 1), {"x": 1}).data == 1.0

    def must_not_be_called(*args, **kwargs):
        raise AssertionError("ast.parse ran on over-long text")

    monkeypatch.setattr(expression.ast, "parse", must_not_be_called)
    with pytest.raises(ExpressionError, match=f"1001 characters long; the limit is {MAX_LENGTH}"):
        build("x" + " " * MAX_LENGTH, {"x": 1})


def test_depth_is_limited():
    deepest = "-" * (MAX_DEPTH - 1) + "x"  # x is 1 level, each minus one more
    assert build(deepest, {"x": 2}).data == 2.0 * (-1) ** (MAX_DEPTH - 1)
    with pytest.raises(ExpressionError, match=f"nested deeper than {MAX_DEPTH} levels"):
        build("-" + deepest, {"x": 2})


def test_a_chain_of_operators_is_one_level_however_long():
    terms = 3 * MAX_DEPTH  # x+x+...: Python nests it 300 deep, to the left
    f = build("+".join(["x"] * terms), {"x": 0.5})
    assert f.data == terms * 0.5
    f.backward()
    (x,) = [node for node in topological_order(f) if node.label == "x"]
    assert x.grad == terms  # each + hands x a 1
    assert build("x - x * 2 / 4 + x ** 2", {"x": 2.0}).data == 2.0 - 1.0 + 4.0  # left to right
    with pytest.raises(ExpressionError, match=f"nested deeper than {MAX_DEPTH} levels"):
        build("x * (" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, {"x": 1.0})  # parentheses do nest


def test_a_parser_that_runs_out_of_stack_gives_the_depth_error():
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(traceback.extract_stack()) + 100)  # too little for 900 levels
    try:
        with pytest.raises(ExpressionError, match=f"nested deeper than {MAX_DEPTH} levels"):
            build("-" * 900 + "x", {"x": 1})
    finally:
        sys.setrecursionlimit(old_limit)
