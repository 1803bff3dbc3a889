"""Composite gates: name a group of gates so a picture can box or collapse them.

    with composite("sigmoid"):
        s = 1 / (1 + (-z).exp())

Every Value created inside the block is tagged with the same `Composite`; the
renderer draws a labelled box around them or one gate in their place. Blocks may
nest; each entry makes a new Composite, so two neurons are two groups.

The open blocks are one process-wide stack, read for every new Value (a context
variable would cost every gate a lookup): build a graph from one thread at a
time, and do not pause a generator inside a block while building elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class Composite:
    """One use of a named group; `parent` is the enclosing group, if any."""

    __slots__ = ("name", "parent")

    def __init__(self, name: str, parent: Composite | None) -> None:
        self.name = name
        self.parent = parent

    def __repr__(self) -> str:
        return f"Composite({self.name!r})"


# The open composites, innermost last; the engine tags each new Value with the last.
OPEN_COMPOSITES: list[Composite] = []


@contextmanager
def composite(name: str) -> Iterator[Composite]:
    """Tag every Value created inside the block as part of the composite `name`."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"composite() needs a non-empty name string, got {name!r}")
    group = Composite(name, OPEN_COMPOSITES[-1] if OPEN_COMPOSITES else None)
    OPEN_COMPOSITES.append(group)
    try:
        yield group
    finally:
        OPEN_COMPOSITES.remove(group)
