"""SGD with momentum and the minibatch helper: hand-computed steps, convergence, bad input."""

import math

import numpy as np
import pytest

from autograd import Value
from autograd.nn import MLP
from autograd.nn.optim import SGD, minibatches


def test_a_plain_step_moves_against_the_gradient():
    p = Value(1.0)
    p.grad = 0.5
    SGD([p], lr=0.1).step()
    assert p.data == pytest.approx(0.95)  # 1 - 0.1·0.5


def test_momentum_adds_up_the_velocity():
    # v1 = -0.1·2 = -0.2; v2 = 0.9·(-0.2) - 0.1·2 = -0.38; p = 1 - 0.2 - 0.38 = 0.42
    p = Value(1.0)
    optimizer = SGD([p], lr=0.1, momentum=0.9)
    for _ in range(2):
        p.grad = 2.0
        optimizer.step()
    assert p.data == pytest.approx(0.42)


def test_zero_grad_clears_every_parameter():
    a, b = Value(1.0), Value(2.0)
    (a * b).backward()
    SGD([a, b], lr=0.1).zero_grad()
    assert (a.grad, b.grad) == (0.0, 0.0)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_finds_the_minimum_of_a_parabola(momentum):
    x = Value(-2.0)
    optimizer = SGD([x], lr=0.05, momentum=momentum)
    for _ in range(200):
        optimizer.zero_grad()
        ((x - 3.0) ** 2).backward()
        optimizer.step()
    assert x.data == pytest.approx(3.0, abs=1e-3)


def test_the_learning_rate_can_follow_a_schedule():
    optimizer = SGD([Value(0.0)], lr=1.0)
    optimizer.lr = 0.1
    assert optimizer.lr == 0.1


@pytest.mark.parametrize("lr", [0, -0.1, math.nan, math.inf])
def test_learning_rate_must_be_positive_and_finite(lr):
    with pytest.raises(ValueError, match="lr must be a positive number"):
        SGD([Value(0.0)], lr=lr)


@pytest.mark.parametrize("lr", ["0.1", None, True])
def test_learning_rate_must_be_a_number(lr):
    with pytest.raises(TypeError, match="lr must be a real number"):
        SGD([Value(0.0)], lr=lr)


def test_a_learning_rate_beyond_float_is_named():
    with pytest.raises(ValueError, match="lr is too large for a float"):
        SGD([Value(0.0)], lr=10**400)


def test_a_bad_learning_rate_is_refused_later_too():
    optimizer = SGD([Value(0.0)], lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        optimizer.lr = -1.0


@pytest.mark.parametrize("momentum", [1.0, -0.1, 2, math.nan])
def test_momentum_must_be_in_zero_one(momentum):
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        SGD([Value(0.0)], lr=0.1, momentum=momentum)


@pytest.mark.parametrize(
    ("momentum", "error", "message"),
    [
        ("0.9", TypeError, "momentum must be a real number, got str '0.9'"),
        (None, TypeError, "momentum must be a real number"),
        pytest.param(10**400, ValueError, "momentum is too large", id="10**400"),
    ],
)
def test_momentum_must_be_a_number(momentum, error, message):
    with pytest.raises(error, match=message):
        SGD([Value(0.0)], lr=0.1, momentum=momentum)


def test_params_must_be_values_and_not_empty_or_repeated():
    p = Value(0.0)
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="params must be Values"):
        SGD([p, 1.0], lr=0.1)
    with pytest.raises(ValueError, match="twice"):
        SGD([p, p], lr=0.1)


@pytest.mark.parametrize(
    ("params", "kind"), [(None, "NoneType"), (Value(0.0), "Value"), (MLP(1, [1], rng=0), "MLP")]
)
def test_params_must_be_a_list_not_one_value_or_a_model(params, kind):
    with pytest.raises(TypeError, match=rf"params must be a list of Values .* got {kind}"):
        SGD(params, lr=0.1)


def test_minibatches_cover_every_index_once():
    batches = minibatches(10, 4, rng=0)
    assert [len(batch) for batch in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))


def test_minibatches_follow_the_generator_they_are_given():
    order = np.random.default_rng(0).permutation(10)
    batches = minibatches(10, 5, np.random.default_rng(0))
    assert [batch.tolist() for batch in batches] == [order[:5].tolist(), order[5:].tolist()]


def test_minibatches_are_shuffled_reproducibly():
    first = np.concatenate(minibatches(50, 50, rng=3))
    assert np.array_equal(first, np.concatenate(minibatches(50, 50, rng=3)))
    assert not np.array_equal(first, np.arange(50))


@pytest.mark.parametrize(
    ("n_samples", "batch_size", "error", "what"),
    [
        (0, 4, ValueError, "n_samples"),
        (10, 0, ValueError, "batch_size"),
        (10, 2.5, TypeError, "batch_size"),
        ("10", 2, TypeError, "n_samples"),
    ],
)
def test_minibatches_reject_bad_sizes(n_samples, batch_size, error, what):
    with pytest.raises(error, match=what):
        minibatches(n_samples, batch_size)


@pytest.mark.parametrize(
    ("rng", "error", "message"),
    [
        ("x", TypeError, "rng must be a numpy Generator, an int seed or None, got str 'x'"),
        (-1, ValueError, r"rng \(a seed\) must be at least 0"),
    ],
)
def test_minibatches_name_a_bad_rng(rng, error, message):
    with pytest.raises(error, match=message):
        minibatches(10, 2, rng)
