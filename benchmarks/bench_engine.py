"""Time gategrad's engine against micrograd on the same workloads (`make bench`).

Prints, per workload, forward and backward nanoseconds per node for both engines and our
speedup; then the memory per node of a long chain, and the deepest chain each engine can
backpropagate through at Python's default recursion limit. `--quick` is a smoke run.

How nodes are counted, the same way for both engines: a node is the output of one
operation (`x * 1.0001` is one node). Leaves the workload makes (inputs, weights) are not
nodes, and neither are the Values micrograd wraps around plain numbers such as 1.0001:
that wrapping is part of what micrograd spends per operation. The count is taken by
walking each engine's graph, and the two walks must agree.

Each figure is the median of several runs; the garbage collector stays on (users have it
on) and is emptied before every run, and the engines take turns so that load from other
processes on the machine falls on both alike. Both engines are warmed up first: CPython 3.11
specializes a function's bytecode only from its 8th call on, and a backward pass calls its
loops once, so the first few passes of either engine would be timed unspecialized.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from engines import Engine, bytes_per_node, count_nodes, gategrad, micrograd
from workloads import (
    NODES_PER_LINK,
    Workload,
    chain,
    chain_workload,
    dot_workload,
    links_for,
    mlp_workload,
)

ENGINES = {"gategrad": gategrad(), "micrograd": micrograd()}


@dataclass(frozen=True)
class Sizes:
    """How big the workloads are, and how often each is run."""

    chain_nodes: int
    products: int
    mlp_points: int
    memory_nodes: int
    depth_cap_nodes: int
    repeats: int


FULL = Sizes(20_000, 20_000, 100, 100_000, 1_000_000, repeats=7)
QUICK = Sizes(2_000, 2_000, 10, 10_000, 30_000, repeats=3)


@dataclass(frozen=True)
class Timing:
    """Median nanoseconds per node of one engine on one workload."""

    forward: float
    backward: float

    @property
    def total(self) -> float:
        return self.forward + self.backward


# --- measuring ---------------------------------------------------------------------


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    """Raise Python's recursion limit to at least `limit` for the duration."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def run_once(engine: Engine, workload: Workload) -> tuple[int, int]:
    """Forward and backward nanoseconds of one fresh run; the graph dies untimed."""
    forward = workload.setup(engine.value_class)
    gc.collect()
    with recursion_limit(engine.recursion_limit):
        start = time.perf_counter_ns()
        root = forward()
        built = time.perf_counter_ns()
        root.backward()
        done = time.perf_counter_ns()
    return built - start, done - built


def graph_size(workload: Workload) -> int:
    """Nodes of the workload's graph, checked to be the same graph for every engine.

    Same number of nodes and same result, or the comparison would be unfair.
    """
    roots = {engine.name: workload.setup(engine.value_class)() for engine in ENGINES.values()}
    counts = {name: count_nodes(roots[name], ENGINES[name].parents) for name in ENGINES}
    results = [root.data for root in roots.values()]
    if len(set(counts.values())) != 1 or not all(math.isclose(r, results[0]) for r in results):
        raise RuntimeError(f"{workload.name}: the engines built different graphs: {counts}")
    return counts["gategrad"]


WARM_UP_RUNS = 10  # more than the 8 calls after which CPython 3.11 specializes a function


def warm_up(workload: Workload) -> None:
    """Run every engine's code on a small graph of the workload until it is specialized."""
    for engine in ENGINES.values():
        for _ in range(WARM_UP_RUNS):
            with recursion_limit(engine.recursion_limit):
                workload.setup(engine.value_class)().backward()


def time_workload(workload: Workload, nodes: int, repeats: int) -> dict[str, Timing]:
    """Median forward and backward ns per node of every engine, runs interleaved."""
    forward: dict[str, list[int]] = {name: [] for name in ENGINES}
    backward: dict[str, list[int]] = {name: [] for name in ENGINES}
    for _ in range(repeats):
        for engine in ENGINES.values():
            forward_ns, backward_ns = run_once(engine, workload)
            forward[engine.name].append(forward_ns)
            backward[engine.name].append(backward_ns)
    return {
        name: Timing(
            statistics.median(forward[name]) / nodes, statistics.median(backward[name]) / nodes
        )
        for name in ENGINES
    }


# --- how deep a chain backward() survives ---------------------------------------------


def probe(engine: Engine, links: int) -> int:
    """Exit status of backward() through a chain of `links` links: 0 if it worked."""
    root = chain(engine.value_class(0.5), links)
    try:
        root.backward()
    except RecursionError:
        return 1
    return 0


def survives(engine: Engine, links: int) -> bool:
    """Does backward() through the chain work, in a fresh interpreter at default settings?

    A separate process keeps a crash, a huge graph and the recursion limit away from
    the benchmark itself.
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--probe", engine.name, str(links)]
    return subprocess.run(command, capture_output=True).returncode == 0


def deepest_chain(engine: Engine, cap_links: int) -> tuple[int, bool]:
    """The most links backward() survives (doubling, then bisection) and whether it hit the cap."""
    good, bad, links = 0, 0, 64
    while not bad:
        links = min(links, cap_links)
        if not survives(engine, links):
            bad = links
        elif links == cap_links:
            return links, True
        else:
            good, links = links, 2 * links
    while bad - good > 1:
        middle = (good + bad) // 2
        if survives(engine, middle):
            good = middle
        else:
            bad = middle
    return good, False


# --- reporting ---------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    return (
        f"{platform.platform()}; {platform.python_implementation()} {platform.python_version()}; "
        f"{cpu_model()} ({platform.machine()}); gategrad {version('gategrad')}, "
        f"micrograd {version('micrograd')}"
    )


def print_timing(workload: Workload, nodes: int, repeats: int, timing: dict[str, Timing]) -> None:
    print(f"\n{workload.name}: {nodes:,} nodes, median of {repeats} runs")
    print(f"  {'ns per node':<12}{'forward':>10}{'backward':>10}{'total':>10}")
    for name, t in timing.items():
        print(f"  {name:<12}{t.forward:>10,.0f}{t.backward:>10,.0f}{t.total:>10,.0f}")
    print(f"  our speedup (forward+backward): {speedup(timing):.1f}x")


def speedup(timing: dict[str, Timing]) -> float:
    return timing["micrograd"].total / timing["gategrad"].total


def describe_depth(links: int, capped: bool) -> str:
    nodes = f"{NODES_PER_LINK * links:,} nodes ({links:,} links)"
    return f"{nodes}, the cap of the probe" if capped else nodes


def markdown_summary(
    rows: list[tuple[str, int, dict[str, Timing]]],
    memory: dict[str, float],
    depth: dict[str, str],
) -> str:
    """The figures as a Markdown table, ready for the README."""
    lines = [
        "| workload | nodes | gategrad fwd / bwd ns per node | micrograd fwd / bwd "
        "ns per node | speedup |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, nodes, timing in rows:
        ours, theirs = timing["gategrad"], timing["micrograd"]
        lines.append(
            f"| {name} | {nodes:,} | {ours.forward:,.0f} / {ours.backward:,.0f} "
            f"| {theirs.forward:,.0f} / {theirs.backward:,.0f} | {speedup(timing):.1f}x |"
        )
    lines.append(
        f"| bytes per node (live chain) | | {memory['gategrad']:,.0f} | "
        f"{memory['micrograd']:,.0f} | |"
    )
    lines.append(
        f"| deepest chain at the default recursion limit | | {depth['gategrad']} "
        f"| {depth['micrograd']} | |"
    )
    return "\n".join(lines)


def benchmark(sizes: Sizes) -> None:
    print(f"Machine: {machine()}")
    print("A node is one operation's output, counted the same way for both engines.")
    workloads = [
        chain_workload(sizes.chain_nodes),
        dot_workload(sizes.products),
        mlp_workload(sizes.mlp_points),
    ]
    rows = []
    for workload in workloads:
        warm_up(workload)
        nodes = graph_size(workload)
        timing = time_workload(workload, nodes, sizes.repeats)
        print_timing(workload, nodes, sizes.repeats, timing)
        rows.append((workload.name, nodes, timing))

    memory = {name: bytes_per_node(engine, sizes.memory_nodes) for name, engine in ENGINES.items()}
    print(f"\n(d) memory of a live chain of {sizes.memory_nodes:,} nodes (tracemalloc)")
    for name, held in memory.items():
        print(f"  {name:<12}{held:>8,.0f} bytes per node")

    print(
        f"\nDeepest chain backward() survives at the default recursion limit "
        f"({sys.getrecursionlimit()})"
    )
    cap_links = links_for(sizes.depth_cap_nodes)
    depth = {}
    for name, engine in ENGINES.items():
        depth[name] = describe_depth(*deepest_chain(engine, cap_links))
        print(f"  {name:<12}{depth[name]}")

    print("\nSummary (Markdown):\n")
    print(markdown_summary(rows, memory, depth))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--probe", nargs=2, metavar=("ENGINE", "LINKS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        name, links = args.probe
        sys.exit(probe(ENGINES[name], int(links)))
    benchmark(QUICK if args.quick else FULL)


if __name__ == "__main__":
    main()
