"""Train MLP(2, [8, 8, 1]) on 100 two-moons points with the scalar engine.

The loss is the max-margin (hinge) loss averaged over the batch plus a small L2
penalty on the weights; plain SGD with a learning rate that decays from 1.0 to 0.1.
Saves the decision boundary and the loss curve to out/, and the whole run as one
page, out/moons_training.html (`viz.Timeline`): after every epoch, the loss of one
training point drawn with one gate per neuron (each weight's value and gradient on
its wire), the epoch's loss and accuracy, and the decision boundary.

    python examples/train_moons.py            # 100 epochs, 10 to 15 seconds
    python examples/train_moons.py --quick    # 20 epochs, for `make demo`
    python examples/train_moons.py --tape     # the same training, each batch replayed on a tape

With --tape, the loss of one example is traced once (`autograd.trace`) and each
batch is one replay of that graph over the batch's rows: the same numbers to
rounding, computed by numpy a whole column of examples at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt
import numpy as np
from _example import example_parser, output_folder
from tqdm import tqdm

import viz
from autograd import Value, trace
from autograd.nn import MLP
from autograd.nn.datasets import make_moons
from autograd.nn.losses import hinge, l2_penalty, mean
from autograd.nn.optim import SGD, minibatches

L2_STRENGTH = 1e-4


def batch_loss(model: MLP, X: np.ndarray, y: np.ndarray) -> tuple[Value, float]:
    """Mean hinge loss + L2 penalty over the batch, and the batch's accuracy."""
    scores = [model(x)[0] for x in X]
    data_loss = mean([hinge(score, int(label)) for score, label in zip(scores, y, strict=True)])
    loss = data_loss + L2_STRENGTH * l2_penalty(model.parameters())
    correct = sum((score.data > 0) == (label > 0) for score, label in zip(scores, y, strict=True))
    return loss, correct / len(y)


# One training step's work before the optimizer moves: the batch's loss and accuracy,
# and the loss's gradient added into every parameter's .grad.
Step = Callable[[np.ndarray, np.ndarray], tuple[float, float]]


def scalar_step(model: MLP) -> Step:
    """The step on the scalar engine: one graph per example, one backward pass."""

    def step(X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        loss, accuracy = batch_loss(model, X, y)
        loss.backward()
        return loss.data, accuracy

    return step


def tape_step(model: MLP) -> Step:
    """The same step on tapes: one example's graph recorded once, replayed over each batch."""

    def example_loss(x1: Value, x2: Value, label: Value) -> Value:
        (score,) = model([x1, x2])
        return (1.0 - label * score).max(0.0)  # hinge(score, label), with the label a Value

    def example_score(x1: Value, x2: Value) -> Value:
        return model([x1, x2])[0]

    losses_tape = trace(example_loss, [0.0, 0.0, 1.0])
    scores_tape = trace(example_score, [0.0, 0.0])

    def step(X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        # output_grad 1/len(y): the gradient of the mean loss, not of the sum
        losses = losses_tape.backward(np.column_stack([X, y]), output_grad=1.0 / len(y))
        penalty = L2_STRENGTH * l2_penalty(model.parameters())  # one small scalar graph
        penalty.backward()
        correct = np.sum((scores_tape(X) > 0) == (y > 0))
        return float(losses.mean()) + penalty.data, correct / len(y)

    return step


def train(
    model: MLP,
    X: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int,
    seed: int,
    after_epoch: Callable[[float, float], None] | None = None,
    step: Step | None = None,
) -> tuple[list[float], list[float], float]:
    """SGD with a linearly decaying learning rate.

    Returns the loss and accuracy of each epoch (averaged over its batches, measured
    before each step) and the seconds one epoch's training took on average.
    `after_epoch(loss, accuracy)` is called at the end of every epoch (not timed).
    `step` computes each batch's loss and gradients (the scalar engine's by default).
    """
    step = step or scalar_step(model)
    optimizer = SGD(model.parameters(), lr=1.0)
    rng = np.random.default_rng(seed)
    losses, accuracies = [], []
    start = time.perf_counter()
    progress = tqdm(range(epochs), desc="training", unit="epoch")
    for epoch in progress:
        optimizer.lr = 1.0 - 0.9 * epoch / epochs
        epoch_loss = epoch_correct = 0.0
        for batch in minibatches(len(X), batch_size, rng):
            optimizer.zero_grad()
            loss, accuracy = step(X[batch], y[batch])
            optimizer.step()
            epoch_loss += loss * len(batch) / len(X)
            epoch_correct += accuracy * len(batch)
        losses.append(epoch_loss)
        accuracies.append(epoch_correct / len(X))
        if after_epoch is not None:
            paused = time.perf_counter()
            after_epoch(epoch_loss, accuracies[-1])
            start += time.perf_counter() - paused
        progress.set_postfix(loss=f"{epoch_loss:.4f}", accuracy=f"{accuracies[-1]:.0%}")
    return losses, accuracies, (time.perf_counter() - start) / epochs


def extent(X: np.ndarray) -> tuple[float, float, float, float]:
    """The part of the plane the pictures show: the points with half a unit around them."""
    return (X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, X[:, 1].min() - 0.5, X[:, 1].max() + 0.5)


def grid_scores(
    model: MLP, X: np.ndarray, resolution: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model's score on a resolution x resolution grid over `extent(X)`, smallest y first."""
    x0, x1, y0, y1 = extent(X)
    grid_x, grid_y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    # Plain numbers in, so no gradient bookkeeping is needed beyond the forward pass.
    scores = np.array(
        [model([px, py])[0].data for px, py in zip(grid_x.ravel(), grid_y.ravel(), strict=True)]
    )
    return grid_x, grid_y, scores.reshape(grid_x.shape)


def plot_boundary(model: MLP, X: np.ndarray, y: np.ndarray, path: Path, resolution: int) -> None:
    """Colour the plane by the sign of the model's score, with the training points on top."""
    grid_x, grid_y, scores = grid_scores(model, X, resolution)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.contourf(grid_x, grid_y, scores > 0, alpha=0.35, cmap="coolwarm")
    ax.scatter(X[:, 0], X[:, 1], c=y, s=25, cmap="coolwarm", edgecolors="k", linewidths=0.5)
    ax.set_title("MLP(2, [8, 8, 1]) decision boundary")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_curve(losses: Sequence[float], accuracies: Sequence[float], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(losses, label="loss (hinge + L2)")
    ax.plot(accuracies, label="training accuracy")
    ax.set_xlabel("epoch")
    ax.set_ylim(bottom=0)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def recorder(
    model: MLP, X: np.ndarray, y: np.ndarray, timeline: viz.Timeline, resolution: int
) -> Callable[[float, float], None]:
    """What to record after each epoch: the loss of one training point (the probe, the
    same graph every time), the epoch's loss and accuracy, and the decision boundary.

    The probe is the point nearest to where the moons interlock, so it stays near the
    margin, and so keeps sending gradients back, for longer than most points.
    """
    probe_at = int(np.argmin(np.linalg.norm(X - np.array([0.5, 0.25]), axis=1)))

    def record(loss: float, accuracy: float) -> None:
        probe = hinge(model(X[probe_at])[0], int(y[probe_at]))
        probe.label = "loss"
        scores = grid_scores(model, X, resolution)[2][::-1]  # the page draws the top row first
        plane = viz.Plane(scores, extent(X), points=X, labels=y)
        timeline.add(probe, plane=plane, loss=loss, accuracy=accuracy)

    return record


def main(argv: list[str] | None = None) -> None:
    parser = example_parser(__doc__, "fewer epochs, coarser picture")
    parser.add_argument("--epochs", type=int, help="default 100 (20 with --quick)")
    parser.add_argument("--batch-size", type=int, default=100, help="100 = the whole dataset")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument(
        "--tape", action="store_true", help="train on a tape replayed over each batch"
    )
    args = parser.parse_args(argv)
    epochs = args.epochs if args.epochs is not None else (20 if args.quick else 100)
    if epochs < 1 or args.batch_size < 1:
        parser.error("--epochs and --batch-size must be at least 1")

    X, y = make_moons(100, noise=0.1, rng=args.seed)
    model = MLP(2, [8, 8, 1], rng=args.seed)
    print(f"{model}: {len(model.parameters())} parameters")
    timeline = viz.Timeline(groups="collapse")
    record = recorder(model, X, y, timeline, resolution=16 if args.quick else 24)
    step = tape_step(model) if args.tape else scalar_step(model)
    losses, accuracies, seconds = train(
        model, X, y, epochs, args.batch_size, args.seed, record, step
    )

    out = output_folder(args)
    page = timeline.save(out / "moons_training.html")
    plot_boundary(model, X, y, out / "moons_boundary.png", resolution=15 if args.quick else 60)
    plot_curve(losses, accuracies, out / "moons_loss.png")
    print(
        f"one epoch took {seconds:.3f} s; final loss {losses[-1]:.4f}, "
        f"training accuracy {accuracies[-1]:.0%}"
    )
    print(f"wrote {out / 'moons_boundary.png'}, {out / 'moons_loss.png'} and {page}")
    if args.quick:
        print("(--quick stops early; the full 100 epochs reach 100% training accuracy)")
    print("Notice: the boundary curls between the moons, which no line could do; the hidden")
    print("relu layers bend the plane. The loss falls fast, then slowly as only a few points")
    print("still sit inside the margin. In the page, step through the epochs: the probe point's")
    print("gradients fade (faint wires) once it sits beyond the margin, and relus that are off")
    print("(dotted blue) pass nothing back to the weights before them.")


if __name__ == "__main__":
    main()
