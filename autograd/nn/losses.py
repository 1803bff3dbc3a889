"""Loss functions from the lecture, built from the engine's gates.

Binary losses take one score f and a label y in {-1, +1}; multiclass losses take a
list of scores s and the index y of the correct class. Each loss is one composite
gate named after it, so a picture can draw it as a single box.

    quadratic(f, t)               (f - t)²
    hinge(f, y)                   max(0, 1 - y·f)
    logistic(f, y)                log(1 + exp(-y·f)), never overflowing
    multiclass_svm(s, y)          Σ_{j≠y} max(0, s_j - s_y + 1)
    softmax_cross_entropy(s, y)   -log(exp(s_y) / Σ_j exp(s_j)), shifted by max(s) first
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..composite import composite
from ..validate import real_number, shown, whole_number
from ..value import Value


def _check_score(score: object, what: str = "score") -> Value:
    """`score` itself if it is a Value: a plain number has no graph to send gradients into."""
    if not isinstance(score, Value):
        kind = type(score).__name__
        raise TypeError(f"{what} must be a Value, got {kind} {shown(score)}")
    return score


def _check_values(values: object, what: str, at_least: int) -> list[Value]:
    """`values` as a list of at least `at_least` Values; a clear error naming `what` otherwise."""
    if isinstance(values, (str, bytes, Value)) or not isinstance(values, Iterable):
        kind = type(values).__name__
        raise TypeError(f"{what} must be a list of Values, got {kind} {shown(values)}")
    checked = [_check_score(value, f"each entry of {what}") for value in values]
    if len(checked) < at_least:
        raise ValueError(f"{what} must hold at least {at_least} Value(s), got {len(checked)}")
    return checked


def _check_sign_label(label: object) -> float:
    """A binary label as the float -1.0 or +1.0."""
    y = real_number(label, "label")
    if y not in (-1.0, 1.0):
        raise ValueError(f"label must be -1 or +1, got {shown(label)}")
    return y


def _check_class_label(label: object, n_classes: int) -> int:
    """A class index in 0..n_classes-1 (a float such as 1.0 is refused: indices are ints)."""
    index = whole_number(label, "label (a class index)")
    if index >= n_classes:
        raise ValueError(f"label must be a class index in 0..{n_classes - 1}, got {index}")
    return index


def quadratic(score: Value, target: float) -> Value:
    """(score - target)²: the regression loss; its gradient is 2·(score - target)."""
    _check_score(score)
    target = real_number(target, "target")
    with composite("quadratic"):
        return (score - target) ** 2


def hinge(score: Value, label: float) -> Value:
    """max(0, 1 - y·f): zero once the score is on the right side by a margin of 1.

    Exactly at the margin (y·f = 1) the max gate has a tie and passes half of
    the gradient on, the engine's rule for max.
    """
    _check_score(score)
    y = _check_sign_label(label)
    with composite("hinge"):
        return (score * -y + 1.0).max(0.0)


def logistic(score: Value, label: float) -> Value:
    """log(1 + exp(-y·f)), the loss of logistic regression.

    Written naively, exp overflows for a confidently wrong score. With z = -y·f:
    for z > 0 use the equal form z + log(1 + exp(-z)), so exp only ever sees a
    non-positive argument. Both branches are the same function, so the gradient
    (sigmoid(z) times dz) is the same either way.
    """
    _check_score(score)
    y = _check_sign_label(label)
    with composite("logistic"):
        z = score * -y
        if z > 0.0:  # a comparison of Values, so that autograd.trace can guard it
            return z + ((-z).exp() + 1.0).log()
        return (z.exp() + 1.0).log()


def multiclass_svm(scores: Iterable[Value], label: int) -> Value:
    """Σ_{j≠y} max(0, s_j - s_y + 1): every wrong class must score 1 below the right one."""
    scores = _check_values(scores, "scores", at_least=2)  # one per class
    y = _check_class_label(label, len(scores))
    with composite("multiclass svm"):
        margin_offset = 1.0 - scores[y]  # s_j - s_y + 1 = s_j + (1 - s_y)
        terms = [(s + margin_offset).max(0.0) for j, s in enumerate(scores) if j != y]
        return sum(terms[1:], terms[0])


def softmax_cross_entropy(scores: Iterable[Value], label: int) -> Value:
    """-log softmax(s)_y = log Σ_j exp(s_j - m) - (s_y - m) with m = max(s).

    Subtracting the largest score keeps every exp in (0, 1]: no overflow, and the
    sum is at least 1, so the log never sees 0. m is a plain number, and the loss
    does not depend on it, so the gradient (softmax - one-hot) is unchanged.
    """
    scores = _check_values(scores, "scores", at_least=2)  # one per class
    y = _check_class_label(label, len(scores))
    largest = max(s.data for s in scores)
    if not math.isfinite(largest):
        largest = 0.0  # nothing to gain from shifting by inf or nan
    with composite("softmax cross-entropy"):
        shifted = [s - largest for s in scores]
        exps = [s.exp() for s in shifted]
        return sum(exps[1:], exps[0]).log() - shifted[y]


def l2_penalty(parameters: Iterable[Value]) -> Value:
    """Σ p²: added to a loss (times a small strength) it keeps the weights small."""
    squares = [p * p for p in _check_values(parameters, "parameters", at_least=1)]
    return sum(squares[1:], squares[0])


def mean(losses: Iterable[Value]) -> Value:
    """The average of per-example losses (one Value, so one backward pass covers them all)."""
    losses = _check_values(losses, "losses", at_least=1)
    return sum(losses[1:], losses[0]) * (1.0 / len(losses))
