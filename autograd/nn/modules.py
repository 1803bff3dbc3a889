"""A tiny neural-net library on top of `Value`: neurons, layers and multi-layer perceptrons.

    model = MLP(2, [16, 16, 1], rng=0)       # relu hidden layers, a linear output
    (score,) = model([0.5, -1.0])            # a call always returns a list of Values

Everything is built from the engine's gates, so `score.backward()` fills `.grad`
of every weight. Parameters carry labels (`L1.N3.w2` is the weight on the
second input of the third neuron of the first layer, counting from 1; biases are
`L1.N3.b`), and each neuron's forward pass is one composite gate named after the
neuron, so a picture of a whole network can draw one gate per neuron.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ..composite import composite
from ..validate import count, is_real_number, pick, real_number, shown
from ..value import Value
from .init import Initializer, Seed, generator, get_init, weight_matrix

Activation = Callable[[Value], Value]
Input = Value | float


# --- activations: each built from the engine's gates ------------------------------------------


def linear(z: Value) -> Value:
    """No nonlinearity: the output layer of a classifier or regressor."""
    return z


def sigmoid(z: Value) -> Value:
    return z.sigmoid()


def tanh(z: Value) -> Value:
    return z.tanh()


def relu(z: Value) -> Value:
    return z.relu()


def leaky_relu(z: Value) -> Value:
    """max(z, 0.01·z): negative inputs keep a small slope, so the neuron cannot die.

    At exactly z = 0 the max gate splits the gradient (0.5 + 0.5·0.01).
    """
    with composite("leaky relu"):
        return z.max(z * 0.01)


def elu(z: Value) -> Value:
    """z for z > 0, exp(z) - 1 otherwise: like relu, but smooth at 0 (slope 1 from both sides).

    The branch is chosen by the number, as in the logistic loss, so exp never sees
    a positive argument (no overflow) and elu(inf) = inf, elu(-inf) = -1. (A single
    formula such as relu(z) + exp(z - relu(z)) - 1 would give inf - inf = nan at inf.)
    """
    if z > 0.0:  # a comparison of Values, so that autograd.trace can guard it
        return z
    with composite("elu"):
        return z.exp() - 1.0


ACTIVATIONS: dict[str, Activation] = {
    "linear": linear,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
}


def get_activation(activation: str | Activation) -> Activation:
    """The activation named `activation` (a key of ACTIVATIONS), or the function itself."""
    return pick(activation, ACTIVATIONS, "activation")


def _name_of(activation: Activation) -> str:
    return getattr(activation, "__name__", repr(activation))


# --- checking what callers pass in ------------------------------------------------------------


def _entries(x: object, n: int, what: str, kind: str) -> list[Any]:
    """`x` as a list of n entries (not yet checked); a clear error naming `what` otherwise."""
    if isinstance(x, (str, bytes, Value)) or not isinstance(x, Iterable):
        raise TypeError(f"{what} must be a list of {n} {kind}, got {type(x).__name__} {shown(x)}")
    entries = list(x)
    if len(entries) != n:
        raise ValueError(f"{what} has {len(entries)} entries, but this takes {n} inputs")
    return entries


def _check_inputs(x: Iterable[Input], nin: int) -> Sequence[Input]:
    """`x` as a sequence of nin numbers or Values; a clear error otherwise."""
    entries = _entries(x, nin, "x", "numbers or Values")
    for item in entries:
        if not (isinstance(item, Value) or is_real_number(item)):
            kind = type(item).__name__
            raise TypeError(f"x must hold numbers or Values, got {kind} {shown(item)}")
    return entries


def _check_weights(weights: object, nin: int) -> list[float]:
    """`weights` as nin floats; a clear error otherwise."""
    return [real_number(w, "each weight") for w in _entries(weights, nin, "weights", "numbers")]


def _check_sizes(sizes: object) -> list[int]:
    """The layer sizes of an MLP, such as [16, 16, 1]; a clear error otherwise."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        kind = type(sizes).__name__
        raise TypeError(f"sizes must be a list of layer sizes, got {kind} {shown(sizes)}")
    if not sizes:
        raise ValueError("sizes must list at least one layer (the output layer)")
    return [count(size, "each layer size") for size in sizes]


def _check_name(name: object) -> str:
    """A label prefix such as "L1.N3"; "" for none."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__} {shown(name)}")
    return name


def _check_rows(X: object, nin: int) -> np.ndarray:
    """`X` as a float array of shape (n_examples, nin); a clear error otherwise."""
    try:
        rows = np.asarray(X)
    except ValueError:  # rows of different lengths
        raise ValueError(f"X must have shape (n_examples, {nin}); its rows differ") from None
    if rows.dtype.kind not in "iuf":  # not bools, strings, None or Values
        raise TypeError(f"X must hold plain numbers, got {shown(X)}")
    if rows.ndim != 2 or rows.shape[1] != nin:
        raise ValueError(f"X must have shape (n_examples, {nin}), got {rows.shape}")
    return rows.astype(float)


# --- modules ----------------------------------------------------------------------------------


class Module:
    """Anything with parameters: the optimizer updates them, zero_grad() clears their gradients."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        """Backward adds to `.grad`, so clear it before each new backward pass."""
        for parameter in self.parameters():
            parameter.grad = 0.0


class Neuron(Module):
    """activation(w1·x1 + ... + wn·xn + b): the lecture's model of one neuron.

    The weights come from `init` (a name in `autograd.nn.init.INITS` or a function of
    (fan_in, fan_out, rng); a lone neuron is a layer of one, fan_out = 1), drawn
    with `rng` (a numpy Generator, an int seed or None), unless given explicitly
    as `weights`; the bias starts at `bias`. `name` prefixes the
    parameter labels (`L1.N3` gives `L1.N3.w1`, ...) and names the composite gate
    of the forward pass ("neuron" when there is no name).
    """

    def __init__(
        self,
        nin: int,
        activation: str | Activation = "relu",
        init: str | Initializer = "he",
        rng: Seed = None,
        *,
        weights: Sequence[float] | None = None,
        bias: float = 0.0,
        name: str = "",
    ) -> None:
        self.nin = count(nin, "nin")
        self.activation = get_activation(activation)
        init, rng = get_init(init), generator(rng)  # checked even when weights are given
        bias = real_number(bias, "bias")
        name = _check_name(name)
        if weights is None:
            weights = weight_matrix(init, self.nin, 1, rng)[0]
        weights = _check_weights(weights, self.nin)
        prefix = f"{name}." if name else ""
        self.w = [Value(wi, f"{prefix}w{i}") for i, wi in enumerate(weights, start=1)]
        self.b = Value(bias, f"{prefix}b")
        self.name = name or "neuron"

    def __call__(self, x: Iterable[Input]) -> Value:
        """The neuron's output for the inputs `x` (nin numbers or Values)."""
        return self._forward(_check_inputs(x, self.nin))

    def _forward(self, x: Sequence[Input]) -> Value:
        with composite(self.name):
            w = self.w
            z = w[0] * x[0]
            for i in range(1, self.nin):
                z = z + w[i] * x[i]
            return self.activation(z + self.b)

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, {_name_of(self.activation)})"


class Layer(Module):
    """`nout` neurons that all read the same `nin` inputs.

    A call always returns a list of nout Values, also when nout is 1. The weight
    matrix is drawn at once, so `init` sees the layer's real fan_out.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | Activation = "relu",
        init: str | Initializer = "he",
        rng: Seed = None,
        *,
        name: str = "",
    ) -> None:
        self.nin = count(nin, "nin")
        nout = count(nout, "nout")
        activation = get_activation(activation)
        name = _check_name(name)
        weights = weight_matrix(init, self.nin, nout, rng)  # checks init and rng
        prefix = f"{name}." if name else ""
        self.neurons = [
            Neuron(self.nin, activation, weights=row, name=f"{prefix}N{j}")
            for j, row in enumerate(weights, start=1)
        ]

    def __call__(self, x: Iterable[Input]) -> list[Value]:
        x = _check_inputs(x, self.nin)
        return [neuron._forward(x) for neuron in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self) -> str:
        activation = _name_of(self.neurons[0].activation)
        return f"Layer({self.nin}, {len(self.neurons)}, {activation})"


class MLP(Module):
    """A multi-layer perceptron: `MLP(2, [16, 16, 1])` maps 2 inputs through two hidden
    layers of 16 to one output.

    Hidden layers use `activation`, the last layer `output_activation` (linear by
    default, so the output is a raw score). Layers are named L1, L2, ...; a call
    returns the last layer's list of Values. One `rng` (a numpy Generator, an int
    seed or None) draws all the weights, layer after layer: a seed gives the same network.
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str | Activation = "relu",
        output_activation: str | Activation = "linear",
        init: str | Initializer = "he",
        rng: Seed = None,
    ) -> None:
        nin = count(nin, "nin")
        sizes = _check_sizes(sizes)
        # Everything is checked before the first layer is built: a typo in the hidden
        # activation is an error even for a network without hidden layers.
        hidden, output = get_activation(activation), get_activation(output_activation)
        init, rng = get_init(init), generator(rng)
        fan_ins = [nin, *sizes[:-1]]
        last = len(sizes) - 1
        self.layers = [
            Layer(fan_in, size, output if k == last else hidden, init, rng, name=f"L{k + 1}")
            for k, (fan_in, size) in enumerate(zip(fan_ins, sizes, strict=True))
        ]

    def __call__(self, x: Iterable[Input]) -> list[Value]:
        outputs = self.layers[0](x)
        for layer in self.layers[1:]:
            outputs = layer(outputs)
        return outputs

    def layer_outputs(self, X: np.ndarray | Sequence[Sequence[float]]) -> list[np.ndarray]:
        """Every layer's outputs for a batch of inputs: numbers in, numbers out.

        `X` has one row of nin numbers per example; the result has one array of
        shape (len(X), layer size) per layer. Each layer is fed plain numbers, so
        the graph of one layer is freed before the next is built: this is for
        looking inside a network (activation statistics, a decision boundary),
        not for training.
        """
        rows = _check_rows(X, self.layers[0].nin).tolist()
        outputs = []
        for layer in self.layers:
            rows = [[out.data for out in layer(row)] for row in rows]
            outputs.append(np.array(rows).reshape(len(rows), len(layer.neurons)))
        return outputs

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(map(repr, self.layers))}]"
