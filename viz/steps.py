"""The backward pass frame by frame, as PNG files or an animated GIF.

    frames = viz.frames(f)          # list of graphviz.Digraph
    viz.save_frames(f, "out/steps") # step_00.png, step_01.png, ...
    viz.save_gif(f, "out/f.gif")    # needs Pillow: pip install gategrad[anim]

Frame 0 is the forward pass (green numbers only). Then one frame per step of
`autograd.backward_steps`, the engine's own backward pass: the gate being
processed is highlighted, the gradients the engine has accumulated so far are
shown in red (the others are blank), and the step's chain rule is written under
the picture, `∂f/∂x = ∂f/∂q · ∂q/∂x = -4.00 · 1.00 = -4.00` (upstream × local =
downstream). The last frame is exactly `viz.draw(f)` after `f.backward()`.

The user's graph is left as it was: `frames` saves every `.grad` it can reach,
sets them to zero, runs the engine's steps (recording the gradients after each)
and puts the saved values back, even if something fails on the way. So the
frames always show one fresh backward pass, whatever `.grad` held before.
"""

from __future__ import annotations

import dataclasses
import io
import math
import os
from collections.abc import Sequence
from pathlib import Path

import graphviz

from autograd import Value, backward_steps, topological_order

from .api import pipe
from .dot import to_digraph
from .scene import (
    GradState,
    build_scene,
    check_size,
    gate_text,
    root_name,
    validate,
)
from .theme import DEFAULT, Theme, format_number

MAX_STEPS = 200  # one frame per gate: more than this is a film nobody watches

ANIM_HINT = "save_gif needs Pillow, which is not installed: pip install gategrad[anim]"


class _Recording:
    """One fresh backward pass of the engine, the gradients recorded after each step."""

    def __init__(self, root: Value, order: list[Value]) -> None:
        index = {node: i for i, node in enumerate(order)}
        saved = [node.grad for node in order]
        self.steps: list[tuple[int, list[float]]] = []  # (gate index, gradients after it)
        try:
            for node in order:
                node.grad = 0.0
            for node in backward_steps(root):
                self.steps.append((index[node], [n.grad for n in order]))
            self.final = [n.grad for n in order]
        finally:
            for node, grad in zip(order, saved, strict=True):
                node.grad = grad


def _name(node: Value, root: Value) -> str | None:
    if node is root:
        return root_name(root)
    return node.label or None


def _arithmetic(
    root: Value,
    node: Value,
    grads: Sequence[float],
    index: dict[Value, int],
    uses: dict[Value, int],
    precision: int,
) -> list[str]:
    """The chain rule at one gate: one line per operand, upstream · local = downstream.

    An operand used by several gates gets `+=`: this use adds its share to the
    gradient, and the line says what the sum is so far.
    """
    num = lambda x: format_number(x, precision)  # noqa: E731
    f = root_name(root)
    upstream = grads[index[node]]
    out = _name(node, root)
    lines = []
    for parent, local in zip(node.parents, node.local_grads, strict=True):
        downstream = local * upstream
        name = _name(parent, root)
        shared = uses.get(parent, 1) > 1
        left = f"∂{f}/∂{name}" if name else "downstream"
        middle = f"∂{f}/∂{out} · ∂{out}/∂{name}" if name and out else "upstream · local"
        equals = "+=" if shared else "="
        line = f"{left} {equals} {middle} = {num(upstream)} · {num(local)} = {num(downstream)}"
        if shared:
            line += f"   ({name or 'its'} total so far: {num(grads[index[parent]])})"
        lines.append(line)
    return lines


def frames(
    root: Value,
    *,
    precision: int = 2,
    fold_constants: bool = True,
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
) -> list[graphviz.Digraph]:
    """The forward pass, then one picture per backward step, then the finished slide.

    Takes `viz.draw`'s options except `show_grad`. The `.grad` values of the
    graph are the same after the call as before it (see the module docstring).
    """
    if not isinstance(root, Value):
        raise TypeError(f"frames() needs a Value, got {type(root).__name__}")
    validate(precision, groups, rankdir)
    if theme is not None and not isinstance(theme, Theme):
        raise TypeError(f"theme must be a viz.Theme, got {type(theme).__name__}")
    t = theme or DEFAULT
    order = topological_order(root)
    if groups != "collapse":
        check_size(len(order), groups)
    n_gates = sum(1 for node in order if node.gate is not None)
    if n_gates > MAX_STEPS:
        raise ValueError(
            f"the graph has {n_gates} gates, so {n_gates} backward steps: frames() draws at "
            f"most {MAX_STEPS}; draw a smaller graph"
        )
    index = {node: i for i, node in enumerate(order)}
    uses: dict[Value, int] = {}
    for node in order:
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
    run = _Recording(root, order)
    gates_done: set[int] = set()
    options = dict(
        order=order,
        precision=precision,
        fold_constants=fold_constants,
        groups=groups,
        rankdir=rankdir,
    )

    # Every frame's text first, so that all captions get one width and the
    # pictures line up when they are played one after the other.
    texts: list[tuple[str, list[str]]] = [
        (
            "Forward pass",
            [
                "values flow left to right: green, above each wire",
                "next: gradients flow back, one gate at a time (red, below each wire)",
            ],
        )
    ]
    f = root_name(root)
    for k, (j, grads) in enumerate(run.steps, start=1):
        node = order[j]
        where = f" in {node.scope.name}" if groups != "none" and node.scope is not None else ""
        title = f"Backward step {k} of {len(run.steps)}: the {gate_text(node, True)} gate{where}"
        lines = _arithmetic(root, node, grads, index, uses, precision)
        if k == 1:
            lines.insert(0, f"start: ∂{f}/∂{f} = 1")
        texts.append((title, lines))
    longest = max(len(line) for title, lines in texts for line in [title, *lines])
    caption_width = int(longest * t.note_size * 0.56) + 8

    zeros = [0.0] * len(order)
    result = []
    for k, (title, lines) in enumerate(texts):
        if k == 0:
            state = GradState(zeros, frozenset(), seeded=False, reserve=run.final)
            active = None
        else:
            j, grads = run.steps[k - 1]
            gates_done.add(j)
            state = GradState(grads, frozenset(gates_done), seeded=True, reserve=run.final)
            active = j
        scene = build_scene(
            root,
            state,
            active=active,
            caption=lines,
            title=title,
            **options,  # type: ignore[arg-type]
        )
        scene = dataclasses.replace(scene, caption_width=caption_width)
        result.append(to_digraph(scene, theme))
    # The finished slide: exactly what viz.draw(root) shows after root.backward().
    every_gate = frozenset(i for i, node in enumerate(order) if node.gate is not None)
    done = GradState(run.final, every_gate, seeded=True)
    result.append(to_digraph(build_scene(root, done, **options), theme))  # type: ignore[arg-type]
    return result


def _png_frames(root: Value, options: dict[str, object]) -> list[bytes]:
    theme = options.get("theme") or DEFAULT
    assert isinstance(theme, Theme)
    return [pipe(g, "png", dpi=theme.dpi) for g in frames(root, **options)]  # type: ignore[arg-type]


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


def _pillow():  # type: ignore[no-untyped-def]
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(ANIM_HINT) from None
    return Image


def save_frames(root: Value, folder: str | os.PathLike[str], **options: object) -> list[Path]:
    """Write the frames as `step_00.png`, `step_01.png`, ... into `folder`.

    The folder is created if needed. With Pillow installed every PNG gets the
    same canvas size; without it each is as large as its own picture.
    """
    folder = Path(folder)
    pictures = _png_frames(root, options)
    folder.mkdir(parents=True, exist_ok=True)
    digits = max(2, len(str(len(pictures) - 1)))
    try:
        image = _pillow()
    except ImportError:
        image = None
    if image is not None:
        theme = options.get("theme") or DEFAULT
        assert isinstance(theme, Theme)
        padded = _pad([image.open(io.BytesIO(p)) for p in pictures], theme.background)
        pictures = []
        for im in padded:
            buffer = io.BytesIO()
            im.save(buffer, format="PNG", optimize=True)
            pictures.append(buffer.getvalue())
    paths = []
    for k, data in enumerate(pictures):
        path = folder / f"step_{k:0{digits}d}.png"
        path.write_bytes(data)
        paths.append(path)
    return paths


def save_gif(
    root: Value,
    path: str | os.PathLike[str],
    seconds_per_frame: float = 1.0,
    **options: object,
) -> Path:
    """An animated GIF of the frames (needs Pillow: `pip install gategrad[anim]`).

    All frames share one canvas size so the picture does not jump; the last
    frame, the finished slide, stays three times as long.
    """
    image = _pillow()
    if isinstance(seconds_per_frame, bool) or not (
        isinstance(seconds_per_frame, int | float)
        and math.isfinite(seconds_per_frame)
        and seconds_per_frame > 0
    ):
        raise ValueError(f"seconds_per_frame must be a positive number, got {seconds_per_frame!r}")
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"the folder {str(path.parent)!r} does not exist")
    theme = options.get("theme") or DEFAULT
    assert isinstance(theme, Theme)
    pictures = [image.open(io.BytesIO(p)) for p in _png_frames(root, options)]
    padded = _pad(pictures, theme.background)
    ms = max(20, round(seconds_per_frame * 1000))
    durations = [ms] * (len(padded) - 1) + [3 * ms]
    padded[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=padded[1:],
        duration=durations,
        loop=0,
        optimize=False,
    )
    return path
