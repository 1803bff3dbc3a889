"""Recording: run a function once on Values and keep its graph as a flat list of steps.

The graph of one example is walked once, leaves first, and numbered: the inputs
(the function's arguments) are nodes 0 .. n-1, then every other node in an order
where each gate comes after its operands. A node is *varying* when it depends
on an input, so it differs from example to example; the others (parameters, and
gates of parameters only) are *shared*: one number for the whole batch, read
afresh at every replay.

While the function runs, every comparison of Values (`x > 0`, builtin `max`)
is noted with the side it took, so that a replay can check that each example
takes the same side; turning a Value into a plain float, or asking grad() for
plain numbers, is refused, since the number would leave the graph and be frozen
into the tape.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..ops import Gate
from ..validate import is_real_number, real_number, shown
from ..value import TRACING, Value

# Each works on floats and, element by element, on numpy arrays.
COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


# What the engine reports while tracing when a number leaves the graph: the tape can only
# replay gates, so that number would be frozen into it, the same for every row.
ESCAPES = {
    "float": (
        "a traced function turned a Value into a plain float (float(v), math.exp(v), ...): "
        "the tape can only replay gates, so that number would be frozen; use the Value's "
        "own methods (v.exp(), v.relu(), v.max(w))"
    ),
    "grad": (
        "a traced function called grad() without create_graph=True (or hessian()): their "
        "results are plain numbers, which the tape would freeze, the same for every row; "
        "grad(..., create_graph=True) gives gates, which it replays"
    ),
}

Noted = tuple[str, Value, "Value | float", str]  # a comparison as noted: op, left, right, where


@dataclass(frozen=True)
class Step:
    """One gate of the tape: `gate` applied to earlier nodes, maybe with a folded constant."""

    gate: Gate
    out: int
    operands: tuple[int, ...]  # node numbers of the Value operands, in order
    const: float | None  # the plain number folded in as the last operand, if any


@dataclass(frozen=True)
class Comparison:
    """A comparison made while tracing, which every replayed example must repeat."""

    op: str  # "<", "<=", ">" or ">="
    left: int  # node number of the Value on the left
    right: int | None  # node number of a Value on the right ...
    right_number: float  # ... or the plain number there
    taken: bool  # its result while tracing
    text: str  # how it reads, for error messages: "x > 0.0"
    where: str  # the line that made it: "loss.py:12 in loss_fn"


@dataclass
class Program:
    """A recorded graph: what a Tape replays."""

    input_names: list[str]
    output: int
    steps: list[Step] = field(default_factory=list)  # every gate, operands first
    leaves: dict[int, Value] = field(default_factory=dict)  # shared leaves, read live
    varying: list[bool] = field(default_factory=list)  # per node
    reaches_output: list[bool] = field(default_factory=list)  # per node: gets a gradient
    comparisons: list[Comparison] = field(default_factory=list)


def input_names(fn: Callable[..., object], n_inputs: int) -> list[str]:
    """The traced function's parameter names (for messages), or x1, x2, ... if unknown.

    A function that cannot take `n_inputs` arguments is refused here, before it is
    called, with a message about example_inputs rather than about the call.
    """
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin or C function: no signature
        signature = None
    parameters = [] if signature is None else list(signature.parameters.values())
    if signature is not None:
        try:
            signature.bind(*range(n_inputs))
        except TypeError as error:
            raise TypeError(
                f"trace calls the function with one argument per number of example_inputs "
                f"({n_inputs}), but it takes {signature}: {error}"
            ) from None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in parameters if p.kind in positional]
    if len(names) >= n_inputs:
        return names[:n_inputs]
    return [f"x{i}" for i in range(1, n_inputs + 1)]


def record(fn: Callable[..., object], example: Sequence[float]) -> Program:
    """Call fn once on Values made from `example` and number its graph into a Program."""
    names = input_names(fn, len(example))
    inputs = [Value(x, name) for x, name in zip(example, names, strict=True)]
    noted: list[Noted] = []

    def note(op: str, value: Value, other: object) -> None:
        if op in ESCAPES:
            raise TypeError(ESCAPES[op])
        right = other if isinstance(other, Value) else real_number(other, "a compared number")
        noted.append((op, value, right, _caller()))

    TRACING.append(note)
    try:
        result = fn(*inputs)
    finally:
        TRACING.remove(note)
    if not isinstance(result, Value):
        hint = " (return the Value itself, not a list)" if isinstance(result, list | tuple) else ""
        raise TypeError(
            f"the traced function must return one Value, the output for one example; "
            f"it returned {type(result).__name__} {shown(result)}{hint}"
        )
    return _number(result, inputs, noted, names)


def _caller() -> str:
    """Where the comparison being noted was written: the first frame outside the engine."""
    frame = sys._getframe(1)
    skipped = {__file__, sys.modules[Value.__module__].__file__}
    while frame.f_back is not None and frame.f_code.co_filename in skipped:
        frame = frame.f_back
    code = frame.f_code
    return f"{os.path.basename(code.co_filename)}:{frame.f_lineno} in {code.co_name}"


def _number(
    output: Value,
    inputs: list[Value],
    noted: list[Noted],
    names: list[str],
) -> Program:
    """Number the inputs 0 .. n-1, then every node the output or a comparison depends on."""
    roots = [output]
    for _, value, other, _ in noted:
        roots.append(value)
        if isinstance(other, Value):
            roots.append(other)
    index = {value: i for i, value in enumerate(inputs)}
    program = Program(names, output=0)
    program.varying = [True] * len(inputs)
    for node in _operands_first(roots, inputs):
        index[node] = len(program.varying)
        gate = node.gate
        if gate is None:  # a leaf: a parameter
            program.leaves[index[node]] = node
            program.varying.append(False)
            continue
        operands = tuple(index[p] for p in node.parents)
        program.steps.append(Step(gate, index[node], operands, node.const))
        program.varying.append(any(program.varying[i] for i in operands))
    program.output = index[output]
    program.reaches_output = _ancestors(program)
    program.comparisons = [
        _comparison(op, value, other, where, index) for op, value, other, where in noted
    ]
    return program


def _operands_first(roots: list[Value], inputs: list[Value]) -> list[Value]:
    """Every node the roots depend on, except the inputs, each after its operands.

    Not `graph.topological_order` once per root: the roots (the output and every
    compared Value) share most of their graph, and one `done` set across them
    walks each node once; a sort of 300 Values traced 15 times slower per root.
    """
    done = set(inputs)
    order = []
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, operands_done = stack.pop()
            if node in done:
                continue
            if operands_done:
                done.add(node)
                order.append(node)
                continue
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if p not in done)
    return order


def _ancestors(program: Program) -> list[bool]:
    """Per node: does the output depend on it? Only those take part in backward."""
    reaches = [False] * len(program.varying)
    reaches[program.output] = True
    for step in reversed(program.steps):
        if reaches[step.out]:
            for i in step.operands:
                reaches[i] = True
    return reaches


def _comparison(
    op: str, value: Value, other: Value | float, where: str, index: dict[Value, int]
) -> Comparison:
    if isinstance(other, Value):
        taken = COMPARE[op](value.data, other.data)
        right, number, right_text = index[other], 0.0, _describe(other)
    else:
        taken = COMPARE[op](value.data, other)
        right, number, right_text = None, other, repr(other)
    text = f"{_describe(value)} {op} {right_text}"
    return Comparison(op, index[value], right, number, taken, text, where)


def _describe(value: Value) -> str:
    """A Value's name in a message: its label, or the gate that made it."""
    if value.label:
        return value.label
    if value.gate is None:
        return f"a leaf holding {value.data!r}"
    return f"{value.gate.name}(…)"


def check_example(example: object) -> list[float]:
    """The example inputs of trace() as floats; a clear error otherwise."""
    if isinstance(example, str | bytes | Value) or not isinstance(example, Sequence):
        raise TypeError(
            f"example_inputs must be a list of numbers, one per argument of the traced "
            f"function, got {type(example).__name__} {shown(example)}"
        )
    numbers = []
    for x in example:
        if isinstance(x, Value):
            raise TypeError("example_inputs must be plain numbers: trace makes the input Values")
        if not is_real_number(x):
            raise TypeError(f"example_inputs must hold numbers, got {type(x).__name__} {shown(x)}")
        numbers.append(float(x))
    return numbers
