"""`draw` and `render`: a Value graph as a slide picture."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import graphviz

from autograd import Value

from .options import Options, check_show_grad
from .picture import picture
from .theme import Theme, chosen

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".dot": None, ".gv": None}
DOT_TIMEOUT = 120  # seconds; a graph under the size limit lays out in a few

INSTALL_GRAPHVIZ = (
    "Graphviz's `dot` program is not installed (or not on PATH); it is needed to write "
    "PNG, SVG and PDF files. Install it and try again:\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "(viz.draw() and .dot files work without it.)"
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's `dot` executable is missing."""


def draw(
    root: Value,
    *,
    precision: int = 2,
    fold_constants: bool = True,
    show_grad: bool | str = "auto",
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
) -> graphviz.Digraph:
    """The graph ending at `root` as the slides draw it, as a `graphviz.Digraph`.

    Forward values in green above each wire, gradients in red below. `show_grad`
    says which gradients:

    - "auto" (the default): once any Value of the graph holds a non-zero `.grad`,
      as True; before that none, and the note says to call backward.
    - True: d root / d value for one backward pass from `root`, computed for the
      picture by the engine's own backward (every `.grad` is left as it was).
      That is what `root.backward()` gives on fresh Values; when the
      Values' `.grad` hold other numbers (two passes, a pass from a later Value,
      `root` an inner node, a pass still being stepped through) the picture
      still adds up by the chain rule and its note line says the `.grad` differ.
    - "held": the Values' `.grad` exactly as they are, no pass and no note; for
      drawing inside `for node in backward_steps(f):`. The branches of a value
      used twice stay blank: `.grad` does not say which use has sent its share.
    - False: no gradients.

    `precision`: decimals of the numbers (a nonzero number below them gets
    significant digits instead of reading as zero).
    `groups`: composite gates as a labelled "box", "collapse"d to one gate, or "none".
    `fold_constants`: write constant operands into their gate (`+1`, `*-1`).
    `rankdir`: "LR" (left to right, the default), "RL", "TB" or "BT".
    `theme`: colours, fonts, sizes and PNG resolution (`viz.DEFAULT.replace(...)`).
    In Jupyter the returned Digraph displays itself.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    check_show_grad(show_grad)
    return picture(root, options, show_grad, caller="draw")


def render(
    root: Value,
    path: str | os.PathLike[str],
    *,
    precision: int = 2,
    fold_constants: bool = True,
    show_grad: bool | str = "auto",
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
) -> Path:
    """Draw `root` into a file; the format comes from the suffix: .png .svg .pdf .dot.

    Takes the options of `draw`. `.dot` (or `.gv`) writes the Graphviz source
    and needs no Graphviz program. Nothing is written if drawing fails.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    check_show_grad(show_grad)
    path = Path(path)
    fmt = output_format(path)
    graph = picture(root, options, show_grad, caller="render")
    data = graph.source.encode() if fmt is None else pipe(graph, fmt, dpi=options.theme.dpi)
    path.write_bytes(data)
    return path


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
    """A FileNotFoundError unless the folder that is to hold `path` exists.

    Checked before any drawing, so a typo in a folder name costs no Graphviz run.
    """
    if not path.parent.is_dir():
        raise FileNotFoundError(f"the folder {str(path.parent)!r} does not exist")


def dot_executable() -> str:
    """The path of Graphviz's `dot`, or a GraphvizNotFoundError that says how to install it."""
    found = shutil.which("dot")
    if found is None:
        raise GraphvizNotFoundError(INSTALL_GRAPHVIZ)
    return found


def pipe(graph: graphviz.Digraph, fmt: str, *, dpi: int | None = None) -> bytes:
    """Run Graphviz on `graph` and return the file's bytes (png, svg, pdf...)."""
    command = [dot_executable(), f"-T{fmt}"]
    if dpi is not None and fmt == "png":
        command.append(f"-Gdpi={int(dpi)}")
    try:
        done = subprocess.run(
            command,
            input=graph.source.encode(),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GraphvizNotFoundError(INSTALL_GRAPHVIZ) from None
    except subprocess.TimeoutExpired:
        raise RuntimeError(
            f"Graphviz took more than {DOT_TIMEOUT} s to lay out the graph; "
            'draw fewer nodes (groups="collapse" helps)'
        ) from None
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"Graphviz failed (exit {done.returncode}): {message}")
    return done.stdout
