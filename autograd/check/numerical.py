"""Finite differences: a derivative estimated from f's values alone, with no graph.

Central differences. Along one input x of f, the central difference

    (f(x + h) - f(x - h)) / 2h

is off from the derivative by about f'''(x)·h²/6: its error shrinks like h², where a
one-sided slope (f(x + h) - f(x)) / h is off by about f''(x)·h/2. `numerical_grad`
takes one central difference per input, moving that input alone.

Why the step grows for huge |x|. A float carries about 16 significant digits, so
x + h keeps only those digits of h that fall within x's 16: at |x| = 1e4 and
h = 1e-6 about 6 are left, and at |x| = 1e12 none (x + h rounds back to x). So
the step is h up to |x| = h·1e10 and 1e-10·|x| beyond (`step_at`), just enough
to be represented. And the quotient divides by the step really taken,
(x + step) - x after rounding, not by the step asked for.

Rounding noise. Every float operation rounds its result by about one part in
2**52 (EPS). So f's values carry errors of about EPS·|f| (more, where f adds up
large terms), and their difference over 2h can be off by that error / h. A
smaller step is not always better: curvature's error (h²) falls as h shrinks,
but rounding's (1/h) grows. `rounding_noise` estimates these errors from a
graph after backward(), so a gradient check can tell "rounding hides f's change
over the step" from "the gradient is wrong".

Kinks. `one_sided_slopes` takes a slope from the left of x and one from the
right. On a smooth curve the two close in as the step shrinks; at a kink (like
relu's at 0) they stay apart, each one steady, and no finite difference stands in
for a derivative there. Near a pole (1/x close to 0) they move with the step
instead: the step is too coarse to see f's shape. `settled_slopes` quarters the
step until they agree or prove a kink.

`relative_error` is the lecture's measure of how far two derivatives are apart.
Last come the helpers that call f on plain numbers and check what the user
passed; numerical_grad and gradcheck (gradient_check.py) share them.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..validate import real_number, shown
from ..value import Value

__all__ = [
    "COARSE_STEP",
    "EPS",
    "MIN_RELATIVE_STEP",
    "REFINEMENTS",
    "Slopes",
    "Tolerance",
    "ValueFunction",
    "as_point",
    "can_quarter",
    "central_difference",
    "check_callable",
    "check_number",
    "downstream_of",
    "float_function",
    "is_coarse",
    "nan_outside_domain",
    "numerical_grad",
    "one_sided_slopes",
    "output_of",
    "relative_error",
    "rounding_noise",
    "settled_slopes",
    "step_at",
]

ValueFunction = Callable[..., Value]

EPS = sys.float_info.epsilon  # the relative rounding error of one float operation, 2**-52
MIN_RELATIVE_STEP = 1e-10  # a step of 1e-10·|x| keeps about 6 digits in x ± step (EPS·|x| is lost)
REFINEMENTS = 10  # how often a step is quartered to tell a kink from a curve (down to h/4**10)
COARSE_STEP = 1e-3  # a step above 1e-3·|x| may straddle a pole or steep feature near 0


# --- central differences -------------------------------------------------------


def numerical_grad(f: ValueFunction, inputs: Iterable[float], h: float = 1e-6) -> list[float]:
    """(f(x+h) - f(x-h)) / 2h per input x, with h grown to 1e-10·|x| where that is larger.

    That is the lecture's central difference (error O(h²)) with the step h for
    every |x| up to h·1e10 (1e4 for the default h). Beyond, x ± h would keep fewer
    than 6 of h's digits (a float carries about 16), and at 1e12 it rounds back to
    x itself, so the step grows to 1e-10·|x|: just enough to be represented. The
    step is also nudged to the distance x + step really is from x after rounding
    (by a few parts in a million at most), so the quotient divides by the true step.
    """
    check_callable(f)
    point = as_point(inputs)
    check_number(h, "h", positive=True)
    func = float_function(f)
    return [central_difference(func, point, i, step_at(h, x)) for i, x in enumerate(point)]


def step_at(h: float, x: float) -> float:
    """The finite-difference step at x: h, or 1e-10·|x| when x ± h would lose h's digits."""
    return max(h, MIN_RELATIVE_STEP * abs(x))


def central_difference(
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


def can_quarter(x: float, step: float) -> bool:
    """Whether a quarter of the step still moves x at all."""
    return x + step / 4 != x


# --- rounding noise ------------------------------------------------------------


def rounding_noise(nodes: Iterable[Value], leaf: Value) -> float:
    """Roughly how far rounding moves f's output as `leaf` varies, given the nodes after backward().

    Each gate rounds its output by about one part in 2**52 (machine epsilon); that
    error reaches the output multiplied by the gate's gradient. So f = x*1e-3 + 1e8 is
    off by about 1e8 * eps = 2e-8, more than x*1e-3 changes over a step of 1e-6.
    Only gates that depend on `leaf` count: the others compute the same rounded value
    at every step, which cancels in a difference. Terms that are not finite (an inf
    times a zero gradient) are skipped.
    """
    terms = (abs(node.data * node.grad) for node in downstream_of(nodes, leaf))
    return EPS * math.fsum(term for term in terms if math.isfinite(term))


def downstream_of(nodes: Iterable[Value], leaf: Value) -> list[Value]:
    """The nodes computed from `leaf` (leaf itself not included), parents before children."""
    moved = {leaf}
    found = []
    for node in nodes:  # parents come before children
        if any(parent in moved for parent in node.parents):
            moved.add(node)
            found.append(node)
    return found


# --- one-sided slopes: a kink or a curve? --------------------------------------


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

    def settled(self, tolerance: Tolerance, noise: float) -> bool:
        """Whether the slopes agree (up to rounding of f's values, about `noise`)."""
        return tolerance.close(self.left, self.right, 2 * noise / self.step)


@dataclass(frozen=True)
class Tolerance:
    """When two derivatives count as equal: |a - n| <= atol + rtol * |n| (PyTorch's rule)."""

    atol: float
    rtol: float

    def close(self, a: float, n: float, blur: float = 0.0) -> bool:
        """Equal within the tolerance, widened by `blur`: what rounding may do to n."""
        return abs(a - n) <= self.atol + self.rtol * abs(n) + blur


def settled_slopes(
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
    kink the gap is the jump in slope, whatever the step, and each slope stays
    put: when quartering the step does not even halve the gap, the kink is at
    (or very near) the point. A gap that rounding of `func`'s values (about
    `noise`) can explain counts as agreement: shrinking the step would only make
    the rounding worse.

    A step that is coarse next to x (see `is_coarse`) may straddle a pole or a steep
    feature near 0: there the slopes move as the step shrinks (or are not finite),
    and the step is quartered on until they settle, rather than calling it a kink
    or an edge.
    """
    x = point[index]
    left, right = one_sided_slopes(func, point, index, step)
    for _ in range(REFINEMENTS):
        finite = math.isfinite(left) and math.isfinite(right)
        if finite and tolerance.close(left, right, 2 * noise / step):
            break
        too_coarse = is_coarse(x, step)
        if not can_quarter(x, step) or not (finite or too_coarse):
            break
        finer_left, finer_right = one_sided_slopes(func, point, index, step / 4)
        if finite and abs(finer_right - finer_left) > abs(right - left) / 2:
            blur = 2 * noise / (step / 4)
            steady = tolerance.close(finer_left, left, blur) and tolerance.close(
                finer_right, right, blur
            )
            if steady or not too_coarse:
                return Slopes(left, right, step, kink=True)
        left, right, step = finer_left, finer_right, step / 4
    return Slopes(left, right, step, kink=False)


def is_coarse(x: float, step: float) -> bool:
    """Whether the step is large next to x (above 1e-3·|x|): it may reach a pole at 0."""
    return step > COARSE_STEP * abs(x)


# --- how far apart two derivatives are -----------------------------------------


def relative_error(analytic: float, numeric: float) -> float:
    """The lecture's |a - n| / max(|a|, |n|); 0 when both are 0."""
    scale = max(abs(analytic), abs(numeric))
    return 0.0 if scale == 0.0 else abs(analytic - numeric) / scale


# --- calling f, and checking what the user passed ------------------------------


def _shifted(point: Sequence[float], index: int, delta: float) -> list[float]:
    moved = list(point)
    moved[index] += delta
    return moved


def output_of(f: ValueFunction, values: Sequence[Value]) -> Value:
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(
            f"f must return a Value (the output of a graph), got {type(out).__name__} {out!r}"
        )
    return out


def _evaluate(f: ValueFunction, point: Sequence[float]) -> float:
    return output_of(f, [Value(x) for x in point]).data


def float_function(f: ValueFunction) -> Callable[..., float]:
    """f as a function of plain numbers, returning its output's number (nan where it raises)."""
    return nan_outside_domain(lambda *xs: _evaluate(f, xs))


def nan_outside_domain(func: Callable[..., float]) -> Callable[..., float]:
    """`func`, returning nan where it raises an ArithmeticError or ValueError.

    A user's gate may raise outside its domain (math.sqrt(-1e-7)) where a built-in one
    returns nan; at a shifted point both mean the same: f is not finite there.
    """

    def guarded(*xs: float) -> float:
        try:
            return func(*xs)
        except (ArithmeticError, ValueError):
            return math.nan

    return guarded


def gate_at(gate: str, operands: Sequence[float]) -> str:
    """A gate at its operands as a report writes it: `tanh(0.5)`, `mul(2, -3)`."""
    return f"{gate}({', '.join(f'{x:.6g}' for x in operands)})"


def check_callable(f: object) -> None:
    if not callable(f):
        raise TypeError(
            f"f must be a function of Values returning a Value, got {type(f).__name__} {f!r}"
        )


def as_point(inputs: Iterable[float]) -> list[float]:
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


def check_number(x: object, name: str, *, positive: bool = False) -> None:
    """A finite real number that is >= 0 (or > 0 when `positive`)."""
    number = real_number(x, name)
    if not math.isfinite(number) or number < 0 or (positive and number == 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {shown(x)}")
