"""Warnings that point at the user's line, not at ours.

A warning's location decides what Python prints (`script.py:12:` rather than a
line inside viz) and how often the default filter shows it (once per location),
so viz's warnings are attributed to the first caller outside the viz package.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from types import FrameType

_PACKAGE = str(Path(__file__).resolve().parent)


def warn_caller(message: str, category: type[Warning]) -> None:
    """`warnings.warn(message, category)` at the first stack frame outside viz."""
    level = 2  # warnings.warn counts warn_caller itself as 1
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and _inside_viz(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


def _inside_viz(filename: str) -> bool:
    try:
        return str(Path(filename).resolve().parent) == _PACKAGE
    except (OSError, ValueError):  # "<stdin>", "<string>": not a file of ours
        return False
