"""Losses: hand-computed values and gradients, numerical gradient checks, stability, bad labels."""

import math

import numpy as np
import pytest

from autograd import Value
from autograd.check import assert_gradients_match
from autograd.nn.losses import (
    hinge,
    l2_penalty,
    logistic,
    mean,
    multiclass_svm,
    quadratic,
    softmax_cross_entropy,
)


def value_and_grads(loss_fn, numbers, *args):
    """The loss of fresh leaves holding `numbers`, and d loss / d leaf for each."""
    leaves = [Value(x) for x in numbers]
    loss = loss_fn(leaves if len(leaves) > 1 else leaves[0], *args)
    loss.backward()
    return loss.data, [leaf.grad for leaf in leaves]


# --- binary losses --------------------------------------------------------------------------


def test_quadratic_by_hand():
    # (3 - 1)² = 4, d/df = 2·(3 - 1) = 4
    assert value_and_grads(quadratic, [3.0], 1.0) == (4.0, [4.0])


@pytest.mark.parametrize(
    ("score", "label", "loss", "grad"),
    [
        (0.3, 1, 0.7, -1.0),  # 1 - 0.3 inside the margin: d/df = -y
        (0.3, -1, 1.3, 1.0),  # 1 + 0.3 on the wrong side
        (2.0, 1, 0.0, 0.0),  # beyond the margin: no loss, no gradient
        (-2.0, -1, 0.0, 0.0),
    ],
)
def test_hinge_by_hand(score, label, loss, grad):
    value, (gradient,) = value_and_grads(hinge, [score], label)
    assert value == pytest.approx(loss)
    assert gradient == grad


def test_hinge_exactly_at_the_margin_passes_half_the_gradient():
    # max(0, 0) is a tie; the engine's max gate splits the gradient in two.
    assert value_and_grads(hinge, [1.0], 1) == (0.0, [-0.5])


@pytest.mark.parametrize(
    ("score", "label"), [(0.0, 1), (2.0, -1), (-3.0, 1), (0.7, 1.0), (-0.4, -1)]
)
def test_logistic_matches_its_formula_and_derivative(score, label):
    value, (gradient,) = value_and_grads(logistic, [score], label)
    z = -label * score
    assert value == pytest.approx(math.log(1 + math.exp(z)))
    assert gradient == pytest.approx(-label / (1 + math.exp(-z)))  # -y·sigmoid(z)


def test_logistic_at_zero_is_log_two():
    assert value_and_grads(logistic, [0.0], 1) == (pytest.approx(math.log(2)), [-0.5])


@pytest.mark.parametrize(("score", "loss", "grad"), [(-1000.0, 1000.0, -1.0), (1000.0, 0.0, 0.0)])
def test_logistic_does_not_overflow_for_extreme_scores(score, loss, grad):
    value, (gradient,) = value_and_grads(logistic, [score], 1)
    assert value == pytest.approx(loss, abs=1e-12)
    assert gradient == pytest.approx(grad, abs=1e-12)


@pytest.mark.parametrize(
    ("loss_fn", "score", "label"),
    [
        (quadratic, 0.8, -0.25),
        (hinge, 0.4, 1),
        (hinge, 0.4, -1),
        (logistic, 1.7, 1),
        (logistic, 1.7, -1),
        (logistic, -0.2, 1),
    ],
)
def test_binary_losses_pass_a_numerical_gradient_check(loss_fn, score, label):
    assert_gradients_match(lambda f: loss_fn(f, label), [score])


# --- multiclass losses: the lecture's cat / car / frog scores ---------------------------------

CAT, CAR, FROG = [3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]


@pytest.mark.parametrize(
    ("scores", "label", "loss"),
    [
        (CAT, 0, 2.9),  # max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0
        (CAR, 1, 0.0),  # the right class wins by more than 1 everywhere
        (FROG, 2, 12.9),  # max(0, 2.2 + 3.1 + 1) + max(0, 2.5 + 3.1 + 1) = 6.3 + 6.6
    ],
)
def test_multiclass_svm_on_the_lecture_scores(scores, label, loss):
    value, _ = value_and_grads(multiclass_svm, scores, label)
    assert value == pytest.approx(loss)


def test_multiclass_svm_gradient_by_hand():
    # For the cat only the car term is active: +1 on the car score, -1 on the cat score.
    _, grads = value_and_grads(multiclass_svm, CAT, 0)
    assert grads == [-1.0, 1.0, 0.0]


def test_softmax_cross_entropy_on_the_cat_scores():
    exps = [math.exp(s) for s in CAT]
    probabilities = [e / sum(exps) for e in exps]
    value, grads = value_and_grads(softmax_cross_entropy, CAT, 0)
    assert value == pytest.approx(-math.log(probabilities[0]))  # -ln 0.13 ≈ 2.04
    assert value == pytest.approx(2.04, abs=0.005)
    one_hot = [1.0, 0.0, 0.0]
    assert grads == pytest.approx([p - t for p, t in zip(probabilities, one_hot, strict=True)])


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    # Shifting by the max makes these the scores [-1, 0, -2]; unshifted, exp(1000) overflows.
    value, grads = value_and_grads(softmax_cross_entropy, [1000.0, 1001.0, 999.0], 0)
    exps = [math.exp(s) for s in (-1.0, 0.0, -2.0)]
    assert value == pytest.approx(-math.log(exps[0] / sum(exps)))
    assert all(math.isfinite(g) for g in grads)


@pytest.mark.parametrize("loss_fn", [multiclass_svm, softmax_cross_entropy])
@pytest.mark.parametrize(("scores", "label"), [(CAT, 0), (CAT, 2), (FROG, 2), (CAR, 0)])
def test_multiclass_losses_pass_a_numerical_gradient_check(loss_fn, scores, label):
    assert_gradients_match(lambda a, b, c: loss_fn([a, b, c], label), scores)


# --- regularization and averaging ------------------------------------------------------------


def test_l2_penalty_is_the_sum_of_squares_with_gradient_2p():
    assert value_and_grads(l2_penalty, [3.0, -4.0]) == (25.0, [6.0, -8.0])


def test_mean_averages_and_shares_the_gradient():
    assert value_and_grads(mean, [1.0, 2.0, 6.0]) == (3.0, [pytest.approx(1 / 3)] * 3)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("loss_fn", [hinge, logistic])
@pytest.mark.parametrize("label", [0, 2, 0.5, -2.0, math.nan])
def test_sign_labels_must_be_plus_or_minus_one(loss_fn, label):
    with pytest.raises(ValueError, match="label must be -1 or \\+1"):
        loss_fn(Value(0.5), label)


@pytest.mark.parametrize("loss_fn", [hinge, logistic])
@pytest.mark.parametrize("label", [True, "1", None, [1]])
def test_sign_labels_must_be_numbers(loss_fn, label):
    with pytest.raises(TypeError, match="label must be a real number"):
        loss_fn(Value(0.5), label)


@pytest.mark.parametrize("label", [np.int64(-1), np.float64(-1.0), -1.0])
def test_numpy_and_float_sign_labels_are_accepted(label):
    # y = -1, f = 0.3: max(0, 1 + 0.3) = 1.3
    assert hinge(Value(0.3), label).data == pytest.approx(1.3)


@pytest.mark.parametrize("loss_fn", [quadratic, hinge, logistic])
def test_binary_losses_want_a_value_score(loss_fn):
    with pytest.raises(TypeError, match="score must be a Value"):
        loss_fn(0.5, 1)


def test_quadratic_target_must_be_a_number():
    with pytest.raises(TypeError, match="target must be a real number, got str '1'"):
        quadratic(Value(1.0), "1")
    with pytest.raises(ValueError, match="target is too large for a float"):
        quadratic(Value(1.0), 10**400)


@pytest.mark.parametrize("loss_fn", [multiclass_svm, softmax_cross_entropy])
@pytest.mark.parametrize(
    "label, message", [(-1, r"at least 0, got -1"), (3, r"in 0\.\.2, got 3"), (10, r"in 0\.\.2")]
)
def test_class_label_out_of_range_is_a_value_error(loss_fn, label, message):
    scores = [Value(s) for s in CAT]
    with pytest.raises(ValueError, match=rf"class index.*{message}"):
        loss_fn(scores, label)


@pytest.mark.parametrize("loss_fn", [multiclass_svm, softmax_cross_entropy])
@pytest.mark.parametrize("label", [1.0, True, "0"])
def test_class_label_must_be_an_int(loss_fn, label):
    with pytest.raises(TypeError, match=r"label \(a class index\) must be a whole number"):
        loss_fn([Value(s) for s in CAT], label)


@pytest.mark.parametrize("loss_fn", [multiclass_svm, softmax_cross_entropy])
@pytest.mark.parametrize(
    ("scores", "message"),
    [
        (Value(1.0), "scores must be a list of Values, got Value"),
        ("ab", "scores must be a list of Values, got str"),
        (None, "scores must be a list of Values, got NoneType"),
        ([1.0, 2.0], "each entry of scores must be a Value"),
    ],
)
def test_multiclass_losses_want_a_list_of_value_scores(loss_fn, scores, message):
    with pytest.raises(TypeError, match=message):
        loss_fn(scores, 0)


@pytest.mark.parametrize("loss_fn", [multiclass_svm, softmax_cross_entropy])
def test_multiclass_losses_want_two_classes_at_least(loss_fn):
    with pytest.raises(ValueError, match=r"scores must hold at least 2 Value\(s\), got 1"):
        loss_fn([Value(1.0)], 0)


@pytest.mark.parametrize("as_collection", [tuple, iter, np.array])
def test_scores_may_be_any_collection_of_values(as_collection):
    scores = as_collection([Value(s) for s in CAT])
    assert multiclass_svm(scores, 0).data == pytest.approx(2.9)  # the lecture's cat


@pytest.mark.parametrize(("helper", "what"), [(l2_penalty, "parameters"), (mean, "losses")])
def test_sum_helpers_reject_an_empty_list(helper, what):
    with pytest.raises(ValueError, match=rf"{what} must hold at least 1 Value\(s\), got 0"):
        helper([])


@pytest.mark.parametrize(("helper", "what"), [(l2_penalty, "parameters"), (mean, "losses")])
@pytest.mark.parametrize("bad", [None, Value(1.0), 3.0])
def test_sum_helpers_want_a_list_of_values(helper, what, bad):
    with pytest.raises(TypeError, match=f"{what} must be a list of Values"):
        helper(bad)


@pytest.mark.parametrize(("helper", "what"), [(l2_penalty, "parameters"), (mean, "losses")])
def test_sum_helpers_name_an_entry_that_is_not_a_value(helper, what):
    with pytest.raises(TypeError, match=f"each entry of {what} must be a Value, got float 2.0"):
        helper([Value(1.0), 2.0])


def test_mean_of_a_generator():
    assert mean(Value(x) for x in (1.0, 2.0, 6.0)).data == 3.0
