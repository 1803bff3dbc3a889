"""Composite gates: name a group of gates so a picture can box or collapse them.

    with composite("sigmoid"):
        s = 1 / (1 + (-z).exp())

Every Value created inside the block is tagged with the same `Composite`; the
renderer draws a labelled box around them or one gate in their place. Blocks may
nest; each entry makes a new Composite, so two neurons are two groups.

The open block is one process-wide setting, read for every new Value (a context
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


class _Active:
    """The innermost open composite; read by the engine for every new node."""

    current: Composite | None = None


@contextmanager
def composite(name: str) -> Iterator[Composite]:
    """Tag every Value created inside the block as part of the composite `name`."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"composite() needs a non-empty name string, got {name!r}")
    group = Composite(name, _Active.current)
    _Active.current = group
    try:
        yield group
    finally:
        _Active.current = group.parent
