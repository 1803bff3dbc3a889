"""Frames as pictures: one layout for the whole film, then each frame drawn on it.

Laying a graph out is most of Graphviz's work, and every frame of a backward
pass has the same graph: the same circles and wires, the numbers not known yet
already there, invisibly, so each wire is as wide as it will be. So `dot` lays
out one frame, the finished one, and reports where everything went (`-Tjson`);
every frame then gets those positions written into its own source and is
drawn by `neato -n2`, which takes positions as given and only paints. The film
costs one layout instead of one per frame, and does not jump.

Pictures are at most `max_size` pixels wide and tall: a large graph is drawn at
a lower resolution than the theme's, rather than as a GIF no screen can show
(and that takes minutes to encode).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz

from autograd.validate import whole_number

from .caller import warn_caller
from .dot import to_digraph
from .files import check_folder
from .process import run_graphviz
from .progress import Progress
from .scene import GraphTooLargeWarning, Scene
from .theme import Theme, positive_number

MAX_WORKERS = 4  # Graphviz processes at once: frames are independent, cores are few
MAX_SIZE = 1600  # pixels, either side: a film larger than a screen cannot be watched
LONGEST_FRAME = 655.35  # seconds: a GIF stores a frame's time in 1/100 s, in 16 bits
SHORTEST_FRAME = 0.02  # seconds: browsers play shorter frames slower, not faster

ANIM_HINT = "GIFs need Pillow, which is not installed: pip install gategrad[anim]"

CORNER_MARGIN = 4  # points around the layout's page, more than a highlight adds

_NODE = re.compile(r"\t+(\w+) \[")
_EDGE = re.compile(r"\t+(\S+) -> (\S+) \[")
_CLUSTER = re.compile(r"\t+subgraph (cluster_\w+) \{")


@dataclass(frozen=True)
class Layout:
    """Where `dot` put everything: node and cluster positions, edge paths, the page."""

    nodes: dict[str, dict[str, Any]]  # name -> its Graphviz attributes (pos, bb, lp...)
    edges: dict[tuple[str, str], str]  # (tail, head) as written in the source -> its path
    page: dict[str, str]  # the graph's own: bb, and lp if it has a label

    @classmethod
    def of(cls, graph: graphviz.Digraph, hint: str) -> Layout:
        laid = json.loads(run_graphviz(graph.source, "json", hint=hint))
        objects = laid.get("objects", [])
        names = {o["_gvid"]: o["name"] for o in objects}

        def end(gvid: int, port: str | None) -> str:
            return f"{names[gvid]}:{port}" if port else names[gvid]

        edges = {
            (end(e["tail"], e.get("tailport")), end(e["head"], e.get("headport"))): e["pos"]
            for e in laid.get("edges", [])
        }
        page = {key: laid[key] for key in ("bb", "lp") if key in laid}
        return cls({o["name"]: o for o in objects}, edges, page)

    def longest_side(self) -> float:
        """The page's width or height in points, whichever is longer, margins included."""
        left, bottom, right, top = (float(v) for v in self.page["bb"].split(","))
        pad = 2 * 72 * 0.2  # the graph's pad, 0.2 inches each side
        return max(right - left, top - bottom) + pad + 2 * CORNER_MARGIN

    def placed(self, graph: graphviz.Digraph) -> str | None:
        """`graph`'s source with every position of the layout written in, for `neato -n2`;
        None if `graph` has a node or edge the layout does not (then it needs its own)."""
        body = []
        for line in graph.body:
            edge, node, cluster = _EDGE.match(line), _NODE.match(line), _CLUSTER.match(line)
            if edge:
                path = self.edges.get((edge.group(1), edge.group(2)))
                if path is None:
                    return None
                line = line.replace(" [", f' [pos="{path}" ', 1)
            elif node:
                laid = self.nodes.get(node.group(1), {})
                if "pos" not in laid:
                    return None
                line = line.replace(" [", f' [pos="{laid["pos"]}" ', 1)
            elif cluster:
                box = self.nodes.get(cluster.group(1), {})
                if "bb" not in box:
                    return None
                where = " ".join(f'{k}="{box[k]}"' for k in ("bb", "lp") if k in box)
                line += f"\t\tgraph [{where}]\n"
            body.append(line)
        # neato sizes the page by what it draws, which differs by a point or two from
        # frame to frame (a highlighted wire is thicker): two invisible corners, a little
        # outside the layout's page, hold every frame's page at one size
        left, bottom, right, top = (float(v) for v in self.page["bb"].split(","))
        m = CORNER_MARGIN
        for name, x, y in (
            ("film_corner_1", left - m, bottom - m),
            ("film_corner_2", right + m, top + m),
        ):
            body.append(f'\t{name} [label="" shape=point style=invis width=0 pos="{x:g},{y:g}"]\n')
        placed = graph.copy()
        placed.body = body
        placed.graph_attr.update(self.page)
        return str(placed.source)


def film_pictures(
    scenes: Sequence[Scene],
    theme: Theme,
    hint: str,
    *,
    max_size: int | None = MAX_SIZE,
    progress: bool | None = None,
) -> list[bytes]:
    """PNG pictures of the frames' scenes, on the layout of the last one (see the module
    docstring), at most `max_size` pixels wide and tall."""
    if max_size is not None:
        whole_number(max_size, "max_size", minimum=100)
    graphs = [to_digraph(scene, theme) for scene in scenes]
    layout = Layout.of(graphs[-1], hint)
    dpi = float(theme.dpi)
    if max_size is not None:
        dpi = min(dpi, math.floor(100 * max_size * 72 / layout.longest_side()) / 100)
    shrunk: list[str] = []
    # Each frame is a Graphviz process of its own: they run side by side, one per core.
    with (
        Progress(len(graphs), "drawing frames", progress) as bar,
        ThreadPoolExecutor(max_workers=min(MAX_WORKERS, os.cpu_count() or 1)) as pool,
    ):
        running = [pool.submit(_picture, graph, layout, dpi, hint, shrunk) for graph in graphs]
        try:
            for _ in as_completed(running):
                bar.step()
            pictures = [picture.result() for picture in running]
        except BaseException:
            pool.shutdown(cancel_futures=True)  # a failed frame: start no other
            raise
    if shrunk:
        warn_caller(shrunk[0], GraphTooLargeWarning)
    try:
        image = _pillow()
    except ImportError:
        return pictures
    frames = [image.open(io.BytesIO(p)) for p in pictures]
    if len({im.size for im in frames}) == 1:
        return pictures  # as they should be: one layout, one page
    return [_png_bytes(im) for im in _pad(frames, theme.background)]


def _picture(
    graph: graphviz.Digraph, layout: Layout, dpi: float, hint: str, shrunk: list[str]
) -> bytes:
    """One frame drawn on the film's layout (or on its own, if it does not fit it)."""
    resolution = f"-Gdpi={dpi:g}"
    source = layout.placed(graph)
    if source is None:
        return run_graphviz(graph.source, "png", hint=hint, arguments=(resolution,), shrunk=shrunk)
    return run_graphviz(
        source, "png", hint=hint, program="neato", arguments=("-n2", resolution), shrunk=shrunk
    )


def _pillow():  # type: ignore[no-untyped-def]
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(ANIM_HINT) from None
    return Image


def _pad(images: list, background: str) -> list:  # type: ignore[type-arg]
    """Every image on one canvas size: centred left to right, at the top."""
    from PIL import Image

    width = max(im.width for im in images)
    height = max(im.height for im in images)
    padded = []
    for im in images:
        canvas = Image.new("RGB", (width, height), background)
        canvas.paste(im.convert("RGB"), ((width - im.width) // 2, 0))
        padded.append(canvas)
    return padded


def _png_bytes(im) -> bytes:  # a PIL image
    buffer = io.BytesIO()
    im.save(buffer, format="PNG")
    return buffer.getvalue()


_FRAME_NAME = re.compile(r"step_[0-9]+\.png")


def write_frames(pictures: Sequence[bytes], folder: str | os.PathLike[str]) -> list[Path]:
    """Write `png_frames` pictures as `step_00.png`, `step_01.png`, ... into `folder`.

    The folder is created if needed. Earlier frames in it (`step_<number>.png`)
    are removed first: frames left from a longer earlier run would play on as if
    they were part of this one. Other files in the folder are not touched.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("step_*.png"):
        if old.is_file() and _FRAME_NAME.fullmatch(old.name):
            old.unlink()
    digits = max(2, len(str(len(pictures) - 1)))
    paths = []
    for k, data in enumerate(pictures):
        path = folder / f"step_{k:0{digits}d}.png"
        path.write_bytes(data)
        paths.append(path)
    return paths


def write_gif(
    pictures: Sequence[bytes], path: str | os.PathLike[str], seconds_per_frame: float = 1.0
) -> Path:
    """Write `png_frames` pictures as an animated GIF; the last one stays three times as long."""
    path, ms = check_gif(path, seconds_per_frame)
    image = _pillow()
    movie = [image.open(io.BytesIO(p)) for p in pictures]
    last = min(3 * ms, round(LONGEST_FRAME * 1000))
    durations = [ms] * (len(movie) - 1) + [last]
    movie[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=movie[1:],
        duration=durations,
        loop=0,
        optimize=False,
    )
    return path


def check_gif(path: str | os.PathLike[str], seconds_per_frame: object = 1.0) -> tuple[Path, int]:
    """Everything a GIF needs, checked before any drawing: Pillow, a .gif name in a folder
    that exists, a time per frame a GIF can hold. Returns the path and milliseconds per frame."""
    _pillow()
    seconds = positive_number(seconds_per_frame, "seconds_per_frame")
    if seconds > LONGEST_FRAME:
        raise ValueError(
            f"seconds_per_frame must be at most {LONGEST_FRAME} (a GIF cannot hold a longer "
            f"frame), got {seconds:.6g}"
        )
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"the file name must end in .gif, got {str(path)!r}")
    check_folder(path)
    return path, max(round(SHORTEST_FRAME * 1000), round(seconds * 1000))
