"""Gradients of gradients: Newton's method next to gradient descent, and the backward pass drawn.

    python examples/higher_order.py    # writes out/newton_vs_gd.png, out/dsigmoid.png,
                                       # out/dsigmoid_by_hand.png

1. Newton's method needs the second derivative: x <- x - f'(x) / f''(x). With
   `grad(f, [x], create_graph=True)` the first derivative is itself a graph of
   gates, so `grad` of it gives f''. On f(x) = e^x - 3x (minimum at x = ln 3)
   Newton's error squares at every step, while gradient descent's shrinks by
   a constant factor.
2. The derivative of σ(x) as a graph: the forward gate σ unboxed, the gates of
   its backward pass in a box named `∂sigmoid`. backward() through that graph
   gives the second derivative, σ''(x), in red on x. Once more with σ written
   out as 1 / (1 + exp(-x)): the backward pass mirrors the forward graph, one
   box per gate (+1 makes none: its local derivative is 1).
`--quick` is accepted (make demo passes it to every example); this one is quick anyway.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt
from _example import example_parser, output_folder

import viz
from autograd import Value, grad

START = 0.0
LEARNING_RATE = 0.1
STEPS = 12
MINIMUM = math.log(3.0)


def f(x: Value) -> Value:
    """e^x - 3x: convex, with its minimum at x = ln 3 ≈ 1.0986."""
    return x.exp() - 3 * x


def newton_steps(start: float, steps: int) -> list[float]:
    """x <- x - f'(x) / f''(x), both derivatives from grad(); it stops once x stops moving
    (beyond that only rounding is left to change)."""
    xs = [start]
    for _ in range(steps):
        x = Value(xs[-1], "x")
        (slope,) = grad(f(x), [x], create_graph=True)
        (curvature,) = grad(slope, [x])
        step = slope.data / curvature.data
        if abs(step) <= 1e-15 * abs(xs[-1]):
            break
        xs.append(xs[-1] - step)
    return xs


def gradient_descent_steps(start: float, steps: int, learning_rate: float) -> list[float]:
    """x <- x - learning_rate * f'(x)."""
    xs = [start]
    for _ in range(steps):
        x = Value(xs[-1], "x")
        (slope,) = grad(f(x), [x])
        xs.append(xs[-1] - learning_rate * slope.data)
    return xs


def plot_trajectories(newton: list[float], descent: list[float], path: Path) -> Path:
    """Left: both paths on the curve f. Right: the distance to the minimum, step by step."""
    fig, (curve, errors) = plt.subplots(1, 2, figsize=(10, 4))
    grid = [-0.5 + 2.5 * i / 200 for i in range(201)]
    curve.plot(grid, [f(Value(x)).data for x in grid], color="0.6", label="f(x) = e^x - 3x")
    for xs, style, name in ((descent, "o-", "gradient descent"), (newton, "s-", "Newton")):
        curve.plot(xs, [f(Value(x)).data for x in xs], style, markersize=4, label=name)
    curve.set_xlabel("x")
    curve.set_title("the steps on f")
    curve.legend()
    for xs, style, name in ((descent, "o-", "gradient descent"), (newton, "s-", "Newton")):
        distances = [abs(x - MINIMUM) for x in xs]  # an exact 0 is drawn at 1e-17: no log of 0
        errors.semilogy(range(len(xs)), [max(d, 1e-17) for d in distances], style, label=name)
    errors.set_xlabel("step")
    errors.set_ylabel("|x - ln 3|")
    errors.set_title("distance to the minimum")
    errors.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def derivative_picture(build: Callable[[Value], Value], path: Path) -> tuple[Path, float]:
    """Draw d build(x) / dx at x = 0.7 as a graph, with backward() run through it."""
    x = Value(0.7, "x")
    out = build(x)
    out.label = "f"
    (dfdx,) = grad(out, [x], create_graph=True)
    dfdx.label = "df/dx"
    dfdx.backward()  # x.grad is now the second derivative
    return viz.render(dfdx, path), x.grad


def sigmoid_by_hand(x: Value) -> Value:
    return (1 + (-x).exp()).reciprocal()


def main(argv: list[str] | None = None) -> None:
    args = example_parser(__doc__, "accepted for make demo").parse_args(argv)
    out = output_folder(args)

    newton = newton_steps(START, STEPS)
    descent = gradient_descent_steps(START, STEPS, LEARNING_RATE)
    print(plot_trajectories(newton, descent, out / "newton_vs_gd.png"))
    print(f"from x = {START}, towards the minimum at ln 3 = {MINIMUM:.15f}:")
    print(f"  Newton            x = {newton[-1]:.15f} (settled after {len(newton) - 1} steps)")
    print(f"  gradient descent  x = {descent[-1]:.15f} ({STEPS} steps, rate {LEARNING_RATE})")

    path, second = derivative_picture(lambda x: x.sigmoid(), out / "dsigmoid.png")
    print(path)
    s = 1 / (1 + math.exp(-0.7))
    print(f"σ''(0.7) by backward through the drawn graph: {second:.6f}")
    print(f"σ''(0.7) = σ(1-σ)(1-2σ) by hand:               {s * (1 - s) * (1 - 2 * s):.6f}")
    print(derivative_picture(sigmoid_by_hand, out / "dsigmoid_by_hand.png")[0])


if __name__ == "__main__":
    main()
