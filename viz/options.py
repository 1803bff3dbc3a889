"""The drawing options, checked once and carried as one value.

Every public drawing function (`viz.draw`, `viz.render`, `viz.frames`, ...)
lists the options by name, so `help()` and editors show them and a misspelt
one is Python's own TypeError naming it. The function builds one `Options`
from them, which checks every field, and hands that down: nothing below the
public functions checks an option again or passes options one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd.validate import shown

from .numbers import format_constant, format_number
from .theme import DEFAULT, Theme, chosen

GROUP_MODES = ("box", "collapse", "none")
RANKDIRS = ("LR", "RL", "TB", "BT")
MAX_PRECISION = 12  # float64 holds about 16 significant digits; more would print noise


class OptionError(ValueError):
    """A drawing option has a value viz cannot use; the message names the option."""


@dataclass(frozen=True)
class Options:
    """How to draw a graph; every field is checked when an Options is made.

    - `precision`: decimals of the numbers on the wires (0 to 12).
    - `fold_constants`: write constant operands into their gate (`+1`, `*-1`).
    - `groups`: composite gates as a labelled "box", "collapse"d to one gate, or "none".
    - `rankdir`: the direction the graph reads: "LR", "RL", "TB" or "BT".
    - `theme`: colours, fonts and sizes (`viz.Theme`).
    """

    precision: int = 2
    fold_constants: bool = True
    groups: str = "box"
    rankdir: str = "LR"
    theme: Theme = DEFAULT

    def __post_init__(self) -> None:
        p = self.precision
        if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= MAX_PRECISION:
            raise OptionError(f"precision must be an int from 0 to {MAX_PRECISION}, got {shown(p)}")
        if not isinstance(self.fold_constants, bool):
            raise TypeError(
                f"fold_constants must be True or False, got "
                f"{type(self.fold_constants).__name__} {shown(self.fold_constants)}"
            )
        if self.groups not in GROUP_MODES:
            choices = ", ".join(map(repr, GROUP_MODES))
            raise OptionError(f"groups must be one of {choices}, got {shown(self.groups)}")
        if self.rankdir not in RANKDIRS:
            choices = ", ".join(RANKDIRS)
            raise OptionError(f"rankdir must be one of {choices}, got {shown(self.rankdir)}")
        object.__setattr__(self, "theme", chosen(self.theme))  # a TypeError for a non-Theme

    def number(self, x: float) -> str:
        """A number as the wires show it."""
        return format_number(x, self.precision)

    def constant(self, c: float) -> str:
        """A constant as its gate or its own input shows it."""
        return format_constant(c, self.precision)


def check_show_grad(show_grad: object) -> None:
    """`viz.draw`'s `show_grad`: True, False, "auto" or "held" (1 is not True here)."""
    if not (isinstance(show_grad, bool) or show_grad in ("auto", "held")):
        raise OptionError(
            f"show_grad must be True, False, 'auto' or 'held', got {shown(show_grad)}"
        )
