"""Options that may be given by name or as a function (activations, initializations)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

Choice = TypeVar("Choice", bound=Callable[..., object])


def pick(choice: str | Choice, table: Mapping[str, Choice], what: str) -> Choice:
    """The function named `choice` in `table`, or `choice` itself if it is a function.

    A clear TypeError or ValueError that names `what` and lists the names otherwise.
    """
    if callable(choice):
        return choice
    if not isinstance(choice, str):
        raise TypeError(f"{what} must be a name or a function, got {type(choice).__name__}")
    if choice not in table:
        raise ValueError(f"unknown {what} {choice!r}; choose one of {', '.join(table)}")
    return table[choice]
