"""One picture of a Value graph: which gradients it shows, and the note that explains them.

`viz.draw` and `viz.render` check their options and call `picture`; the frames
of `viz.steps` end with the same finished picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd import Value, fresh_gradients, topological_order

from .dot import to_digraph
from .options import Options
from .process import Drawing
from .scene import build_scene, finished_state, root_name


def picture(root: Value, options: Options, show_grad: bool | str, caller: str) -> Drawing:
    """The Digraph of the graph ending at `root` (see `viz.draw` for `show_grad`).

    `caller` names the public function in the error for a `root` that is not a Value.
    """
    if not isinstance(root, Value):
        raise TypeError(f"{caller}() needs a Value, got {type(root).__name__}")
    order = topological_order(root)
    held = [node.grad for node in order]
    if show_grad == "held":
        state, note = finished_state(order, held, show=True, shares=False), None
    elif show_grad is True or (show_grad == "auto" and any(held)):
        grads = fresh_gradients(root, order)
        state, note = finished_state(order, grads, show=True), grad_note(root, held, grads)
    else:
        state = finished_state(order, [0.0] * len(order), show=False)
        note = None if show_grad is False else no_grads_note(root)
    scene = build_scene(root, state, options, order=order, note=note)
    return Drawing.of(
        to_digraph(scene, options.theme), too_much_hint(order, options), dpi=options.theme.dpi
    )


def too_much_hint(order: Sequence[Value], options: Options) -> str:
    """What to try when Graphviz cannot manage this graph: only advice that applies to it."""
    if options.groups != "collapse" and any(node.scope is not None for node in order):
        return 'draw each composite gate as one gate (groups="collapse"), or a smaller part'
    return "draw a smaller part of the graph (a Value nearer the inputs)"


def no_grads_note(root: Value) -> str:
    """Why "auto" draws no gradients: every `.grad` is 0, which is also what it is
    after a pass from another Value that this part of the graph does not affect."""
    f = root_name(root)
    return (
        f"all gradients are 0 (or backward has not run yet): "
        f"call {f}.backward() or draw with show_grad=True"
    )


def grad_note(root: Value, held: list[float], grads: list[float]) -> str | None:
    """A note when the Values' `.grad` (`held`) are not the gradients drawn (None: they are).

    A student who prints `x.grad` next to the picture must not be left guessing
    why the two disagree.
    """
    if all(_same(a, b) for a, b in zip(held, grads, strict=True)):
        return None
    f = root_name(root)
    if not any(held):
        return f"gradients drawn for the picture; the Values' .grad are 0: call {f}.backward()"
    return (
        f"gradients shown are one backward pass from {f}; the Values' .grad hold "
        "different numbers (another backward pass, or one still in progress)"
    )


def _same(a: float, b: float) -> bool:
    """Equal, counting nan as equal to nan (a nan gradient is what the pass gives)."""
    return a == b or (math.isnan(a) and math.isnan(b))
