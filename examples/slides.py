"""The lecture's slide pictures: f = (x+y)z and the sigmoid circuit, three ways.

    python examples/slides.py            # writes out/fxyz.png, out/sigmoid_*.png

`--quick` is accepted (make demo passes it to every example); this one is quick anyway.
"""

from __future__ import annotations

from _example import example_parser, output_folder

import viz
from autograd import Value, composite


def fxyz() -> Value:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f


def neuron_inputs() -> tuple[Value, ...]:
    return (
        Value(2.0, "w0"), Value(-1.0, "x0"), Value(-3.0, "w1"), Value(-2.0, "x1"),
        Value(-3.0, "w2"),
    )  # fmt: skip


def sigmoid_expanded(boxed: bool = False) -> Value:
    """f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))), one gate at a time: *-1, exp, +1, 1/x."""
    w0, x0, w1, x1, w2 = neuron_inputs()
    z = w0 * x0 + w1 * x1 + w2
    if boxed:
        with composite("sigmoid"):
            f = (1 + (-z).exp()).reciprocal()
    else:
        f = (1 + (-z).exp()).reciprocal()
    f.label = "f"
    return f


def sigmoid_gate() -> Value:
    """The same circuit with one σ gate, whose local gradient is σ(1 - σ)."""
    w0, x0, w1, x1, w2 = neuron_inputs()
    f = (w0 * x0 + w1 * x1 + w2).sigmoid()
    f.label = "f"
    return f


def main(argv: list[str] | None = None) -> None:
    args = example_parser(__doc__, "accepted for make demo").parse_args(argv)
    out = output_folder(args)

    pictures = {
        "fxyz.png": fxyz(),
        "sigmoid_expanded.png": sigmoid_expanded(),
        "sigmoid_gate.png": sigmoid_gate(),
        "sigmoid_boxed.png": sigmoid_expanded(boxed=True),
    }
    for name, f in pictures.items():
        f.backward()
        print(viz.render(f, out / name))
    before = fxyz()  # drawn before backward(): green only, and the picture says why
    print(viz.render(before, out / "fxyz_forward.png"))


if __name__ == "__main__":
    main()
