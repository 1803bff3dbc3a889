"""Initializations: their promised spread, reproducibility, and the lecture's depth experiment."""

import math

import numpy as np
import pytest

from autograd.nn import MLP, init
from autograd.nn.optim import SGD

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


def constant(fan_in, fan_out, rng):
    """Every weight 0.3: as symmetric as zeros, but the neurons do learn."""
    return np.full((fan_out, fan_in), 0.3)


@pytest.mark.parametrize("symmetric_init", ["zeros", constant])
def test_a_symmetric_init_never_breaks_symmetry(symmetric_init):
    """The lecture's warning: identical neurons get identical gradients, so stay identical."""
    model = MLP(2, [3, 1], activation="tanh", init=symmetric_init, rng=0)
    start = [w.data for w in model.layers[0].neurons[0].w]
    optimizer = SGD(model.parameters(), lr=0.5)
    for _ in range(5):
        optimizer.zero_grad()
        (score,) = model([0.5, -1.0])
        ((score - 1.0) ** 2).backward()
        optimizer.step()
    hidden = [[w.data for w in neuron.w] for neuron in model.layers[0].neurons]
    assert hidden[0] == hidden[1] == hidden[2]
    if symmetric_init is constant:  # they did learn, all in step
        assert hidden[0] != start


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


def test_an_int_seed_is_the_same_as_a_generator_seeded_with_it():
    # He with fan_in 2 draws N(0, 2/2): the first two normals of the seed-0 stream.
    expected = np.random.default_rng(0).normal(0.0, 1.0, size=(1, 2))
    assert np.array_equal(init.he(2, 1, 0), expected)


def test_a_generator_is_used_as_it_is():
    rng = np.random.default_rng(0)
    assert init.generator(rng) is rng


@pytest.mark.parametrize("name", sorted(init.INITS))
@pytest.mark.parametrize(
    ("fan_in", "fan_out", "error", "message"),
    [
        (0, 1, ValueError, "fan_in must be at least 1, got 0"),  # not a ZeroDivisionError
        (-3, 1, ValueError, "fan_in must be at least 1"),
        (2, 0, ValueError, "fan_out must be at least 1, got 0"),
        (2.0, 1, TypeError, "fan_in must be a whole number"),
        (2, "1", TypeError, "fan_out must be a whole number"),
    ],
)
def test_initializers_name_a_bad_size(name, fan_in, fan_out, error, message):
    with pytest.raises(error, match=message):
        init.INITS[name](fan_in, fan_out, np.random.default_rng(0))


@pytest.mark.parametrize("name", sorted(init.INITS))
@pytest.mark.parametrize(
    ("rng", "error", "message"),
    [
        ("seed", TypeError, "rng must be a numpy Generator, an int seed or None, got str"),
        (0.5, TypeError, "rng must be a numpy Generator"),  # not "'float' has no 'normal'"
        (-1, ValueError, r"rng \(a seed\) must be at least 0, got -1"),
    ],
)
def test_initializers_name_a_bad_rng(name, rng, error, message):
    with pytest.raises(error, match=message):
        init.INITS[name](2, 1, rng)


def test_weight_matrix_hands_a_custom_init_checked_sizes_and_a_generator():
    seen = []

    def spy(fan_in, fan_out, rng):
        seen.append((fan_in, fan_out, type(rng)))
        return np.ones((fan_out, fan_in))

    init.weight_matrix(spy, np.int64(3), 2, 7)
    assert seen == [(3, 2, np.random.Generator)]
    with pytest.raises(ValueError, match="fan_out must be at least 1"):
        init.weight_matrix(spy, 3, 0, 7)
    assert len(seen) == 1  # refused before the custom init ran


@pytest.mark.parametrize("returned", ["ab", [["a", "b"]], [[1.0, {}]]])
def test_a_custom_init_must_return_numbers(returned):
    with pytest.raises(TypeError, match="init must return an array of numbers"):
        init.weight_matrix(lambda fan_in, fan_out, rng: returned, 2, 1, 0)


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
