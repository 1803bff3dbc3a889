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
import numbers
from collections.abc import Sequence

from .composite import composite
from .value import Value


def _check_score(score: object, what: str = "score") -> Value:
    if not isinstance(score, Value):
        raise TypeError(f"{what} must be a Value (a model output), got {type(score).__name__}")
    return score


def _check_sign_label(label: object) -> float:
    if isinstance(label, bool) or not isinstance(label, numbers.Real) or label not in (-1, 1):
        raise ValueError(f"label must be -1 or +1, got {label!r}")
    return float(label)


def _check_scores(scores: object) -> list[Value]:
    if isinstance(scores, Value) or not isinstance(scores, Sequence) or len(scores) < 2:
        raise TypeError("scores must be a list of at least two Values, one per class")
    return [_check_score(s, "each score") for s in scores]


def _check_class_label(label: object, n_classes: int) -> int:
    if isinstance(label, bool) or not isinstance(label, numbers.Integral):
        raise TypeError(f"label must be a class index (an int), got {type(label).__name__}")
    index = int(label)
    if not 0 <= index < n_classes:
        raise ValueError(f"label must be a class index in 0..{n_classes - 1}, got {index}")
    return index


def quadratic(score: Value, target: float) -> Value:
    """(score - target)²: the regression loss; its gradient is 2·(score - target)."""
    _check_score(score)
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise TypeError(f"target must be a number, got {type(target).__name__}")
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
        if z.data > 0.0:
            return z + ((-z).exp() + 1.0).log()
        return (z.exp() + 1.0).log()


def multiclass_svm(scores: Sequence[Value], label: int) -> Value:
    """Σ_{j≠y} max(0, s_j - s_y + 1): every wrong class must score 1 below the right one."""
    scores = _check_scores(scores)
    y = _check_class_label(label, len(scores))
    with composite("multiclass svm"):
        margin_offset = 1.0 - scores[y]  # s_j - s_y + 1 = s_j + (1 - s_y)
        terms = [(s + margin_offset).max(0.0) for j, s in enumerate(scores) if j != y]
        return sum(terms[1:], terms[0])


def softmax_cross_entropy(scores: Sequence[Value], label: int) -> Value:
    """-log softmax(s)_y = log Σ_j exp(s_j - m) - (s_y - m) with m = max(s).

    Subtracting the largest score keeps every exp in (0, 1]: no overflow, and the
    sum is at least 1, so the log never sees 0. m is a plain number, and the loss
    does not depend on it, so the gradient (softmax - one-hot) is unchanged.
    """
    scores = _check_scores(scores)
    y = _check_class_label(label, len(scores))
    largest = max(s.data for s in scores)
    if not math.isfinite(largest):
        largest = 0.0  # nothing to gain from shifting by inf or nan
    with composite("softmax cross-entropy"):
        shifted = [s - largest for s in scores]
        exps = [s.exp() for s in shifted]
        return sum(exps[1:], exps[0]).log() - shifted[y]


def l2_penalty(parameters: Sequence[Value]) -> Value:
    """Σ p²: added to a loss (times a small strength) it keeps the weights small."""
    if not parameters:
        raise ValueError("l2_penalty needs at least one parameter")
    squares = [_check_score(p, "each parameter") * p for p in parameters]
    return sum(squares[1:], squares[0])


def mean(losses: Sequence[Value]) -> Value:
    """The average of per-example losses (one Value, so one backward pass covers them all)."""
    if not losses:
        raise ValueError("mean needs at least one loss")
    losses = [_check_score(loss, "each loss") for loss in losses]
    return sum(losses[1:], losses[0]) * (1.0 / len(losses))
