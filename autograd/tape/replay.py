"""Replaying a recorded graph: the chain rule over a block of examples with numpy.

Shared nodes (parameters, and gates of parameters only) are computed once per
call with the scalar engine's own rules, so they are exactly what the engine
computes. Varying nodes hold one float64 array each, one entry per example of
the block, computed gate by gate with the array rules of `autograd.tape.rules`.

Backward runs the gates in reverse, as `Value.backward` does, on a matrix of
gradients with a row per varying node: each gate hands `local derivative × its
gradient` to its operands' rows. A shared operand (a weight) receives the sum of
that over the block's examples (one dot product), which is what
`sum(losses).backward()` on the scalar graphs adds into it; after the last
block those sums are passed down the shared gates once, to the leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .. import ops
from ..ops import checked_rule
from .record import COMPARE, Comparison, Program
from .rules import BUILT_IN, ONE, BatchRule, batch_rule_of


class ArrayStep(NamedTuple):
    """A varying gate, ready to run over a block."""

    rule: BatchRule
    out: int
    operands: tuple[int, ...]  # node numbers, with the folded constant's slot left out
    const: tuple[float, ...]  # () or (the folded constant,)


class SharedStep(NamedTuple):
    """A gate of shared nodes only, run once per call on plain floats."""

    rule: Callable[..., tuple[float, ...]]
    out: int
    operands: tuple[int, ...]
    const: tuple[float, ...]


ADD_DERIVATIVES = (ONE, ONE)

# What an operand does with its share of a gate's gradient in backward, decided once:
SET = 0  # the first share into the operand's row overwrites it (no zeroing, no addition)
ADD = 1  # a later share adds to it
SHARED = 2  # a shared operand collects the block's sum instead
SAME_ROW = 3  # the only user is an add gate: the operand's gradient *is* the gate's; one row


class Contribution(NamedTuple):
    """Where one operand of a gate sends its share of the gradient in backward."""

    slot: int  # which local derivative
    row: int  # the operand's row of gradients (varying operands)
    node: int  # the operand's node number (shared operands)
    how: int  # SET, ADD, SHARED or SAME_ROW


class Shared(NamedTuple):
    """The shared nodes' numbers for one call, and their local derivatives."""

    values: list[float | None]  # per node; None for varying nodes
    arrays: list[Any]  # the same as 0-d arrays, the form numpy combines fastest
    derivatives: dict[int, tuple[float, ...]]  # per shared gate output


class Block(NamedTuple):
    """The forward pass over one block of examples, kept for its backward pass."""

    values: list[Any]  # per node: an array for varying nodes, a 0-d array for shared ones
    derivatives: list[Sequence[Any]]  # per entry of Replay.array_steps


class Replay:
    """A Program compiled for replay: the steps split into shared and array steps."""

    def __init__(self, program: Program) -> None:
        self.program = program
        varying = program.varying
        rules: dict[object, BatchRule] = {}
        self.array_steps: list[ArrayStep] = []
        self.shared_steps: list[SharedStep] = []
        for step in program.steps:
            const = () if step.const is None else (step.const,)
            if varying[step.out]:
                if step.gate not in rules:  # one warning per slow gate, not one per use
                    rules[step.gate] = batch_rule_of(step.gate)
                self.array_steps.append(ArrayStep(rules[step.gate], step.out, step.operands, const))
            else:
                rule = checked_rule(step.gate)
                self.shared_steps.append(SharedStep(rule, step.out, step.operands, const))
        self._plan_backward()
        self.row_comparisons = [c for c in program.comparisons if _compares_rows(c, varying)]
        self.shared_comparisons = [c for c in program.comparisons if c not in self.row_comparisons]

    def _plan_backward(self) -> None:
        """Decide, once, the gradient row of each varying node and how each share reaches it.

        Most nodes of a network have a single user, so most rows need no zeroing and
        no addition: the first share is written, and an add gate's operands with no
        other user share the gate's row outright (their gradient is the gate's).
        """
        varying, reaches = self.program.varying, self.program.reaches_output
        on_path = [(k, step) for k, step in enumerate(self.array_steps) if reaches[step.out]]
        users = [0] * len(varying)
        for _, step in on_path:
            for node in step.operands:
                users[node] += 1
        self.grad_row = {self.program.output: 0}
        self.n_rows = 1 if varying[self.program.output] else 0
        self.backward_plan = []
        for k, step in reversed(on_path):
            contributions = []
            for slot, node in enumerate(step.operands):
                if not varying[node]:
                    contributions.append(Contribution(slot, -1, node, SHARED))
                    continue
                if node in self.grad_row:
                    how = ADD
                elif users[node] == 1 and step.rule is BUILT_IN[ops.ADD]:
                    self.grad_row[node] = self.grad_row[step.out]
                    how = SAME_ROW
                else:
                    self.grad_row[node] = self.n_rows
                    self.n_rows += 1
                    how = SET
                contributions.append(Contribution(slot, self.grad_row[node], node, how))
            self.backward_plan.append((k, self.grad_row[step.out], tuple(contributions)))

    # --- forward --------------------------------------------------------------------

    def shared(self) -> Shared:
        """The shared nodes' numbers now: parameters are read live, at every call."""
        values: list[float | None] = [None] * len(self.program.varying)
        for node, leaf in self.program.leaves.items():
            values[node] = leaf.data
        derivatives = {}
        for step in self.shared_steps:
            out, *local = step.rule(*(values[i] for i in step.operands), *step.const)
            values[step.out] = out
            derivatives[step.out] = tuple(local)
        arrays = [None if v is None else np.asarray(v) for v in values]
        return Shared(values, arrays, derivatives)

    def forward(self, columns: np.ndarray, shared: Shared) -> Block:
        """Every node's values over a block; `columns` holds one row per input."""
        values = list(shared.arrays)
        values[: len(columns)] = list(columns)
        derivatives: list[Sequence[Any]] = []
        add, mul = BUILT_IN[ops.ADD], BUILT_IN[ops.MUL]
        for rule, out, operands, const in self.array_steps:
            a = values[operands[0]]
            if len(operands) == 2:
                b = values[operands[1]]
            elif const:
                b = const[0]
            else:  # a one-operand gate
                out_value, *local = rule(a)
                values[out] = out_value
                derivatives.append(local)
                continue
            # add and mul, most of a network, skip the call of their rule (rules._add and
            # rules._mul, the same operations): a fifth of the forward pass.
            if rule is mul:
                values[out] = np.multiply(a, b)
                derivatives.append((b, a))
            elif rule is add:
                values[out] = np.add(a, b)
                derivatives.append(ADD_DERIVATIVES)
            else:
                out_value, *local = rule(a, b)
                values[out] = out_value
                derivatives.append(local)
        return Block(values, derivatives)

    def broken_shared_comparison(self, shared: Shared) -> Comparison | None:
        """A comparison of shared nodes that now goes the other way (the parameters moved)."""
        values = shared.values
        for comparison in self.shared_comparisons:
            left, right = values[comparison.left], _right_side(comparison, values)
            if COMPARE[comparison.op](left, right) != comparison.taken:
                return comparison
        return None

    def broken_comparison(self, block: Block) -> tuple[Comparison, int] | None:
        """The first comparison some row of the block takes the other way, and that row."""
        values = block.values
        for comparison in self.row_comparisons:
            left, right = values[comparison.left], _right_side(comparison, values)
            result = COMPARE[comparison.op](left, right)
            wrong_side = np.logical_not(result) if comparison.taken else result
            if wrong_side.any():
                return comparison, int(np.argmax(wrong_side))
        return None

    # --- backward -------------------------------------------------------------------

    def backward(self, block: Block, seed: np.ndarray, shared_grads: list[float]) -> None:
        """Add the block's gradient, the output seeded with `seed`, into `shared_grads` (per node).

        The gradients of varying nodes live in the block's matrix and end with it.
        """
        grads = np.empty((self.n_rows, len(seed)))  # every row is SET before it is read
        grad_of = list(grads)  # one view per row, made once
        if self.program.varying[self.program.output]:
            grad_of[0][:] = seed
        scratch = np.empty(len(seed))
        for k, out_row, contributions in self.backward_plan:
            upstream = grad_of[out_row]
            local = block.derivatives[k]
            for slot, row, node, how in contributions:
                if how == SAME_ROW:
                    continue
                derivative = local[slot]
                if how == SHARED:  # the sum over the block's rows
                    if derivative is ONE:
                        shared_grads[node] += float(upstream.sum())
                    else:
                        shared_grads[node] += float(np.dot(derivative, upstream))
                elif how == SET:
                    if derivative is ONE:
                        np.copyto(grad_of[row], upstream)
                    else:
                        np.multiply(derivative, upstream, out=grad_of[row])
                elif derivative is ONE:
                    np.add(grad_of[row], upstream, out=grad_of[row])
                else:
                    np.multiply(derivative, upstream, out=scratch)
                    np.add(grad_of[row], scratch, out=grad_of[row])

    def backward_shared(self, shared: Shared, shared_grads: list[float]) -> None:
        """Pass the summed gradients down the shared gates, then add them into the leaves' .grad."""
        reaches = self.program.reaches_output
        grads = shared_grads  # per node; filled in for the shared ones
        for step in reversed(self.shared_steps):
            if reaches[step.out]:
                upstream = grads[step.out]
                local = shared.derivatives[step.out]
                for operand, derivative in zip(step.operands, local, strict=False):
                    grads[operand] += derivative * upstream
        for node, leaf in self.program.leaves.items():
            if reaches[node]:
                leaf.grad += grads[node]


def _compares_rows(comparison: Comparison, varying: list[bool]) -> bool:
    """Does either side of the comparison differ from row to row?"""
    right_varies = comparison.right is not None and varying[comparison.right]
    return varying[comparison.left] or right_varies


def _right_side(comparison: Comparison, values: list[Any]) -> Any:
    return comparison.right_number if comparison.right is None else values[comparison.right]
