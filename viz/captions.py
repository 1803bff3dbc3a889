"""The words under a frame: the chain rule at one gate, with numbers that multiply out.

`chain_rule` writes `∂f/∂x = ∂f/∂q · ∂q/∂x = -4.00 · 1.00 = -4.00` (upstream ×
local = downstream) for each operand of the gate just processed. The numbers
are those of the wires, with more digits where the wires' rounding would make
the written arithmetic false (`0.00 · 2.00 = 0.01` becomes `0.0049 · 2.00 = 0.0098`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from autograd import Value

from .numbers import caption_number
from .scene import root_name

MORE_DIGITS = 15  # at most this many digits more than the wires show, in a caption


def _name(node: Value, root: Value) -> str | None:
    if node is root:
        return root_name(root)
    return node.label or None


# --- the numbers of a caption ------------------------------------------------------------


def _reads_true(upstream: str, local: str, downstream: str) -> bool:
    """Do the printed factors multiply to the printed result, give or take one unit in
    its last digit (the rounding that any printed number has)?"""
    a, b, c = Decimal(upstream), Decimal(local), Decimal(downstream)
    if not (a.is_finite() and b.is_finite() and c.is_finite()):
        return True  # nan and inf: there is no arithmetic to check
    last_digit = Decimal(1).scaleb(c.as_tuple().exponent)  # type: ignore[arg-type]  # an int
    return abs(a * b - c) <= last_digit


def _product(upstream: float, local: float, downstream: float, precision: int) -> list[str]:
    """The numbers of `upstream · local = downstream` with as few digits as keep it true."""
    for extra in range(MORE_DIGITS + 1):
        texts = [caption_number(x, precision, extra) for x in (upstream, local, downstream)]
        if _reads_true(*texts):
            break
    return texts


# --- the words of a caption --------------------------------------------------------------


def chain_rule(
    root: Value,
    node: Value,
    before: Sequence[float],
    after: Sequence[float],
    index: dict[Value, int],
    uses: dict[Value, int],
    precision: int,
) -> tuple[list[str], list[str]]:
    """The chain rule at one gate: one line per operand, upstream · local = downstream.

    Returned as the lines before the operands' (the root's step says how the
    pass starts) and the operands' lines, in operand order.

    `before` and `after` are the gradients before and after the step. An operand
    used by several gates gets `+=`: this use adds its share to the gradient, and
    the line says what the sum is so far, counted the way the engine adds it, from
    the gradient before the step (so `a * a` shows the first share, then both).
    """
    f = root_name(root)
    upstream = after[index[node]]
    out = _name(node, root)
    intro, lines = [], []
    if node is root:
        intro.append(f"start: ∂{f}/∂{f} = 1, so each gradient here is 1 · the local gradient")
    totals: dict[Value, float] = {}
    for parent, local in zip(node.parents, node.local_grads, strict=True):
        downstream = local * upstream
        totals[parent] = totals.get(parent, before[index[parent]]) + downstream
        name = _name(parent, root)
        shared = uses[parent] > 1
        up, loc, down = _product(upstream, local, downstream, precision)
        if node is root:
            up, chain = "1", ""  # ∂f/∂f is 1 by definition: nothing to spell out
        elif name and out:
            chain = f"∂{f}/∂{out} · ∂{out}/∂{name} = "
        else:
            chain = "upstream · local = "
        left = f"∂{f}/∂{name}" if name else "downstream"
        line = f"{left} {'+=' if shared else '='} {chain}{up} · {loc} = {down}"
        if shared:
            total = caption_number(totals[parent], precision)
            line += f"   ({name or 'its'} total so far: {total})"
        lines.append(line)
    return intro, lines
