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
from collections.abc import Iterable

import numpy as np

from ..validate import count, real_number, shown
from ..value import Value
from .init import Seed, generator


def _check_learning_rate(lr: object) -> float:
    """A finite step size above 0 (0 would not move, inf or nan would wreck every weight)."""
    value = real_number(lr, "lr")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"lr must be a positive number, got {shown(lr)}")
    return value


def _check_params(params: object) -> list[Value]:
    """The parameters to optimize: distinct Values, at least one."""
    if isinstance(params, Value) or not isinstance(params, Iterable):
        kind = type(params).__name__
        raise TypeError(f"params must be a list of Values (model.parameters()), got {kind}")
    checked = list(params)
    if not checked:
        raise ValueError("SGD got no parameters to optimize")
    for p in checked:
        if not isinstance(p, Value):
            raise TypeError(f"params must be Values, got {type(p).__name__} {shown(p)}")
    if len({id(p) for p in checked}) != len(checked):
        raise ValueError("params lists a parameter twice; it would be stepped twice")
    return checked


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
        self.params = _check_params(params)
        self.lr = lr
        self.momentum = real_number(momentum, "momentum")
        if not 0.0 <= self.momentum < 1.0:  # 1 or more never forgets a step: it diverges
            raise ValueError(f"momentum must be in [0, 1), got {shown(momentum)}")
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


def minibatches(n_samples: int, batch_size: int, rng: Seed = None) -> list[np.ndarray]:
    """Index arrays that cover range(n_samples) once, in a random order (one epoch).

    Every batch has `batch_size` indices except perhaps the last, which holds
    the rest. Pass a seed or a Generator to make the order reproducible.
    """
    n_samples = count(n_samples, "n_samples")
    batch_size = count(batch_size, "batch_size")
    order = generator(rng).permutation(n_samples)
    return [order[start : start + batch_size] for start in range(0, n_samples, batch_size)]
