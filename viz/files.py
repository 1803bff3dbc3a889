"""Output files: the format a name asks for, and whether it can be written at all.

Checked before any drawing, so a typo in a folder name costs no Graphviz run,
and the command line can refuse every output before it writes the first one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".dot": None, ".gv": None}


def output_format(path: Path) -> str | None:
    """The Graphviz format for a file name (None: DOT source); checks the folder exists."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"cannot tell the format of {str(path)!r}: use one of {', '.join(FORMATS)}"
        )
    check_folder(path)
    return FORMATS[suffix]


def check_folder(path: Path) -> None:
    """A FileNotFoundError unless the folder that is to hold `path` exists; a
    NotADirectoryError when a file stands where a folder of the path should be."""
    folder = path.parent
    for above in [folder, *folder.parents]:
        if above.exists() and not above.is_dir():
            raise NotADirectoryError(
                f"{str(above)!r} is a file, not a folder, so {str(path)!r} cannot be written"
            )
    if not folder.is_dir():
        raise FileNotFoundError(f"the folder {str(folder)!r} does not exist")


def check_writable(path: Path) -> None:
    """An OSError saying why, unless a file can be written at `path` now.

    Tried for real, not read from permission bits, which say nothing about a
    read-only disk or an immutable folder (nor about root): an existing file is
    opened for appending (and not changed), in a folder a scratch file is made
    and removed.
    """
    try:
        if path.exists():
            with open(path, "ab"):
                pass
        else:
            with tempfile.TemporaryFile(dir=path.parent):
                pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise PermissionError(f"cannot write {str(path)!r}: {reason.lower()}") from None
