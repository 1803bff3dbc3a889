"""The slide look in one place: colours, fonts, sizes and how numbers are written.

Pass `theme=Theme(...)` (or `DEFAULT.replace(...)`) to `viz.draw` to change any of it:

    from viz import draw, DEFAULT
    draw(f, theme=DEFAULT.replace(value_color="#0072b2", grad_color="#d55e00"))
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files

from autograd.validate import count, real_number, shown

# Theme values are written into the DOT source, some inside HTML-like labels, so
# only plain forms are accepted: nothing in them can end a quoted string or a tag.
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[A-Za-z][A-Za-z0-9]*")
_FONT_FORBIDDEN = set('"<>&\\')

# The sizes that make a picture at all: a 1e300-point font is no number on the page, a
# 0.001-point one a speck; Graphviz itself stops fonts at 1 point.
_FONT = (1.0, 200.0, "points")
_RANGES: dict[str, tuple[float, float, str]] = {
    "number_size": _FONT,
    "name_size": _FONT,
    "gate_size": _FONT,
    "group_size": _FONT,
    "note_size": _FONT,
    "gate_width": (0.05, 20.0, "inches"),
    "wire_min_width": (1, 2000, "points"),
    "penwidth": (0.01, 50.0, "points"),
    "ranksep": (0.01, 20.0, "inches"),
    "nodesep": (0.01, 20.0, "inches"),
    "dpi": (1, 1200, "dots per inch"),
}


@dataclass(frozen=True)
class Theme:
    """The look of a picture. Every field is checked when a Theme is made.

    Colours are "#rgb", "#rrggbb", "#rrggbbaa" or a colour name ("red", "gray50");
    sizes are positive numbers (points, or inches where noted).
    """

    value_color: str = "#1a8a2e"  # forward values: green, above the wire
    grad_color: str = "#d62728"  # gradients: red, below the wire
    wire_color: str = "#2b2b2b"
    name_color: str = "#111111"  # x, y, f at the ends of wires
    label_color: str = "#555555"  # names of intermediate values (q) on their wire
    gate_color: str = "#2b2b2b"  # circle outline
    gate_fill: str = "#ffffff"
    gate_text_color: str = "#111111"
    active_color: str = "#e8590c"  # frames: the gate being processed, its wires
    active_fill: str = "#ffe8a3"
    group_color: str = "#8a8a8a"  # composite boxes
    note_color: str = "#666666"  # "gradients not computed yet", captions
    background: str = "#ffffff"
    fontname: str = "Helvetica,Arial,sans-serif"
    number_size: float = 12.0
    name_size: float = 18.0
    gate_size: float = 15.0
    group_size: float = 12.0
    note_size: float = 12.0
    gate_width: float = 0.5  # inches: the smallest circle; longer symbols grow it
    wire_min_width: int = 34  # points: shortest stretch of wire between the numbers
    penwidth: float = 1.2
    ranksep: float = 0.08  # inches between columns (wires are nodes of their own)
    nodesep: float = 0.22  # inches between rows
    dpi: int = 144  # PNG resolution
    aligned_inputs: int = 12  # up to this many inputs are lined up in the first column

    def __post_init__(self) -> None:
        """Check every field now, naming it, rather than fail inside Graphviz later."""
        for field in fields(self):
            name, value = field.name, getattr(self, field.name)
            if name.endswith(("_color", "_fill")) or name == "background":
                _check_color(value, name)
            elif name == "fontname":
                _check_fontname(value)
            elif field.type == "int":  # points, dots per inch, a count: whole numbers
                object.__setattr__(self, name, _in_range(count(value, name), name))
            else:  # a size, kept as a float so that `{size:g}` writes any real number
                object.__setattr__(self, name, _in_range(positive_number(value, name), name))

    def replace(self, **changes: object) -> Theme:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _in_range(size: float, what: str) -> float:
    low, high, unit = _RANGES.get(what, (0, math.inf, ""))
    if not low <= size <= high:
        raise ValueError(f"{what} must be from {low:g} to {high:g} {unit}, got {size:g}")
    return size


def _check_color(value: object, what: str) -> None:
    """A colour Graphviz draws: a hex form or one of its colour names (any case).

    Graphviz draws a colour it does not know in black, with only a warning, so a
    typo would pass unseen: the names are checked here against its own list.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a colour string, got {type(value).__name__}")
    named = not value.startswith("#")
    if not _COLOR.fullmatch(value) or (named and value.lower() not in color_names()):
        raise ValueError(
            f'{what} must be "#rgb", "#rrggbb", "#rrggbbaa" or a Graphviz colour name like '
            f'"red" or "gray50", got {shown(value)}'
        )


@cache
def color_names() -> frozenset[str]:
    """Graphviz's colour names (its X11 scheme, and "transparent"), lower case."""
    text = files("viz").joinpath("colors.txt").read_text(encoding="ascii")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _check_fontname(value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"fontname must be a string, got {type(value).__name__}")
    if not value or not value.isprintable() or _FONT_FORBIDDEN.intersection(value):
        raise ValueError(
            f"fontname must be font names like 'Helvetica,Arial,sans-serif' "
            f"(no quotes, < > & or \\), got {shown(value)}"
        )


def positive_number(value: object, what: str) -> float:
    """`value` as a float; a TypeError or ValueError naming `what` unless finite and > 0."""
    size = real_number(value, what)
    if not (math.isfinite(size) and size > 0):
        raise ValueError(f"{what} must be a positive number, got {shown(value)}")
    return size


DEFAULT = Theme()


def chosen(theme: object) -> Theme:
    """The theme to draw with: `theme`, or DEFAULT for None; a TypeError for anything else."""
    if theme is None:
        return DEFAULT
    if not isinstance(theme, Theme):
        raise TypeError(f"theme must be a viz.Theme, got {type(theme).__name__}")
    return theme
