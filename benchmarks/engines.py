"""The autograd engines the benchmarks compare, and how a benchmark walks their graphs.

- gategrad, this repository's engine;
- micrograd 0.1.0, the baseline (`pip install micrograd==0.1.0`, in the `dev` extra);
- the floor engine, `limit_proto.py` in `../shared/reference/` next to the repository: a
  deliberately minimal engine that estimates what pure CPython can do for a micrograd-style
  Value. It is a reference column only, loaded from that file when it is there.

Each engine is loaded only when asked for, so a process that times one engine has imported
no other.
"""

from __future__ import annotations

import gc
import importlib.util
import sys
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from workloads import AnyValue, chain, links_for

REPOSITORY = Path(__file__).resolve().parent.parent
FLOOR_FILE = REPOSITORY.parent / "shared" / "reference" / "limit_proto.py"

# micrograd's backward recurses once per node along the deepest path of the graph.
MICROGRAD_RECURSION_LIMIT = 100_000


@dataclass(frozen=True)
class Engine:
    """An autograd engine as the benchmarks see it."""

    name: str
    value_class: type
    parents: Callable[[AnyValue], Iterable[AnyValue]]
    recursion_limit: int  # what its backward needs for the graphs timed here


def gategrad() -> Engine:
    from autograd import Value

    return Engine("gategrad", Value, lambda v: v.parents, sys.getrecursionlimit())


def micrograd() -> Engine:
    try:
        from micrograd.engine import Value
    except ImportError:
        sys.exit("micrograd is the baseline of this benchmark: pip install micrograd==0.1.0")
    return Engine("micrograd", Value, lambda v: v._prev, MICROGRAD_RECURSION_LIMIT)


def floor_available() -> bool:
    return FLOOR_FILE.is_file()


def floor() -> Engine:
    """The floor engine, imported from its file (see the module docstring)."""
    spec = importlib.util.spec_from_file_location("limit_proto", FLOOR_FILE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the floor engine from {FLOOR_FILE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Engine(
        "floor",
        module.Value,
        lambda v: [p for p in (v._a, v._b) if p is not None],
        sys.getrecursionlimit(),
    )


LOADERS: dict[str, Callable[[], Engine]] = {
    "gategrad": gategrad,
    "micrograd": micrograd,
    "floor": floor,
}


def count_nodes(root: AnyValue, parents: Callable[[AnyValue], Iterable[AnyValue]]) -> int:
    """Operation outputs reachable from `root` (nodes that have parents), walked iteratively.

    A node is the output of one operation (`x * 1.0001` is one node). Leaves are not nodes,
    and neither are the Values micrograd wraps around plain numbers such as 1.0001: that
    wrapping is part of what micrograd spends per operation.
    """
    seen = {root}
    stack = [root]
    nodes = 0
    while stack:
        node = stack.pop()
        operands = list(parents(node))
        nodes += bool(operands)
        for operand in operands:
            if operand not in seen:
                seen.add(operand)
                stack.append(operand)
    return nodes


def bytes_per_node(engine: Engine, nodes: int) -> float:
    """Memory held by a live chain of `nodes` nodes, per node (tracemalloc)."""
    x = engine.value_class(0.5)
    gc.collect()
    tracemalloc.start()
    try:
        root = chain(x, links_for(nodes))
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return held / count_nodes(root, engine.parents)
