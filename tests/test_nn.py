"""Neurons, layers and MLPs: the lecture's neuron, labels, composites, activations, training."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograd import Value, topological_order
from autograd.check import assert_gradients_match
from autograd.nn import ACTIVATIONS, MLP, Layer, Neuron, elu, get_activation
from autograd.nn.datasets import make_moons
from autograd.nn.losses import hinge, mean
from autograd.nn.optim import SGD

# --- the lecture's sigmoid neuron -------------------------------------------------------------


def test_the_lecture_sigmoid_neuron():
    # w0=2, x0=-1, w1=-3, x1=-2, bias w2=-3: output 0.73 and the lecture's gradients
    # (docs/design.md §7).
    neuron = Neuron(2, "sigmoid", weights=[2.0, -3.0], bias=-3.0)
    x0, x1 = Value(-1.0), Value(-2.0)
    out = neuron([x0, x1])
    out.backward()
    assert out.data == pytest.approx(0.73, abs=0.005)
    w0, w1, w2 = neuron.parameters()
    grads = [w0.grad, x0.grad, w1.grad, x1.grad, w2.grad]
    assert grads == pytest.approx([-0.20, 0.39, -0.39, -0.59, 0.20], abs=0.005)


def test_neuron_output_is_the_activation_of_the_weighted_sum():
    neuron = Neuron(3, "tanh", weights=[0.5, -1.0, 2.0], bias=0.25)
    expected = math.tanh(0.5 * 1.0 - 1.0 * 2.0 + 2.0 * -0.5 + 0.25)
    assert neuron([1.0, 2.0, -0.5]).data == pytest.approx(expected)


def test_plain_numbers_and_numpy_rows_are_accepted_as_inputs():
    neuron = Neuron(2, "linear", weights=[1.0, 2.0])
    assert neuron(np.array([3.0, 4.0])).data == 11.0
    assert neuron((3, 4)).data == 11.0


# --- structure: parameters, labels, composites, what a call returns -----------------------------


def test_mlp_16_16_1_has_micrograds_parameter_count():
    model = MLP(2, [16, 16, 1], rng=0)
    assert len(model.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)  # 337


def test_parameters_are_labelled_by_layer_neuron_and_input():
    model = MLP(2, [4, 1], rng=0)
    labels = [p.label for p in model.parameters()]
    assert labels[:3] == ["L1.N1.w1", "L1.N1.w2", "L1.N1.b"]
    assert "L1.N3.w2" in labels
    assert labels[-5:] == ["L2.N1.w1", "L2.N1.w2", "L2.N1.w3", "L2.N1.w4", "L2.N1.b"]
    assert len(set(labels)) == len(labels)


def test_a_lone_neuron_has_plain_labels():
    assert [p.label for p in Neuron(2, rng=0).parameters()] == ["w1", "w2", "b"]


def test_a_call_always_returns_a_list_even_for_one_neuron():
    layer = Layer(3, 1, rng=0)
    model = MLP(3, [2, 1], rng=0)
    for outputs in (layer([1.0, 2.0, 3.0]), model([1.0, 2.0, 3.0])):
        assert isinstance(outputs, list)
        assert len(outputs) == 1
        assert isinstance(outputs[0], Value)


def test_hidden_layers_are_relu_and_the_last_is_linear_by_default():
    model = MLP(2, [3, 3, 2], rng=0)
    assert [layer.neurons[0].activation.__name__ for layer in model.layers] == [
        "relu",
        "relu",
        "linear",
    ]
    (score, _) = model([0.5, -0.5])
    assert score.gate.name == "add"  # the bias is added last; no nonlinearity after it


def test_each_neuron_forward_pass_is_one_composite_named_after_the_neuron():
    model = MLP(2, [2, 1], rng=0)
    x = [Value(1.0, "x1"), Value(-1.0, "x2")]
    (score,) = model(x)
    assert score.scope.name == "L2.N1"
    gates = [node for node in topological_order(score) if not node.is_leaf]
    assert {node.scope.name for node in gates} == {"L1.N1", "L1.N2", "L2.N1"}
    # Every gate of one neuron shares one Composite object, so a picture can collapse it.
    assert len({id(node.scope) for node in gates}) == 3
    assert all(p.scope is None for p in [*x, *model.parameters()])


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1], rng=0)
    model([1.0, 2.0])[0].backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_a_seed_reproduces_the_network():
    first = [p.data for p in MLP(2, [4, 1], rng=5).parameters()]
    assert first == [p.data for p in MLP(2, [4, 1], rng=5).parameters()]
    assert first != [p.data for p in MLP(2, [4, 1], rng=6).parameters()]


@pytest.mark.parametrize("seed", [3, np.random.default_rng(3)])
def test_rng_is_a_seed_or_a_generator_used_as_it_is(seed):
    # He for one neuron of 2 inputs: N(0, 2/2), the first two normals of the seed-3 stream.
    expected = np.random.default_rng(3).normal(0.0, 1.0, size=2)
    assert [w.data for w in Neuron(2, rng=seed).w] == expected.tolist()


def test_layer_outputs_match_calling_the_model():
    model = MLP(2, [3, 2], activation="tanh", rng=0)
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    outputs = model.layer_outputs(X)
    assert [o.shape for o in outputs] == [(2, 3), (2, 2)]
    for row, last in zip(X, outputs[-1], strict=True):
        assert last.tolist() == [v.data for v in model(row)]


# --- activations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "z", "expected"),
    [
        ("linear", -1.5, -1.5),
        ("sigmoid", 0.0, 0.5),
        ("sigmoid", 2.0, 1 / (1 + math.exp(-2.0))),
        ("tanh", 0.5, math.tanh(0.5)),
        ("relu", -2.0, 0.0),
        ("relu", 2.0, 2.0),
        ("leaky_relu", -2.0, -0.02),
        ("leaky_relu", 3.0, 3.0),
        ("elu", -1.0, math.exp(-1.0) - 1),
        ("elu", 2.0, 2.0),
        ("elu", 1000.0, 1000.0),  # exp only ever sees z ≤ 0: no overflow
    ],
)
def test_activation_values(name, z, expected):
    assert ACTIVATIONS[name](Value(z)).data == pytest.approx(expected)


@pytest.mark.parametrize(
    ("z", "value", "slope"),
    [
        (math.inf, math.inf, 1.0),  # not inf - inf = nan
        (1.0, 1.0, 1.0),
        (0.0, 0.0, 1.0),  # exp(z) - 1 has slope e^0 = 1 at 0, as z does: no kink
        (-1.0, math.expm1(-1.0), math.exp(-1.0)),
        (-math.inf, -1.0, 0.0),
    ],
)
def test_elu_values_and_slopes_up_to_infinity(z, value, slope):
    leaf = Value(z)
    out = elu(leaf)
    out.backward()
    assert out.data == value
    assert leaf.grad == pytest.approx(slope, rel=1e-15)


def test_elu_of_nan_is_nan():
    assert math.isnan(elu(Value(math.nan)).data)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("z", [-1.3, 0.7])
def test_activations_pass_a_numerical_gradient_check(name, z):
    assert_gradients_match(ACTIVATIONS[name], [z])


@pytest.mark.parametrize(("name", "slope"), [("leaky_relu", 0.01), ("elu", math.exp(-2.0))])
def test_negative_side_slopes(name, slope):
    z = Value(-2.0)
    ACTIVATIONS[name](z).backward()
    assert z.grad == pytest.approx(slope)


def test_a_function_can_be_an_activation():
    def square(z):
        return z * z

    assert Neuron(1, square, weights=[3.0])([2.0]).data == 36.0


# --- training ---------------------------------------------------------------------------------


def test_training_reduces_the_loss_on_a_tiny_dataset():
    X, y = make_moons(12, noise=0.05, rng=0)
    model = MLP(2, [8, 8, 1], rng=0)
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)

    def loss():
        return mean([hinge(model(x)[0], int(label)) for x, label in zip(X, y, strict=True)])

    before = loss().data
    for _ in range(40):
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()
    assert loss().data < 0.3 * before


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [Neuron(2, rng=0), Layer(2, 3, rng=0), MLP(2, [3, 1], rng=0)])
def test_an_input_of_the_wrong_length_is_a_value_error(module):
    with pytest.raises(ValueError, match="x has 3 entries, but this takes 2 inputs"):
        module([1.0, 2.0, 3.0])


@pytest.mark.parametrize("x", ["ab", 1.0, Value(1.0), None])
def test_an_input_that_is_not_a_list_is_a_type_error(x):
    with pytest.raises(TypeError, match="x must be a list of 2 numbers or Values"):
        MLP(2, [1], rng=0)(x)


@pytest.mark.parametrize("item", ["1", None, True, [1.0]])
def test_input_entries_must_be_numbers_or_values(item):
    with pytest.raises(TypeError, match="x must hold numbers or Values"):
        Layer(2, 1, rng=0)([1.0, item])


def test_unknown_activation_is_a_value_error_listing_the_choices():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*leaky_relu"):
        MLP(2, [3, 1], activation="swish")


def test_activation_that_is_not_a_name_or_function_is_a_type_error():
    with pytest.raises(TypeError, match="activation must be a name or a function"):
        get_activation(1)


def test_unknown_init_is_a_value_error():
    with pytest.raises(ValueError, match="unknown init 'gauss'"):
        Layer(2, 3, init="gauss")


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Neuron(0), ValueError, "nin must be at least 1"),
        (lambda: Neuron(2.5), TypeError, "nin must be a whole number"),
        (lambda: Layer(2, -1), ValueError, "nout must be at least 1"),
        (lambda: MLP("2", [1]), TypeError, "nin must be a whole number"),
        (lambda: MLP(2, []), ValueError, "sizes must list at least one layer"),
        (lambda: MLP(2, 16), TypeError, "sizes must be a list of layer sizes"),
        (lambda: MLP(2, "16"), TypeError, "sizes must be a list of layer sizes"),
        (lambda: MLP(2, [16, 0]), ValueError, "each layer size must be at least 1"),
        (lambda: Neuron(2, weights=[1.0]), ValueError, "weights has 1 entries, but this takes 2"),
        (lambda: Neuron(2, weights=5), TypeError, "weights must be a list of 2 numbers, got int"),
        (lambda: Neuron(1, weights="1"), TypeError, "weights must be a list of 1 numbers"),
        (lambda: Neuron(1, weights=["1"]), TypeError, "each weight must be a real number"),
        (lambda: Neuron(1, weights=[None]), TypeError, "each weight must be a real number"),
        (lambda: Neuron(2, bias="a"), TypeError, "bias must be a real number, got str 'a'"),
        (lambda: Neuron(2, bias=None), TypeError, "bias must be a real number"),
        (lambda: Neuron(2, name=3), TypeError, "name must be a string, got int 3"),
        (lambda: Layer(2, 2, name=None), TypeError, "name must be a string"),
    ],
)
def test_bad_arguments_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        # The hidden activation is checked although [1] has no hidden layer to use it.
        (lambda: MLP(2, [1], activation="foo"), ValueError, "unknown activation 'foo'"),
        (lambda: MLP(2, [1], output_activation=3), TypeError, "activation must be a name"),
        (lambda: MLP(2, [3, 1], init=None), TypeError, "init must be a name or a function"),
        # A neuron given its weights checks init and rng too, though it does not need them.
        (lambda: Neuron(2, init="foo", weights=[1, 2]), ValueError, "unknown init 'foo'"),
        (lambda: Neuron(2, rng="x", weights=[1, 2]), TypeError, "rng must be a numpy Generator"),
    ],
)
def test_every_choice_is_checked_up_front(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(
    ("rng", "error", "message"),
    [
        ("x", TypeError, "rng must be a numpy Generator, an int seed or None, got str 'x'"),
        (1.5, TypeError, "got float 1.5"),
        (True, TypeError, "got bool True"),
        (np.random.RandomState(0), TypeError, "got RandomState"),
        (-1, ValueError, r"rng \(a seed\) must be at least 0, got -1"),
    ],
)
@pytest.mark.parametrize(
    "make",
    [
        lambda rng: Neuron(2, rng=rng),
        lambda rng: Layer(2, 3, rng=rng),
        lambda rng: MLP(2, [1], rng=rng),
    ],
)
def test_a_bad_rng_is_named(make, rng, error, message):
    with pytest.raises(error, match=message):
        make(rng)


@pytest.mark.parametrize(
    ("X", "error", "message"),
    [
        ([1.0, 2.0], ValueError, r"X must have shape \(n_examples, 2\), got \(2,\)"),
        ([[1.0, 2.0], [3.0]], ValueError, r"X must have shape \(n_examples, 2\); its rows differ"),
        ([[1.0, None]], TypeError, "X must hold plain numbers"),  # not a silent nan
        ("ab", TypeError, "X must hold plain numbers"),
        ([[Value(1.0), Value(2.0)]], TypeError, "X must hold plain numbers"),
    ],
)
def test_layer_outputs_wants_rows_of_nin_numbers(X, error, message):
    with pytest.raises(error, match=message):
        MLP(2, [1], rng=0).layer_outputs(X)


def test_layer_outputs_of_no_examples_keeps_the_layer_widths():
    outputs = MLP(2, [3, 1], rng=0).layer_outputs(np.zeros((0, 2)))
    assert [o.shape for o in outputs] == [(0, 3), (0, 1)]


def test_train_moons_refuses_a_negative_epoch_count(tmp_path):
    example = Path(__file__).resolve().parent.parent / "examples" / "train_moons.py"
    run = subprocess.run(
        [sys.executable, str(example), "--quick", "--epochs", "-1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2  # argparse's usage error, not a traceback
    assert "--epochs and --batch-size must be at least 1" in run.stderr
