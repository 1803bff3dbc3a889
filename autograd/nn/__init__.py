"""Small neural nets on the engine: modules (neurons, layers, MLPs), init, losses, optim, datasets.

    from autograd.nn import MLP
    from autograd.nn.losses import hinge
    model = MLP(2, [16, 16, 1], rng=0)
"""

from . import datasets, init, losses, optim
from .modules import (
    ACTIVATIONS,
    MLP,
    Activation,
    Input,
    Layer,
    Module,
    Neuron,
    elu,
    get_activation,
    leaky_relu,
    linear,
    relu,
    sigmoid,
    tanh,
)

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "Activation",
    "Input",
    "Layer",
    "Module",
    "Neuron",
    "datasets",
    "elu",
    "get_activation",
    "init",
    "leaky_relu",
    "linear",
    "losses",
    "optim",
    "relu",
    "sigmoid",
    "tanh",
]
