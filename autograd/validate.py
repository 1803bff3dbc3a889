"""Checks of what callers pass in, written once: each failure is a clear error naming the argument.

Students pass the wrong thing often (a string for a number, 0 for a size, a typo
in an activation's name); an error that says which argument and why beats a
traceback from deep inside numpy or the engine.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Callable, Mapping
from typing import TypeVar

Choice = TypeVar("Choice", bound=Callable[..., object])

_short = reprlib.Repr()
_short.maxlong = _short.maxstring = _short.maxother = 40


def shown(x: object) -> str:
    """A repr of `x` short enough for an error message (a 400-digit int is cut)."""
    return _short.repr(x)


def is_real_number(x: object) -> bool:
    """True for ints, floats and other real numbers (numpy's, Fraction), but not bools."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def float_or_inf(x: float) -> float:
    """A real number a gate's rule returned, as a float: an int beyond float's range is
    ±inf, as overflow is everywhere in the engine."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def real_number(x: object, what: str) -> float:
    """`x` as a float; a TypeError naming `what` if it is not a real number."""
    if not is_real_number(x):
        raise TypeError(f"{what} must be a real number, got {type(x).__name__} {shown(x)}")
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:  # an int beyond float's range
        raise ValueError(f"{what} is too large for a float: {shown(x)}") from None


def whole_number(x: object, what: str, minimum: int = 0) -> int:
    """`x` as an int of at least `minimum`; a TypeError or ValueError naming `what` otherwise."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{what} must be a whole number, got {type(x).__name__} {shown(x)}")
    if x < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {x}")
    return int(x)


def count(size: object, what: str) -> int:
    """`size` as an int of at least 1 (a number of things); a clear error otherwise."""
    return whole_number(size, what, minimum=1)


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
