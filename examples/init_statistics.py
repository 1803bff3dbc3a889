"""The lecture's initialization experiment: what happens to activations in a deep net.

Unit-Gaussian data goes through 10 layers of 50 neurons, all with the same
nonlinearity, for each initialization (small random, Xavier, He) and each
nonlinearity (tanh, relu). For every layer we print the mean and the standard
deviation of its activations and plot their histograms.

    python examples/init_statistics.py            # 10 layers x 50 units x 50 samples, ~10 s
    python examples/init_statistics.py --quick    # 5 layers x 20 units x 20 samples
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt
import numpy as np
from _example import example_parser, output_folder

from autograd.nn import MLP

INITS = ("small_random", "xavier", "he")
ACTIVATIONS = ("tanh", "relu")


def layer_activations(
    init: str, activation: str, layers: int, units: int, samples: int, seed: int
) -> list[np.ndarray]:
    """Each layer's activations for unit-Gaussian inputs, one array (samples, units) per layer."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(samples, units))
    model = MLP(units, [units] * layers, activation, activation, init, rng)
    return model.layer_outputs(X)


def print_table(results: dict[tuple[str, str], list[np.ndarray]]) -> None:
    names = [f"{init} {activation}" for init, activation in results]
    print("layer " + "".join(f"{name:>22}" for name in names))
    print("      " + "".join(f"{'mean':>12}{'std':>10}" for _ in names))
    n_layers = len(next(iter(results.values())))
    for k in range(n_layers):
        cells = "".join(f"{a[k].mean():>12.2e}{a[k].std():>10.2e}" for a in results.values())
        print(f"{k + 1:>5} {cells}")


def plot_histograms(results: dict[tuple[str, str], list[np.ndarray]], path: Path) -> None:
    """One row per (init, activation), one column per layer, as on the lecture slides.

    A row shares its bins, so a distribution that collapses to 0 shows as one spike.
    """
    n_layers = len(next(iter(results.values())))
    fig, axes = plt.subplots(
        len(results), n_layers, figsize=(1.8 * n_layers, 1.6 * len(results)),
        squeeze=False,
    )
    for row, ((init, activation), per_layer) in zip(axes, results.items(), strict=True):
        row[0].set_ylabel(f"{init}\n{activation}", fontsize=8)
        everything = np.concatenate([acts.ravel() for acts in per_layer])
        bins = np.linspace(everything.min(), everything.max(), 31)
        for k, (ax, acts) in enumerate(zip(row, per_layer, strict=True)):
            ax.hist(acts.ravel(), bins=bins, color="tab:blue")
            ax.set_title(f"layer {k + 1}: std {acts.std():.2g}", fontsize=7)
            ax.tick_params(labelsize=6)
            ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_std(results: dict[tuple[str, str], list[np.ndarray]], path: Path) -> None:
    """Std per layer on a log scale: a flat line means the signal survives the depth."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for (init, activation), per_layer in results.items():
        stds = [acts.std() for acts in per_layer]
        ax.semilogy(range(1, len(stds) + 1), stds, marker="o", label=f"{init}, {activation}")
    ax.set_xlabel("layer")
    ax.set_ylabel("std of activations")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = example_parser(__doc__, "a smaller network, for `make demo`")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    layers, units, samples = (5, 20, 20) if args.quick else (10, 50, 50)

    results = {
        (init, activation): layer_activations(init, activation, layers, units, samples, args.seed)
        for activation in ACTIVATIONS
        for init in INITS
    }
    print(f"{layers} layers x {units} units, {samples} unit-Gaussian samples")
    print_table(results)

    out = output_folder(args)
    plot_histograms(results, out / "init_histograms.png")
    plot_std(results, out / "init_std_per_layer.png")
    print(f"wrote {out / 'init_histograms.png'} and {out / 'init_std_per_layer.png'}")
    print()
    for (init, activation), per_layer in results.items():
        first, last = per_layer[0].std(), per_layer[-1].std()
        print(f"{init:>12} {activation}: std layer 1 -> {layers}: {first:.3g} -> {last:.3g}")
    print("Notice: with small random weights every layer scales the signal down, so deep")
    print("activations (and the gradients on the weights, which are proportional to them)")
    print("vanish. Xavier keeps tanh layers alive, but relu zeroes half of each layer's")
    print("inputs, so with Xavier the variance still halves at every layer; He's factor 2")
    print("makes up for that and the relu std stays roughly constant.")


if __name__ == "__main__":
    main()
