"""Running Graphviz: every run bounded in time, its failures and complaints put in words.

Graphviz is a separate program. It can take minutes on a graph it finds hard,
crash on a very deep one, or quietly shrink a picture that is too big for a
bitmap. So every run goes through `run_graphviz`: it has a time limit, a crash
is reported as a crash with what to try, and Graphviz's "scaling ... to fit"
becomes a `GraphTooLargeWarning` at the caller's line instead of vanishing.

`Drawing` is the `graphviz.Digraph` that `viz.draw` returns: the same object in
every way, except that it renders itself through `run_graphviz`, including when
Jupyter displays it (the plain Digraph runs Graphviz with no time limit there).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import graphviz

from .caller import warn_caller
from .scene import GraphTooLargeWarning

BITMAPS = ("png", "jpg", "jpeg", "gif", "bmp")
DOT_TIMEOUT = 120  # seconds; a graph the size guard lets through lays out in a few

INSTALL_GRAPHVIZ = (
    "Graphviz's `dot` program is not installed (or not on PATH); it is needed to write "
    "PNG, SVG and PDF files. Install it and try again:\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "(viz.draw() and .dot files work without it.)"
)

# What Graphviz prints when a bitmap would exceed its size limit, and shrinks it.
_SCALED = re.compile(r"scaling by ([0-9.eE+-]+) to fit", re.IGNORECASE)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` executable is missing."""


class GraphvizError(RuntimeError):
    """Graphviz ran but gave no picture: it failed, crashed or took too long."""


def graphviz_program(name: str = "dot") -> str:
    """The path of a Graphviz program, or a GraphvizNotFoundError that says how to install it."""
    found = shutil.which(name)
    if found is None:
        raise GraphvizNotFoundError(INSTALL_GRAPHVIZ)
    return found


def run_graphviz(
    source: str,
    fmt: str,
    *,
    hint: str,
    program: str = "dot",
    arguments: tuple[str, ...] = (),
    timeout: float | None = None,
    shrunk: list[str] | None = None,
) -> bytes:
    """Graphviz's output for the DOT `source` in format `fmt` (png, svg, pdf, xdot...).

    `hint` says what the user can do if this graph is too much for Graphviz;
    `arguments` are extra command-line switches that change only the output
    (resolution), never the layout, which the source says in full. `timeout`:
    seconds, DOT_TIMEOUT by default. A picture Graphviz shrank to fit is a
    warning, or, given a list `shrunk`, a message added to it (from a worker
    thread, where a warning could not point at the user's line).
    """
    timeout = DOT_TIMEOUT if timeout is None else timeout
    command = [graphviz_program(program), f"-T{fmt}", *arguments]
    try:
        done = subprocess.run(
            command, input=source.encode(), capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise GraphvizNotFoundError(INSTALL_GRAPHVIZ) from None
    except subprocess.TimeoutExpired:
        raise GraphvizError(
            f"Graphviz took more than {timeout:g} s to lay out the graph and was stopped; {hint}"
        ) from None
    complaint = done.stderr.decode(errors="replace").strip()
    if done.returncode < 0:
        raise GraphvizError(f"{crashed(-done.returncode)}; {hint}")
    if done.returncode != 0 or not done.stdout:
        said = f": {complaint}" if complaint else " and printed no reason"
        raise GraphvizError(f"Graphviz failed (exit {done.returncode}){said}; {hint}")
    scaled = _SCALED.search(complaint)
    if scaled or "to fit" in complaint:
        message = shrunk_message(scaled.group(1) if scaled else None)
        if shrunk is None:
            warn_caller(message, GraphTooLargeWarning)
        else:
            shrunk.append(message)
    return done.stdout


def crashed(number: int) -> str:
    """`Graphviz crashed (segmentation fault, signal 11)`: what a killed run means."""
    try:
        name = (signal.strsignal(number) or signal.Signals(number).name).lower()
    except ValueError:
        name = "an unknown signal"
    if number == signal.SIGSEGV:
        why = "it usually runs out of stack on a very long or deeply nested graph"
    elif number == signal.SIGKILL:
        why = "it was killed, often for using too much memory"
    else:
        why = "this is a failure inside Graphviz"
    return f"Graphviz crashed ({name}, signal {number}) while drawing: {why}"


def shrunk_message(factor: str | None) -> str:
    by = f" by {float(factor):.2g}" if factor else ""
    return (
        f"Graphviz shrank the picture{by} to fit its largest bitmap (32767 pixels a side), "
        "so the text may be too small to read: write .svg or .pdf, which have no such limit, "
        "or draw a smaller part of the graph"
    )


class Drawing(graphviz.Digraph):
    """A `graphviz.Digraph` that renders through `run_graphviz`: time-limited, with
    crashes and shrinking reported. `hint` says what to do if the graph is too much;
    `dpi` is the resolution of its bitmaps (PNG, JPEG)."""

    hint: str = "draw a smaller part of the graph"
    dpi: int | None = None

    @classmethod
    def of(cls, graph: graphviz.Digraph, hint: str, dpi: int | None = None) -> Drawing:
        drawing = cls(
            name=graph.name,
            comment=graph.comment,
            graph_attr=dict(graph.graph_attr),
            node_attr=dict(graph.node_attr),
            edge_attr=dict(graph.edge_attr),
            body=list(graph.body),
            strict=graph.strict,
        )
        drawing.hint, drawing.dpi = hint, dpi
        return drawing

    def copy(self) -> Drawing:
        duplicate = super().copy()
        duplicate.hint, duplicate.dpi = self.hint, self.dpi
        return duplicate  # type: ignore[no-any-return]

    def pipe(  # type: ignore[override]
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The picture's bytes (or text, given an `encoding`), as `graphviz.Digraph.pipe`."""
        fmt = ":".join(part for part in (format or self.format, renderer, formatter) if part)
        switches = (f"-n{int(neato_no_op)}",) if neato_no_op else ()
        data = self.output(fmt, program=engine or self.engine, arguments=switches)
        return data.decode(encoding) if encoding is not None else data

    def output(self, fmt: str, program: str = "dot", arguments: tuple[str, ...] = ()) -> bytes:
        """Graphviz's output in format `fmt`, at the drawing's resolution if a bitmap."""
        if self.dpi is not None and fmt.split(":")[0] in BITMAPS:
            arguments += (f"-Gdpi={self.dpi}",)  # resolution only: the layout is in points
        return run_graphviz(self.source, fmt, hint=self.hint, program=program, arguments=arguments)

    def render(  # type: ignore[override]
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile: str | os.PathLike[str] | None = None,
    ) -> str:
        """Save the source and write the picture beside it, as `graphviz.Digraph.render`
        (and `view`, which calls this) do; Graphviz's complaints become warnings either way,
        so `quiet` changes nothing."""
        fmt = format or (Path(outfile).suffix.lstrip(".") if outfile else self.format)
        source_path = self.save(filename, directory=directory)
        picture = Path(outfile) if outfile is not None else Path(f"{source_path}.{fmt}")
        picture.write_bytes(self.output(fmt))
        if cleanup:
            os.remove(source_path)
        if view:
            graphviz.view(str(picture), quiet=quiet_view)
        return str(picture)
