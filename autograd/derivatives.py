"""Derivatives as Values: `grad`, to any order, and `hessian`.

    x = Value(0.7, "x")
    f = x.sigmoid()
    (dfdx,) = grad(f, [x], create_graph=True)   # σ(1-σ), itself a graph of gates
    (d2fdx2,) = grad(dfdx, [x])                  # σ'' = σ(1-σ)(1-2σ), a number in a leaf
    hessian(f, [x])                              # [[σ'']]

`grad` runs a backward pass of its own, in the order `backward()` takes (depth-first,
root first), and leaves every `.grad` alone: its results are returned, not
stored. With `create_graph=False` the pass is backward()'s arithmetic on floats,
and the results are leaves holding the same numbers backward() gives. With
`create_graph=True` every step of the pass is done with gates instead: each
gate's local derivatives come from the table's second column (`Gate.derivative`,
see `autograd.gate_derivatives`), and upstream gradient times local derivative
is a `*` gate. The results are then outputs of gates, so `grad` and `backward()`
work on them again, to any order.

The gates a pass makes are grouped as composites named after what they do,
`∂sigmoid` for the step through a sigmoid gate and `sum of paths` where the
gradients of a value used twice add up, so a picture of a derivative boxes (or
collapses) the backward pass and leaves the forward graph it reads unboxed.

A pass makes only the gates needed for the inputs asked about: a branch of the
graph that no input feeds is skipped. Where a derivative is a number that no
input changes (d(x + y)/dx = 1), it stays a number until the end, so no gate
multiplies by 1; the result is then a leaf holding it.

With `create_graph=True` the numbers are backward()'s to the last bit, with one
exception: backward() adds a value's gradients to a starting 0.0, a pass of
gates adds them to each other, so where every share is -0.0 the sum here is
-0.0 and backward's is 0.0.
"""

from __future__ import annotations

from collections.abc import Sequence

from .composite import composite
from .graph import topological_order
from .validate import float_or_inf, is_real_number
from .value import TRACING, Value

Slope = Value | float  # a derivative being built: gates, or a number while no input moves it

PATHS = "sum of paths"  # the composite where the gradients of a value used twice are added


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Value]:
    """d output / d input for each of `inputs`, one Value each, in their order.

    No `.grad` is read or changed. An input the output does not depend on gets
    0. With `create_graph=True` the results are built of gates (differentiable
    again); otherwise they are leaves holding backward()'s numbers. A result
    may be a Value of the graph itself, as no gate is made where none is needed:
    d(x·y)/dx is y, d(eˣ)/dx is eˣ (so set a label on a result with care).
    """
    _check_arguments("grad", output, inputs, create_graph)
    if TRACING and not create_graph:  # plain numbers would be frozen into a tape
        TRACING[-1]("grad", output, None)
    gates_root_first = [node for node in reversed(topological_order(output)) if not node.is_leaf]
    if not create_graph:
        grads = _float_pass(output, gates_root_first)
        return [Value(grads.get(x, 0.0)) for x in inputs]
    needed = _depending_on(gates_root_first, inputs)
    totals = _gate_pass(output, gates_root_first, needed)
    results = []
    for x in inputs:
        total = totals.get(x, 0.0)
        results.append(total if isinstance(total, Value) else Value(total))
    return results


def hessian(output: Value, inputs: Sequence[Value]) -> list[list[float]]:
    """The matrix of second derivatives d²output / d input_i d input_j, as rows of floats.

    Row i is the gradient of d output / d input_i, so the matrix is symmetric up
    to rounding (the two orders of differentiation add the same terms in
    different orders).
    """
    _check_arguments("hessian", output, inputs, create_graph=False)
    first = grad(output, inputs, create_graph=True)
    return [[d.data for d in grad(slope, inputs)] for slope in first]


def _check_arguments(caller: str, output: object, inputs: object, create_graph: object) -> None:
    """TypeErrors that name the function the user called (`grad` or `hessian`)."""
    if not isinstance(output, Value):
        raise TypeError(f"{caller}() differentiates a Value, got {type(output).__name__}")
    if isinstance(inputs, Value):
        raise TypeError(
            f"{caller}() takes a list of inputs: write {caller}(f, [x]), not {caller}(f, x)"
        )
    if not isinstance(inputs, Sequence) or isinstance(inputs, str):
        raise TypeError(
            f"{caller}() takes a list of Values as inputs, got {type(inputs).__name__}"
        )
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"{caller}(): inputs[{i}] is a {type(x).__name__}, not a Value")
    if not isinstance(create_graph, bool):
        raise TypeError(f"create_graph must be True or False, got {create_graph!r}")


def _float_pass(output: Value, gates_root_first: list[Value]) -> dict[Value, float]:
    """d output / d node for every node, by backward()'s arithmetic, kept in a dict."""
    grads = {output: 1.0}
    for node in gates_root_first:
        upstream = grads[node]
        for operand, slope in zip(node.parents, node.local_grads, strict=True):
            grads[operand] = grads.get(operand, 0.0) + slope * upstream
    return grads


def _depending_on(gates_root_first: list[Value], inputs: Sequence[Value]) -> set[Value]:
    """The inputs, and the gate outputs that depend on one of them."""
    found = set(inputs)
    for node in reversed(gates_root_first):  # operands before the gates that use them
        if node not in found and any(parent in found for parent in node.parents):
            found.add(node)
    return found


def _gate_pass(
    output: Value, gates_root_first: list[Value], needed: set[Value]
) -> dict[Value, Slope]:
    """d output / d node for every node in `needed`, by the chain rule made of gates.

    Each node collects the shares its users send down (`incoming`); once its
    turn comes (every user is done: the order is backward()'s) it adds them up
    and sends `local derivative * total` to each operand that leads to an input.
    """
    incoming: dict[Value, list[Slope]] = {output: [1.0]}
    totals: dict[Value, Slope] = {}
    for node in gates_root_first:
        if node not in needed:
            continue
        upstream = totals[node] = _sum(incoming.pop(node))
        operands = node.parents
        with composite("∂" + node.gate.name):  # type: ignore[union-attr]  # not a leaf
            slopes = local_slopes(node)[: len(operands)]  # not a folded constant's
            shares = [_times(slope, upstream) for slope in slopes]
        for operand, share in zip(operands, shares, strict=True):
            if operand in needed:
                incoming.setdefault(operand, []).append(share)
    for leaf, shares in incoming.items():
        totals[leaf] = _sum(shares)
    return totals


def local_slopes(node: Value) -> tuple[Slope, ...]:
    """The local derivatives of `node`'s gate, written in gates by its `derivative` rule."""
    gate = node.gate
    assert gate is not None
    if gate.derivative is None:
        raise NotImplementedError(
            f"gate {gate.name!r} has no derivative written in gates, so its derivative "
            "cannot be differentiated again: give the Gate a derivative= rule "
            "(see autograd.gate_derivatives), or use grad(..., create_graph=False)"
        )
    operands: tuple[Slope, ...] = node.parents
    if node.const is not None:
        operands += (node.const,)
    slopes = gate.derivative(node, *operands)
    if not (isinstance(slopes, tuple) and len(slopes) == gate.arity):
        raise TypeError(
            f"gate {gate.name!r}: its derivative rule must return a tuple of {gate.arity} "
            f"local derivatives (Values or numbers), one per operand; it returned {slopes!r}"
        )
    return tuple(_as_slope(gate.name, slope) for slope in slopes)


def _as_slope(gate_name: str, slope: object) -> Slope:
    if isinstance(slope, Value):
        return slope
    if is_real_number(slope):
        return float_or_inf(slope)  # type: ignore[arg-type]
    raise TypeError(
        f"gate {gate_name!r}: its derivative rule returned a {type(slope).__name__}; "
        "each local derivative must be a Value or a number"
    )


def _times(slope: Slope, upstream: Slope) -> Slope:
    """slope * upstream as backward() computes it, with no gate where a factor is exactly 1."""
    if isinstance(slope, float):
        if isinstance(upstream, float):
            return slope * upstream
        return upstream if slope == 1.0 else upstream * slope
    if isinstance(upstream, float) and upstream == 1.0:
        return slope  # x * 1.0 is x, to the bit
    return slope * upstream


def _sum(shares: list[Slope]) -> Slope:
    """The shares added up in the order they came, as backward() adds them to `.grad`."""
    if all(isinstance(share, float) for share in shares):
        total = 0.0  # backward()'s starting .grad, which also makes a -0.0 sum 0.0
        for share in shares:
            total += share  # type: ignore[assignment]
        return total
    if len(shares) == 1:
        return shares[0]
    with composite(PATHS):
        result = shares[0]
        for share in shares[1:]:
            result = result + share if isinstance(result, Value) else share + result
    return result
