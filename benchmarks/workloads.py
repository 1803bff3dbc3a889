"""The benchmark workloads, written once for any Value class with micrograd's interface.

An engine is passed in as its Value class; the code below only uses what both engines
offer: `Value(float)`, `+ - *` with Values and plain numbers, `relu()` and `backward()`.
So both engines build graphs of exactly the same operations.

A workload has two halves: `setup(Value)` makes the leaves (inputs, weights), which is
not timed, and returns `forward()`, which builds the graph and returns its root. The
benchmark times `forward()` and then `root.backward()`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

# The engines' Values have no common base class to name in a type hint.
AnyValue = Any
ValueClass = Callable[[float], AnyValue]
Forward = Callable[[], AnyValue]

NODES_PER_LINK = 3  # a link of the chain is three operations: *, + and relu
MLP_SIZES = (2, 16, 16, 1)


class Workload(NamedTuple):
    """A graph to build and backpropagate through, the same code for every engine."""

    name: str
    setup: Callable[[ValueClass], Forward]


# --- (a) a long chain ------------------------------------------------------------


def links_for(nodes: int) -> int:
    """How many links make a chain of at least `nodes` nodes."""
    return math.ceil(nodes / NODES_PER_LINK)


def chain(x: AnyValue, links: int) -> AnyValue:
    """Apply x -> (x*1.0001 + 0.5).relu() `links` times: as deep as a graph gets."""
    for _ in range(links):
        x = (x * 1.0001 + 0.5).relu()
    return x


def chain_workload(nodes: int) -> Workload:
    links = links_for(nodes)

    def setup(value_class: ValueClass) -> Forward:
        x = value_class(0.5)  # relu stays active all along, so every link passes gradient
        return lambda: chain(x, links)

    return Workload(f"(a) chain of (x*1.0001 + 0.5).relu(), {links:,} links", setup)


# --- (b) a wide sum ---------------------------------------------------------------


def dot_workload(products: int) -> Workload:
    """sum(a_i * b_i): a shallow, wide graph with many leaves."""
    rng = np.random.default_rng(0)
    a_data, b_data = rng.standard_normal((2, products)).tolist()

    def setup(value_class: ValueClass) -> Forward:
        a = [value_class(number) for number in a_data]
        b = [value_class(number) for number in b_data]
        return lambda: sum(x * y for x, y in zip(a, b, strict=True))

    return Workload(f"(b) sum of {products:,} products a_i*b_i", setup)


# --- (c) one training step of a small network ----------------------------------------

Neuron = tuple[list[AnyValue], AnyValue]  # (weights, bias)
Layer = list[Neuron]


def two_moons(points: int, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles in the plane, labelled +1 (upper) and -1 (lower)."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, math.pi, points)
    upper = np.arange(points) % 2 == 0
    x = np.where(upper, np.cos(angle), 1.0 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    xy = np.column_stack([x, y]) + rng.normal(0.0, noise, (points, 2))
    return xy, np.where(upper, 1.0, -1.0)


def make_mlp(value_class: ValueClass, sizes: tuple[int, ...], seed: int = 0) -> list[Layer]:
    """Fully connected layers with weights uniform in [-1, 1] and zero biases."""
    rng = np.random.default_rng(seed)
    layers = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        layer = [
            ([value_class(w) for w in rng.uniform(-1.0, 1.0, fan_in).tolist()], value_class(0.0))
            for _ in range(fan_out)
        ]
        layers.append(layer)
    return layers


def parameters(layers: list[Layer]) -> list[AnyValue]:
    return [p for layer in layers for weights, bias in layer for p in (*weights, bias)]


def mlp_score(layers: list[Layer], inputs: list[float]) -> AnyValue:
    """The network's single output: relu on the hidden layers, linear at the end."""
    activations: list[Any] = inputs
    for depth, layer in enumerate(layers):
        outputs = [
            sum((w * a for w, a in zip(weights, activations, strict=True)), bias)
            for weights, bias in layer
        ]
        is_hidden = depth < len(layers) - 1
        activations = [out.relu() for out in outputs] if is_hidden else outputs
    return activations[0]


def max_margin_loss(
    scores: list[AnyValue], labels: list[float], params: list[AnyValue]
) -> AnyValue:
    """mean(relu(1 - y*score)) + 1e-4 * sum(p*p): hinge loss with L2 regularisation."""
    margins = [(1 - y * score).relu() for score, y in zip(scores, labels, strict=True)]
    data_loss = sum(margins) * (1.0 / len(margins))
    return data_loss + 1e-4 * sum(p * p for p in params)


def mlp_workload(points: int) -> Workload:
    xy, labels = two_moons(points)
    inputs, targets = xy.tolist(), labels.tolist()

    def setup(value_class: ValueClass) -> Forward:
        layers = make_mlp(value_class, MLP_SIZES)
        params = parameters(layers)
        return lambda: max_margin_loss(
            [mlp_score(layers, point) for point in inputs], targets, params
        )

    sizes = ", ".join(map(str, MLP_SIZES[1:]))
    return Workload(f"(c) MLP({MLP_SIZES[0]}, [{sizes}]) step on {points} two-moons points", setup)
