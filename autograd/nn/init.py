"""Weight initializations from the lecture, each a function of (fan_in, fan_out, rng).

Every initializer returns a layer's weight matrix as a numpy array of shape
(fan_out, fan_in): one row of incoming weights per neuron. What they differ in is
the spread, and that spread decides whether a signal survives a deep network:

    small_random    N(0, 0.01²)                  activations shrink layer after layer
    xavier          N(0, 1/fan_in)               keeps the variance of a linear or tanh layer
    glorot_uniform  U(±√(6/(fan_in + fan_out)))  averages the forward and backward view
    uniform         U(±√(3/fan_in))              variance 1/fan_in, as xavier (U(±a) has a²/3)
    he              N(0, 2/fan_in)               relu zeroes half the inputs, so double it
    zeros           all 0                        every neuron stays the same: symmetry never breaks

`rng` is what every random part of gategrad takes (these initializers, the
networks, minibatches, datasets): a numpy Generator, an int seed (the same seed
gives the same weights), or None for a fresh draw each run.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

from ..validate import count, pick, shown, whole_number

Initializer = Callable[[int, int, np.random.Generator], np.ndarray]
Seed = np.random.Generator | int | None


def generator(rng: Seed) -> np.random.Generator:
    """`rng` as a numpy Generator: used as it is, seeded with an int, or freshly seeded for None.

    One place decides what counts as an rng, so every function takes the same things.
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__} "
            f"{shown(rng)}"
        )
    return np.random.default_rng(whole_number(rng, "rng (a seed)"))


def _checked(fan_in: int, fan_out: int, rng: Seed) -> tuple[int, int, np.random.Generator]:
    """An initializer's arguments, checked: sizes of at least 1 (a 1/fan_in needs fan_in > 0)."""
    return count(fan_in, "fan_in"), count(fan_out, "fan_out"), generator(rng)


def small_random(fan_in: int, fan_out: int, rng: Seed) -> np.ndarray:
    """N(0, 0.01²): fine for one layer, but deep nets multiply the shrinkage."""
    fan_in, fan_out, rng = _checked(fan_in, fan_out, rng)
    return rng.normal(0.0, 0.01, size=(fan_out, fan_in))


def xavier(fan_in: int, fan_out: int, rng: Seed) -> np.ndarray:
    """N(0, 1/fan_in) (Xavier/LeCun): a sum of fan_in terms keeps unit variance."""
    fan_in, fan_out, rng = _checked(fan_in, fan_out, rng)
    return rng.normal(0.0, math.sqrt(1.0 / fan_in), size=(fan_out, fan_in))


def glorot_uniform(fan_in: int, fan_out: int, rng: Seed) -> np.ndarray:
    """U(±√(6/(fan_in+fan_out))): variance 2/(fan_in+fan_out), fair to both passes."""
    fan_in, fan_out, rng = _checked(fan_in, fan_out, rng)
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))


def uniform(fan_in: int, fan_out: int, rng: Seed) -> np.ndarray:
    """U(±√(3/fan_in)): the uniform bound whose variance is 1/fan_in."""
    fan_in, fan_out, rng = _checked(fan_in, fan_out, rng)
    bound = math.sqrt(3.0 / fan_in)
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))


def he(fan_in: int, fan_out: int, rng: Seed) -> np.ndarray:
    """N(0, 2/fan_in) (He): relu passes half the variance on, so start with twice as much."""
    fan_in, fan_out, rng = _checked(fan_in, fan_out, rng)
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_out, fan_in))


def zeros(fan_in: int, fan_out: int, rng: Seed) -> np.ndarray:
    """All zeros: every neuron computes and learns the same thing (the lesson, not a choice)."""
    fan_in, fan_out, _ = _checked(fan_in, fan_out, rng)  # rng unused, but checked like the rest
    return np.zeros((fan_out, fan_in))


INITS: dict[str, Initializer] = {
    "small_random": small_random,
    "xavier": xavier,
    "glorot_uniform": glorot_uniform,
    "uniform": uniform,
    "he": he,
    "zeros": zeros,
}


def get_init(init: str | Initializer) -> Initializer:
    """The initializer named `init` (a key of INITS), or `init` itself if it is a function."""
    return pick(init, INITS, "init")


def weight_matrix(init: str | Initializer, fan_in: int, fan_out: int, rng: Seed) -> np.ndarray:
    """Draw a (fan_out, fan_in) weight matrix with `init`, checking what comes back.

    A function of your own gets checked sizes and a numpy Generator, like the built-in ones.
    """
    initializer = get_init(init)
    fan_in, fan_out, rng = _checked(fan_in, fan_out, rng)
    drawn = initializer(fan_in, fan_out, rng)
    try:
        weights = np.asarray(drawn, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"init must return an array of numbers, got {shown(drawn)}") from None
    if weights.shape != (fan_out, fan_in):
        raise ValueError(
            f"init returned shape {weights.shape}, expected (fan_out, fan_in) = {(fan_out, fan_in)}"
        )
    return weights
