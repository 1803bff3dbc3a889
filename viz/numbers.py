"""How every number in a picture is written: one place, so wires, gates and captions agree.

`format_number(x, precision)` is the rule for the numbers on the wires; the
others build on it. A number is written with `precision` decimals, as on the
slides (`-2.00`, `0.73`), except where that would mislead:

- a nonzero number never reads as zero: below the precision it gets
  `max(precision, 1)` significant digits (`0.0025`, `-0.0010`, `2.5e-07`), so a
  vanishing gradient is not mistaken for an exact 0;
- from 1e6 up it is scientific (`1.50e+09`), so a wire never holds 20 digits;
- `-0.00` is written `0.00`: a sign on a zero reads as a mistake on a slide.
"""

from __future__ import annotations

import math

LARGE = 1e6  # from here up numbers are scientific


def format_number(x: float, precision: int = 2) -> str:
    """`-2.00`, `0.37`, `0.0025`, `1.50e+09`, `nan`, `inf`, `-inf`; never `-0.00`, and
    never a zero for a nonzero number."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) >= LARGE:
        return f"{x:.{precision}e}"
    text = f"{x:.{precision}f}"
    if any(ch in "123456789" for ch in text):
        return text
    if x == 0:
        return text.lstrip("-")  # -0.0 is 0
    return significant(x, max(precision, 1))


def significant(x: float, digits: int) -> str:
    """`x` with `digits` significant digits, trailing zeros kept (`0.0040`, `1.0e-05`)."""
    text = f"{x:#.{digits}g}"  # "#" keeps the zeros, and a lone "1." for one digit
    mantissa, e, exponent = text.partition("e")
    return mantissa.rstrip(".") + e + exponent


def format_constant(c: float, precision: int = 2) -> str:
    """A constant as written in its gate: as short as it is exact (`1`, `-1`, `0.5`,
    `2.5e-07`), else rounded like a wire's number without trailing zeros (`0.33`)."""
    if math.isnan(c) or math.isinf(c):
        return format_number(c, precision)
    if c.is_integer() and abs(c) < 1e15:
        return str(int(c))
    short = repr(c)
    if len(short) <= 7:
        return short
    text = format_number(c, max(precision, 1))
    if "e" in text:
        return text
    return text.rstrip("0").rstrip(".")


def caption_number(x: float, precision: int, extra: int = 0) -> str:
    """`x` as on the wires with `extra` more decimals, but never fewer than 2 + extra
    significant digits: 0.004 is `0.0040`, not `0.00`, which would make `0.00 · 2 = 0.01`."""
    text = format_number(x, precision + extra)
    digits = text.lstrip("-0.").replace(".", "")  # "0.05" -> "5": one significant digit
    if x == 0 or not math.isfinite(x) or "e" in text or len(digits) >= 2 + extra:
        return text
    return significant(x, 2 + extra)
