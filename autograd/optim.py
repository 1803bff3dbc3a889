"""Stochastic gradient descent with momentum, and the minibatches it is usually fed.

    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for batch in minibatches(len(X), 32, rng):
        optimizer.zero_grad()
        loss = ...                  # built from the examples in `batch`
        loss.backward()
        optimizer.step()
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

from .validate import count
from .value import Value


def _check_learning_rate(lr: object) -> float:
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"lr must be a positive number, got {type(lr).__name__} {lr!r}")
    value = float(lr)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    return value


class SGD:
    """Gradient descent on `params`: each step moves every parameter against its gradient.

    With momentum μ the step is a velocity that remembers earlier steps,
    v ← μ·v - lr·grad, then p ← p + v; μ = 0 is plain gradient descent. Along a
    long shallow valley the steps add up; across a narrow one they cancel.
    """

    momentum: float
    _lr: float
    _velocity: list[float]

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("SGD got no parameters to optimize")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"params must be Values, got {type(p).__name__}")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError("params lists a parameter twice; it would be stepped twice")
        self.lr = lr
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
            raise TypeError(f"momentum must be a number, got {type(momentum).__name__}")
        self.momentum = float(momentum)
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self._velocity = [0.0] * len(self.params)

    @property
    def lr(self) -> float:
        """The learning rate; may be changed between steps (a schedule)."""
        return self._lr

    @lr.setter
    def lr(self, lr: float) -> None:
        self._lr = _check_learning_rate(lr)

    def step(self) -> None:
        """Move every parameter by its velocity, using the `.grad` left by backward()."""
        lr, momentum, velocity = self._lr, self.momentum, self._velocity
        for i, p in enumerate(self.params):
            v = momentum * velocity[i] - lr * p.grad
            velocity[i] = v
            p.data += v

    def zero_grad(self) -> None:
        """Clear the gradients: backward() adds to them, it does not overwrite."""
        for p in self.params:
            p.grad = 0.0


def minibatches(
    n_samples: int, batch_size: int, rng: np.random.Generator | int | None = None
) -> list[np.ndarray]:
    """Index arrays that cover range(n_samples) once, in a random order (one epoch).

    Every batch has `batch_size` indices except perhaps the last, which holds
    the rest. Pass a seed or a Generator to make the order reproducible.
    """
    n_samples = count(n_samples, "n_samples")
    batch_size = count(batch_size, "batch_size")
    order = np.random.default_rng(rng).permutation(n_samples)
    return [order[start : start + batch_size] for start in range(0, n_samples, batch_size)]
