"""`viz.Plane`: which side of its decision boundary a 2-input classifier puts each part of
the plane, for a `viz.Timeline` to show next to the probe graph at every step.

    plane = viz.Plane(scores, extent=(-2, 3, -1.5, 2), points=X, labels=y)
    timeline.add(probe, plane=plane, loss=loss)

Only the sign of each score is kept (one character per cell), so a 24 x 24 grid
costs 576 bytes a step; the training points are drawn from the first step's plane.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import numpy as np

from autograd.validate import real_number, shown

MAX_CELLS = 100 * 100  # a plot 260 pixels wide shows no more
SIZE = 240  # pixels of the plot's longer side


class Plane:
    """The scores of a classifier over a grid of its input plane, and the points it learns.

    `scores[i][j]`: the score at the i-th row (row 0 at the top, the largest y)
    and j-th column (column 0 at the smallest x) of a grid spanning `extent`,
    (x from, x to, y from, y to). `points`: (x, y) pairs drawn on top, coloured
    by the sign of their `labels`.
    """

    def __init__(
        self,
        scores: Sequence[Sequence[float]],
        extent: Sequence[float],
        points: Sequence[Sequence[float]] = (),
        labels: Sequence[float] = (),
    ) -> None:
        grid = np.asarray(scores, dtype=float)
        if grid.ndim != 2 or min(grid.shape) < 2 or grid.size > MAX_CELLS:
            raise ValueError(
                f"scores must be a grid of rows of numbers, at least 2 x 2 and at most "
                f"{MAX_CELLS} cells, got shape {grid.shape}"
            )
        edges = [real_number(x, "each number of extent") for x in extent]
        if len(edges) != 4 or not all(map(math.isfinite, edges)):
            raise ValueError(
                f"extent must be 4 finite numbers (x0, x1, y0, y1), got {shown(extent)}"
            )
        if not (edges[0] < edges[1] and edges[2] < edges[3]):
            raise ValueError(f"extent must run from smaller to larger x and y, got {edges}")
        where = np.asarray(points, dtype=float).reshape(-1, 2) if len(points) else np.empty((0, 2))
        if len(labels) != len(where):
            raise ValueError(f"there are {len(where)} points but {len(labels)} labels")
        self.shape: tuple[int, int] = (grid.shape[0], grid.shape[1])
        self.signs = "".join("1" if s > 0 else "0" for s in grid.ravel())
        self.extent = tuple(edges)
        self.points = [(float(x), float(y)) for x, y in where]
        self.labels = [real_number(label, "each label") > 0 for label in labels]


def plane_svg(plane: Plane) -> str:
    """The grid as cells (`rect.cell`, coloured by the script) with the points on top."""
    rows, columns = plane.shape
    x0, x1, y0, y1 = plane.extent
    scale = SIZE / max(x1 - x0, y1 - y0)
    width, height = (x1 - x0) * scale, (y1 - y0) * scale
    cell_w, cell_h = width / columns, height / rows
    cells = "".join(
        f'<rect class="cell" x="{j * cell_w:.1f}" y="{i * cell_h:.1f}" '
        f'width="{cell_w + 0.3:.1f}" height="{cell_h + 0.3:.1f}"/>'
        for i in range(rows)
        for j in range(columns)
    )
    dots = "".join(
        f'<circle class="{"yes" if label else "no"}" r="2.6" '
        f'cx="{(x - x0) * scale:.1f}" cy="{(y1 - y) * scale:.1f}"/>'
        for (x, y), label in zip(plane.points, plane.labels, strict=True)
    )
    title = escape("the classifier's decision at this step: score > 0 (orange) or not (blue)")
    return (
        f'<svg id="plane" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.1f} {height:.1f}" role="img"><title>{title}</title>'
        f"{cells}{dots}</svg>"
    )
