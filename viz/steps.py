"""The backward pass frame by frame, as PNG files or an animated GIF.

    frames = viz.frames(f)          # list of graphviz.Digraph
    viz.save_frames(f, "out/steps") # step_00.png, step_01.png, ...
    viz.save_gif(f, "out/f.gif")    # needs Pillow: pip install gategrad[anim]

Frame 0 is the forward pass (green numbers only). Then one frame per step of
`autograd.backward_steps`, the engine's own backward pass: the gate being
processed is highlighted, the gradients the engine has accumulated so far are
shown in red (the others are blank), and the step's chain rule is written under
the picture, `∂f/∂x = ∂f/∂q · ∂q/∂x = -4.00 · 1.00 = -4.00` (upstream × local =
downstream). The last frame is exactly `viz.draw(f)` after `f.backward()`,
note included: when the Values' `.grad` hold other numbers (a second pass, say)
it says so, as `draw` does.

The captions are written by `viz.captions`.

The user's graph is left as it was: the steps are recorded inside the engine's
`fresh_pass`, which sets every `.grad` aside and puts it back, even if something
fails on the way. So the frames always show one fresh backward pass, whatever
`.grad` held before.

The pictures (`png_frames`, `save_frames`, `save_gif`) are made by `viz.film`:
Graphviz lays the graph out once and each frame is drawn on that layout, so
the film does not jump and costs one layout, not one per frame.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from autograd import Value, fresh_pass, topological_order

from .captions import chain_rule
from .dot import to_digraph
from .film import MAX_SIZE, check_gif, film_pictures, write_frames, write_gif
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
)
from .theme import Theme, chosen

MAX_STEPS = 200  # one frame per gate: more than this is a film nobody watches
FILM_END = "Done: every gradient of the backward pass is known"


class Recording:
    """One fresh backward pass of the engine, the gradients recorded after each step."""

    def __init__(self, root: Value, order: list[Value]) -> None:
        index = {node: i for i, node in enumerate(order)}
        self.steps: list[tuple[int, list[float]]] = []  # (gate index, gradients after it)
        with fresh_pass(root) as steps:
            for node in steps:
                self.steps.append((index[node], [n.grad for n in order]))
            self.final = [n.grad for n in order]


@dataclass(frozen=True)
class _Text:
    """What is written under one frame."""

    title: str | None
    lines: tuple[str, ...]
    note: str | None = None


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
        intro, lines = chain_rule(root, node, before, after, index, uses, precision)
        texts.append(StepText(title, tuple(intro), tuple(lines)))
        before = after
    return texts


def frames(
    root: Value,
    *,
    precision: int = 2,
    fold_constants: bool = True,
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
) -> list[Drawing]:
    """The forward pass, then one picture per backward step, then the finished slide,
    as `graphviz.Digraph`s (each shows itself in Jupyter).

    Takes `viz.draw`'s options except `show_grad`. The `.grad` values of the
    graph are the same after the call as before it (see the module docstring).
    At most 200 backward steps (gates); a larger graph is refused.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    scenes = frame_scenes(root, options, "frames", film=False)
    hint = too_much_hint(topological_order(root), options)
    return [Drawing.of(to_digraph(s, options.theme), hint, options.theme.dpi) for s in scenes]


def frame_scenes(root: Value, options: Options, caller: str, film: bool) -> list[Scene]:
    """The scenes of the frames. `film`: for pictures played one after another, so every
    frame gets the same caption block (a title and as many lines as the longest) and
    the frames can share one layout; otherwise the last one is exactly `viz.draw`'s."""
    if not isinstance(root, Value):
        raise TypeError(f"{caller}() needs a Value, got {type(root).__name__}")
    order = topological_order(root)
    _check_steps(order, options)
    held = [node.grad for node in order]
    run = Recording(root, order)
    done = finished_state(order, run.final, show=True)
    texts = [
        _Text(t.title, tuple(t.lines))
        for t in step_texts(root, order, run, options.groups, options.precision)
    ]
    # the finished slide says what viz.draw says when the .grad hold other numbers
    # (on fresh Values the film is the pass, and there is nothing to say)
    texts.append(_Text(None, (), grad_note(root, held, run.final) if any(held) else None))
    if film:
        texts = _one_caption_block(texts)
    states = [GradState([0.0] * len(order), frozenset(), seeded=False, reserve=run.final)]
    gates_done: set[int] = set()
    for j, grads in run.steps:
        gates_done.add(j)
        states.append(GradState(grads, frozenset(gates_done), seeded=True, reserve=run.final))
    states.append(done)
    width = _caption_width(texts, options.theme)
    scenes = []
    for k, (state, text) in enumerate(zip(states, texts, strict=True)):
        active = run.steps[k - 1][0] if 0 < k <= len(run.steps) else None
        scene = build_scene(
            root, state, options, order=order, active=active, caption=text.lines,
            title=text.title, note=text.note,
        )  # fmt: skip
        last = k == len(states) - 1
        scenes.append(scene if last and not film else replace(scene, caption_width=width))
    return scenes


def _check_steps(order: list[Value], options: Options) -> None:
    if options.groups != "collapse":
        check_size(len(order), options.groups, order)
    n_gates = sum(1 for node in order if node.gate is not None)
    if n_gates > MAX_STEPS:
        raise GraphTooLargeError(
            f"the graph has {n_gates} gates, so {n_gates} backward steps: the frames show "
            f"at most {MAX_STEPS}; draw a smaller graph"
        )


def _one_caption_block(texts: list[_Text]) -> list[_Text]:
    """Every frame's caption as tall as the tallest: a title, then blank lines to fill."""
    tallest = max(len(t.lines) + (t.note is not None) for t in texts)
    blank = "\u00a0"  # a line of text's height; an empty line would be lower
    return [
        _Text(
            t.title or FILM_END,
            t.lines + (blank,) * (tallest - len(t.lines) - (t.note is not None)),
            t.note,
        )
        for t in texts
    ]


def _caption_width(texts: Sequence[_Text], theme: Theme) -> int:
    """One width for every caption (points), so the pictures line up when played."""
    words = [line for t in texts for line in (t.title or "", *t.lines, t.note or "")]
    return int(max(map(len, words)) * theme.note_size * 0.56) + 8


# --- pictures and files -------------------------------------------------------------------


def png_frames(
    root: Value,
    *,
    precision: int = 2,
    fold_constants: bool = True,
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
    max_size: int | None = MAX_SIZE,
    progress: bool | None = None,
) -> list[bytes]:
    """The frames as PNG pictures (the bytes of each file), all on one layout and canvas.

    Takes the options of `frames`, and:
    - `max_size`: the most pixels a picture is wide or tall (1600 by default); a
      larger graph is drawn at a lower resolution than the theme's dpi. None: the
      theme's dpi always.
    - `progress`: a progress bar on stderr: None (the default) shows one for a long
      film (uses tqdm if installed), True always, False never.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    return _pictures(root, options, "png_frames", max_size, progress)


def _pictures(
    root: Value, options: Options, caller: str, max_size: int | None, progress: bool | None
) -> list[bytes]:
    scenes = frame_scenes(root, options, caller, film=True)
    hint = too_much_hint(topological_order(root), options)
    return film_pictures(scenes, options.theme, hint, max_size=max_size, progress=progress)


def save_frames(
    root: Value,
    folder: str | os.PathLike[str],
    *,
    precision: int = 2,
    fold_constants: bool = True,
    groups: str = "box",
    rankdir: str = "LR",
    theme: Theme | None = None,
    max_size: int | None = MAX_SIZE,
    progress: bool | None = None,
) -> list[Path]:
    """Draw the frames and write them as `step_00.png`, `step_01.png`, ... into `folder`.

    Takes the options of `png_frames`. The folder is created if needed (and not
    at all if drawing fails); old `step_<number>.png` frames in it are removed
    (see `viz.film.write_frames`).
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    return write_frames(_pictures(root, options, "save_frames", max_size, progress), folder)


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
    max_size: int | None = MAX_SIZE,
    progress: bool | None = None,
) -> Path:
    """An animated GIF of the frames (needs Pillow: `pip install gategrad[anim]`).

    Takes the options of `png_frames`. The last frame, the finished slide, stays
    three times as long. The path and timing are checked before anything is drawn.
    """
    options = Options(precision, fold_constants, groups, rankdir, chosen(theme))
    check_gif(path, seconds_per_frame)
    pictures = _pictures(root, options, "save_gif", max_size, progress)
    return write_gif(pictures, path, seconds_per_frame)
