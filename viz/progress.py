"""A progress bar on stderr for long drawing runs (tqdm's if installed, else a plain one)."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any

LONG_RUN = 20  # frames: from this many on a film shows its progress by default
_BAR = 30  # characters of the plain bar


class Progress:
    """`with Progress(total, "frames", show) as bar: ... bar.step()`.

    `show`: None shows a bar from LONG_RUN steps on, True always, False never.
    Uses `tqdm.auto` when it is installed (it also draws in Jupyter); otherwise
    a one-line bar redrawn in place, on a terminal only unless `show` is True.
    """

    def __init__(self, total: int, what: str, show: bool | None) -> None:
        self.total, self.what, self.done = total, what, 0
        self.start = time.monotonic()
        wanted = show if show is not None else total >= LONG_RUN
        self.tqdm: Any = None
        self.plain = False
        if wanted:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                self.plain = show is True or sys.stderr.isatty()
            else:
                self.tqdm = tqdm(total=total, desc=what, unit=" frame", file=sys.stderr)

    def __enter__(self) -> Progress:
        self.draw()
        return self

    def step(self) -> None:
        self.done += 1
        if self.tqdm is not None:
            self.tqdm.update(1)
        self.draw()

    def draw(self) -> None:
        if not self.plain:
            return
        filled = _BAR * self.done // max(self.total, 1)
        seconds = time.monotonic() - self.start
        bar = "#" * filled + "-" * (_BAR - filled)
        sys.stderr.write(f"\r{self.what} [{bar}] {self.done}/{self.total}  {seconds:.0f} s")
        sys.stderr.flush()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.tqdm is not None:
            self.tqdm.close()
        elif self.plain:
            sys.stderr.write("\n")
            sys.stderr.flush()
