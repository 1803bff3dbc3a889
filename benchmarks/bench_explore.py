"""What an explorer page costs, next to the picture of the same graph (issue 12).

    .venv/bin/python benchmarks/bench_explore.py            # the slide, the sigmoid, 300 gates
    .venv/bin/python benchmarks/bench_explore.py --repeat 5

The issue's budget: a 300-gate page costs no more than about three
`viz.render(f, "f.svg")` calls of the same graph (one Graphviz layout, however
many steps), the f = (x+y)z page is well under 400 KB and the 300-gate page
under 3 MB. For each graph: its gates, the best time of `viz.render(.svg)`, of
`viz.explore` (Graphviz included), their ratio, and the page's size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from slides import fxyz, sigmoid_expanded

import viz
from autograd import Value, topological_order
from autograd.nn import MLP


def network() -> Value:
    """MLP(3, [10, 10, 1]) on one input: 300 gates."""
    return MLP(3, [10, 10, 1], rng=0)([1.0, -2.0, 0.5])[0]


GRAPHS: list[tuple[str, Callable[[], Value], str]] = [
    ("f = (x+y)z", fxyz, "box"),
    ("sigmoid, boxed", lambda: sigmoid_expanded(boxed=True), "box"),
    ("MLP(3,[10,10,1])", network, "box"),
    ("MLP(3,[10,10,1])", network, "collapse"),
]


def best(seconds: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        seconds()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    args = parser.parse_args(argv)
    print(f"{'graph':<18} {'groups':<9} {'gates':>5} {'render .svg':>12} {'explore':>9} "
          f"{'ratio':>6} {'page':>10}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        svg = Path(folder) / "f.svg"
        for name, build, groups in GRAPHS:
            root = build()
            root.backward()
            gates = sum(1 for node in topological_order(root) if node.gate is not None)
            render = best(partial(viz.render, root, svg, groups=groups), args.repeat)
            page = viz.explore(root, groups=groups)
            explore = best(partial(viz.explore, root, groups=groups), args.repeat)
            size = len(page.html.encode())
            print(f"{name:<18} {groups:<9} {gates:>5} {render:>11.3f}s {explore:>8.3f}s "
                  f"{explore / render:>6.2f} {size / 1000:>8.1f} KB")  # fmt: skip


if __name__ == "__main__":
    main()
