"""From one neuron to a network, drawn: the lecture's sigmoid neuron and a small MLP.

    python examples/neuron.py      # writes out/neuron_expanded.png, out/neuron_collapsed.png,
                                   # out/mlp_collapsed.png

Every neuron's forward pass is a composite gate, so the same graph can be drawn
gate by gate (a box per neuron) or with one gate per neuron.
`--quick` is accepted (make demo passes it to every example); this one is quick anyway.
"""

from __future__ import annotations

from _example import example_parser, output_folder

import viz
from autograd import Value, composite
from autograd.nn import MLP, Neuron
from autograd.nn.losses import hinge


def sigmoid_by_hand(z: Value) -> Value:
    """σ(z) = 1 / (1 + exp(-z)) as the lecture first writes it: *-1, exp, +1, 1/x."""
    with composite("sigmoid"):
        return (1 + (-z).exp()).reciprocal()


def lecture_neuron() -> Value:
    """w0=2, x0=-1, w1=-3, x1=-2 and bias -3 (the lecture's w2): output σ(1) ≈ 0.73."""
    neuron = Neuron(2, sigmoid_by_hand, weights=[2.0, -3.0], bias=-3.0)
    f = neuron([Value(-1.0, "x1"), Value(-2.0, "x2")])
    f.label = "f"
    f.backward()
    return f


def small_network_loss() -> Value:
    """MLP(2, [3, 3, 1]) scoring one point of class +1, and its hinge loss."""
    model = MLP(2, [3, 3, 1], rng=0)
    (score,) = model([Value(0.5, "x1"), Value(-1.0, "x2")])
    loss = hinge(score, +1)
    loss.label = "loss"
    loss.backward()
    return loss


def main(argv: list[str] | None = None) -> None:
    args = example_parser(__doc__, "accepted for make demo").parse_args(argv)
    out = output_folder(args)

    f = lecture_neuron()
    print(viz.render(f, out / "neuron_expanded.png", groups="box"))
    print(viz.render(f, out / "neuron_collapsed.png", groups="collapse"))
    loss = small_network_loss()
    print(viz.render(loss, out / "mlp_collapsed.png", groups="collapse"))
    print("Notice: the expanded neuron carries the lecture's numbers (0.73 out; gradients")
    print("-0.20 on w1, 0.39 on x1, -0.39 on w2, -0.59 on x2, 0.20 on the bias). Collapsed,")
    print("each neuron is one gate, and the network's parameters (L1.N1.w1, ...) are its inputs.")


if __name__ == "__main__":
    main()
