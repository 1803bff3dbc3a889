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

    Forward values in green above each wire, gradients in red below. `show_grad`
    says which gradients:

    - "auto" (the default): once any Value of the graph holds a non-zero `.grad`,
      as True; before that none, and the note says to call backward.
    - True: d root / d value for one backward pass from `root`, computed for the
      picture by the engine's own backward steps (every `.grad` is left as it
      was). That is what `root.backward()` gives on fresh Values; when the
      Values' `.grad` hold other numbers (two passes, a pass from a later Value,
      `root` an inner node, a pass still being stepped through) the picture
      still adds up by the chain rule and its note line says the `.grad` differ.
    - "held": the Values' `.grad` exactly as they are, no pass and no note; for
      drawing inside `for node in backward_steps(f):`. The branches of a value
      used twice stay blank: `.grad` does not say which use has sent its share.
    - False: no gradients.

    `groups`: composite gates as a labelled "box", "collapse"d to one gate, or "none".
    `fold_constants`: write constant operands into their gate (`+1`, `*-1`).
    In Jupyter the returned Digraph displays itself.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw() needs a Value, got {type(root).__name__}")
    if not (isinstance(show_grad, bool) or show_grad in ("auto", "held")):
        raise OptionError(f"show_grad must be True, False, 'auto' or 'held', got {show_grad!r}")
    order = topological_order(root)
    held = [node.grad for node in order]
    if show_grad == "held":
        state, note = finished_state(order, held, show=True, shares=False), None
    elif show_grad is True or (show_grad == "auto" and any(held)):
        grads = one_pass(root, order)
        state, note = finished_state(order, grads, show=True), grad_note(root, held, grads)
    else:
        state = finished_state(order, [0.0] * len(order), show=False)
        note = None if show_grad is False else no_grads_note(root)
    scene = build_scene(
        root,
        state,
        order=order,
        precision=precision,
        fold_constants=fold_constants,
        groups=groups,
        rankdir=rankdir,
        note=note,
    )
    return to_digraph(scene, theme)


def no_grads_note(root: Value) -> str:
    """Why "auto" draws no gradients: every `.grad` is 0, which is also what it is
    after a pass from another Value that this part of the graph does not affect."""
    f = root_name(root)
    return (
        f"all gradients are 0 (or backward has not run yet): "
        f"call {f}.backward() or draw with show_grad=True"
    )


def grad_note(root: Value, held: list[float], grads: list[float]) -> str | None:
    """A note when the Values' `.grad` (`held`) are not the gradients drawn (None: they are).

    A student who prints `x.grad` next to the picture must not be left guessing
    why the two disagree.
    """
    if all(_same(a, b) for a, b in zip(held, grads, strict=True)):
        return None
    f = root_name(root)
    if not any(held):
        return f"gradients drawn for the picture; the Values' .grad are 0: call {f}.backward()"
    return (
        f"gradients shown are one backward pass from {f}; the Values' .grad hold "
        "different numbers (another backward pass, or one still in progress)"
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
