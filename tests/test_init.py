"""Initializations: their promised spread, reproducibility, and the lecture's depth experiment."""

import math

import numpy as np
import pytest

from autograd import init
from autograd.nn import MLP
from autograd.optim import SGD

FAN_IN, FAN_OUT = 100, 300  # 30,000 draws: the sample variance is within ~1% of the truth

EXPECTED_VARIANCE = {
    "small_random": 0.01**2,
    "xavier": 1 / FAN_IN,
    "glorot_uniform": 2 / (FAN_IN + FAN_OUT),  # bound² / 3 with bound² = 6 / (in + out)
    "uniform": 1 / FAN_IN,  # bound² / 3 with bound² = 3 / in
    "he": 2 / FAN_IN,
}


@pytest.mark.parametrize("name", sorted(EXPECTED_VARIANCE))
def test_each_init_has_the_promised_variance_and_zero_mean(name):
    weights = init.INITS[name](FAN_IN, FAN_OUT, np.random.default_rng(0))
    assert weights.shape == (FAN_OUT, FAN_IN)
    expected = EXPECTED_VARIANCE[name]
    assert weights.var() == pytest.approx(expected, rel=0.05)
    assert abs(weights.mean()) < 4 * math.sqrt(expected / weights.size)


@pytest.mark.parametrize(
    ("name", "bound"),
    [("glorot_uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))), ("uniform", math.sqrt(3 / FAN_IN))],
)
def test_uniform_inits_fill_their_interval(name, bound):
    weights = init.INITS[name](FAN_IN, FAN_OUT, np.random.default_rng(1))
    assert np.abs(weights).max() <= bound
    assert np.abs(weights).max() > 0.99 * bound


def test_zeros_is_all_zeros():
    assert not init.zeros(3, 4, np.random.default_rng(0)).any()


def test_zero_init_never_breaks_symmetry():
    """The lecture's warning: identical neurons get identical gradients, so stay identical."""
    model = MLP(2, [3, 1], activation="tanh", init="zeros", rng=0)
    optimizer = SGD(model.parameters(), lr=0.5)
    for _ in range(5):
        optimizer.zero_grad()
        (score,) = model([0.5, -1.0])
        ((score - 1.0) ** 2).backward()
        optimizer.step()
    hidden = [[w.data for w in neuron.w] for neuron in model.layers[0].neurons]
    assert hidden[0] == hidden[1] == hidden[2]


def test_a_seed_reproduces_the_weights():
    first = init.he(5, 4, np.random.default_rng(7))
    again = init.he(5, 4, np.random.default_rng(7))
    other = init.he(5, 4, np.random.default_rng(8))
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_get_init_by_name_or_function():
    assert init.get_init("he") is init.he
    assert init.get_init(init.xavier) is init.xavier


def test_unknown_init_name_is_a_value_error_listing_the_choices():
    with pytest.raises(ValueError, match=r"unknown init 'kaiming'.*xavier"):
        init.get_init("kaiming")


def test_init_that_is_not_a_name_or_function_is_a_type_error():
    with pytest.raises(TypeError, match="init must be a name or a function"):
        init.get_init(3)


def test_a_custom_init_with_the_wrong_shape_is_rejected():
    def transposed(fan_in, fan_out, rng):
        return np.ones((fan_in, fan_out))

    with pytest.raises(ValueError, match=r"expected \(fan_out, fan_in\) = \(2, 3\)"):
        init.weight_matrix(transposed, 3, 2, np.random.default_rng(0))


# --- the lecture's experiment: how the spread of activations changes with depth --------------


def std_ratio_last_to_first(init_name: str, activation: str) -> tuple[float, float]:
    """std of the last layer's activations over the first's, and the last std, for a deep net."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 30))
    model = MLP(30, [30] * 6, activation, activation, init_name, rng)
    outputs = model.layer_outputs(X)
    return outputs[-1].std() / outputs[0].std(), outputs[-1].std()


def test_small_random_init_makes_tanh_activations_collapse():
    ratio, last = std_ratio_last_to_first("small_random", "tanh")
    assert ratio < 1e-3
    assert last < 1e-4


def test_xavier_keeps_tanh_activations_alive():
    ratio, last = std_ratio_last_to_first("xavier", "tanh")
    assert ratio > 0.25
    assert last > 0.1


def test_xavier_shrinks_relu_activations_and_he_keeps_them():
    xavier_ratio, _ = std_ratio_last_to_first("xavier", "relu")
    he_ratio, _ = std_ratio_last_to_first("he", "relu")
    assert xavier_ratio < 0.4  # variance halves per layer: (1/√2)^5 ≈ 0.18 expected
    assert 0.4 < he_ratio < 2.5  # roughly constant
    assert he_ratio > 3 * xavier_ratio
