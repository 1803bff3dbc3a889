"""Trust, but verify: compare backprop's gradients with finite differences.

A function under test takes Values and builds a graph, `f(*values) -> Value`;
its inputs are plain numbers. `gradcheck` runs `backward()` on fresh leaves and
compares every input's gradient with a central difference of `f` itself:

    report = gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.0])
    print(report)        # a table: input, analytic, numeric, relative error, verdict
    assert report.ok

When they disagree, the report says why as far as it can tell: the input is not
in the graph at all (the graph was cut by rebuilding a Value from `.data`), the
input sits on a kink where finite differences cannot be trusted, f stops being
finite within h (the edge of a gate's domain: the input is left unchecked), or a
gate's table derivative is wrong (each gate of the graph is checked against a
central difference of its own `forward` at this graph's operand values).

A kink is told from a mere curve by shrinking the step: on a smooth curve the
slopes from the left and from the right close in as the step shrinks, at a kink
they stay apart. So strong curvature within h is not mistaken for a kink; the
finite difference at the smaller step, where the curve looks straight, decides.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .graph import topological_order
from .validate import real_number, shown
from .value import Value

ValueFunction = Callable[..., Value]

OK = "ok"
WRONG = "wrong"
KINK = "kink"
DISCONNECTED = "disconnected"
EDGE = "edge"  # f is not finite within h: the input could not be checked

REFINEMENTS = 10  # how often a step is quartered to tell a kink from a curve (down to h/4**10)

CUT_GRAPH_HINT = (
    "f's output changes with {name} but does not reach it through the graph: a Value was "
    "rebuilt from .data (as in Value(a.data ** 2)), which cuts the graph there"
)
EDGE_HINT = (
    "f is not finite within h = {h:g} of this point (the edge of a gate's domain, like log "
    "at 0), so finite differences cannot check this input; try a smaller h"
)
BYPASS_HINT = (
    "every gate's table derivative agrees with its own forward function here, so part of "
    "f's dependence on its inputs runs outside the graph (a Value built from another's "
    ".data, or a float taken from .data)"
)


# --- finite differences ------------------------------------------------------


def numerical_grad(f: ValueFunction, inputs: Iterable[float], h: float = 1e-6) -> list[float]:
    """d f / d input_i by central differences, (f(x+h) - f(x-h)) / 2h: error O(h²)."""
    _check_callable(f)
    point = _as_point(inputs)
    _check_number(h, "h", positive=True)
    return [
        (_evaluate(f, _shifted(point, i, h)) - _evaluate(f, _shifted(point, i, -h))) / (2 * h)
        for i in range(len(point))
    ]


def one_sided_slopes(
    func: Callable[..., float], point: Sequence[float], index: int, step: float
) -> tuple[float, float]:
    """Slopes of `func` along argument `index`, from the left and from the right.

    Where the two disagree, `func` has a kink (or an edge) within `step` of the
    point, and no finite difference there can stand in for the derivative.
    """
    here = func(*point)
    left = (here - func(*_shifted(point, index, -step))) / step
    right = (func(*_shifted(point, index, step)) - here) / step
    return left, right


class Slopes(NamedTuple):
    """One-sided slopes at the step where they were last taken, and whether f has a kink."""

    left: float
    right: float
    step: float
    kink: bool  # the gap between left and right did not shrink with the step

    @property
    def finite(self) -> bool:
        """False near a domain edge, where f (and so a slope) is inf or nan."""
        return math.isfinite(self.left) and math.isfinite(self.right)

    @property
    def central(self) -> float:
        """The central difference at `step`: the mean of the two one-sided slopes."""
        return (self.left + self.right) / 2


def _settled_slopes(
    func: Callable[..., float],
    point: Sequence[float],
    index: int,
    step: float,
    close: Callable[[float, float], bool],
) -> Slopes:
    """One-sided slopes of `func`, the step quartered until they agree or prove a kink.

    On a smooth curve the gap between the slopes is about f'' * step, so it
    shrinks with the step and their mean becomes a trustworthy derivative. At a
    kink the gap is the jump in slope, whatever the step: when quartering the
    step does not even halve the gap, the kink is at (or very near) the point.
    """
    left, right = one_sided_slopes(func, point, index, step)
    for _ in range(REFINEMENTS):
        if not (math.isfinite(left) and math.isfinite(right)) or close(left, right):
            break
        finer_left, finer_right = one_sided_slopes(func, point, index, step / 4)
        if abs(finer_right - finer_left) > abs(right - left) / 2:
            return Slopes(left, right, step, kink=True)
        left, right, step = finer_left, finer_right, step / 4
    return Slopes(left, right, step, kink=False)


def relative_error(analytic: float, numeric: float) -> float:
    """The lecture's |a - n| / max(|a|, |n|); 0 when both are 0."""
    scale = max(abs(analytic), abs(numeric))
    return 0.0 if scale == 0.0 else abs(analytic - numeric) / scale


# --- the report ----------------------------------------------------------------


@dataclass(frozen=True)
class InputCheck:
    """How one input's analytic gradient compares with the numerical one."""

    name: str
    value: float
    analytic: float
    numeric: float
    relative_error: float
    verdict: str  # OK, WRONG, KINK (a plausible value at a kink), DISCONNECTED or EDGE
    hint: str = ""


@dataclass(frozen=True)
class WrongGate:
    """A gate whose table derivative disagrees with a central difference of its forward."""

    gate: str
    operands: tuple[float, ...]  # the node's operand values, a folded constant last
    operand_index: int
    table: float
    numeric: float

    def __str__(self) -> str:
        at = f"{self.gate}({', '.join(f'{x:.6g}' for x in self.operands)})"
        return (
            f"gate {self.gate!r} has a wrong local derivative: at {at}, d/d(operand "
            f"{self.operand_index + 1}) is {self.table:.6g} in the table but "
            f"{self.numeric:.6g} by central difference of its forward"
        )


@dataclass(frozen=True)
class GradcheckReport:
    """Every input's verdict, and the gates found with wrong derivatives (if any failed)."""

    inputs: tuple[InputCheck, ...]
    wrong_gates: tuple[WrongGate, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every input passed (a kink passes when the analytic value is plausible).

        An unchecked input (EDGE) is not a pass: nothing vouched for its gradient.
        """
        return not self.failures and not self.unchecked

    @property
    def failures(self) -> tuple[InputCheck, ...]:
        """The inputs whose gradient is wrong (or cut off from the graph)."""
        return tuple(row for row in self.inputs if row.verdict in (WRONG, DISCONNECTED))

    @property
    def unchecked(self) -> tuple[InputCheck, ...]:
        """The inputs finite differences could not check: f is not finite within h."""
        return tuple(row for row in self.inputs if row.verdict == EDGE)

    def __str__(self) -> str:
        outcomes = (("FAILED for", self.failures), ("could not check", self.unchecked))
        said = [f"{words} {', '.join(r.name for r in rows)}" for words, rows in outcomes if rows]
        title = "gradcheck " + ("; ".join(said) if said else "passed")
        header = ("input", "value", "analytic", "numeric", "rel. error", "verdict")
        rows = [header] + [
            (
                row.name,
                f"{row.value:.6g}",
                f"{row.analytic:.6g}",
                f"{row.numeric:.6g}",
                f"{row.relative_error:.2g}",
                row.verdict,
            )
            for row in self.inputs
        ]
        widths = [max(len(cells[i]) for cells in rows) for i in range(len(header))]
        table = [
            "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
            for cells in rows
        ]
        hints = [f"{row.name}: {row.hint}" for row in self.inputs if row.hint]
        hints += [str(gate) for gate in self.wrong_gates]
        if self._bypassed():
            hints.append(BYPASS_HINT)
        return "\n".join([title, *table, *(f"  - {hint}" for hint in hints)])

    def _bypassed(self) -> bool:
        """A finite gradient is wrong, yet no gate is at fault: the graph must be bypassed."""
        return not self.wrong_gates and any(
            row.verdict == WRONG and math.isfinite(row.analytic) for row in self.failures
        )


# --- the check -----------------------------------------------------------------


def gradcheck(
    f: ValueFunction,
    inputs: Iterable[float],
    *,
    h: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> GradcheckReport:
    """Compare `backward()`'s gradients of `f` at `inputs` with central differences.

    An input passes when |analytic - numeric| <= atol + rtol * |numeric| (the
    defaults are PyTorch's), or when the numbers disagree only because f has a
    kink or bends sharply within h (see the module docstring). An input within h
    of a domain edge cannot be checked: it is reported, and `ok` is False.
    Inputs may be numbers or Values (their `.data` is used); `f` always gets
    fresh leaves, labelled with its parameter names.
    """
    _check_callable(f)
    point = _as_point(inputs)
    _check_number(h, "h", positive=True)
    _check_number(atol, "atol")
    _check_number(rtol, "rtol")

    names = _input_names(f, len(point))
    leaves = [Value(x, label=name) for x, name in zip(point, names, strict=True)]
    out = _call(f, leaves)
    if not math.isfinite(out.data):
        raise ValueError(f"f is {out.data} at {point}: gradients are checked where f is finite")
    out.backward()
    in_graph = set(topological_order(out))
    numeric = numerical_grad(f, point, h)

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= atol + rtol * abs(b)

    rows = []
    for i, (name, leaf, n) in enumerate(zip(names, leaves, numeric, strict=True)):
        verdict, hint = OK, ""
        if not close(leaf.grad, n):
            if leaf not in in_graph:
                verdict, hint = DISCONNECTED, CUT_GRAPH_HINT.format(name=name)
            else:
                verdict, hint = _judge_mismatch(f, point, i, h, leaf.grad, close)
        error = relative_error(leaf.grad, n)
        rows.append(InputCheck(name, point[i], leaf.grad, n, error, verdict, hint))
    report = GradcheckReport(tuple(rows))
    if not report.failures:
        return report
    return GradcheckReport(report.inputs, _wrong_gates(out, h, close))


def assert_gradients_match(
    f: ValueFunction, inputs: Iterable[float], **tolerances: float
) -> GradcheckReport:
    """`gradcheck`, raising AssertionError with the report's table when it fails.

    Made for property tests: `assert_gradients_match(f, [x, y])` inside `@given`.
    """
    report = gradcheck(f, inputs, **tolerances)
    if not report.ok:
        raise AssertionError(str(report))
    return report


def _judge_mismatch(
    f: ValueFunction,
    point: list[float],
    index: int,
    h: float,
    analytic: float,
    close: Callable[[float, float], bool],
) -> tuple[str, str]:
    """Why an input's gradients disagree: f bends within h, has a kink or an edge, or is wrong.

    Where f merely bends within h, the central difference at a smaller step (where the
    one-sided slopes agree) decides: an analytic value that matches it is right.
    """
    slopes = _settled_slopes(lambda *xs: _evaluate(f, xs), point, index, h, close)
    if not slopes.finite:
        return EDGE, EDGE_HINT.format(h=h)
    if slopes.kink:
        return _judge_kink(slopes, analytic, close)
    if slopes.step == h:
        return WRONG, ""  # f is smooth at this step: its central difference stands
    finer = (
        f"f bends sharply within h of this point (strong curvature or a kink nearby); at "
        f"step {slopes.step:.2g} the one-sided slopes agree and the central difference is "
        f"{slopes.central:.6g}"
    )
    if close(analytic, slopes.central):
        return OK, f"{finer}, as the analytic value says"
    return WRONG, f"{finer}, not the analytic {analytic:.6g}"


def _judge_kink(
    slopes: Slopes, analytic: float, close: Callable[[float, float], bool]
) -> tuple[str, str]:
    """At a kink any value between the one-sided slopes is a valid choice, nothing else is."""
    disagree = f"one-sided slopes {slopes.left:.6g} (left) and {slopes.right:.6g} (right) disagree"
    low, high = sorted((slopes.left, slopes.right))
    if low <= analytic <= high or close(analytic, low) or close(analytic, high):
        return KINK, (
            f"a kink: {disagree}, so finite differences cannot check it; the analytic "
            f"{analytic:.6g} lies between them, a valid choice there"
        )
    return WRONG, f"a kink: {disagree}, and the analytic {analytic:.6g} is not between them"


def _wrong_gates(
    out: Value, h: float, close: Callable[[float, float], bool]
) -> tuple[WrongGate, ...]:
    """Each gate whose table derivative disagrees with its own forward (first place per gate)."""
    found: dict[str, WrongGate] = {}
    for node in topological_order(out):
        gate = node.gate
        if gate is None or gate.name in found:
            continue
        operands = [parent.data for parent in node.parents]
        if node.const is not None:
            operands.append(node.const)
        if not all(math.isfinite(x) for x in operands):
            continue
        for i, table in enumerate(node.local_grads):
            step = h * max(1.0, abs(operands[i]))
            slopes = _settled_slopes(gate.forward, operands, i, step, close)
            if slopes.kink or not slopes.finite:
                continue  # a kink or an edge of this gate: its derivative cannot be checked here
            if not close(table, slopes.central):
                found[gate.name] = WrongGate(gate.name, tuple(operands), i, table, slopes.central)
                break
    return tuple(found.values())


# --- calling f, and checking what the user passed ---------------------------------


def _shifted(point: Sequence[float], index: int, delta: float) -> list[float]:
    moved = list(point)
    moved[index] += delta
    return moved


def _call(f: ValueFunction, values: Sequence[Value]) -> Value:
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(
            f"f must return a Value (the output of a graph), got {type(out).__name__} {out!r}"
        )
    return out


def _evaluate(f: ValueFunction, point: Sequence[float]) -> float:
    return _call(f, [Value(x) for x in point]).data


def _input_names(f: ValueFunction, count: int) -> list[str]:
    """f's own positional parameter names when they fit, else x0, x1, ..."""
    parameters: Iterable[inspect.Parameter]
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):  # builtins and some callables have no signature
        parameters = ()
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in parameters if p.kind in positional]
    if len(names) == count:
        return names
    return [f"x{i}" for i in range(count)]


def _check_callable(f: object) -> None:
    if not callable(f):
        raise TypeError(
            f"f must be a function of Values returning a Value, got {type(f).__name__} {f!r}"
        )


def _as_point(inputs: Iterable[float]) -> list[float]:
    """The inputs as a list of finite floats; a Value counts as its number."""
    if isinstance(inputs, (str, bytes, Value)) or not isinstance(inputs, Iterable):
        raise TypeError(
            f"inputs must be a sequence of numbers, like [1.0, -2.0]; got {type(inputs).__name__}"
        )
    point: list[float] = []
    for i, x in enumerate(inputs):
        number = x.data if isinstance(x, Value) else real_number(x, f"inputs[{i}]")
        if not math.isfinite(number):
            raise ValueError(f"inputs[{i}] is {number}: gradients are checked at finite points")
        point.append(number)
    if not point:
        raise ValueError("inputs is empty: give f at least one input")
    return point


def _check_number(x: object, name: str, *, positive: bool = False) -> None:
    """A finite real number that is >= 0 (or > 0 when `positive`)."""
    number = real_number(x, name)
    if not math.isfinite(number) or number < 0 or (positive and number == 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {shown(x)}")
