"""The lecture's loss minimisation, on a small linear classifier: four ways down the hill.

A linear classifier s = W·x + b scores 4 classes of 5-dimensional points (Gaussian
blobs); its loss is the mean multiclass SVM loss. Starting from the same weights
we compare:
  1. random search        try random weights, keep the best
  2. random local search  nudge the weights randomly, keep a nudge if it helps
  3. numerical gradient   step against a central-difference gradient (2 losses per weight)
  4. analytic gradient    step against the gradient from one backward pass

    python examples/gradient_descent.py
    python examples/gradient_descent.py --quick
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
from _example import example_parser

from autograd import Value
from autograd.check import numerical_grad, relative_error
from autograd.nn.datasets import make_blobs
from autograd.nn.losses import mean, multiclass_svm

N_CLASSES, N_FEATURES = 4, 5
N_PARAMS = N_CLASSES * N_FEATURES + N_CLASSES  # W row by row, then b
LEARNING_RATE = 0.01


def svm_loss(params: Sequence[Value], X: np.ndarray, y: np.ndarray) -> Value:
    """Mean multiclass SVM loss of the classifier whose W (row by row) and b are `params`."""
    rows = [params[c * N_FEATURES : (c + 1) * N_FEATURES] for c in range(N_CLASSES)]
    biases = params[N_CLASSES * N_FEATURES :]
    losses = []
    for x, label in zip(X.tolist(), y.tolist(), strict=True):
        scores = [
            sum((w * xi for w, xi in zip(row, x, strict=True)), bias)
            for row, bias in zip(rows, biases, strict=True)
        ]
        losses.append(multiclass_svm(scores, label))
    return mean(losses)


def loss_at(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """The loss for the weights `theta` (plain numbers)."""
    return svm_loss([Value(t) for t in theta], X, y).data


def analytic_gradient(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """d loss / d theta from one forward and one backward pass."""
    params = [Value(t) for t in theta]
    svm_loss(params, X, y).backward()
    return np.array([p.grad for p in params])


def numeric_gradient(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """d loss / d theta by central differences: two forward passes per weight."""
    return np.array(numerical_grad(lambda *params: svm_loss(params, X, y), theta, h=1e-5))


def random_search(
    theta: np.ndarray, X: np.ndarray, y: np.ndarray, tries: int, rng: np.random.Generator
) -> np.ndarray:
    """Draw whole new weight vectors at random; keep the best one seen."""
    best, best_loss = theta, loss_at(theta, X, y)
    for _ in range(tries):
        candidate = rng.normal(0.0, 0.1, size=N_PARAMS)
        candidate_loss = loss_at(candidate, X, y)
        if candidate_loss < best_loss:
            best, best_loss = candidate, candidate_loss
    return best


def random_local_search(
    theta: np.ndarray, X: np.ndarray, y: np.ndarray, tries: int, rng: np.random.Generator
) -> np.ndarray:
    """Try a small random step from where we are; take it only if the loss goes down."""
    best_loss = loss_at(theta, X, y)
    for _ in range(tries):
        candidate = theta + rng.normal(0.0, 0.01, size=N_PARAMS)
        candidate_loss = loss_at(candidate, X, y)
        if candidate_loss < best_loss:
            theta, best_loss = candidate, candidate_loss
    return theta


def gradient_descent(
    theta: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    steps: int,
    gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """Step against `gradient` (numerical or analytic) with a fixed learning rate."""
    for _ in range(steps):
        theta = theta - LEARNING_RATE * gradient(theta, X, y)
    return theta


def main(argv: list[str] | None = None) -> None:
    parser = example_parser(__doc__, "fewer steps, for `make demo`")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)  # --out is accepted; this one only prints, it saves nothing
    steps, tries, n_samples = (5, 25, 40) if args.quick else (30, 150, 100)

    rng = np.random.default_rng(args.seed)
    X, y = make_blobs(n_samples, N_CLASSES, N_FEATURES, rng=rng)
    start = rng.normal(0.0, 0.01, size=N_PARAMS)
    print(f"{N_CLASSES} classes, {N_FEATURES} features, {n_samples} points: {N_PARAMS} weights")
    print(f"loss at the start: {loss_at(start, X, y):.4f}")

    numeric, analytic = numeric_gradient(start, X, y), analytic_gradient(start, X, y)
    # A gradient that is exactly 0 meets rounding noise in the numerical one, and the
    # relative error of 0 against 1e-11 is 1; so judge only the gradients that are not ~0.
    sizeable = np.abs(numeric) > 1e-6
    worst = max(
        relative_error(a, n) for a, n in zip(analytic[sizeable], numeric[sizeable], strict=True)
    )
    print(
        f"gradient check at the start: largest relative error {worst:.1e}, "
        f"largest difference {np.max(np.abs(analytic - numeric)):.1e}"
    )

    methods = {
        f"random search ({tries} tries)": lambda: random_search(start, X, y, tries, rng),
        f"random local search ({tries} tries)": lambda: random_local_search(
            start, X, y, tries, rng
        ),
        f"numerical gradient ({steps} steps)": lambda: gradient_descent(
            start, X, y, steps, numeric_gradient
        ),
        f"analytic gradient ({steps} steps)": lambda: gradient_descent(
            start, X, y, steps, analytic_gradient
        ),
    }
    print(f"\n{'method':<36}{'final loss':>12}{'seconds':>10}")
    for name, run in methods.items():
        began = time.perf_counter()
        theta = run()
        seconds = time.perf_counter() - began
        print(f"{name:<36}{loss_at(theta, X, y):>12.4f}{seconds:>10.3f}")
    print("\nNotice: both gradients take the same steps to the same loss, but the numerical")
    print(f"one evaluates the loss twice per weight ({2 * N_PARAMS} times a step) where")
    print("backprop needs one forward and one backward pass. Random search hardly gets")
    print("anywhere, and local search, though it only keeps improvements, needs many more tries.")


if __name__ == "__main__":
    main()
