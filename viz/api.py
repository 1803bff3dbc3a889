"""`draw` and `render`: a Value graph as a slide picture."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path

import graphviz

from autograd import Value, topological_order

from .dot import to_digraph
from .scene import OptionError, build_scene, finished_state, one_pass, root_name
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

    Forward values in green above each wire, gradients in red below: d root / d value
    for one backward pass from `root`, computed for the picture by the engine's own
    backward steps (every `.grad` is left as it was). That is what `root.backward()`
    gives on fresh Values; when the Values' `.grad` hold something else (two passes,
    a pass from a later Value, `root` an inner node) the picture still adds up by
    the chain rule and its note line says the `.grad` differ.
    `show_grad`: True, False, or "auto": gradients once backward has reached `root`
    (`root.grad != 0`); before that the picture says they are not computed yet.
    `groups`: composite gates as a labelled "box", "collapse"d to one gate, or "none".
    `fold_constants`: write constant operands into their gate (`+1`, `*-1`).
    In Jupyter the returned Digraph displays itself.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw() needs a Value, got {type(root).__name__}")
    if show_grad == "auto":
        show = root.grad != 0.0
    elif isinstance(show_grad, bool):
        show = show_grad
    else:
        raise OptionError(f"show_grad must be True, False or 'auto', got {show_grad!r}")
    order = topological_order(root)
    grads = one_pass(root, order) if show else [0.0] * len(order)
    if show:
        note = grad_note(root, order, grads)
    elif show_grad == "auto":
        note = f"gradients not computed yet: call {root_name(root)}.backward()"
    else:
        note = None  # the user asked for no gradients
    scene = build_scene(
        root,
        finished_state(order, grads, show),
        order=order,
        precision=precision,
        fold_constants=fold_constants,
        groups=groups,
        rankdir=rankdir,
        note=note,
    )
    return to_digraph(scene, theme)


def grad_note(root: Value, order: list[Value], grads: list[float]) -> str | None:
    """A note when the Values' `.grad` are not the gradients drawn (None: they are).

    A student who prints `x.grad` next to the picture must not be left guessing
    why the two disagree.
    """
    held = [node.grad for node in order]
    if all(_same(a, b) for a, b in zip(held, grads, strict=True)):
        return None
    f = root_name(root)
    if not any(held):
        return f"gradients drawn for the picture; the Values' .grad are 0: call {f}.backward()"
    return (
        f"gradients shown are one backward pass from {f}; "
        "the Values' .grad differ (other backward passes reached them)"
    )


def _same(a: float, b: float) -> bool:
    """Equal, counting nan as equal to nan (a nan gradient is what the pass gives)."""
    return a == b or (math.isnan(a) and math.isnan(b))


def render(root: Value, path: str | os.PathLike[str], **options: object) -> Path:
    """Draw `root` into a file; the format comes from the suffix: .png .svg .pdf .dot.

    Takes the same keyword options as `draw`. `.dot` (or `.gv`) writes the Graphviz
    source and needs no Graphviz program. Nothing is written if drawing fails.
    """
    path = Path(path)
    fmt = output_format(path)
    graph = draw(root, **options)  # type: ignore[arg-type]
    dpi = chosen(options.get("theme")).dpi
    data = graph.source.encode() if fmt is None else pipe(graph, fmt, dpi=dpi)
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
