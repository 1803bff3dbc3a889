"""Hypothesis strategies for gradient tests: Values, and random graphs from the gate table.

    from hypothesis import given
    from autograd.check import assert_gradients_match
    from autograd.testing import expressions

    @given(expressions(ops=["mul", "tanh", "my_gate"]))
    def test_backprop_agrees_with_finite_differences(case):
        f, inputs = case
        assert_gradients_match(f, inputs)

No gate's domain is written down here. Before a gate is used, the strategy
probes the gate's own `forward` a little way around its operands: the output and
the nearby values must be finite, the slopes from the left and from the right
must agree (no kink, no domain edge close by) and the table must give a finite
derivative. So log only meets positive numbers, 1/x never meets 0, relu never
sits at 0, and a gate added with `register_gate` is drawn with no extra work.

Importing this module needs hypothesis (`pip install gategrad[test]`);
`import autograd` never does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .check import one_sided_slopes
from .ops import GATES, Gate
from .validate import count, is_real_number
from .value import Value

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ImportError as missing:
    raise ImportError(
        "autograd.testing needs hypothesis; install it with: pip install gategrad[test]"
    ) from missing

INPUT_RANGE = 3.0  # drawn inputs lie in [-3, 3]
MAGNITUDE = 100.0  # no value in a drawn graph is larger than this ...
MAX_SLOPE = 100.0  # ... or changes faster than this with any input
# How far around its operands a gate is probed. gradcheck moves an input by h = 1e-6,
# which moves any node by at most h * MAX_SLOPE = 1e-4: well inside the probed range.
PROBE = 1e-3
SMOOTHNESS = 0.1  # one-sided slopes over PROBE may differ by this fraction, no more
CONSTANTS = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0)  # for gates that fold one in
TRIES = 4  # draws per gate before giving that gate slot up


def values(min_value: float = -INPUT_RANGE, max_value: float = INPUT_RANGE) -> st.SearchStrategy:
    """Leaf Values holding finite floats in [min_value, max_value]."""
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False).map(Value)


@dataclass(frozen=True)
class Step:
    """One gate of a drawn graph: `gate` applied to earlier nodes (and maybe a constant)."""

    gate: Gate
    operands: tuple[int, ...]  # indices of earlier nodes: the inputs first, then each step's output
    const: float | None = None  # a plain number folded in as the last operand


@dataclass(frozen=True)
class Expression:
    """A drawn graph as a function of Values, ready for `gradcheck(f, inputs)`.

    Its repr spells the graph out step by step, so a failing example reads
    `Expression(x0, x1 -> v2 = mul(x0, x1); v3 = exp(v2))`.
    """

    n_inputs: int
    steps: tuple[Step, ...]

    def __call__(self, *inputs: Value) -> Value:
        if len(inputs) != self.n_inputs:
            raise TypeError(f"this expression takes {self.n_inputs} Values, got {len(inputs)}")
        nodes = list(inputs)
        for step in self.steps:
            first, *others = (nodes[i] for i in step.operands)
            folded = () if step.const is None else (step.const,)
            nodes.append(first.apply(step.gate, *others, *folded))
        return nodes[-1]

    def __repr__(self) -> str:
        names = [f"x{i}" for i in range(self.n_inputs)]
        lines = []
        for step in self.steps:
            arguments = [names[i] for i in step.operands]
            if step.const is not None:
                arguments.append(repr(step.const))
            names.append(f"v{len(names)}")
            lines.append(f"{names[-1]} = {step.gate.name}({', '.join(arguments)})")
        return f"Expression({', '.join(names[: self.n_inputs])} -> {'; '.join(lines)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis and IPython print the repr above, not every field of every Gate."""
        printer.text(repr(self))


def expressions(
    n_inputs: int = 3, max_leaves: int = 12, ops: Iterable[str] | None = None
) -> st.SearchStrategy:
    """Draw `(f, inputs)`: a random graph over `n_inputs` inputs, and where to check it.

    The graph has 1 to `max_leaves` gates taken from the gate table as it is
    when this is called (only those named in `ops`, if given). Nodes are reused,
    so a value used twice (`a + a`) and diamonds are common; written out as a
    formula, the output mentions the inputs at most `max_leaves` times. Every gate
    stays inside its domain and away from kinks, so `gradcheck(f, inputs)` (with
    its default h) passes on every draw unless a gate's table derivative is wrong.
    """
    return _expressions(count(n_inputs, "n_inputs"), count(max_leaves, "max_leaves"), _gates(ops))


def _gates(names: Iterable[str] | None) -> tuple[Gate, ...]:
    """The gates to draw from: the table's (as it is now), or those named."""
    if names is None:
        return tuple(gate for gate in GATES.values() if gate.arity in (1, 2))
    if isinstance(names, str):
        raise TypeError(f"ops must be a list of gate names, like [{names!r}]")
    names = list(names)
    if not names:
        raise ValueError("ops is empty: name at least one gate")
    unknown = [name for name in names if name not in GATES]
    if unknown:
        raise ValueError(f"unknown gates {unknown}; the table has {sorted(GATES)}")
    return tuple(GATES[name] for name in names)


class _Node(NamedTuple):
    """What the strategy knows about a node while drawing."""

    value: float
    slopes: tuple[float, ...]  # d value / d input_j, estimated by finite differences
    leaves: int  # how often the node's formula, written out, mentions an input


@st.composite
def _expressions(
    draw: st.DrawFn, n_inputs: int, max_leaves: int, gates: tuple[Gate, ...]
) -> tuple[Expression, list[float]]:
    inputs = [draw(st.floats(-INPUT_RANGE, INPUT_RANGE, allow_nan=False)) for _ in range(n_inputs)]
    nodes = [
        _Node(x, tuple(float(i == j) for j in range(n_inputs)), 1) for i, x in enumerate(inputs)
    ]
    steps: list[Step] = []
    for _ in range(draw(st.integers(1, max_leaves))):
        for _ in range(TRIES):
            step = draw(_steps(gates, len(nodes)))
            node = _apply_if_smooth(step, nodes)
            if node is not None and node.leaves <= max_leaves:
                steps.append(step)
                nodes.append(node)
                break
    assume(bool(steps))  # when no gate fitted these inputs, hypothesis draws others
    return Expression(n_inputs, tuple(steps)), inputs


@st.composite
def _steps(draw: st.DrawFn, gates: tuple[Gate, ...], n_nodes: int) -> Step:
    """A gate and its operands; recent nodes first, so graphs grow deep as well as wide."""

    def operand() -> int:
        return n_nodes - 1 - draw(st.integers(0, n_nodes - 1))

    gate = draw(st.sampled_from(gates))
    if gate.arity == 1:
        return Step(gate, (operand(),))
    if gate.needs_constant or (gate.accepts_constant and draw(st.booleans())):
        return Step(gate, (operand(),), draw(st.sampled_from(CONSTANTS)))
    return Step(gate, (operand(), operand()))


def _apply_if_smooth(step: Step, nodes: Sequence[_Node]) -> _Node | None:
    """The node `step` makes, or None when its gate is not smooth and finite there."""
    operands = [nodes[i] for i in step.operands]
    point = [node.value for node in operands]
    if step.const is not None:
        point.append(step.const)
    gate = step.gate
    try:
        out, *grads = gate.rule(*point)
        table = grads[: len(operands)]
        probed = [_smooth_slope(gate, point, i) for i in range(len(operands))]
    except (ArithmeticError, ValueError):  # a user's gate may raise outside its domain
        return None
    if not (_finite(out) and abs(out) <= MAGNITUDE and all(_finite(d) for d in table)):
        return None
    slopes = [slope for slope in probed if slope is not None]
    if len(slopes) < len(probed):
        return None
    n_inputs = len(operands[0].slopes)
    chained = tuple(
        sum(slope * node.slopes[j] for slope, node in zip(slopes, operands, strict=True))
        for j in range(n_inputs)
    )
    if any(abs(slope) > MAX_SLOPE for slope in chained):
        return None
    return _Node(out, chained, sum(node.leaves for node in operands))


def _smooth_slope(gate: Gate, point: list[float], index: int) -> float | None:
    """The gate's slope along operand `index`, or None near a kink or a domain edge."""
    left, right = one_sided_slopes(gate.forward, point, index, PROBE)
    if not (_finite(left) and _finite(right)):
        return None
    if abs(left - right) > SMOOTHNESS * max(abs(left), abs(right)) + 1e-9:
        return None
    return (left + right) / 2


def _finite(x: object) -> bool:
    return is_real_number(x) and math.isfinite(x)  # type: ignore[arg-type]
