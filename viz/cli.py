"""`gategrad EXPR NAME=VALUE ... -o OUT`: an expression typed in a shell, drawn like the slides.

Also runs as `python -m viz`. Everything the user typed is checked before any
file is written, so a mistake costs one line on stderr (exit status 2) and
leaves no half-made pictures behind. The expression is read by
`viz.expression`, which never runs it as Python.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

import viz
from viz.expression import (
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
    build,
    functions,
    shortened,
)
from viz.files import FORMATS, check_folder, check_writable, output_format
from viz.film import check_gif, write_frames, write_gif
from viz.options import OptionError
from viz.scene import GraphTooLargeError
from viz.steps import png_frames
from viz.webpage import PAGE_SUFFIXES, check_page_path

PROGRAM = "gategrad"
USAGE_ERROR = 2  # argparse's exit status for bad input; we keep it for every bad input
DRAWING_FAILED = 1

EXAMPLES = f"""\
examples:
  {PROGRAM} "(x+y)*z" x=-2 y=5 z=-4 -o fxyz.png
  {PROGRAM} "1/(1+exp(-(w0*x0+w1*x1+w2)))" w0=2 x0=-1 w1=-3 x1=-2 w2=-3 -o sig.png --gif sig.gif
  {PROGRAM} "max(x, y) * z" x=1 y=2 z=3 -o max.svg --frames max_steps
  {PROGRAM} "(x+y)*z" x=-2 y=5 z=-4 -o fxyz.html     (a page: step through it in a browser)
  {PROGRAM} "(x+y)*z" x=-2 y=5 z=-4 -o quiz.html --quiz
  {PROGRAM} "(-x*2)" x=3 -o neg.png     (parentheses or spaces for a leading -: "-x * 2")

the expression: numbers, variables, + - * / ** (the exponent a number),
unary - and +, parentheses, and these gates, called by name:
  {{gates}}
1/e is drawn as the 1/x gate alone. At most {MAX_LENGTH} characters and {MAX_DEPTH} levels
of nesting (a chain like a+b+c+d is one level). Every NAME=VALUE must be used; VALUE is a
decimal number (nan, inf too).
"""


class CommandLineError(ValueError):
    """Something the user typed cannot work; the message says what."""


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is raised as one line instead of printed with usage."""

    def error(self, message: str) -> None:  # type: ignore[override]
        unknown = "unrecognized arguments: "
        if message.startswith(unknown):
            words = message[len(unknown) :].split()
            options = [w for w in words if w.startswith("--")]
            if options:
                message = f"unknown option {shortened(options[0])}"
            else:  # "-x*2" looks like an option to argparse
                message = (
                    f"unknown option {shortened(words[0])}; an expression that starts with - "
                    'needs parentheses: "(-x*2)"'
                )
        raise CommandLineError(f"{message} (see {PROGRAM} --help)")


def build_parser() -> argparse.ArgumentParser:
    gates = ", ".join(sorted(functions()))
    parser = _ArgumentParser(
        prog=PROGRAM,
        description="Draw the computational graph of an expression the way the backprop\n"
        "slides do: forward values in green, the gradients of backward() in red.",
        epilog=EXAMPLES.format(gates=gates),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # neither is required here: run() says which is missing, in words
    parser.add_argument(
        "expression", metavar="EXPR", nargs="?", help='the expression, e.g. "(x+y)*z"'
    )
    parser.add_argument(
        "assignments", metavar="NAME=VALUE", nargs="*", help="a value for each variable"
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT", type=Path,
        help=f"the picture to write; the suffix picks the format: {' '.join(FORMATS)}, "
        "or .html: a page to step through the backward pass in a browser",
    )  # fmt: skip
    parser.add_argument(
        "--frames", metavar="DIR", type=Path,
        help="also write the backward pass one step per picture: DIR/step_00.png, ... "
        "(old step_<number>.png frames in DIR are removed first)",
    )  # fmt: skip
    parser.add_argument(
        "--gif", metavar="PATH", type=Path, help="also write the backward pass as an animated GIF"
    )
    parser.add_argument(
        "--quiz", action="store_true",
        help="with an .html output: the page asks for each gradient instead of showing it",
    )  # fmt: skip
    parser.add_argument(
        "--precision", metavar="N", type=int, default=2,
        help="decimals of the numbers on the wires (default 2)",
    )  # fmt: skip
    parser.add_argument(
        "--no-fold", action="store_true",
        help="draw numbers as inputs of their own instead of inside the gate (+1, *-1)",
    )  # fmt: skip
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {_version()}")
    return parser


def _version() -> str:
    try:
        return metadata.version("gategrad")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "(not installed)"


def parse_values(assignments: Sequence[str]) -> dict[str, float]:
    """`["x=-2", "y=5"]` -> `{"x": -2.0, "y": 5.0}`; names are checked by the expression."""
    values: dict[str, float] = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        if not equals or not name:
            raise CommandLineError(f"expected NAME=VALUE, got {shortened(assignment)!r}")
        if name in values:
            raise CommandLineError(f"{shortened(name)} is given a value twice")
        try:
            values[name] = float(text)
        except ValueError:
            typed = f"{shortened(name)}={shortened(text)}"
            raise CommandLineError(f"{typed}: {shortened(text)!r} is not a number") from None
    return values


def check_arguments(args: argparse.Namespace) -> None:
    """The expression and -o are both needed; say which one is missing."""
    usage = f"{PROGRAM} EXPR NAME=VALUE ... -o OUT"
    if args.expression is None:
        raise CommandLineError(f"the expression is missing: {usage} (see {PROGRAM} --help)")
    if args.output is None:
        raise CommandLineError(
            f"-o/--output is missing: name the picture to write, e.g. -o f.png ({usage})"
        )


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before anything is drawn or written, output paths that could not be written:
    so a mistake in the last output does not leave the first ones written."""
    if is_page(args.output):
        _library_check("-o", args.output, check_page_path)
    else:
        _library_check("-o", args.output, output_format)  # the renderer's own: suffix and folder
        if args.quiz:
            raise CommandLineError(f"--quiz makes a page: name an .html output, not {args.output}")
    if args.gif is not None:
        _library_check("--gif", args.gif, check_gif)  # Pillow, suffix and folder
    if args.frames is not None:
        _library_check("--frames", args.frames, check_folder)
        if args.frames.exists() and not args.frames.is_dir():
            raise CommandLineError(f"--frames {args.frames}: exists and is not a folder")
    for option, path in (("-o", args.output), ("--gif", args.gif)):
        if path is not None and path.is_dir():
            raise CommandLineError(f"{option} {path}: is a folder; name a file")
    check_distinct(args)
    _library_check("-o", args.output, check_writable)
    if args.gif is not None:
        _library_check("--gif", args.gif, check_writable)
    if args.frames is not None:
        first = args.frames / "step_00.png" if args.frames.is_dir() else args.frames
        _library_check("--frames", args.frames, lambda _: check_writable(first))


def is_page(path: Path) -> bool:
    return path.suffix.lower() in PAGE_SUFFIXES


def _library_check(option: str, path: Path, check: Callable[[Path], object]) -> None:
    """Run the library's check of an output path; what it refuses becomes a usage error."""
    try:
        check(path)
    except (
        ImportError,
        ValueError,
        FileNotFoundError,
        NotADirectoryError,
        PermissionError,
    ) as error:
        raise CommandLineError(f"{option} {path}: {error}") from None


def check_distinct(args: argparse.Namespace) -> None:
    """Refuse two outputs on one path: the second would overwrite the first, or fail on it."""
    given = [
        (option, path)
        for option, path in (("-o", args.output), ("--frames", args.frames), ("--gif", args.gif))
        if path is not None
    ]
    for k, (option, path) in enumerate(given):
        for other, other_path in given[:k]:
            if path.resolve() == other_path.resolve():
                raise CommandLineError(
                    f"{option} {path}: {other} writes there too; give each output its own name"
                )
        in_frames = args.frames is not None and path.parent.resolve() == args.frames.resolve()
        if in_frames and path.match("step_*.png"):  # a name one of the frames gets
            raise CommandLineError(
                f"{option} {path}: --frames {args.frames} writes its step_*.png files there"
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 only when the picture was written).

    2: bad input (one line on stderr, nothing written); 1: drawing failed (Graphviz
    missing or failing, a file that cannot be written).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, written = _run_reporting(argv)
    for said in dict.fromkeys(str(w.message) for w in caught):  # once each, in order
        print(f"{PROGRAM}: warning: {said}", file=sys.stderr)
    for line in written:
        print(f"wrote {line}")
    return status


def _run_reporting(argv: Sequence[str] | None) -> tuple[int, list[str]]:
    """`run`, with every failure it can explain turned into one line and an exit status."""
    try:
        return 0, run(build_parser().parse_intermixed_args(argv))
    except SystemExit as done:  # --help or --version printed its text
        return int(done.code or 0), []
    except (CommandLineError, ExpressionError, OptionError, GraphTooLargeError) as problem:
        # what the user typed cannot work; any other error is a bug and shows its traceback
        print(f"{PROGRAM}: error: {problem}", file=sys.stderr)
        return USAGE_ERROR, []
    except (RuntimeError, OSError) as failure:
        print(f"{PROGRAM}: {failure}", file=sys.stderr)
        return DRAWING_FAILED, []


def run(args: argparse.Namespace) -> list[str]:
    """Check the outputs, build the graph, run backward and draw; says what was written."""
    check_arguments(args)
    check_outputs(args)
    root = build(args.expression, parse_values(args.assignments))
    root.backward()
    precision, fold = args.precision, not args.no_fold
    pictures: list[bytes] = []
    if args.frames is not None or args.gif is not None:
        # drawn once, and before any file is written
        pictures = png_frames(root, precision=precision, fold_constants=fold)
    if is_page(args.output):
        page = viz.explore(
            root, mode="quiz" if args.quiz else "step", precision=precision, fold_constants=fold
        )
        written = [str(page.save(args.output))]
    else:
        written = [str(viz.render(root, args.output, precision=precision, fold_constants=fold))]
    if args.frames is not None:
        steps = write_frames(pictures, args.frames)
        written.append(f"{len(steps)} frames into {args.frames}")
    if args.gif is not None:
        written.append(str(write_gif(pictures, args.gif)))
    return written
