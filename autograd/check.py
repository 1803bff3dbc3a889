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
finite within h (the edge of a gate's domain: the input is left unchecked),
rounding hides f's change over the step (f is huge next to that change: the
input is left unchecked too), or the graph bypasses its gates.

Every gate of the graph is also checked on its own, against a central
difference of its own `forward` at this graph's operand values: a wrong table
derivative fails the report and is named, even where the inputs' gradients
happen to come out right.

A kink is told from a mere curve by shrinking the step: on a smooth curve the
slopes from the left and from the right close in as the step shrinks, at a kink
they stay apart. So strong curvature within h is not mistaken for a kink; the
finite difference at the smaller step, where the curve looks straight, decides.
"""

from __future__ import annotations

import inspect
import math
import sys
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
UNRESOLVED = "unresolved"  # rounding in f hides its change over the step: could not check

EPS = sys.float_info.epsilon  # the relative rounding error of one float operation, 2**-52
MIN_RELATIVE_STEP = 1e-10  # a step of 1e-10·|x| keeps about 6 digits in x ± step (EPS·|x| is lost)
REFINEMENTS = 10  # how often a step is quartered to tell a kink from a curve (down to h/4**10)

CUT_GRAPH_HINT = (
    "f's output changes with {name} but does not reach it through the graph: a Value was "
    "rebuilt from .data (as in Value(a.data ** 2)), which cuts the graph there"
)
EDGE_HINT = (
    "f is not finite within a step of {step:g} from this point (the edge of a gate's domain, "
    "like log at 0), so finite differences cannot check this input; try a smaller h"
)
UNRESOLVED_HINT = (
    "rounding hides f's change over the step of {step:.2g}: f's values carry rounding errors "
    "of about {noise:.2g}, which can move the central difference by {blur:.2g}, as much as "
    "the gap between analytic and numeric; {remedy} can settle it"
)
BYPASS_HINT = (
    "every gate's table derivative agrees with its own forward function here, so part of "
    "f's dependence on its inputs runs outside the graph (a Value built from another's "
    ".data, or a float taken from .data)"
)


# --- finite differences ------------------------------------------------------


def numerical_grad(f: ValueFunction, inputs: Iterable[float], h: float = 1e-6) -> list[float]:
    """(f(x+h) - f(x-h)) / 2h per input x, with h grown to 1e-10·|x| where that is larger.

    That is the lecture's central difference (error O(h²)) with the step h for
    every |x| up to h·1e10 (1e4 for the default h). Beyond, x ± h would keep fewer
    than 6 of h's digits (a float carries about 16), and at 1e12 it rounds back to
    x itself, so the step grows to 1e-10·|x|: just enough to be represented. The
    step is also nudged to the distance x + step really is from x after rounding
    (by a few parts in a million at most), so the quotient divides by the true step.
    """
    _check_callable(f)
    point = _as_point(inputs)
    _check_number(h, "h", positive=True)
    func = _float_function(f)
    return [_central_difference(func, point, i, step_at(h, x)) for i, x in enumerate(point)]


def step_at(h: float, x: float) -> float:
    """The finite-difference step at x: h, or 1e-10·|x| when x ± h would lose h's digits."""
    return max(h, MIN_RELATIVE_STEP * abs(x))


def _central_difference(
    func: Callable[..., float], point: Sequence[float], index: int, step: float
) -> float:
    """(f(x+step) - f(x-step)) / 2step along argument `index`."""
    step = _step_taken(point[index], step)
    ahead = func(*_shifted(point, index, step))
    behind = func(*_shifted(point, index, -step))
    return (ahead - behind) / (2 * step)


def _step_taken(x: float, step: float) -> float:
    """How far x + step really is from x: the sum is rounded to a float."""
    return (x + step) - x


def _can_quarter(x: float, step: float) -> bool:
    """Whether a quarter of the step still moves x at all."""
    return x + step / 4 != x


def _rounding_noise(nodes: Iterable[Value], leaf: Value) -> float:
    """Roughly how far rounding moves f's output as `leaf` varies, given the nodes after backward().

    Each gate rounds its output by about one part in 2**52 (machine epsilon); that
    error reaches the output multiplied by the gate's gradient. So f = x*1e-3 + 1e8 is
    off by about 1e8 * eps = 2e-8, more than x*1e-3 changes over a step of 1e-6.
    Only gates that depend on `leaf` count: the others compute the same rounded value
    at every step, which cancels in a difference. Terms that are not finite (an inf
    times a zero gradient) are skipped.
    """
    moved = {leaf}
    terms = []
    for node in nodes:  # parents come before children
        if any(parent in moved for parent in node.parents):
            moved.add(node)
            terms.append(abs(node.data * node.grad))
    return EPS * math.fsum(term for term in terms if math.isfinite(term))


def one_sided_slopes(
    func: Callable[..., float], point: Sequence[float], index: int, step: float
) -> tuple[float, float]:
    """Slopes of `func` along argument `index`, from the left and from the right.

    Where the two disagree, `func` has a kink (or an edge) within `step` of the
    point, and no finite difference there can stand in for the derivative.
    """
    step = _step_taken(point[index], step)
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


@dataclass(frozen=True)
class Tolerance:
    """When two derivatives count as equal: |a - n| <= atol + rtol * |n| (PyTorch's rule)."""

    atol: float
    rtol: float

    def close(self, a: float, n: float, blur: float = 0.0) -> bool:
        """Equal within the tolerance, widened by `blur`: what rounding may do to n."""
        return abs(a - n) <= self.atol + self.rtol * abs(n) + blur


def _settled_slopes(
    func: Callable[..., float],
    point: Sequence[float],
    index: int,
    step: float,
    tolerance: Tolerance,
    noise: float = 0.0,
) -> Slopes:
    """One-sided slopes of `func`, the step quartered until they agree or prove a kink.

    On a smooth curve the gap between the slopes is about f'' * step, so it
    shrinks with the step and their mean becomes a trustworthy derivative. At a
    kink the gap is the jump in slope, whatever the step: when quartering the
    step does not even halve the gap, the kink is at (or very near) the point.
    A gap that rounding of `func`'s values (about `noise`) can explain counts as
    agreement: shrinking the step would only make the rounding worse.
    """
    left, right = one_sided_slopes(func, point, index, step)
    for _ in range(REFINEMENTS):
        finite = math.isfinite(left) and math.isfinite(right)
        if not finite or tolerance.close(left, right, 2 * noise / step):
            break
        if not _can_quarter(point[index], step):
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
    verdict: str  # OK, WRONG, KINK (a plausible value at a kink), DISCONNECTED, EDGE, UNRESOLVED
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
    """Every input's verdict, and the gates of the graph found with wrong derivatives."""

    inputs: tuple[InputCheck, ...]
    wrong_gates: tuple[WrongGate, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every input passed and no gate has a wrong derivative.

        A kink passes when the analytic value is plausible there. An unchecked input
        (EDGE or UNRESOLVED) is not a pass: nothing vouched for its gradient. A wrong
        gate fails the report even when the inputs' gradients came out right: its
        error can hide at one point (next to a kink, or cancelled by another gate's
        error), but it will show at the next.
        """
        return not self.failures and not self.unchecked and not self.wrong_gates

    @property
    def failures(self) -> tuple[InputCheck, ...]:
        """The inputs whose gradient is wrong (or cut off from the graph)."""
        return tuple(row for row in self.inputs if row.verdict in (WRONG, DISCONNECTED))

    @property
    def unchecked(self) -> tuple[InputCheck, ...]:
        """The inputs finite differences could not check (verdict EDGE or UNRESOLVED)."""
        return tuple(row for row in self.inputs if row.verdict in (EDGE, UNRESOLVED))

    def __str__(self) -> str:
        failed = [row.name for row in self.failures]
        failed += [f"gate {gate.gate!r}" for gate in self.wrong_gates]
        outcomes = (("FAILED for", failed), ("could not check", [r.name for r in self.unchecked]))
        said = [f"{words} {', '.join(names)}" for words, names in outcomes if names]
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
    kink or bends sharply within the step (see the module docstring). The step
    is h, grown only for very large inputs (see `numerical_grad`). An input that cannot be
    checked (f is not finite within the step, or rounding hides f's change over
    it) is reported, and `ok` is False. Every gate is checked on its own too.
    Inputs may be numbers or Values (their `.data` is used); `f` always gets
    fresh leaves, labelled with its parameter names.
    """
    _check_callable(f)
    point = _as_point(inputs)
    _check_number(h, "h", positive=True)
    _check_number(atol, "atol")
    _check_number(rtol, "rtol")
    tolerance = Tolerance(atol, rtol)

    names = _input_names(f, len(point))
    leaves = [Value(x, label=name) for x, name in zip(point, names, strict=True)]
    out = _call(f, leaves)
    if not math.isfinite(out.data):
        raise ValueError(f"f is {out.data} at {point}: gradients are checked where f is finite")
    out.backward()
    nodes = topological_order(out)
    in_graph = set(nodes)
    numeric = numerical_grad(f, point, h)
    func = _float_function(f)

    rows = []
    for i, (name, leaf, n) in enumerate(zip(names, leaves, numeric, strict=True)):
        dx = step_at(h, point[i])
        noise = _rounding_noise(nodes, leaf)
        if tolerance.close(leaf.grad, n):
            verdict, hint = OK, ""
        elif leaf not in in_graph:
            verdict, hint = DISCONNECTED, CUT_GRAPH_HINT.format(name=name)
        elif tolerance.close(leaf.grad, n, noise / dx):
            verdict, hint = _judge_blurred(func, point, i, dx, h, leaf.grad, n, tolerance, noise)
        else:
            verdict, hint = _judge_mismatch(func, point, i, dx, h, leaf.grad, tolerance, noise)
        error = relative_error(leaf.grad, n)
        rows.append(InputCheck(name, point[i], leaf.grad, n, error, verdict, hint))
    return GradcheckReport(tuple(rows), _wrong_gates(nodes, h, tolerance))


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
    func: Callable[..., float],
    point: list[float],
    index: int,
    step: float,
    h: float,
    analytic: float,
    tolerance: Tolerance,
    noise: float,
) -> tuple[str, str]:
    """Why an input's gradients disagree: f bends within the step, has a kink or an edge,
    or the gradient is wrong.

    Where f merely bends within the step, the central difference at a smaller step (where
    the one-sided slopes agree, and for as long as it closes in on the analytic value)
    decides: an analytic value that matches it is right.
    """
    slopes = _settled_slopes(func, point, index, step, tolerance, noise)
    if not slopes.finite:
        return EDGE, EDGE_HINT.format(step=step)
    if slopes.kink:
        return _judge_kink(slopes, analytic, tolerance)
    central, finest = _closing_in(
        func, point, index, slopes.step, slopes.central, analytic, tolerance, noise
    )
    if finest == step:
        return WRONG, ""  # f is smooth at this step and no smaller step changes its verdict
    finer = (
        f"f bends sharply within the step of this point (strong curvature or a kink nearby); "
        f"at step {finest:.2g} the central difference is {central:.6g}"
    )
    if tolerance.close(analytic, central):
        return OK, f"{finer}, as the analytic value says"
    if tolerance.close(analytic, central, noise / finest):
        return UNRESOLVED, _unresolved_hint(noise, finest, h, analytic, tolerance)
    return WRONG, f"{finer}, not the analytic {analytic:.6g}"


def _closing_in(
    func: Callable[..., float],
    point: list[float],
    index: int,
    step: float,
    central: float,
    analytic: float,
    tolerance: Tolerance,
    noise: float,
) -> tuple[float, float]:
    """The central difference at quartered steps, for as long as it closes in on `analytic`.

    Curvature's error in a central difference shrinks 16-fold when the step is quartered;
    a wrong gradient's gap does not shrink at all. So a central difference that moves
    toward the analytic value (by more than rounding, noise / step, could move it) was
    off because of curvature. Returns the last central difference and its step.
    """
    for _ in range(REFINEMENTS):
        if tolerance.close(analytic, central) or not _can_quarter(point[index], step):
            break
        finer = _central_difference(func, point, index, step / 4)
        rounding = noise / step + noise / (step / 4)
        if not abs(finer - analytic) < abs(central - analytic) - rounding:
            break  # (also when finer is nan)
        central, step = finer, step / 4
    return central, step


def _judge_blurred(
    func: Callable[..., float],
    point: list[float],
    index: int,
    step: float,
    h: float,
    analytic: float,
    numeric: float,
    tolerance: Tolerance,
    noise: float,
) -> tuple[str, str]:
    """Rounding hides f's change over the step: the input is unchecked, unless it sits on a kink.

    A kink's jump in slope stands out at a larger step, one where rounding blurs the
    central difference by a hundredth of the gap between analytic and numeric. There a
    plausible analytic value passes as KINK; anything else stays unchecked.
    """
    probe = 100 * noise / abs(analytic - numeric)  # the blur, noise / probe, is gap / 100
    slopes = _settled_slopes(func, point, index, probe, tolerance, noise)
    if slopes.finite and slopes.kink:
        verdict, hint = _judge_kink(slopes, analytic, tolerance)
        if verdict == KINK:
            return verdict, hint
    return UNRESOLVED, _unresolved_hint(noise, step, h, analytic, tolerance)


def _unresolved_hint(
    noise: float, step: float, h: float, analytic: float, tolerance: Tolerance
) -> str:
    """Why rounding leaves the input unchecked, and an h that would check it.

    Rounding moves the central difference by about noise / step, so the h at which that
    is the tolerance is scaled up from h by blur / allowed; ten times more is suggested.
    With no tolerance at all (atol = 0, and rtol = 0 or an analytic 0) no h would do.
    """
    blur = noise / step
    allowed = tolerance.atol + tolerance.rtol * abs(analytic)
    remedy = "a point where f is smaller"
    if allowed > 0:
        remedy = f"a larger h (such as {10 * h * blur / allowed:.1g}) or {remedy}"
    return UNRESOLVED_HINT.format(step=step, noise=noise, blur=blur, remedy=remedy)


def _judge_kink(slopes: Slopes, analytic: float, tolerance: Tolerance) -> tuple[str, str]:
    """At a kink any value between the one-sided slopes is a valid choice, nothing else is."""
    disagree = f"one-sided slopes {slopes.left:.6g} (left) and {slopes.right:.6g} (right) disagree"
    low, high = sorted((slopes.left, slopes.right))
    near = tolerance.close(analytic, low) or tolerance.close(analytic, high)
    if low <= analytic <= high or near:
        return KINK, (
            f"a kink: {disagree}, so finite differences cannot check it; the analytic "
            f"{analytic:.6g} lies between them, a valid choice there"
        )
    return WRONG, f"a kink: {disagree}, and the analytic {analytic:.6g} is not between them"


def _wrong_gates(nodes: Iterable[Value], h: float, tolerance: Tolerance) -> tuple[WrongGate, ...]:
    """Each gate whose table derivative disagrees with its own forward (first place per gate).

    Every node is checked, not one per gate, as a derivative may be wrong in one region
    only (for x < 0, say). That is cheap: a few calls of the gate's rule per operand,
    against f's many whole-graph evaluations for the finite differences of the inputs.
    """
    found: dict[str, WrongGate] = {}
    for node in nodes:
        gate = node.gate
        if gate is None or gate.name in found:
            continue
        operands = [parent.data for parent in node.parents]
        if node.const is not None:
            operands.append(node.const)
        if not all(math.isfinite(x) for x in operands):
            continue
        noise = EPS * abs(node.data)  # the gate rounds its output
        for i, table in enumerate(node.local_grads):
            dx = step_at(h, operands[i])
            try:
                slopes = _settled_slopes(gate.forward, operands, i, dx, tolerance, noise)
            except (ArithmeticError, ValueError):  # a user's gate may raise outside its domain
                break  # an edge of this gate, as when it returns nan there
            if slopes.kink or not slopes.finite:
                continue  # a kink or an edge of this gate: its derivative cannot be checked here
            if not tolerance.close(table, slopes.central, noise / slopes.step):
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


def _float_function(f: ValueFunction) -> Callable[..., float]:
    """f as a function of plain numbers, returning its output's number."""
    return lambda *xs: _evaluate(f, xs)


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
