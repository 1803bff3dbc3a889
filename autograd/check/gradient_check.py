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
input is left unchecked too), backward met inf or nan on the way (overflow in
the chain rule), or, when no gate is to blame, that either the graph is
bypassed or the finite difference cannot be trusted there. f is also called
twice more at the same point: one that changes between calls (a random mask,
as in dropout) is reported as not deterministic, and fails.

Every gate of the graph is also checked on its own, against a central
difference of its own `forward` at this graph's operand values: a wrong table
derivative fails the report and is named, even where the inputs' gradients
happen to come out right. A gate at a kink, a pole or an edge within the step
cannot be checked so; the report lists it, and suspects it before a bypass.

A kink is told from a mere curve by shrinking the step: on a smooth curve the
slopes from the left and from the right close in as the step shrinks, at a kink
they stay apart. So strong curvature within h is not mistaken for a kink; the
finite difference at the smaller step, where the curve looks straight, decides.

The finite differences themselves (numerical_grad, one-sided slopes, rounding noise)
live in autograd/check/numerical.py; `autograd.check` exports both files' public names.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ..graph import topological_order
from ..ops import Gate
from ..value import Value
from .higher_order import (
    WrongDerivativeRule,
    check_cost,
    derivatives_to_check,
    wrong_derivative_rules,
)
from .numerical import (
    EPS,
    REFINEMENTS,
    Slopes,
    Tolerance,
    ValueFunction,
    as_point,
    can_quarter,
    central_difference,
    check_callable,
    check_number,
    downstream_of,
    float_function,
    gate_at,
    is_coarse,
    nan_outside_domain,
    numerical_grad,
    output_of,
    relative_error,
    rounding_noise,
    settled_slopes,
    step_at,
)

__all__ = [
    "BYPASS_HINT",
    "CUT_GRAPH_HINT",
    "DISCONNECTED",
    "EDGE",
    "EDGE_HINT",
    "KINK",
    "NOT_DETERMINISTIC_HINT",
    "OK",
    "OVERFLOW_HINT",
    "POLE_HINT",
    "UNCHECKED_GATES_HINT",
    "UNRESOLVED",
    "UNRESOLVED_HINT",
    "WRONG",
    "GradcheckReport",
    "InputCheck",
    "WrongGate",
    "assert_gradients_match",
    "gradcheck",
]

OK = "ok"
WRONG = "wrong"
KINK = "kink"
DISCONNECTED = "disconnected"
EDGE = "edge"  # f is not finite (or too steep to resolve) within h: the input was not checked
UNRESOLVED = "unresolved"  # rounding in f hides its change over the step: could not check

CUT_GRAPH_HINT = (
    "f's output changes with {name} but does not reach it through the graph: a Value was "
    "rebuilt from .data (as in Value(a.data ** 2)), which cuts the graph there"
)
EDGE_HINT = (
    "f is not finite within a step of {step:g} from this point (the edge of a gate's domain, "
    "like log at 0), so finite differences cannot check this input; try a smaller h"
)
POLE_HINT = (
    "f changes too fast near this point for any step down to {step:.2g} to resolve (a pole or "
    "a steep feature close to 0), so finite differences cannot check this input; try a "
    "smaller h"
)
UNRESOLVED_HINT = (
    "rounding hides f's change over the step of {step:.2g}: f's values carry rounding errors "
    "of about {noise:.2g}, which can move the central difference by {blur:.2g}, as much as "
    "the gap between analytic and numeric; {remedy} can settle it"
)
BYPASS_HINT = (
    "every gate's table derivative agrees with its own forward function here, so either part "
    "of f's dependence on its inputs runs outside the graph (a Value rebuilt from another's "
    ".data, or a float taken from .data), or the finite difference cannot be trusted here (a "
    "pole or a steep feature within the step, or huge terms that overflow or cancel): try a "
    "smaller h"
)
UNCHECKED_GATES_HINT = (
    "no gate was found at fault, but {gates} could not be checked on its own here (a kink, a "
    "pole or the edge of its domain within the step): its derivative may be the wrong one"
)
NOT_DETERMINISTIC_HINT = (
    "f is not deterministic: called twice at the same point, it gave {difference}. Something "
    "inside f changes between calls (a random mask as in dropout, sampling, a counter), so "
    "no verdict above can be trusted: fix the randomness (pass the mask in, or seed it inside "
    "f) and check again"
)
OVERFLOW_HINT = (
    "backward met inf or nan between this input and the output (a gradient or a gate's "
    "local derivative overflowed): overflow or nan in the chain rule is the likely cause, "
    "not a gate"
)


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
    chain_finite: bool = True  # False when backward met inf or nan between input and output


@dataclass(frozen=True)
class WrongGate:
    """A gate whose table derivative disagrees with a central difference of its forward."""

    gate: str
    operands: tuple[float, ...]  # the node's operand values, a folded constant last
    operand_index: int
    table: float
    numeric: float

    def __str__(self) -> str:
        at = gate_at(self.gate, self.operands)
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
    unchecked_gates: tuple[str, ...] = ()  # gates at a kink, pole or edge somewhere in the graph
    wrong_rules: tuple[WrongDerivativeRule, ...] = ()  # derivatives in gates (order >= 2)
    not_deterministic: str = ""  # how two calls of f at the same point differed ("": they agreed)

    @property
    def ok(self) -> bool:
        """True when every input passed and no gate has a wrong derivative.

        A kink passes when the analytic value is plausible there. An unchecked input
        (EDGE or UNRESOLVED) is not a pass: nothing vouched for its gradient. A wrong
        gate fails the report even when the inputs' gradients came out right: its
        error can hide at one point (next to a kink, or cancelled by another gate's
        error), but it will show at the next.
        """
        wrong = self.wrong_gates or self.wrong_rules
        return not (self.failures or self.unchecked or wrong or self.not_deterministic)

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
        failed += [f"gate {rule.gate!r}" for rule in self.wrong_rules]
        outcomes = (("FAILED for", failed), ("could not check", [r.name for r in self.unchecked]))
        said = [f"{words} {', '.join(names)}" for words, names in outcomes if names]
        if self.not_deterministic:
            said.insert(0, "FAILED: f is not deterministic")
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
        hints += [str(wrong) for wrong in (*self.wrong_gates, *self.wrong_rules)]
        if self.not_deterministic:
            hints.insert(0, NOT_DETERMINISTIC_HINT.format(difference=self.not_deterministic))
        if self._unexplained():
            if self.unchecked_gates:
                gates = ", ".join(repr(gate) for gate in self.unchecked_gates)
                hints.append(UNCHECKED_GATES_HINT.format(gates=gates))
            else:
                hints.append(BYPASS_HINT)
        return "\n".join([title, *table, *(f"  - {hint}" for hint in hints)])

    def _unexplained(self) -> bool:
        """A finite gradient is wrong with a finite chain rule, and no gate is found at fault."""
        return not (self.wrong_gates or self.wrong_rules) and any(
            row.verdict == WRONG and row.chain_finite and math.isfinite(row.analytic)
            for row in self.failures
        )


# --- the check -----------------------------------------------------------------


def gradcheck(
    f: ValueFunction,
    inputs: Iterable[float],
    *,
    h: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    order: int = 1,
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

    f is called twice more at the point: where its output or gradients change
    between calls (a random mask, as in dropout), the report says f is not
    deterministic and is not ok.

    `order=2` also checks every second derivative (rows named `∂²f/∂x∂y`),
    built with `grad(..., create_graph=True)`, against central differences of
    the first, and each gate's derivative written in gates against its float
    rule; order 3 and up go on the same way (see `higher_order.py`). An order
    whose check would take more than about a minute is refused before it starts
    (a ValueError that says why): the work grows about (3 · inputs)-fold per order.
    """
    check_callable(f)
    point = as_point(inputs)
    check_number(h, "h", positive=True)
    check_number(atol, "atol")
    check_number(rtol, "rtol")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be a whole number from 1 up, got {order!r}")
    tolerance = Tolerance(atol, rtol)
    names = _input_names(f, len(point))
    report = _check_slopes(f, f, point, names, h, tolerance)
    difference = _difference_between_calls(f, point, names, [row.analytic for row in report.inputs])
    report = replace(report, not_deterministic=difference)
    if order == 1:
        return report
    leaves = [Value(x) for x in point]
    check_cost(len(topological_order(output_of(f, leaves))), len(point), order)
    rows = list(report.inputs)
    wrong_gates = dict.fromkeys(report.wrong_gates)
    unchecked_gates = dict.fromkeys(report.unchecked_gates)
    for derivative in derivatives_to_check(f, len(point), order):
        checked = _check_slopes(
            derivative.in_gates, derivative.in_floats, point, names, h, tolerance
        )
        rows += [
            replace(row, name=derivative.name(names, j)) for j, row in enumerate(checked.inputs)
        ]
        wrong_gates.update(dict.fromkeys(checked.wrong_gates))
        unchecked_gates.update(dict.fromkeys(checked.unchecked_gates))
    return GradcheckReport(
        tuple(rows),
        tuple(wrong_gates),
        tuple(unchecked_gates),
        wrong_derivative_rules(f, leaves, order, tolerance),
        report.not_deterministic,
    )


def _check_slopes(
    f: ValueFunction,
    reference: ValueFunction,
    point: list[float],
    names: list[str],
    h: float,
    tolerance: Tolerance,
) -> GradcheckReport:
    """backward()'s gradients of `f` against central differences of `reference`.

    The two are the same function, except in a check of higher order: there
    `f` is a derivative built with gates and `reference` the same derivative
    from the float table.
    """
    leaves = [Value(x, label=name) for x, name in zip(point, names, strict=True)]
    nodes = _backward(f, leaves, point)
    in_graph = set(nodes)
    numeric = numerical_grad(reference, point, h)
    func = float_function(reference)

    rows = []
    for i, (name, leaf, n) in enumerate(zip(names, leaves, numeric, strict=True)):
        dx = step_at(h, point[i])
        noise = rounding_noise(nodes, leaf)
        if tolerance.close(leaf.grad, n):
            verdict, hint = OK, ""
        elif leaf not in in_graph:
            verdict, hint = DISCONNECTED, CUT_GRAPH_HINT.format(name=name)
        elif tolerance.close(leaf.grad, n, noise / dx):
            verdict, hint = _judge_blurred(func, point, i, dx, h, leaf.grad, n, tolerance, noise)
        else:
            verdict, hint = _judge_mismatch(func, point, i, dx, h, leaf.grad, tolerance, noise)
        chain_finite = _chain_finite(nodes, leaf)
        if verdict == WRONG and not chain_finite:
            hint = "; ".join(filter(None, [hint, OVERFLOW_HINT]))
        error = relative_error(leaf.grad, n)
        rows.append(InputCheck(name, point[i], leaf.grad, n, error, verdict, hint, chain_finite))
    return GradcheckReport(tuple(rows), *_check_gates(nodes, h, tolerance))


def assert_gradients_match(
    f: ValueFunction, inputs: Iterable[float], *, order: int = 1, **tolerances: float
) -> GradcheckReport:
    """`gradcheck`, raising AssertionError with the report's table when it fails.

    Made for property tests: `assert_gradients_match(f, [x, y])` inside `@given`.
    """
    report = gradcheck(f, inputs, order=order, **tolerances)
    if not report.ok:
        raise AssertionError(str(report))
    return report


def _backward(f: ValueFunction, leaves: list[Value], point: list[float]) -> list[Value]:
    """Build f's graph on `leaves` and run backward(): its nodes, parents before children."""
    out = output_of(f, leaves)
    if not math.isfinite(out.data):
        raise ValueError(f"f is {out.data} at {point}: gradients are checked where f is finite")
    out.backward()
    return topological_order(out)


def _difference_between_calls(
    f: ValueFunction, point: list[float], names: list[str], analytic: list[float]
) -> str:
    """How two more calls of f at `point` differ, in the output or a gradient; "" if in nothing.

    Every verdict compares numbers from different calls of f (backward from one,
    finite differences from others), so a function that changes between calls can
    pass or fail by chance. Two calls must give the same output, and the same
    gradients as each other and as the check's own backward() (`analytic`);
    nan counts as equal to nan.
    """
    first, second = (_output_and_gradients(f, point) for _ in range(2))
    what = ["the output", *(f"d f/d {name}" for name in names)]
    for name, a, b, c in zip(what, first, second, [first[0], *analytic], strict=True):
        for x, y in ((a, b), (c, a)):
            if not (x == y or (math.isnan(x) and math.isnan(y))):
                return f"{name} = {x:.6g}, then {y:.6g}"
    return ""


def _output_and_gradients(f: ValueFunction, point: list[float]) -> list[float]:
    leaves = [Value(x) for x in point]
    out = output_of(f, leaves)
    out.backward()
    return [out.data, *(leaf.grad for leaf in leaves)]


def _chain_finite(nodes: list[Value], leaf: Value) -> bool:
    """Whether every gradient and local derivative from `leaf` to the output is finite."""
    downstream = downstream_of(nodes, leaf)
    on_path = {leaf, *downstream}
    local = (
        grad
        for node in downstream
        for parent, grad in zip(node.parents, node.local_grads, strict=True)
        if parent in on_path
    )
    grads = (node.grad for node in on_path)
    return all(math.isfinite(g) for g in (*grads, *local))


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
    slopes = settled_slopes(func, point, index, step, tolerance, noise)
    if not slopes.finite:
        return EDGE, EDGE_HINT.format(step=step)
    if slopes.kink:
        return _judge_kink(slopes, analytic, tolerance)
    central, finest = _closing_in(
        func, point, index, slopes.step, slopes.central, analytic, tolerance, noise
    )
    # still coarse next to x, the slopes apart: a pole or steep feature too close to resolve
    unresolved = is_coarse(point[index], finest) and not slopes.settled(tolerance, noise)
    if finest == step and not unresolved:
        return WRONG, ""  # f is smooth at this step and no smaller step changes its verdict
    finer = (
        f"f bends sharply within the step of this point (strong curvature, or a pole, kink or "
        f"edge nearby); at step {finest:.2g} the central difference is {central:.6g}"
    )
    if tolerance.close(analytic, central):
        return OK, f"{finer}, as the analytic value says"
    if tolerance.close(analytic, central, noise / finest):
        return UNRESOLVED, _unresolved_hint(noise, finest, h, analytic, tolerance)
    if unresolved:
        return EDGE, POLE_HINT.format(step=finest)
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
        if tolerance.close(analytic, central) or not can_quarter(point[index], step):
            break
        finer = central_difference(func, point, index, step / 4)
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
    slopes = settled_slopes(func, point, index, probe, tolerance, noise)
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


def _check_gates(
    nodes: Iterable[Value], h: float, tolerance: Tolerance
) -> tuple[tuple[WrongGate, ...], tuple[str, ...]]:
    """Each gate whose table derivative disagrees with its own forward (first place per gate),
    and the other gates that could not be checked somewhere (at a kink, a pole or an edge).

    Every node is checked, not one per gate, as a derivative may be wrong in one region
    only (for x < 0, say). That is cheap: a few calls of the gate's rule per operand,
    against f's many whole-graph evaluations for the finite differences of the inputs.
    """
    found: dict[str, WrongGate] = {}
    unchecked: dict[str, None] = {}  # a dict keeps the graph's order
    for node in nodes:
        gate = node.gate
        if gate is None or gate.name in found:
            continue
        wrong, checked = _check_node(node, gate, h, tolerance)
        if wrong is not None:
            found[gate.name] = wrong
        elif not checked:
            unchecked[gate.name] = None
    return tuple(found.values()), tuple(name for name in unchecked if name not in found)


def _check_node(
    node: Value, gate: Gate, h: float, tolerance: Tolerance
) -> tuple[WrongGate | None, bool]:
    """The node's gate checked at its operands: a WrongGate if a table derivative disagrees,
    and whether every operand could be checked (none at a kink, a pole or an edge of the gate,
    where the one-sided slopes do not settle)."""
    operands = [parent.data for parent in node.parents]
    if node.const is not None:
        operands.append(node.const)
    if not all(math.isfinite(x) for x in operands):
        return None, False
    forward = nan_outside_domain(gate.forward)  # a user's gate may raise outside its domain
    noise = EPS * abs(node.data)  # the gate rounds its output
    checked = True
    for i, table in enumerate(node.local_grads):
        slopes = settled_slopes(forward, operands, i, step_at(h, operands[i]), tolerance, noise)
        if slopes.kink or not slopes.finite or not slopes.settled(tolerance, noise):
            checked = False  # its derivative cannot be checked here; the next operand's can
        elif not tolerance.close(table, slopes.central, noise / slopes.step):
            return WrongGate(gate.name, tuple(operands), i, table, slopes.central), checked
    return None, checked


# --- naming f's inputs ---------------------------------------------------------


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
