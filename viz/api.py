"""The public face: `draw` and `render`, a Value graph as a slide picture."""

from __future__ import annotations

import os
from pathlib import Path

from autograd import Value

from .files import output_format
from .options import Options, check_show_grad
from .picture import picture
from .process import Drawing
from .theme import Theme, chosen


def draw(
    root: Value,
    *,
    precision: int = 2,
    fold_constants: bool = True,
    show_grad: bool | str = "auto",
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
) -> Drawing:
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
    In Jupyter the returned Digraph displays itself; it runs Graphviz with a time
    limit there and when you call its `pipe` or `render`.
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
    data = graph.source.encode() if fmt is None else graph.output(fmt)
    path.write_bytes(data)
    return path
