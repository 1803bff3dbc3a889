"""Time each engine in a fresh process of its own (`make bench-fresh`).

The method of issue 15, next to bench_engine.py's shared-process medians: every sample of
an engine on a workload runs in a new interpreter that imports only that engine, builds the
workload once to warm up, then times it 5 times and keeps the best forward and the best
backward (garbage collector on, `gc.collect()` before each sample). A fresh process sees
memory the way a user's script does, where a long-running benchmark would reuse a heap
warmed by the other engines.

The engines are gategrad, micrograd, and, when `../shared/reference/limit_proto.py` sits next
to the repository, the floor engine (see engines.py) as a reference column. The processes
take turns, engines interleaved, for a few rounds; the figures are the median over rounds,
with their range, because the machine may be shared. Then bytes per live node (tracemalloc),
also one fresh process per engine.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from engines import LOADERS, bytes_per_node, count_nodes, floor_available
from workloads import (
    AnyValue,
    Workload,
    chain_workload,
    dot_workload,
    mlp_workload,
)

SAMPLES = 5
MEMORY_NODES = 100_000


@dataclass(frozen=True)
class Sizes:
    """How big the workloads are, and how many rounds of fresh processes run."""

    chain_nodes: int
    products: int
    mlp_points: int
    rounds: int


# The clocks a sample can be timed with. Wall time is the method; the CPU time of
# the timing thread leaves out the time other processes held the core, which on a shared
# machine is most of the noise (what they do to the caches stays).
CLOCKS = {"wall": time.perf_counter_ns, "cpu": time.thread_time_ns}

FULL = Sizes(20_000, 20_000, 100, rounds=5)
QUICK = Sizes(2_000, 2_000, 10, rounds=1)


def workloads(sizes: Sizes) -> list[Workload]:
    return [
        chain_workload(sizes.chain_nodes),
        dot_workload(sizes.products),
        mlp_workload(sizes.mlp_points),
    ]


# --- inside a fresh process -----------------------------------------------------------


def time_in_this_process(engine_name: str, workload: Workload, clock: str) -> dict[str, float]:
    """1 warm-up, then the best forward and backward ns of 5 samples, and what was built."""
    engine = LOADERS[engine_name]()
    now = CLOCKS[clock]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), engine.recursion_limit))
    workload.setup(engine.value_class)().backward()  # the warm-up
    forward_ns, backward_ns = [], []
    root: AnyValue = None
    for _ in range(SAMPLES):
        root = None  # the last sample's graph dies before the collection, untimed
        forward = workload.setup(engine.value_class)
        gc.collect()
        start = now()
        root = forward()
        built = now()
        root.backward()
        done = now()
        forward_ns.append(built - start)
        backward_ns.append(done - built)
    return {
        "forward": min(forward_ns),
        "backward": min(backward_ns),
        "nodes": count_nodes(root, engine.parents),
        "result": root.data,
    }


# --- the parent: start the processes, gather and print ----------------------------------


def in_fresh_process(*arguments: str) -> object:
    """Run this script with `arguments` in a new interpreter and return what it printed."""
    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{done.stderr}")
    return json.loads(done.stdout)


@dataclass(frozen=True)
class Figures:
    """Per round: forward and backward ns per node of one engine on one workload."""

    forward: list[float]
    backward: list[float]

    @property
    def total(self) -> list[float]:
        return [f + b for f, b in zip(self.forward, self.backward, strict=True)]


def spread(values: list[float], digits: int = 0) -> str:
    """The median, and the range when there is one: `363 (350–402)`."""
    middle = statistics.median(values)
    if len(values) == 1 or min(values) == max(values):
        return f"{middle:,.{digits}f}"
    return f"{middle:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def ratios(top: list[float], bottom: list[float]) -> list[float]:
    """Round by round, so the two engines of a ratio ran next to each other."""
    return [t / b for t, b in zip(top, bottom, strict=True)]


def check_same_graph(workload: Workload, samples: dict[str, list[dict[str, float]]]) -> int:
    """gategrad's node count, once gategrad and micrograd are seen to build the same graph.

    Every engine's time is divided by that count, so per-node figures compare times of the
    same workload. The floor engine may build fewer nodes: it makes `1 - x` one gate where
    the others make two (`-x + 1`).
    """
    nodes = {name: int(runs[0]["nodes"]) for name, runs in samples.items()}
    results = [runs[0]["result"] for runs in samples.values()]
    same_result = all(math.isclose(r, results[0]) for r in results)
    if nodes["gategrad"] != nodes["micrograd"] or not same_result:
        raise RuntimeError(f"{workload.name}: the engines built different graphs: {nodes}")
    if "floor" in nodes and nodes["floor"] != nodes["gategrad"]:
        print(f"  (the floor engine builds {nodes['floor']:,} nodes of this workload)")
    return nodes["gategrad"]


def benchmark(sizes: Sizes, clock: str) -> None:
    engines = ["gategrad", "micrograd"] + (["floor"] if floor_available() else [])
    if "floor" not in engines:
        print("(the floor engine is not there: ../shared/reference/limit_proto.py)")
    print(
        f"{sys.implementation.name} {sys.version.split()[0]}; each sample in a fresh process; "
        f"{clock} time"
    )
    table = []
    for index, workload in enumerate(workloads(sizes)):
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in engines}
        for round_ in range(sizes.rounds):
            turn = engines[round_ % len(engines) :] + engines[: round_ % len(engines)]
            for name in turn:
                figures = in_fresh_process(
                    "--time", name, str(index), clock, *size_arguments(sizes)
                )
                samples[name].append(figures)  # type: ignore[arg-type]
        print(f"\n{workload.name}: best of {SAMPLES} in each of {sizes.rounds} fresh processes "
              "per engine; median over them (range)")
        count = check_same_graph(workload, samples)
        per_node = {
            name: Figures(
                [run["forward"] / count for run in runs], [run["backward"] / count for run in runs]
            )
            for name, runs in samples.items()
        }
        print(f"  {count:,} nodes; times per node of gategrad's graph")
        for name, fig in per_node.items():
            print(f"  {name:<10} forward {spread(fig.forward):>22}   backward "
                  f"{spread(fig.backward):>22} ns per node")
        ours = per_node["gategrad"]
        print(f"  gategrad total vs micrograd: "
              f"{spread(ratios(per_node['micrograd'].total, ours.total), 1)}x faster")
        if "floor" in per_node:
            floor = per_node["floor"]
            backward = spread(ratios(ours.backward, floor.backward), 2)
            total = spread(ratios(ours.total, floor.total), 2)
            print(f"  gategrad vs floor: backward {backward}x, total {total}x")
        table.append((workload.name, per_node))

    memory = {
        name: float(in_fresh_process("--memory", name, str(MEMORY_NODES)))  # type: ignore[arg-type]
        for name in engines
    }
    print(f"\nbytes per live node, a chain of {MEMORY_NODES:,} nodes (tracemalloc): "
          + ", ".join(f"{name} {held:,.0f}" for name, held in memory.items()))
    print("\nSummary (Markdown):\n")
    print(markdown(table, memory))


def medians(figures: Figures) -> str:
    forward, backward = statistics.median(figures.forward), statistics.median(figures.backward)
    return f"{forward:,.0f} / {backward:,.0f}"


def markdown(table: list[tuple[str, dict[str, Figures]]], memory: dict[str, float]) -> str:
    """The issue's table: medians over the fresh processes, ratios from the same rounds."""
    has_floor = "floor" in memory
    header = ["workload", "gategrad fwd / bwd ns per node"]
    header += ["floor fwd / bwd"] if has_floor else []
    header += ["micrograd fwd / bwd", "gategrad total vs micrograd"]
    header += ["bwd vs floor", "total vs floor"] if has_floor else []
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    for name, per_node in table:
        ours = per_node["gategrad"]
        row = [name, medians(ours)]
        row += [medians(per_node["floor"])] if has_floor else []
        speedup = spread(ratios(per_node["micrograd"].total, ours.total), 1)
        row += [medians(per_node["micrograd"]), f"{speedup}x"]
        if has_floor:
            floor = per_node["floor"]
            row += [
                f"{spread(ratios(ours.backward, floor.backward), 2)}x",
                f"{spread(ratios(ours.total, floor.total), 2)}x",
            ]
        lines.append("| " + " | ".join(row) + " |")
    lines.append(
        "\nBytes per live node (tracemalloc): "
        + ", ".join(f"{name} {held:,.0f}" for name, held in memory.items())
        + "."
    )
    return "\n".join(lines)


def size_arguments(sizes: Sizes) -> list[str]:
    return [str(sizes.chain_nodes), str(sizes.products), str(sizes.mlp_points)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one round: a smoke run")
    parser.add_argument("--rounds", type=int, help="fresh processes per engine and workload")
    parser.add_argument(
        "--clock", choices=CLOCKS, default="wall", help="wall time (default) or the CPU time"
    )
    parser.add_argument("--time", nargs=6, help=argparse.SUPPRESS)  # engine, workload, clock, sizes
    parser.add_argument("--memory", nargs=2, help=argparse.SUPPRESS)  # engine, nodes
    args = parser.parse_args()
    if args.time:
        name, index, clock, chain_nodes, products, points = args.time
        sizes = Sizes(int(chain_nodes), int(products), int(points), rounds=1)
        print(json.dumps(time_in_this_process(name, workloads(sizes)[int(index)], clock)))
    elif args.memory:
        name, nodes = args.memory
        print(json.dumps(bytes_per_node(LOADERS[name](), int(nodes))))
    else:
        sizes = QUICK if args.quick else FULL
        if args.rounds:
            sizes = Sizes(sizes.chain_nodes, sizes.products, sizes.mlp_points, args.rounds)
        benchmark(sizes, args.clock)


if __name__ == "__main__":
    main()
