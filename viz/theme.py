"""The slide look in one place: colours, fonts, sizes and how numbers are written.

Pass `theme=Theme(...)` (or `DEFAULT.replace(...)`) to `viz.draw` to change any of it:

    from viz import draw, DEFAULT
    draw(f, theme=DEFAULT.replace(value_color="#0072b2", grad_color="#d55e00"))
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """Colours are anything Graphviz accepts ("#rrggbb" or a colour name)."""

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

    def replace(self, **changes: object) -> Theme:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


DEFAULT = Theme()


def format_number(x: float, precision: int = 2) -> str:
    """`-2.00`, `0.37`, `nan`, `inf`, `-inf`; never `-0.00`; scientific beyond 1e6."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x:.{precision}e}" if abs(x) >= 1e6 else f"{x:.{precision}f}"
    if text.startswith("-") and not any(ch in "123456789" for ch in text.split("e")[0]):
        text = text[1:]  # -0.00 reads as a sign error on a slide
    return text


def format_constant(c: float, precision: int = 2) -> str:
    """A folded constant as written in a gate: `1`, `-1`, `0.5`, `2.5e-07`, `0.33`."""
    if math.isnan(c) or math.isinf(c):
        return format_number(c, precision)
    if c.is_integer() and abs(c) < 1e15:
        return str(int(c))
    short = repr(c)
    if len(short) <= 7:
        return short
    return (
        f"{c:.{max(precision, 1)}g}"
        if abs(c) < 1e-3 or abs(c) >= 1e6
        else (f"{c:.{max(precision, 1)}f}".rstrip("0").rstrip("."))
    )
