"""What an explorer page knows about the backward pass, as plain data for its script.

The page draws the graph once (every number in place) and its script only shows,
hides and rewrites numbers; this module says which number each wire shows after
each step and how each number was obtained. The wire numbers come from
`scene.wire_grad`, as in the frames of `viz.frames`, and the chain-rule lines
from `steps.step_texts`, so page and frames tell the same story.

A page may draw the graph twice (composites boxed, and collapsed): the steps
are the same, each view has its own wires. Per wire (keyed by the scene's wire id):

- `grad`: `[step, text]` each time the gradient it shows changes; before the
  first of them it is not computed yet.
- `why`: `[step, line]` the chain-rule line of each gate step that sends it
  gradient; `value`: how its forward value was computed.
- `answer`, `exact`, `tolerance`, `hint`, `label`: for quiz mode.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from autograd import Value

from .options import Options
from .scene import GradState, Scene, Wire, gate_text, root_name, wire_grad
from .steps import Recording, StepText

Json = dict[str, Any]


@dataclass(frozen=True)
class View:
    """One drawing of the graph on the page: composites `groups` ("box" or "collapse"),
    its SVG ids starting with `prefix`."""

    groups: str
    prefix: str
    scene: Scene


def build_pass_data(
    root: Value,
    order: list[Value],
    run: Recording,
    texts: list[StepText],
    views: list[View],
    options: Options,
) -> Json:
    """The page's data: its steps (forward picture first), and for each view the gate
    each step lights, the wires it sends gradient to, and the wires' numbers."""
    return {
        "n": len(run.steps),
        "steps": [{"title": text.title, "lines": text.lines} for text in texts],
        "views": [
            {"groups": view.groups, "prefix": view.prefix,
             **_view(root, order, view.scene, run, texts, options)}
            for view in views
        ],
    }  # fmt: skip


def _view(
    root: Value,
    order: list[Value],
    scene: Scene,
    run: Recording,
    texts: list[StepText],
    options: Options,
) -> Json:
    step_of = {j: k for k, (j, _) in enumerate(run.steps, start=1)}
    fed = _fed(scene)
    gates = [None, *(scene.drawn.get(j) for j, _ in run.steps)]
    wires_fed = [[], *([w.id for w in fed[j]] for j, _ in run.steps)]
    wires: Json = {}
    events = _grad_events(scene, run, fed, options)
    for wire in scene.wires:
        entry: Json = {"kind": wire.kind, "value": _value_text(wire, order, root, options)}
        if wire.node is not None and wire.kind != "branch":  # a branch is a share of it
            label = _name(order[wire.node], root)
            if label:
                entry["label"] = label
        if wire.id in events:
            entry["grad"] = events[wire.id]
            entry["why"] = _why(wire, root, order, texts, step_of, options)
            entry.update(_answer(wire, order, run, options))
        wires[wire.id] = entry
    return {"gates": gates, "fed": wires_fed, "wires": wires}


def _fed(scene: Scene) -> dict[int, list[Wire]]:
    """Gate index -> the wires whose gradient its step sends (the wires into its circle)."""
    fed: dict[int, list[Wire]] = defaultdict(list)
    for wire in scene.wires:
        for j in dict(wire.consumers):
            fed[j].append(wire)
    return fed


def _grad_events(
    scene: Scene, run: Recording, fed: dict[int, list[Wire]], options: Options
) -> dict[str, list[list[Any]]]:
    """For each wire with a gradient: `[step, text]` whenever the text it shows changes.

    Only the wires a step's gate sends gradient to can change at that step (and
    the output's, when the pass starts), so this costs one look per wire and use.
    """
    outputs = [w for w in scene.wires if w.kind == "output"]
    shown: dict[str, str] = {}
    events: dict[str, list[list[Any]]] = {}
    done: set[int] = set()
    for k, (j, grads) in enumerate(run.steps, start=1):
        done.add(j)
        state = GradState(grads, frozenset(done), seeded=True)
        for wire in (outputs if k == 1 else []) + fed[j]:
            assert wire.node is not None  # only constants have none, and they feed no step
            grad = wire_grad(wire.kind, wire.node, wire.consumers, state)
            if grad is None:
                continue
            text = options.number(grad)
            if shown.get(wire.id) != text:
                shown[wire.id] = text
                events.setdefault(wire.id, []).append([k, text])
    return events


def _name(node: Value, root: Value) -> str | None:
    return root_name(root) if node is root else node.label


def _operand(node: Value, root: Value, options: Options) -> tuple[str, str]:
    """How an operand is written in a formula: its name (or number), and its number."""
    number = options.number(node.data)
    return _name(node, root) or number, number


def _formula(node: Value, parts: list[str], options: Options) -> str:
    """`a + b`, `a * -1`, `exp(a)`, `max(a, b)`: the gate applied to `parts`."""
    gate = node.gate
    assert gate is not None
    if node.const is not None:
        parts = [*parts, options.constant(node.const)]
    if len(parts) == 2 and not any(ch.isalnum() for ch in gate.symbol):
        return f"{parts[0]} {gate.symbol} {parts[1]}"
    return f"{gate.name}({', '.join(parts)})"


def _value_text(wire: Wire, order: list[Value], root: Value, options: Options) -> str:
    """How the wire's forward value was computed, e.g. `q = x + y = -2.00 + 5.00 = 3.00`."""
    if wire.node is None:
        return f"the constant {wire.start}"
    node = order[wire.node]
    number = wire.value
    name = _name(node, root)
    if node.gate is None:
        return f"{name or 'this input'} = {number}: an input of the graph"
    operands = [_operand(p, root, options) for p in node.parents]
    symbolic = _formula(node, [o[0] for o in operands], options)
    numeric = _formula(node, [o[1] for o in operands], options)
    text = f"{symbolic} = {numeric} = {number}" if symbolic != numeric else f"{numeric} = {number}"
    if name:
        text = f"{name} = {text}"
    if node.scope is not None:
        text += f"   (a gate inside {node.scope.name})"
    return text


def _why(
    wire: Wire,
    root: Value,
    order: list[Value],
    texts: list[StepText],
    step_of: dict[int, int],
    options: Options,
) -> list[list[Any]]:
    """`[step, line]`: the chain-rule lines that give the wire its gradient, by step."""
    if wire.kind == "output":
        f = root_name(root)
        return [[1, f"∂{f}/∂{f} = {options.number(1.0)}: the backward pass starts here"]]
    assert wire.node is not None
    value = order[wire.node]
    why = []
    for j in sorted(dict(wire.consumers), key=lambda j: step_of[j]):
        k = step_of[j]
        for parent, line in zip(order[j].parents, texts[k].operands, strict=True):
            if parent is value:
                why.append([k, line])
    return why


def _answer(wire: Wire, order: list[Value], run: Recording, options: Options) -> Json:
    """The quiz's answer to a wire's gradient, how close an answer must come, and hints:
    the numbers it is made of.

    An answer is right within one unit of the last digit the answer is written
    with: -4 and -3.99 for -4.00, 0.0026 for 0.0025, 1.51e9 for 1.50e+09.
    """
    assert wire.node is not None
    if wire.kind == "branch":  # its own uses' shares
        final = math.fsum(local * run.final[j] for j, local in wire.consumers)
    else:
        final = run.final[wire.node]
    answer = options.number(final)
    exact: float | str = final
    tolerance = 0.0
    if math.isfinite(final):
        exponent = Decimal(answer).as_tuple().exponent  # -2 for -4.00, 7 for 1.50e+09
        tolerance = float(Decimal(1).scaleb(exponent))  # type: ignore[arg-type]  # an int
    else:
        exact = answer  # nan, inf, -inf: typed as written
    hints = []
    if wire.kind == "output":
        hints.append("the backward pass starts here: d output / d output")
    elif wire.kind == "trunk":
        hints.append("add up the gradients on the branches this value splits into")
    else:
        for j, local in wire.consumers:
            gate = gate_text(order[j], True)
            hints.append(
                f"upstream (the gradient out of the {gate} gate) {options.number(run.final[j])}"
                f" × local {options.number(local)}"
            )
    return {"answer": answer, "exact": exact, "tolerance": tolerance, "hint": hints}
