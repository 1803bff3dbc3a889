"""The command line every example shares: `--out FOLDER` and `--quick`.

Not an example itself (hence the underscore; `make demo` skips it). An example
starts from `example_parser`, adds its own options, and asks `output_folder`
where to write:

    parser = example_parser(__doc__, "fewer epochs, for `make demo`")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = output_folder(args)
"""

from __future__ import annotations

import argparse
from pathlib import Path


def example_parser(doc: str, quick_help: str) -> argparse.ArgumentParser:
    """A parser described by the first line of `doc`, with `--out` and `--quick`."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        help="folder for the pictures and reports (default: out)",
    )
    parser.add_argument("--quick", action="store_true", help=quick_help)
    return parser


def output_folder(args: argparse.Namespace) -> Path:
    """Make the folder `--out` names (and its parents) if it is missing, and return it."""
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    return out
