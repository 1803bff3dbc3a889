"""viz.Timeline: milliseconds per step, memory held and page size for a training run.

    python benchmarks/bench_timeline.py [--steps 100] [--groups box|collapse|none]

The probe is the hinge loss of MLP(2, [8, 8, 1]) on one point, its weights nudged
between steps, as in issue 16's size target (100 steps under 5 MB). Memory is
measured in a second run under tracemalloc, so it does not slow the timed one.
Not part of the tests.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import viz
from autograd.nn import MLP
from autograd.nn.losses import hinge


def record(steps: int, groups: str) -> tuple[viz.Timeline, float]:
    """A Timeline of `steps` probes, and the seconds its adds took."""
    model = MLP(2, [8, 8, 1], rng=0)
    timeline = viz.Timeline(groups=groups)
    spent = 0.0
    for step in range(steps):
        probe = hinge(model([0.5, -1.0])[0], 1)
        start = time.perf_counter()
        timeline.add(probe, loss=probe, step=step)
        spent += time.perf_counter() - start
        for parameter in model.parameters():
            parameter.data += 0.01
    return timeline, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--groups", default="box", choices=["box", "collapse", "none"])
    args = parser.parse_args()
    timeline, spent = record(args.steps, args.groups)
    path = Path(tempfile.mkdtemp()) / "timeline.html"
    start = time.perf_counter()
    timeline.save(path)
    saved = time.perf_counter() - start
    tracemalloc.start()
    kept = record(args.steps, args.groups)  # the same run again, kept alive while counted
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    assert timeline.shape is not None
    print(
        f"MLP(2,[8,8,1]) probe, groups={args.groups}, {len(timeline.shape.wires)} wires, "
        f"{args.steps} steps: {1000 * spent / args.steps:.1f} ms per add, "
        f"{held / 1e6:.2f} MB held, page {path.stat().st_size / 1e6:.2f} MB "
        f"written in {saved:.2f} s (one Graphviz layout)"
    )


if __name__ == "__main__":
    main()
