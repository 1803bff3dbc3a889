"""Use the analytic gradient, check it with the numerical one.

Three reports from `autograd.check.gradcheck`, printed and saved to out/gradcheck.txt:
1. the lecture's sigmoid neuron passes (and keeps passing at random points);
2. a softplus gate registered with a sign slip in its derivative fails, and the
   report names the gate;
3. a graph cut by hand (a Value rebuilt from `.data`) fails as "disconnected".

    python examples/gradcheck.py            # the neuron at 200 random points
    python examples/gradcheck.py --quick    # at 10, for `make demo`
"""

from __future__ import annotations

import math
import random

from _example import example_parser, output_folder

from autograd import Gate, Value, register_gate
from autograd.check import gradcheck

LECTURE_POINT = [2.0, -1.0, -3.0, -2.0, -3.0]  # w0, x0, w1, x1, w2 from the slides


def neuron(w0: Value, x0: Value, w1: Value, x1: Value, w2: Value) -> Value:
    return (w0 * x0 + w1 * x1 + w2).sigmoid()


def _softplus_with_a_bug(x: float) -> tuple[float, float]:
    """log(1 + e^x) without overflow, and its derivative σ(x)... written with a slip."""
    out = math.log1p(math.exp(-abs(x))) + max(x, 0.0)
    return out, 1.0 / (1.0 + math.exp(x))  # should be e^-x in the denominator: σ(x), not σ(-x)


SOFTPLUS = register_gate(Gate("softplus", "softplus", 1, _softplus_with_a_bug))


def softplus_layer(w: Value, x: Value, b: Value) -> Value:
    return (w * x + b).apply(SOFTPLUS)


def squared_by_hand(a: Value, b: Value) -> Value:
    return Value(a.data**2) * b  # rebuilding from .data cuts a out of the graph


def main(argv: list[str] | None = None) -> None:
    args = example_parser(__doc__, "fewer random points").parse_args(argv)

    rng = random.Random(0)
    points = 10 if args.quick else 200
    random_points_pass = all(
        gradcheck(neuron, [rng.uniform(-3, 3) for _ in range(5)]).ok for _ in range(points)
    )
    sections = [
        ("1. the lecture's neuron at the slide's numbers", gradcheck(neuron, LECTURE_POINT)),
        ("2. a softplus gate with a wrong derivative", gradcheck(softplus_layer, [0.5, 2.0, 0.5])),
        ("3. a graph cut by hand", gradcheck(squared_by_hand, [1.5, 2.0])),
    ]
    text = "\n\n".join(f"== {title}\n{report}" for title, report in sections)
    text += f"\n\nThe neuron passes at {points} random points too: {random_points_pass}\n"
    print(text, end="")
    (output_folder(args) / "gradcheck.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
