"""Time a tape's replay against building a graph per example (`autograd.trace`).

The workload is benchmark (c)'s network: MLP(2, [16, 16, 1]) with relu hidden
layers and the hinge loss relu(1 - y·score) of one two-moons point. The scalar
engine builds one graph per example and calls `sum(losses).backward()`; the tape
records that graph once and replays it over the batch with `tape.backward(XY)`.
Both leave the same gradients in the weights (checked before timing), and both
are timed per example, forward and backward together, at each batch size.

The scalar engine at 10,000 examples would hold 6.4 million nodes at once (about
a gigabyte), so from 1,000 examples on it runs in batches of 100, each summed and
backpropagated on its own: the same work per example with less memory, and, as
its garbage collector then has fewer objects to walk, a little faster than one
huge graph. Times are CPU seconds of this process (`time.process_time`), the
median of several runs, which the other processes of a shared machine disturb
less than wall-clock time.

    python benchmarks/bench_tape.py             # B = 1, 100, 10,000
    python benchmarks/bench_tape.py --quick     # B = 1, 100, 1,000, fewer runs
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from workloads import MLP_SIZES, make_mlp, mlp_score, parameters, two_moons

from autograd import Value, trace

SCALAR_BATCH = 100  # examples per graph when the scalar engine runs many


def example_loss(layers: list) -> Callable[[Value, Value, Value], Value]:
    """The loss of one example, a function of its three numbers (x1, x2, label)."""

    def loss(x1: Value, x2: Value, y: Value) -> Value:
        return (1 - y * mlp_score(layers, [x1, x2])).relu()

    return loss


def scalar_backward(loss: Callable[..., Value], rows: list[list[float]]) -> None:
    """Build each example's graph, then backpropagate the sum, SCALAR_BATCH examples at a time."""
    for start in range(0, len(rows), SCALAR_BATCH):
        losses = [loss(*map(Value, row)) for row in rows[start : start + SCALAR_BATCH]]
        total = sum(losses[1:], losses[0])
        total.backward()


def cpu_seconds(run: Callable[[], object], repeats: int) -> float:
    """The median CPU time of `run`, the garbage collector emptied before each run."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def check_same_gradients(loss: Callable[..., Value], params: list[Value], XY: np.ndarray) -> None:
    """Refuse to time a tape that disagrees with the scalar engine."""
    for p in params:
        p.grad = 0.0
    scalar_backward(loss, XY.tolist())
    expected = np.array([p.grad for p in params])
    for p in params:
        p.grad = 0.0
    trace(loss, [0.0, 0.0, 1.0]).backward(XY)
    got = np.array([p.grad for p in params])
    if not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        difference = abs(got - expected).max()
        raise SystemExit(f"the tape's gradients differ from the engine's by {difference}")


def peak_bytes(run: Callable[[], object]) -> int:
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller batches, fewer runs")
    args = parser.parse_args()
    sizes = [1, 100, 1_000] if args.quick else [1, 100, 10_000]

    layers = make_mlp(Value, MLP_SIZES)
    params = parameters(layers)
    loss = example_loss(layers)
    tape = trace(loss, [0.0, 0.0, 1.0])
    nodes = len(tape) + len(tape.parameters) + tape.n_inputs
    xy, labels = two_moons(max(sizes))
    XY = np.column_stack([xy, labels])
    check_same_gradients(loss, params, XY[:200])
    for _ in range(3):  # warm up both (CPython specializes bytecode after a few calls)
        scalar_backward(loss, XY[:10].tolist())
        tape.backward(XY[:10])

    print(f"Machine: {platform.platform()}; CPython {platform.python_version()}; "
          f"numpy {np.__version__}; {platform.processor() or platform.machine()}")
    print(f"MLP{MLP_SIZES} hinge loss per example: a graph of {nodes} nodes "
          f"({len(tape)} gates); tape chunk {tape.chunk} rows\n")
    print("| examples B | build + backward (µs per example) | tape (µs per example) | speedup |")
    print("|---:|---:|---:|---:|")
    for size in sizes:
        batch = XY[:size]
        rows = batch.tolist()
        scalar_repeats = 3 if size >= 1_000 else (7 if args.quick else 15)
        tape_repeats = 7 if size >= 1_000 else 31
        scalar = cpu_seconds(lambda rows=rows: scalar_backward(loss, rows), scalar_repeats)
        replay = cpu_seconds(lambda batch=batch: tape.backward(batch), tape_repeats)
        ratio = scalar / replay
        speedup = f"{ratio:.1f}" if ratio < 10 else f"{ratio:,.0f}"
        print(f"| {size:,} | {scalar / size * 1e6:,.1f} | {replay / size * 1e6:,.2f} "
              f"| {speedup}× |")
    peak = peak_bytes(lambda: tape.backward(XY))
    per_cell = peak / (nodes * min(tape.chunk, len(XY)) * 8)
    print(f"\nPeak memory of tape.backward over {len(XY):,} rows: {peak / 1e6:.1f} MB "
          f"= {per_cell:.1f} × nodes × chunk × 8 bytes")


if __name__ == "__main__":
    main()
