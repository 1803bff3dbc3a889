"""autograd.check: numerical gradients, gradcheck's verdicts and report, argument checks."""

import math
import random

import pytest

from autograd import GATES, Gate, Value, register_gate
from autograd.check import (
    BYPASS_HINT,
    DISCONNECTED,
    EDGE,
    KINK,
    OK,
    OVERFLOW_HINT,
    UNCHECKED_GATES_HINT,
    UNRESOLVED,
    WRONG,
    assert_gradients_match,
    gradcheck,
    numerical_grad,
    relative_error,
)


def neuron(w0, x0, w1, x1, w2):
    return (w0 * x0 + w1 * x1 + w2).sigmoid()


def steep_tanh(factor):
    """tanh(1e4 x), whose table derivative is `factor` times the true one."""
    return Gate("steep", "s", 1, lambda x: (math.tanh(1e4 * x), factor * d_steep(x)))


def d_steep(x):
    return 1e4 / math.cosh(1e4 * x) ** 2


# --- numerical_grad -------------------------------------------------------------


def test_numerical_grad_matches_derivatives_worked_out_by_hand():
    grads = numerical_grad(lambda x, y: x * y + x.exp(), [1.5, -2.0])
    assert grads == pytest.approx([-2.0 + math.exp(1.5), 1.5], rel=1e-8)


def test_numerical_grad_is_centred():
    # exp at 1 with h = 1e-3: a one-sided difference is off by about h/2 * e = 1.4e-3,
    # the central one by about h²/6 * e = 4.5e-7.
    (grad,) = numerical_grad(lambda x: x.exp(), [1.0], h=1e-3)
    assert abs(grad - math.e) < 1e-6
    assert abs(grad - math.e) == pytest.approx(1e-6 / 6 * math.e, rel=1e-2)


def test_the_step_is_h_until_the_input_is_too_large_to_keep_its_digits():
    # x³ at 2 with h = 1e-3: the central difference is 3x² + h² = 12.000001 (by hand): step h.
    (grad,) = numerical_grad(lambda x: x**3, [2.0], h=1e-3)
    assert grad == pytest.approx(12.000001, rel=1e-12)
    # At 1e12 a step of 1e-6 vanishes (1e12 + 1e-6 == 1e12); grown to 1e-10 * 1e12 = 100 it
    # does not, and (x - 1e12)² at 1e12 + 100 has the slope 200 exactly.
    assert numerical_grad(lambda x: x * 1, [1e12]) == [1.0]
    (grad,) = numerical_grad(lambda x: (x - 1e12) ** 2, [1e12 + 100.0])
    assert grad == pytest.approx(200.0, rel=1e-12)
    # x² at 1e8: with h = 1e-6 f changes by 400 where floats are 2 apart; at 1e-2, by 4e6.
    (grad,) = numerical_grad(lambda x: x * x, [1e8])
    assert grad == pytest.approx(2e8, rel=1e-6)


def test_relative_error_is_the_lectures_formula():
    assert relative_error(1.0, 3.0) == pytest.approx(2 / 3)
    assert relative_error(-2.0, 2.0) == 2.0
    assert relative_error(0.0, 0.0) == 0.0


# --- passing checks -------------------------------------------------------------


def test_lecture_neuron_passes_with_the_slides_gradients():
    report = gradcheck(neuron, [2, -1, -3, -2, -3])
    assert report.ok
    assert [row.name for row in report.inputs] == ["w0", "x0", "w1", "x1", "w2"]
    slides = [-0.20, 0.39, -0.39, -0.59, 0.20]
    assert [round(row.analytic, 2) for row in report.inputs] == slides
    assert [round(row.numeric, 2) for row in report.inputs] == slides
    assert all(row.verdict == OK for row in report.inputs)


def test_report_prints_a_table_with_the_relative_error():
    report = gradcheck(lambda x, y: x * y, [3.0, -2.0])
    lines = str(report).splitlines()
    assert lines[0] == "gradcheck passed"
    assert lines[1].split() == ["input", "value", "analytic", "numeric", "rel.", "error", "verdict"]
    assert lines[2].split()[:4] == ["x", "3", "-2", "-2"]
    assert lines[3].split()[:4] == ["y", "-2", "3", "3"]
    for row in report.inputs:
        expected = abs(row.analytic - row.numeric) / max(abs(row.analytic), abs(row.numeric))
        assert row.relative_error == expected < 1e-8


def test_inputs_are_named_x0_x1_when_f_has_no_matching_parameters():
    report = gradcheck(lambda *xs: xs[0] + xs[1], [1.0, 2.0])
    assert [row.name for row in report.inputs] == ["x0", "x1"]


def test_values_count_as_their_numbers_and_keep_their_gradients():
    a = Value(2.0)
    report = assert_gradients_match(lambda x: x * x, [a])
    assert report.inputs[0].analytic == 4.0
    assert a.grad == 0.0  # gradcheck works on fresh leaves


# --- failures ---------------------------------------------------------------------


def test_a_graph_cut_by_hand_is_reported_as_disconnected():
    report = gradcheck(lambda a: Value(a.data**2), [1.5])
    assert not report.ok
    (row,) = report.failures
    assert (row.name, row.verdict, row.analytic) == ("a", DISCONNECTED, 0.0)
    assert row.numeric == pytest.approx(3.0)
    assert "Value(a.data ** 2)" in str(report)


def test_a_partly_bypassed_graph_fails_and_says_no_gate_is_to_blame():
    report = gradcheck(lambda a: a * Value(a.data), [1.5])  # d/da of a² is 3, the graph says 1.5
    (row,) = report.failures
    assert row.verdict == WRONG
    assert report.wrong_gates == ()
    assert "outside the graph" in str(report)


def test_a_registered_gate_with_a_wrong_derivative_is_named(gate_table, cube_gate):
    cube = register_gate(cube_gate(lambda x: 2 * x * x))  # should be 3x²
    report = gradcheck(lambda x, y: (x * y).apply(cube).tanh() + y, [0.5, 1.5])
    assert not report.ok
    assert {row.verdict for row in report.failures} == {WRONG}
    (suspect,) = report.wrong_gates
    assert suspect.gate == "cube"
    assert suspect.operands == (0.75,)
    assert suspect.table == pytest.approx(2 * 0.75**2)
    assert suspect.numeric == pytest.approx(3 * 0.75**2)
    assert "gate 'cube'" in str(report)


def test_a_correct_registered_gate_passes(gate_table, cube_gate):
    cube = register_gate(cube_gate(lambda x: 3 * x * x))
    assert gradcheck(lambda x: x.apply(cube), [-1.25]).ok


def test_only_the_variant_with_a_wrong_derivative_is_named(gate_table):
    # Built-in gates cannot be replaced; a variant of tanh under its own name can be wrong.
    def tanh_with_a_bug(x):
        out = math.tanh(x)
        return out, 1 - out  # should be 1 - out²

    wrong = register_gate(Gate("my_tanh", "tanh", 1, tanh_with_a_bug))
    report = gradcheck(lambda x: (x * 2).apply(wrong) + x.tanh(), [0.3])
    assert [gate.gate for gate in report.wrong_gates] == ["my_tanh"]


def test_assert_gradients_match_raises_with_the_table(gate_table, cube_gate):
    cube = register_gate(cube_gate(lambda x: 2 * x * x))
    with pytest.raises(AssertionError) as failure:
        assert_gradients_match(lambda x: x.apply(cube), [2.0])
    assert str(failure.value) == str(gradcheck(lambda x: x.apply(cube), [2.0]))
    assert "gradcheck FAILED for x" in str(failure.value)


def test_a_wrong_gate_is_named_even_where_a_kink_of_another_gate_sits(gate_table, cube_gate):
    cube = register_gate(cube_gate(lambda x: 2 * x * x))
    report = gradcheck(lambda x, y: x.apply(cube) + y.relu(), [2.0, 0.0])
    assert [row.verdict for row in report.inputs] == [WRONG, KINK]
    assert [gate.gate for gate in report.wrong_gates] == ["cube"]  # relu's kink is not blamed


# --- curvature is not a kink ---------------------------------------------------------------
# tanh(1e4 x) at x = 5e-5 curves so hard that its one-sided slopes over h = 1e-6 differ by
# about 1%: more than rtol, though the central difference is still good to 1e-5.


@pytest.mark.parametrize("factor", [1.004, 1.5])
def test_a_wrong_derivative_where_f_curves_hard_fails_and_names_the_gate(gate_table, factor):
    steep = register_gate(steep_tanh(factor))
    report = gradcheck(lambda x: x.apply(steep), [5e-5])
    assert not report.ok
    (row,) = report.failures
    assert row.verdict == WRONG
    assert row.analytic == pytest.approx(factor * d_steep(5e-5))
    assert "a kink:" not in row.hint  # not excused as a kink
    (suspect,) = report.wrong_gates
    assert suspect.gate == "steep"
    assert suspect.numeric == pytest.approx(d_steep(5e-5), rel=1e-4)
    assert BYPASS_HINT not in str(report)


def test_a_right_derivative_where_f_curves_hard_passes(gate_table):
    steep = register_gate(steep_tanh(1.0))
    assert gradcheck(lambda x: x.apply(steep), [5e-5]).ok


def test_a_large_h_on_a_curve_is_not_a_kink_a_smaller_step_decides():
    # With h = 1 the central difference of x³ at 1 is (8 - 0) / 2 = 4, not 3; the one-sided
    # slopes, 1 and 7, close in as the step shrinks: a curve, not a kink.
    report = gradcheck(lambda x: x**3, [1.0], h=1.0)
    (row,) = report.inputs
    assert (row.analytic, row.numeric) == (3.0, 4.0)
    assert row.verdict == OK
    assert "central difference is 3," in row.hint
    assert report.ok


def test_a_large_h_does_not_let_a_wrong_gradient_through(gate_table, cube_gate):
    cube = register_gate(cube_gate(lambda x: 3.5 * x * x))  # 3.5 lies between the slopes 1 and 7
    report = gradcheck(lambda x: x.apply(cube), [1.0], h=1.0)
    assert [row.verdict for row in report.failures] == [WRONG]
    assert [gate.gate for gate in report.wrong_gates] == ["cube"]


# --- large inputs and rounding ---------------------------------------------------------


def test_a_right_gradient_at_a_large_input_passes():
    report = gradcheck(lambda x: x * 1, [1e12])
    assert report.ok
    assert (report.inputs[0].analytic, report.inputs[0].numeric) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("f", "slope"),
    [
        (lambda x: x * 1e-3 + 1e8, 1e-3),  # f barely moves: f(x+h) == f(x-h) in floats
        (lambda x: (x + 1e8) - 1e8, 1.0),  # f is small, but an intermediate 1e8 is rounded
    ],
)
def test_rounding_that_hides_the_difference_is_unresolved_not_wrong(f, slope):
    report = gradcheck(f, [0.5])
    (row,) = report.inputs
    assert (row.analytic, row.verdict) == (pytest.approx(slope), UNRESOLVED)
    assert report.failures == () and report.unchecked == (row,)
    assert report.wrong_gates == ()  # the + gate is not blamed for the rounding either
    assert not report.ok
    text = str(report)
    assert text.splitlines()[0] == "gradcheck could not check x"
    assert "rounding hides" in row.hint and "larger h" in row.hint
    assert BYPASS_HINT not in text


def test_the_larger_h_that_the_unresolved_hint_suggests_checks_the_input():
    (row,) = gradcheck(lambda x: x * 1e-3 + 1e8, [0.5]).inputs
    suggested = float(row.hint.split("such as ")[1].split(")")[0])
    report = gradcheck(lambda x: x * 1e-3 + 1e8, [0.5], h=suggested)
    assert report.ok
    assert report.inputs[0].numeric == pytest.approx(1e-3, rel=1e-3)


def test_a_wrong_gate_at_a_large_input_still_fails_and_is_named(gate_table):
    lin = register_gate(Gate("lin", "lin", 1, lambda x: (x, 1.5)))  # the slope of x is 1
    report = gradcheck(lambda x: x.apply(lin), [1e12])
    (row,) = report.failures
    assert (row.verdict, row.analytic, row.numeric) == (WRONG, 1.5, 1.0)
    assert [gate.gate for gate in report.wrong_gates] == ["lin"]
    assert BYPASS_HINT not in str(report)


def test_a_wrong_derivative_where_f_is_huge_is_not_excused_as_rounding(gate_table, cube_gate):
    cube = register_gate(cube_gate(lambda x: 2 * x * x))  # should be 3x²: 3e8 at 1e4
    report = gradcheck(lambda x: x.apply(cube), [1e4])  # f = 1e12
    (row,) = report.failures
    assert row.verdict == WRONG
    assert row.numeric == pytest.approx(3e8, rel=1e-6)
    assert [gate.gate for gate in report.wrong_gates] == ["cube"]


# --- every gate is checked, even when the inputs pass --------------------------------


def test_a_wrong_gate_fails_the_report_even_where_the_inputs_gradients_agree(gate_table):
    # x + relu(x) at 0: the central difference is 1 + 0.5 = 1.5, and so is lin's wrong 1.5
    # plus relu'(0) = 0. The input passes; the gate, checked on its own, does not.
    lin = register_gate(Gate("lin", "lin", 1, lambda x: (x, 1.5)))
    report = gradcheck(lambda x: x.apply(lin) + x.relu(), [0.0])
    assert [row.verdict for row in report.inputs] == [OK]
    assert not report.ok
    (suspect,) = report.wrong_gates
    assert (suspect.gate, suspect.table, suspect.numeric) == ("lin", 1.5, pytest.approx(1.0))
    assert str(report).splitlines()[0] == "gradcheck FAILED for gate 'lin'"


def test_gradcheck_of_a_graph_of_a_thousand_gates_passes_and_blames_none():
    def deep(x, y):
        for _ in range(250):
            x = (x * 0.5 + y).tanh() * 1.5  # four gates a round
        return x

    report = gradcheck(deep, [0.3, -0.2])
    assert report.ok and not report.wrong_gates


# --- the edge of a domain --------------------------------------------------------------


def test_an_input_within_h_of_a_domain_edge_is_unchecked_not_wrong():
    # log(x - 1) at 1 + 1e-7: x - 1 - h < 0, where log is nan. (A step of h is fine next to
    # x = 1, so it is not quartered on as it would be next to a pole or an edge at 0.)
    report = gradcheck(lambda x: (x - 1).log(), [1 + 1e-7])
    (row,) = report.inputs
    assert row.verdict == EDGE
    assert row.analytic == pytest.approx(1e7)
    assert math.isnan(row.numeric)
    assert report.failures == () and report.unchecked == (row,)
    assert not report.ok  # nothing vouched for this gradient
    text = str(report)
    assert text.splitlines()[0] == "gradcheck could not check x"
    assert "smaller h" in text
    assert BYPASS_HINT not in text


def test_a_smaller_h_checks_the_input_near_the_edge():
    report = gradcheck(lambda x: (x - 1).log(), [1 + 1e-7], h=1e-10)
    assert report.ok
    assert report.inputs[0].numeric == pytest.approx(1e7, rel=1e-4)


def test_a_wrong_and_an_unchecked_input_are_both_in_the_title():
    report = gradcheck(lambda x, y: Value(x.data**2) + (y - 1).log(), [2.0, 1 + 1e-7])
    assert [row.verdict for row in report.inputs] == [DISCONNECTED, EDGE]
    assert str(report).splitlines()[0] == "gradcheck FAILED for x; could not check y"


# --- kinks ----------------------------------------------------------------------------


def test_relu_at_zero_is_a_kink_not_a_wrong_gradient():
    report = gradcheck(lambda x: x.relu(), [0.0])
    (row,) = report.inputs
    assert (row.analytic, row.verdict) == (0.0, KINK)
    assert row.numeric == pytest.approx(0.5)
    assert report.ok
    assert "kink" in row.hint


def test_next_to_a_max_tie_both_inputs_are_kinks():
    # The tie is 1e-7 away: within h = 1e-6 and too close for a smaller step to get clear of.
    report = gradcheck(lambda a, b: a.max(b), [1.0 + 1e-7, 1.0])
    assert [row.verdict for row in report.inputs] == [KINK, KINK]
    assert [row.analytic for row in report.inputs] == [1.0, 0.0]
    assert report.ok


def test_a_max_tie_further_inside_h_is_checked_at_a_smaller_step():
    # The tie is 3e-7 away: the central difference over h straddles it (0.65, not 1),
    # but at h/4 both slopes of a are 1 and both of b are 0, as the analytic values say.
    report = gradcheck(lambda a, b: a.max(b), [1.0 + 3e-7, 1.0])
    assert [row.verdict for row in report.inputs] == [OK, OK]
    assert [row.numeric for row in report.inputs] == pytest.approx([0.65, 0.35])
    assert "central difference is 1," in report.inputs[0].hint
    assert "central difference is 0," in report.inputs[1].hint


def test_a_kink_with_an_impossible_derivative_is_wrong(gate_table):
    # relu's slopes at 0 are 0 and 1; a derivative of 2 is neither.
    relu = GATES["relu"]
    bad = register_gate(Gate("bad_relu", "r", 1, lambda x: (relu.forward(x), 2.0)))
    report = gradcheck(lambda x: x.apply(bad), [0.0])
    (row,) = report.failures
    assert row.verdict == WRONG
    assert "not between" in row.hint


# --- arguments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "inputs", "options", "error", "words"),
    [
        (3, [1.0], {}, TypeError, "f must be a function"),
        (neuron, 1.0, {}, TypeError, "inputs must be a sequence"),
        (neuron, "12", {}, TypeError, "inputs must be a sequence"),
        (lambda x: x, ["a"], {}, TypeError, "inputs[0] must be a real number, got str 'a'"),
        (lambda x: x, [10**400], {}, ValueError, "inputs[0] is too large for a float"),
        (lambda x: x, [True], {}, TypeError, "inputs[0] must be a real number"),
        (lambda x: x, [], {}, ValueError, "inputs is empty"),
        (lambda x: x, [math.nan], {}, ValueError, "inputs[0] is nan"),
        (lambda x: x, [1.0], {"h": 0.0}, ValueError, "h must be a finite number > 0"),
        (lambda x: x, [1.0], {"h": -1e-6}, ValueError, "h must be a finite number > 0"),
        (lambda x: x, [1.0], {"h": "small"}, TypeError, "h must be a real number, got str"),
        (lambda x: x, [1.0], {"atol": -1.0}, ValueError, "atol must be a finite number >= 0"),
        (lambda x: x, [1.0], {"rtol": math.inf}, ValueError, "rtol must be a finite number >= 0"),
        (lambda x: x.data * 2, [1.0], {}, TypeError, "got float 2.0"),
        (lambda x: x.log(), [-1.0], {}, ValueError, "f is nan at [-1.0]"),
    ],
)
def test_bad_arguments_get_clear_errors(f, inputs, options, error, words):
    with pytest.raises(error) as raised:
        gradcheck(f, inputs, **options)
    assert words in str(raised.value)


def test_numerical_grad_checks_its_arguments_too():
    with pytest.raises(ValueError, match="h must be"):
        numerical_grad(lambda x: x, [1.0], h=0)
    with pytest.raises(TypeError, match="f must return a Value"):
        numerical_grad(lambda x: None, [1.0])


# --- a fixed-scale nonlinearity at a large input, user gates that raise, kinks in noise


@pytest.mark.parametrize(
    ("f", "inputs", "slopes"),
    [
        # d/dx tanh(x - 1e5) at 1e5 is 1 - tanh(0)² = 1
        (lambda x: (x - 1e5).tanh(), [1e5], [1.0]),
        # d/dx tanh(x² - 1e6) at 1000 is 2x = 2000
        (lambda x: (x**2 - 1e6).tanh(), [1000.0], [2000.0]),
        # tanh(xw + b) with xw + b = 0: the slopes are w, x and 1
        (lambda x, w, b: (x * w + b).tanh(), [1000, 100, -1e5], [100.0, 1000.0, 1.0]),
    ],
)
def test_a_right_gradient_at_a_large_input_of_a_steep_curve_passes(f, inputs, slopes):
    report = gradcheck(f, inputs)
    assert report.ok, str(report)
    assert [row.analytic for row in report.inputs] == pytest.approx(slopes)
    # tanh's curve costs the central difference about u²/3, u = 2000h for x²: 1.3e-6
    assert [row.numeric for row in report.inputs] == pytest.approx(slopes, rel=1e-5)


def test_a_central_difference_that_closes_in_on_the_analytic_value_is_curvature():
    # tanh(1e6 (x - 1)) at 1 is odd about the point: both one-sided slopes over h = 1e-6 are
    # tanh(1) / 1e-6 = 7.6e5, the true slope is 1e6. At h/4, h/16, ... the difference nears 1e6.
    report = gradcheck(lambda x: ((x - 1) * 1e6).tanh(), [1.0])
    (row,) = report.inputs
    assert row.numeric == pytest.approx(math.tanh(1.0) * 1e6)
    assert (row.analytic, row.verdict) == (pytest.approx(1e6), OK)
    assert report.ok and BYPASS_HINT not in str(report)
    # the same curve where the step has grown with the input: at 1e10 it is 1, not h
    report = gradcheck(lambda x: (x - 1e10).tanh(), [1e10])
    assert report.ok, str(report)


def test_a_wrong_gradient_does_not_close_in_when_the_step_shrinks(gate_table):
    half = register_gate(Gate("half_tanh", "t", 1, lambda x: (math.tanh(x), 0.5)))  # tanh'(0) = 1
    report = gradcheck(lambda x: ((x - 1) * 1e6).apply(half), [1.0])
    (row,) = report.failures
    assert row.verdict == WRONG
    assert [gate.gate for gate in report.wrong_gates] == ["half_tanh"]


def test_a_user_gate_that_raises_outside_its_domain_is_skipped_not_a_crash(gate_table):
    mylog = register_gate(Gate("mylog", "ln", 1, lambda x: (math.log(x), 1 / x)))
    report = gradcheck(lambda x: (x * 1e-3).apply(mylog), [5e-4])  # log's operand is 5e-7 < h
    assert report.wrong_gates == ()
    assert report.inputs[0].analytic == pytest.approx(1 / 5e-4)


def test_a_kink_is_not_hidden_by_rounding_in_another_inputs_part_of_f():
    # relu at 0 next to 1e10 * y: f's values are rounded to about 1e-6, yet relu's jump of 1
    # shows plainly at a larger step. The analytic 0 is relu'(0), a valid choice.
    report = gradcheck(lambda x, y: x.relu() + y * 1e10, [0.0, 1.0])
    assert [row.verdict for row in report.inputs] == [KINK, OK]
    assert report.ok


def test_the_unresolved_hint_suggests_no_h_when_no_h_would_do():
    report = gradcheck(lambda x: x * 1e-3 + 1e8, [1.0], atol=0.0, rtol=0.0)
    (row,) = report.inputs
    assert row.verdict == UNRESOLVED
    assert "rounding hides" in row.hint and "a point where f is smaller" in row.hint
    assert "larger h" not in row.hint and "inf" not in row.hint
    # with atol = 0 an analytic 0 allows no gap either; here relu's kink settles it instead
    report = gradcheck(lambda x, y: x.relu() + y * 1e10, [0.0, 1.0], atol=0.0)
    assert [row.verdict for row in report.inputs] == [KINK, OK]
    assert "inf" not in str(report)


# --- user gates that raise, gates that cannot be checked, honest hints, poles


def test_a_user_gate_that_raises_at_a_shifted_point_is_an_edge_not_a_crash(gate_table):
    # math.sqrt raises ValueError below 0 where a built-in gate returns nan: the same edge.
    msqrt = register_gate(Gate("msqrt", "√", 1, lambda x: (math.sqrt(x), 0.5 / math.sqrt(x))))
    report = gradcheck(lambda a: (a - 1).apply(msqrt), [1 + 1e-7])  # a - 1 - h < 0
    (row,) = report.inputs
    assert row.verdict == EDGE
    assert row.analytic == pytest.approx(0.5 / math.sqrt(1e-7), rel=1e-6)
    assert math.isnan(row.numeric)
    (grad,) = numerical_grad(lambda a: (a - 1).apply(msqrt), [1 + 1e-7])
    assert math.isnan(grad)


def test_a_wrong_operand_is_found_after_another_operand_could_not_be_checked(gate_table):
    # lg(a, b) = b log a at a = 1e-7: probing a by h = 1e-6 leaves log's domain. d/db is
    # log a = -16.118 (by hand), not the table's 2 log a; that must still be found.
    def lg(a, b):
        return math.log(a) * b, b / a, 2 * math.log(a)

    g = register_gate(Gate("lg", "lg", 2, lg))
    report = gradcheck(lambda a, b: (a * 1e-7).apply(g, b), [1.0, 3.0])
    (suspect,) = report.wrong_gates
    assert (suspect.gate, suspect.operand_index) == ("lg", 1)
    assert suspect.numeric == pytest.approx(math.log(1e-7), rel=1e-6)
    assert BYPASS_HINT not in str(report)


def test_a_gate_that_could_not_be_checked_is_suspected_instead_of_a_bypass(gate_table):
    relu = GATES["relu"]
    bad = register_gate(Gate("bad_relu", "r", 1, lambda x: (relu.forward(x), 2.0)))
    report = gradcheck(lambda x: x.apply(bad), [0.0])  # a kink: the gate cannot be checked
    assert report.wrong_gates == ()
    assert report.unchecked_gates == ("bad_relu",)
    text = str(report)
    assert BYPASS_HINT not in text
    assert UNCHECKED_GATES_HINT.format(gates="'bad_relu'") in text
    # a kink that explains nothing wrong is recorded, and the report still passes
    report = gradcheck(lambda x: x.relu(), [0.0])
    assert report.unchecked_gates == ("relu",) and report.ok


def test_the_bypass_hint_names_an_untrustworthy_finite_difference_too():
    report = gradcheck(lambda a: a * Value(a.data), [1.5])
    assert BYPASS_HINT in str(report)
    for cause in ("outside the graph", "pole", "steep", "overflow", "smaller h"):
        assert cause in BYPASS_HINT
    # c + c/c at -5.8e-154: c/c = c * (1/c) = 1, so df/dc = 1; backward adds -1.7e153 and
    # 1.7e153 (huge terms that cancel) and gets 0. Nothing was bypassed, and the pole of 1/c
    # at 0, within the step, keeps its gate from being checked: the report says so.
    report = gradcheck(lambda c: c + c / c, [-5.8e-154])
    (row,) = report.failures
    assert (row.analytic, row.numeric) == (0.0, pytest.approx(1.0))
    assert report.wrong_gates == () and report.unchecked_gates == ("reciprocal",)
    assert BYPASS_HINT not in str(report)
    assert "'reciprocal' could not be checked" in str(report)


def test_overflow_in_the_chain_rule_is_named_instead_of_a_bypass():
    # exp(1000 x) overflows to inf, its reciprocal is 0: f = x + 0 with df/dx = 1 - 1000 e^-1000
    # = 1, but backward multiplies exp's inf local derivative by 0 and gets nan.
    report = gradcheck(lambda x: (x * 1000).exp().reciprocal() + x, [1.0])
    (row,) = report.failures
    assert math.isnan(row.analytic) and row.numeric == pytest.approx(1.0)
    assert not row.chain_finite
    assert OVERFLOW_HINT in row.hint
    assert BYPASS_HINT not in str(report)
    assert gradcheck(lambda x: x * x, [3.0]).inputs[0].chain_finite


@pytest.mark.parametrize(
    ("f", "x", "slope"),
    [
        (lambda x: 1 / x, 1e-7, -1e14),  # -1/x²
        (lambda x: x**-2, 1e-7, -2e21),  # -2/x³
        (lambda x: x.log(), 1e-7, 1e7),  # 1/x: x - h < 0 is outside log's domain
        # 1e7 σ'(1) = 1e7 e/(1 + e)² = 1966119.33 (math)
        (lambda x: (x * 1e7).sigmoid(), 1e-7, 1e7 * math.e / (1 + math.e) ** 2),
        (lambda x: x.relu(), 1e-7, 1.0),  # relu's kink is 1e-7 away: a smaller step clears it
    ],
)
def test_a_pole_or_steep_feature_within_the_step_is_resolved_at_a_smaller_step(f, x, slope):
    report = gradcheck(f, [x])
    (row,) = report.inputs
    assert (row.verdict, row.analytic) == (OK, pytest.approx(slope, rel=1e-9))
    assert report.ok, str(report)
    central = float(row.hint.split("central difference is ")[1].split(",")[0])
    assert central == pytest.approx(slope, rel=1e-3)


def test_a_wrong_gate_near_a_pole_is_still_caught_and_named(gate_table):
    recip = register_gate(Gate("my_recip", "1/x", 1, lambda x: (1 / x, -1.5 / (x * x))))
    report = gradcheck(lambda x: x.apply(recip), [1e-7])
    (row,) = report.failures
    assert row.verdict == WRONG
    assert [gate.gate for gate in report.wrong_gates] == ["my_recip"]
    assert report.wrong_gates[0].numeric == pytest.approx(-1e14, rel=1e-3)


def test_a_pole_too_close_for_any_quartered_step_is_unchecked_not_wrong():
    # 1/x at 1e-37: h quartered ten times, 9.5e-13, is still 1e25 times x: no step sees the curve.
    report = gradcheck(lambda x: 1 / x, [1e-37])
    (row,) = report.inputs
    assert (row.verdict, row.analytic) == (EDGE, pytest.approx(-1e74))
    assert report.failures == () and not report.ok
    assert "too fast" in row.hint and "smaller h" in row.hint
    report = gradcheck(lambda x: 1 / x, [1e-37], h=1e-41)
    assert report.ok and report.inputs[0].numeric == pytest.approx(-1e74, rel=1e-3)


# --- a function that changes between calls ------------------------------------------------


def dropout_neuron(rng: random.Random):
    """A neuron with dropout on 16 inputs: each call draws a new random mask, as in training."""

    def f(w, b):
        total = b
        for i in range(16):
            keep = 2.0 if rng.random() < 0.5 else 0.0  # inverted dropout, p = 0.5
            total = total + (w * (i - 7.5)) * keep
        return total.tanh()

    return f


@pytest.mark.parametrize("seed", range(10))
def test_a_function_with_a_random_mask_is_not_deterministic_and_fails(seed):
    report = gradcheck(dropout_neuron(random.Random(seed)), [0.05, 0.1])
    assert not report.ok
    assert "d f/d" in report.not_deterministic or "output" in report.not_deterministic
    assert str(report).startswith("gradcheck FAILED: f is not deterministic")
    assert "not deterministic: called twice at the same point" in str(report)


def test_the_same_neuron_with_its_mask_fixed_passes():
    rng = random.Random(0)
    mask = [2.0 if rng.random() < 0.5 else 0.0 for _ in range(16)]

    def f(w, b):
        total = b
        for i, keep in enumerate(mask):
            total = total + (w * (i - 7.5)) * keep
        return total.tanh()

    report = gradcheck(f, [0.05, 0.1])
    assert report.ok and report.not_deterministic == ""
    assert "deterministic" not in str(report)


def test_a_function_whose_gradient_alone_changes_between_calls_is_caught():
    calls = iter(range(1000))

    def f(x):  # the same output every call; the graph (and so the gradient) alternates
        if next(calls) % 2:
            return x * 0.0 + 1.0
        return (x - x.data) * 3.0 + 1.0  # x - x.data is 0.0, with slope 1

    report = gradcheck(f, [0.5])
    assert not report.ok
    assert report.not_deterministic.startswith("d f/d x = ")

