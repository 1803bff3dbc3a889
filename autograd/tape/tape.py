"""`trace` and `Tape`: record a per-example function once, replay it over a numpy batch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..validate import count, is_real_number, real_number, shown
from ..value import Value
from .record import Comparison, check_example, record
from .replay import Block, Replay, Shared

# The default chunk: as many rows as keep one chunk's arrays near MEMORY_BUDGET, at most
# MAX_CHUNK (larger chunks gained nothing measurable on the benchmark's network).
MEMORY_BUDGET = 64_000_000  # bytes
BYTES_PER_NODE_AND_ROW = 12  # about 1.5 float64 per node and row, measured (bench_tape.py)
MAX_CHUNK = 4096


class BranchError(ValueError):
    """An example took the other side of a comparison that was made while tracing."""


class Tape:
    """A recorded graph, replayed over many examples at once. Made by `trace`.

    `tape(XY)` gives one output per row of XY; `tape.backward(XY)` also adds
    d(sum of the outputs) / d leaf into the `.grad` of every leaf other than the
    inputs, as `sum(losses).backward()` would on the graphs built one example
    at a time. `tape.parameters` lists those leaves (read afresh at every call),
    `tape.comparisons` the comparisons every row is checked against.

    Rows are replayed in chunks of `chunk` rows, so memory stays bounded however
    large the batch: about 1.5 × nodes × chunk × 8 bytes (each node's values, and
    the local derivatives and gradients of some). By default the chunk is what
    keeps that near 64 MB, at most 4,096 rows.
    """

    def __init__(self, fn: Callable[..., Value], example: list[float], chunk: int | None) -> None:
        self.fn = fn
        self._replay = Replay(record(fn, example))
        program = self._replay.program
        if chunk is None:
            chunk = MEMORY_BUDGET // (BYTES_PER_NODE_AND_ROW * len(program.varying))
            chunk = max(1, min(MAX_CHUNK, chunk))
        self.chunk = count(chunk, "chunk")
        self.input_names: list[str] = program.input_names
        self.comparisons: list[Comparison] = program.comparisons
        self.parameters: list[Value] = [
            leaf for node, leaf in program.leaves.items() if program.reaches_output[node]
        ]

    @property
    def n_inputs(self) -> int:
        return len(self.input_names)

    def __len__(self) -> int:
        """The number of gates recorded."""
        return len(self._replay.program.steps)

    def __repr__(self) -> str:
        name = getattr(self.fn, "__name__", "function")
        return (
            f"<Tape of {name}({', '.join(self.input_names)}): {len(self)} gates, "
            f"{len(self.parameters)} parameters, {len(self.comparisons)} comparisons>"
        )

    def __call__(self, XY: object) -> np.ndarray:
        """The traced function's output for each row of XY (shape (rows, n_inputs)), as an array."""
        return self._run(XY, None)

    def backward(self, XY: object, output_grad: object = 1.0) -> np.ndarray:
        """The outputs, as `tape(XY)`; also adds d(sum of outputs)/d leaf into each leaf's .grad.

        `output_grad` weighs the outputs, one number or one per row, as PyTorch's
        `backward(gradient)`: the gradient added is that of Σ output_grad·output.
        `1 / len(XY)` gives the gradient of the mean.
        """
        return self._run(XY, output_grad)

    def _run(self, XY: object, output_grad: object | None) -> np.ndarray:
        rows = _check_rows(XY, self.input_names)
        n = len(rows)
        seed = None if output_grad is None else _check_output_grad(output_grad, n)
        replay = self._replay
        output = replay.program.output
        with np.errstate(all="ignore"):  # inf and nan are answers, as in the scalar engine
            shared = replay.shared()
            _check_shared_comparisons(replay, shared)
            outputs = np.empty(n)
            shared_grads = [0.0] * len(shared.values)
            for start in range(0, n, self.chunk):
                block = replay.forward(rows[start : start + self.chunk].T, shared)
                _check_comparisons(replay, block, start)
                outputs[start : start + self.chunk] = block.values[output]
                if seed is not None:
                    replay.backward(block, seed[start : start + self.chunk], shared_grads)
            if seed is not None and n:
                if not replay.program.varying[output]:
                    shared_grads[output] += float(seed.sum())
                replay.backward_shared(shared, shared_grads)
        return outputs


def trace(
    fn: Callable[..., Value], example_inputs: list[float], *, chunk: int | None = None
) -> Tape:
    """Record `fn` once, called on Values made from `example_inputs`; return the Tape.

    `fn` takes one Value per input of one example and returns one Value. Leaves
    it reaches other than its arguments (a model's parameters) are read afresh
    at each replay, and backward adds their gradients into them. They are the
    Value objects met while tracing: an update of `p.data` is seen, a parameter
    replaced by a new Value (`w = w - lr * w.grad`) needs a new trace.

    Python branches on the numbers are fine as long as they compare Values
    (`if x > 0:`, builtin `max(a, b)`): each comparison is recorded, and
    replaying an example that takes the other side raises BranchError. Reading
    `.data` escapes the tape: a branch on it is frozen as it went while tracing.
    `chunk` is how many rows are replayed at once (see Tape).
    """
    if not callable(fn):
        raise TypeError(f"trace needs a function to record, got {type(fn).__name__}")
    return Tape(fn, check_example(example_inputs), chunk)


# --- checks ---------------------------------------------------------------------------


def _check_rows(XY: object, names: list[str]) -> np.ndarray:
    """XY as a C-ordered float array of shape (rows, len(names)); a clear error otherwise."""
    n = len(names)
    expected = f"(rows, {n}): one column per input ({', '.join(names)})"
    try:
        rows = np.asarray(XY)
    except ValueError:
        raise ValueError(f"XY must have shape {expected}; its rows differ in length") from None
    if rows.dtype.kind not in "iuf":
        hint = ""
        if rows.dtype == object and any(isinstance(x, Value) for x in rows.ravel()):
            hint = " (a tape replays plain numbers, not Values)"
        raise TypeError(f"XY must hold plain numbers, got {shown(XY)}{hint}")
    if rows.shape == (0,):  # [] or an empty array: a batch of no rows
        rows = rows.reshape(0, n)
    if rows.ndim != 2 or rows.shape[1] != n:
        hint = "; for one example pass [[...]]" if rows.ndim == 1 and len(rows) == n else ""
        raise ValueError(f"XY must have shape {expected}, got shape {rows.shape}{hint}")
    return np.ascontiguousarray(rows, dtype=float)


def _check_output_grad(output_grad: object, n: int) -> np.ndarray:
    if is_real_number(output_grad):
        return np.full(n, real_number(output_grad, "output_grad"))
    weights = np.asarray(output_grad)
    if weights.dtype.kind not in "iuf" or weights.shape != (n,):
        raise ValueError(
            f"output_grad must be a number or one number per row ({n}), got {shown(output_grad)}"
        )
    return weights.astype(float)


def _check_shared_comparisons(replay: Replay, shared: Shared) -> None:
    """Comparisons of parameters only: the same for every row, but parameters change."""
    comparison = replay.broken_shared_comparison(shared)
    if comparison is not None:
        raise BranchError(
            f"the comparison {comparison.text} (at {comparison.where}) was "
            f"{comparison.taken} while tracing and is now {not comparison.taken}: "
            f"the parameters it compares have changed since; trace again"
        )


def _check_comparisons(replay: Replay, block: Block, start: int) -> None:
    broken = replay.broken_comparison(block)
    if broken is None:
        return
    comparison, row = broken
    raise BranchError(
        f"row {start + row} takes the other side of the comparison {comparison.text} "
        f"(at {comparison.where}): it was {comparison.taken} while tracing and is "
        f"{not comparison.taken} for this row, so the recorded graph does not apply to it. "
        f"Trace the function again on that row, or write the branch with gates "
        f"(relu, max) instead of an if"
    )
