"""The two-moons and blobs generators: shapes, labels, geometry, seeding, bad arguments."""

import math

import numpy as np
import pytest

from autograd.nn.datasets import make_blobs, make_moons


def test_moons_shapes_and_balanced_plus_minus_one_labels():
    X, y = make_moons(101, rng=0)
    assert X.shape == (101, 2)
    assert sorted(set(y.tolist())) == [-1, 1]
    assert (y == -1).sum() == 51
    assert (y == 1).sum() == 50


def test_noiseless_moons_lie_on_their_half_circles():
    X, y = make_moons(40, noise=0.0, rng=0)
    upper, lower = X[y == -1], X[y == 1]
    # upper: the unit half circle above the x axis
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    # lower: the unit half circle around (1, 0.5), below its centre
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_moons_noise_has_the_requested_spread():
    clean, _ = make_moons(2000, noise=0.0, rng=0)
    noisy, _ = make_moons(2000, noise=0.2, rng=0)
    # same seed, same shuffle: the difference is the noise alone
    assert (noisy - clean).std() == pytest.approx(0.2, rel=0.05)


def test_a_seed_reproduces_the_moons():
    first, labels = make_moons(30, rng=4)
    again, labels_again = make_moons(30, rng=4)
    assert np.array_equal(first, again)
    assert np.array_equal(labels, labels_again)
    assert not np.array_equal(first, make_moons(30, rng=5)[0])


def test_blobs_shapes_and_class_indices():
    X, y = make_blobs(60, n_classes=4, n_features=3, rng=0)
    assert X.shape == (60, 3)
    assert set(y.tolist()) <= {0, 1, 2, 3}


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: make_moons(0), ValueError, "n_samples must be at least 1"),
        (lambda: make_moons(10.0), TypeError, "n_samples must be a whole number"),
        (lambda: make_moons(10, noise=-0.1), ValueError, "noise must be a finite number, 0 or"),
        (lambda: make_moons(10, noise=math.inf), ValueError, "noise must be a finite number"),
        (lambda: make_moons(10, noise=math.nan), ValueError, "noise must be a finite number"),
        (lambda: make_moons(10, noise=10**400), ValueError, "noise is too large for a float"),
        (lambda: make_moons(10, noise="a"), TypeError, "noise must be a real number, got str"),
        (lambda: make_moons(10, rng="a"), TypeError, "rng must be a numpy Generator"),
        (lambda: make_moons(10, rng=-2), ValueError, r"rng \(a seed\) must be at least 0"),
        (lambda: make_blobs(10, n_classes=0), ValueError, "n_classes must be at least 1"),
        (lambda: make_blobs(10, spread=-1), ValueError, "spread must be a finite number, 0 or"),
        (lambda: make_blobs(10, spread=None), TypeError, "spread must be a real number"),
        (lambda: make_blobs(10, rng=1.5), TypeError, "rng must be a numpy Generator"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
