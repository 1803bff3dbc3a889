"""The backward pass frame by frame, as PNG files or an animated GIF.

    frames = viz.frames(f)          # list of graphviz.Digraph
    viz.save_frames(f, "out/steps") # step_00.png, step_01.png, ...
    viz.save_gif(f, "out/f.gif")    # needs Pillow: pip install gategrad[anim]

Frame 0 is the forward pass (green numbers only). Then one frame per step of
the engine's own backward pass (`autograd.fresh_pass`, as `backward_steps`): the gate being
processed is highlighted, the gradients the engine has accumulated so far are
shown in red (the others are blank), and the step's chain rule is written under
the picture, `∂f/∂x = ∂f/∂q · ∂q/∂x = -4.00 · 1.00 = -4.00` (upstream × local =
downstream). The last frame is exactly `viz.draw(f)` after `f.backward()`,
note included: when the Values' `.grad` hold other numbers (a second pass, say)
it says so, as `draw` does.

The numbers in a caption are those of the wires, with more digits where the
wires' rounding would make the written arithmetic false (`0.00 · 2.00 = 0.01`
becomes `0.0049 · 2.00 = 0.0098`).

The user's graph is left as it was: `frames` records the steps inside the engine's
`fresh_pass`, which sets every `.grad` aside and puts it back, even if something
fails on the way. So the frames always show one fresh backward pass, whatever
`.grad` held before.

Graphviz draws each frame once: `png_frames` makes the pictures, and
`write_frames` and `write_gif` write the same pictures as files (the command
line writes both from one drawing).
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import graphviz

from autograd import Value, fresh_pass, topological_order

from .dot import to_digraph
from .files import check_folder
from .numbers import caption_number
from .options import Options
from .picture import grad_note, too_much_hint
from .process import Drawing
from .scene import (
    GradState,
    GraphTooLargeError,
    Scene,
    build_scene,
    check_size,
    finished_state,
    gate_text,
    root_name,
)
from .theme import Theme, chosen, positive_number

MAX_STEPS = 200  # one frame per gate: more than this is a film nobody watches
MORE_DIGITS = 15  # at most this many digits more than the wires show, in a caption

ANIM_HINT = "save_gif needs Pillow, which is not installed: pip install gategrad[anim]"


class Recording:
    """One fresh backward pass of the engine, the gradients recorded after each step."""

    def __init__(self, root: Value, order: list[Value]) -> None:
        index = {node: i for i, node in enumerate(order)}
        self.steps: list[tuple[int, list[float]]] = []  # (gate index, gradients after it)
        with fresh_pass(root) as steps:
            for node in steps:
                self.steps.append((index[node], [n.grad for n in order]))
            self.final = [n.grad for n in order]


def _name(node: Value, root: Value) -> str | None:
    if node is root:
        return root_name(root)
    return node.label or None


# --- the numbers of a caption ------------------------------------------------------------


def _reads_true(upstream: str, local: str, downstream: str) -> bool:
    """Do the printed factors multiply to the printed result, give or take one unit in
    its last digit (the rounding that any printed number has)?"""
    a, b, c = Decimal(upstream), Decimal(local), Decimal(downstream)
    if not (a.is_finite() and b.is_finite() and c.is_finite()):
        return True  # nan and inf: there is no arithmetic to check
    last_digit = Decimal(1).scaleb(c.as_tuple().exponent)  # type: ignore[arg-type]  # an int
    return abs(a * b - c) <= last_digit


def _product(upstream: float, local: float, downstream: float, precision: int) -> list[str]:
    """The numbers of `upstream · local = downstream` with as few digits as keep it true."""
    for extra in range(MORE_DIGITS + 1):
        texts = [caption_number(x, precision, extra) for x in (upstream, local, downstream)]
        if _reads_true(*texts):
            break
    return texts


# --- the words of a caption --------------------------------------------------------------


def _arithmetic(
    root: Value,
    node: Value,
    before: Sequence[float],
    after: Sequence[float],
    index: dict[Value, int],
    uses: dict[Value, int],
    precision: int,
) -> tuple[list[str], list[str]]:
    """The chain rule at one gate: one line per operand, upstream · local = downstream.

    Returned as the lines before the operands' (the root's step says how the
    pass starts) and the operands' lines, in operand order.

    `before` and `after` are the gradients before and after the step. An operand
    used by several gates gets `+=`: this use adds its share to the gradient, and
    the line says what the sum is so far, counted the way the engine adds it, from
    the gradient before the step (so `a * a` shows the first share, then both).
    """
    f = root_name(root)
    upstream = after[index[node]]
    out = _name(node, root)
    intro, lines = [], []
    if node is root:
        intro.append(f"start: ∂{f}/∂{f} = 1, so each gradient here is 1 · the local gradient")
    totals: dict[Value, float] = {}
    for parent, local in zip(node.parents, node.local_grads, strict=True):
        downstream = local * upstream
        totals[parent] = totals.get(parent, before[index[parent]]) + downstream
        name = _name(parent, root)
        shared = uses[parent] > 1
        up, loc, down = _product(upstream, local, downstream, precision)
        if node is root:
            up, chain = "1", ""  # ∂f/∂f is 1 by definition: nothing to spell out
        elif name and out:
            chain = f"∂{f}/∂{out} · ∂{out}/∂{name} = "
        else:
            chain = "upstream · local = "
        left = f"∂{f}/∂{name}" if name else "downstream"
        line = f"{left} {'+=' if shared else '='} {chain}{up} · {loc} = {down}"
        if shared:
            total = caption_number(totals[parent], precision)
            line += f"   ({name or 'its'} total so far: {total})"
        lines.append(line)
    return intro, lines


@dataclass(frozen=True)
class StepText:
    """What is written under the picture of one step: a title, then `lines`.

    `operands` has one chain-rule line per operand of the step's gate, in
    operand order; `intro` the lines before them.
    """

    title: str
    intro: tuple[str, ...] = ()
    operands: tuple[str, ...] = ()

    @property
    def lines(self) -> list[str]:
        return [*self.intro, *self.operands]


FORWARD_TEXT = StepText(
    "Forward pass",
    (
        "values flow left to right: green, above each wire",
        "next: gradients flow back, one gate at a time (red, below each wire)",
    ),
)


def step_texts(
    root: Value, order: list[Value], run: Recording, groups: str, precision: int
) -> list[StepText]:
    """The text of the forward picture, then of each backward step of `run`, in order."""
    index = {node: i for i, node in enumerate(order)}
    uses: dict[Value, int] = {}
    for node in order:
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
    texts = [FORWARD_TEXT]
    before = [0.0] * len(order)  # a fresh pass: every gradient starts at zero
    for k, (j, after) in enumerate(run.steps, start=1):
        node = order[j]
        where = f" in {node.scope.name}" if groups != "none" and node.scope is not None else ""
        title = f"Backward step {k} of {len(run.steps)}: the {gate_text(node, True)} gate{where}"
        intro, lines = _arithmetic(root, node, before, after, index, uses, precision)
        texts.append(StepText(title, tuple(intro), tuple(lines)))
        before = after
    return texts


# --- the frames ---------------------------------------------------------------------------


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
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    return frame_graphs(root, options, caller="frames")


def frame_graphs(root: Value, options: Options, caller: str) -> list[graphviz.Digraph]:
    """`frames` with its options checked; `caller` names the public function in errors."""
    if not isinstance(root, Value):
        raise TypeError(f"{caller}() needs a Value, got {type(root).__name__}")
    t = options.theme
    groups, precision = options.groups, options.precision
    order = topological_order(root)
    if groups != "collapse":
        check_size(len(order), groups)
    n_gates = sum(1 for node in order if node.gate is not None)
    if n_gates > MAX_STEPS:
        raise GraphTooLargeError(
            f"the graph has {n_gates} gates, so {n_gates} backward steps: frames() draws at "
            f"most {MAX_STEPS}; draw a smaller graph"
        )
    held = [node.grad for node in order]
    run = Recording(root, order)
    gates_done: set[int] = set()

    # Every frame's text first, so that all captions get one width and the
    # pictures line up when they are played one after the other.
    texts = [(text.title, text.lines) for text in step_texts(root, order, run, groups, precision)]
    longest = max(len(line) for title, lines in texts for line in [title, *lines])
    caption_width = int(longest * t.note_size * 0.56) + 8

    hint = too_much_hint(order, options)

    def drawing(scene: Scene) -> Drawing:
        return Drawing.of(to_digraph(scene, t), hint, dpi=t.dpi)

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
            root, state, options, order=order, active=active, caption=lines, title=title
        )
        scene = dataclasses.replace(scene, caption_width=caption_width)
        result.append(drawing(scene))
    # The finished slide: exactly what viz.draw(root) shows after root.backward(), and
    # its note if the .grad hold other numbers (on fresh Values the film is the pass).
    done = finished_state(order, run.final, show=True)
    note = grad_note(root, held, run.final) if any(held) else None
    scene = build_scene(root, done, options, order=order, note=note)
    result.append(drawing(scene))
    return result


# --- pictures and files -------------------------------------------------------------------


def png_frames(
    root: Value,
    *,
    precision: int = 2,
    fold_constants: bool = True,
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
) -> list[bytes]:
    """The frames as PNG pictures (the bytes of each file), each drawn by Graphviz once.

    Takes the options of `frames`. With Pillow installed all pictures share one
    canvas size, so that they play without jumping; without it each has its own.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    return frame_pictures(root, options, caller="png_frames")


def frame_pictures(root: Value, options: Options, caller: str) -> list[bytes]:
    """`png_frames` with its options checked."""
    graphs = frame_graphs(root, options, caller)
    theme = options.theme
    pictures = [g.output("png") for g in graphs]
    try:
        image = _pillow()
    except ImportError:
        return pictures
    padded = _pad([image.open(io.BytesIO(p)) for p in pictures], theme.background)
    return [_png_bytes(im) for im in padded]


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
    durations = [ms] * (len(movie) - 1) + [3 * ms]
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
    that exists, a positive time per frame. Returns the path and milliseconds per frame."""
    _pillow()
    seconds = positive_number(seconds_per_frame, "seconds_per_frame")
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"the file name must end in .gif, got {str(path)!r}")
    check_folder(path)
    return path, max(20, round(seconds * 1000))


def save_frames(
    root: Value,
    folder: str | os.PathLike[str],
    *,
    precision: int = 2,
    fold_constants: bool = True,
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
) -> list[Path]:
    """Draw the frames and write them as `step_00.png`, `step_01.png`, ... into `folder`.

    Takes the options of `frames`. The folder is created if needed (and not at
    all if drawing fails); old `step_<number>.png` frames in it are removed (see
    `write_frames`). See `png_frames` for the canvas size.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    return write_frames(frame_pictures(root, options, caller="save_frames"), folder)


def save_gif(
    root: Value,
    path: str | os.PathLike[str],
    seconds_per_frame: float = 1.0,
    *,
    precision: int = 2,
    fold_constants: bool = True,
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
) -> Path:
    """An animated GIF of the frames (needs Pillow: `pip install gategrad[anim]`).

    Takes the options of `frames`. All frames share one canvas size so the
    picture does not jump; the last frame, the finished slide, stays three
    times as long. The path and timing are checked before anything is drawn.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    check_gif(path, seconds_per_frame)
    pictures = frame_pictures(root, options, caller="save_gif")
    return write_gif(pictures, path, seconds_per_frame)
