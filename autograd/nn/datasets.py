"""Small synthetic datasets for the examples, made with numpy alone (seeded, reproducible)."""

from __future__ import annotations

import math

import numpy as np

from ..validate import count, real_number, shown
from .init import Seed, generator


def _check_spread(spread: object, what: str) -> float:
    """A standard deviation: finite and 0 or more (inf or nan would make every point inf or nan)."""
    value = real_number(spread, what)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{what} must be a finite number, 0 or more, got {shown(spread)}")
    return value


def make_moons(
    n_samples: int = 100, noise: float = 0.1, rng: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: points X of shape (n_samples, 2), labels y in {-1, +1}.

    The upper moon is the unit half circle (label -1); the lower one is the same arc
    turned upside down and shifted to (1, 0.5) (label +1), so no straight line
    separates them. Gaussian noise of std `noise` blurs both. The samples come
    shuffled, the upper moon getting the extra point when n_samples is odd.
    """
    n_samples = count(n_samples, "n_samples")
    noise = _check_spread(noise, "noise")
    rng = generator(rng)
    n_upper = (n_samples + 1) // 2
    n_lower = n_samples - n_upper
    angle_upper = np.linspace(0.0, np.pi, n_upper)
    angle_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(angle_upper), np.sin(angle_upper)])
    lower = np.column_stack([1.0 - np.cos(angle_lower), 0.5 - np.sin(angle_lower)])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, size=(n_samples, 2))
    y = np.concatenate([-np.ones(n_upper, dtype=int), np.ones(n_lower, dtype=int)])
    order = rng.permutation(n_samples)
    return X[order], y[order]


def make_blobs(
    n_samples: int = 100,
    n_classes: int = 3,
    n_features: int = 2,
    spread: float = 1.0,
    rng: Seed = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clouds around random centres: X (n_samples, n_features), y class indices.

    Centres are drawn from N(0, 3²) per feature and each point from N(centre,
    spread²), so a linear classifier can separate most of them.
    """
    n_samples = count(n_samples, "n_samples")
    n_classes = count(n_classes, "n_classes")
    n_features = count(n_features, "n_features")
    spread = _check_spread(spread, "spread")
    rng = generator(rng)
    centres = rng.normal(0.0, 3.0, size=(n_classes, n_features))
    y = rng.integers(0, n_classes, size=n_samples)
    X = centres[y] + rng.normal(0.0, spread, size=(n_samples, n_features))
    return X, y
