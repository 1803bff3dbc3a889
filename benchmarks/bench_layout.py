"""Time drawing graphs in which one value feeds many gates (issue 10, item 1).

    .venv/bin/python benchmarks/bench_layout.py           # the full sizes, about half a minute
    .venv/bin/python benchmarks/bench_layout.py --quick   # small sizes, a few seconds

The graphs are those of tests/test_viz_layout.py (an RNN unrolled over n steps, a
Horner polynomial of degree n, `x+x+…+x` with n terms, an inner value used by n
gates along a chain, and a chain of n steps where each value is also used 20
steps later), here at the sizes the issue reported: before the fix the
RNN-40 and Horner-75 took minutes, the 150-term sum more than ten, and the
500-term sum crashed `dot`. For each: the columns the wires cross (what the
size guard counts), the seconds to build the DOT source (`viz.draw`), and the
seconds to write the PNG (`viz.render`, Graphviz included) with its size in
pixels; or how fast it is refused, and the first words of why.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_viz_layout import fanned_out_inner_value, horner, long_skips, repeated_sum, rnn, scene_of

import viz
from autograd import Value, topological_order
from viz.layout import aligned_sources, layout_cost


def long_skips_20(steps: int) -> Value:
    """Each value also used 20 steps later."""
    return long_skips(steps, 20)


FULL = [("RNN", rnn, 40), ("Horner", horner, 75), ("sum", repeated_sum, 100),
        ("sum", repeated_sum, 150), ("sum", repeated_sum, 500),
        ("inner value", fanned_out_inner_value, 80),
        ("skips of 20", long_skips_20, 60), ("skips of 20", long_skips_20, 100)]  # fmt: skip
QUICK = [("RNN", rnn, 10), ("Horner", horner, 20), ("sum", repeated_sum, 50),
         ("inner value", fanned_out_inner_value, 30),
         ("skips of 20", long_skips_20, 100)]  # fmt: skip


def crossings(root: Value) -> int:
    scene = scene_of(root)
    return layout_cost(scene, aligned_sources(scene, viz.DEFAULT.aligned_inputs)).crossings


def pixels(path: Path) -> str:
    try:
        from PIL import Image
    except ImportError:
        return "?"
    with Image.open(path) as image:
        return "{}x{}".format(*image.size)


def measure(name: str, make: Callable[[int], Value], n: int, folder: Path) -> str:
    root = make(n)
    root.backward()
    label = f"{name} {n}".ljust(16)
    nodes = len(topological_order(root))
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            viz.draw(root)
            drawn = time.perf_counter()
            path = viz.render(root, folder / "g.png")
    except viz.GraphTooLargeError as refused:
        took = time.perf_counter() - start
        return f"{label}{nodes:>6}  refused in {took:.2f} s: {str(refused)[:70]}…"
    done = time.perf_counter()
    return (
        f"{label}{nodes:>6}{crossings(root):>10}{drawn - start:>9.2f}{done - drawn:>9.2f}"
        f"  {pixels(path)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    print(f"{'graph':16}{'values':>6}{'crossings':>10}{'draw s':>9}{'png s':>9}  pixels")
    with tempfile.TemporaryDirectory() as folder:
        for name, make, n in QUICK if args.quick else FULL:
            print(measure(name, make, n, Path(folder)), flush=True)


if __name__ == "__main__":
    main()
