"""viz.frames / save_frames / save_gif: the engine's backward pass, one step per frame."""

from __future__ import annotations

import io
import os
import shutil
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_viz_dotparse import gates, html, parse, text_of, wires
from test_viz_draw import fxyz

import viz
import viz.film
import viz.process
import viz.progress
import viz.steps
from autograd import Value, backward_steps, composite, fresh_pass, topological_order
from viz.film import write_frames

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
fmt = viz.format_number


def named_sigmoid() -> Value:
    """The lecture's sigmoid circuit with every value named, so each wire can be found."""
    w0, x0, w1, x1, w2 = (
        Value(2.0, "w0"), Value(-1.0, "x0"), Value(-3.0, "w1"), Value(-2.0, "x1"),
        Value(-3.0, "w2"),
    )  # fmt: skip
    names = iter(["a", "b", "c", "d", "e", "g", "h"])

    def named(v: Value) -> Value:
        v.label = next(names)
        return v

    d = named(named(named(w0 * x0) + named(w1 * x1)) + w2)
    f = (named(named(named(-d).exp()) + 1)).reciprocal()
    f.label = "f"
    return f


def fanout() -> Value:
    x, y = Value(3.0, "x"), Value(-2.0, "y")
    p = x * y
    p.label = "p"
    f = p + x
    f.label = "f"
    return f


def shown(graph) -> dict[str, str | None]:
    """Gradient shown on each named wire (leaf name, value name or output name)."""
    result: dict[str, str | None] = {}
    for w in wires(graph):
        key = w.label.start or w.label.name or w.label.end
        if w.source and w.source.startswith("wire:"):
            continue  # branches are checked separately
        if key is not None:
            result[key] = w.label.grad
    return result


def caption(graph) -> str:
    label = graph.attrs.get("label")
    return text_of(html(label)) if label else ""


def engine_steps(build) -> tuple[list[Value], list[tuple[Value, dict[str, float]]]]:
    """Run the engine's own steps on a fresh copy: gradients by name after each step."""
    root = build()
    order = topological_order(root)
    record = []
    for node in backward_steps(root):
        record.append((node, {n.label: n.grad for n in order if n.label}))
    return order, record


# --- the frames --------------------------------------------------------------------------


def test_fxyz_frames_step_by_step() -> None:
    f = fxyz()
    f.label = "f"
    frames = [parse(g.source) for g in viz.frames(f)]
    assert len(frames) == 4  # forward, two gates, the finished slide
    assert shown(frames[0]) == {"x": None, "y": None, "z": None, "q": None, "f": None}
    assert "Forward pass" in caption(frames[0])
    assert shown(frames[1]) == {"x": None, "y": None, "z": "3.00", "q": "-4.00", "f": "1.00"}
    assert shown(frames[2]) == {"x": "-4.00", "y": "-4.00", "z": "3.00", "q": "-4.00", "f": "1.00"}
    assert "∂f/∂x = ∂f/∂q · ∂q/∂x = -4.00 · 1.00 = -4.00" in caption(frames[2])
    assert "∂f/∂y = ∂f/∂q · ∂q/∂y = -4.00 · 1.00 = -4.00" in caption(frames[2])
    assert shown(frames[3]) == shown(frames[2])


def test_the_root_step_says_its_upstream_is_one_instead_of_going_round_in_a_circle() -> None:
    f = fxyz()
    f.label = "f"
    root_step = caption(parse(viz.frames(f)[1].source))
    assert "start: ∂f/∂f = 1" in root_step
    assert "∂f/∂z = 1 · 3.00 = 3.00" in root_step  # q = 3 is the local gradient of q*z
    assert "∂f/∂q = 1 · -4.00 = -4.00" in root_step
    assert "∂f/∂f · ∂f/∂z" not in root_step  # ∂f/∂z explained by ∂f/∂z explains nothing


def test_blank_gradients_hold_their_place_invisibly() -> None:
    f = fxyz()
    (first, *_) = [parse(g.source) for g in viz.frames(f)]
    hidden = sorted(w.label.hidden_grad for w in wires(first))
    assert hidden == sorted(["-4.00", "-4.00", "3.00", "-4.00", "1.00"])


def test_active_gate_is_highlighted_one_per_step() -> None:
    f = named_sigmoid()
    _, record = engine_steps(named_sigmoid)
    frames = [parse(g.source) for g in viz.frames(f)]
    active_fill = viz.DEFAULT.active_fill
    for frame in (frames[0], frames[-1]):
        assert not [n for n, a in frame.nodes.items() if a.get("fillcolor") == active_fill]
    for frame, (node, _) in zip(frames[1:-1], record, strict=True):
        active = [n for n, a in frame.nodes.items() if a.get("fillcolor") == active_fill]
        assert len(active) == 1
        assert gates(frame)[active[0]] == viz.scene.gate_text(node, True)
        assert viz.scene.gate_text(node, True) in caption(frame)


def test_every_frame_shows_exactly_what_the_engine_has_accumulated() -> None:
    f = named_sigmoid()
    order, record = engine_steps(named_sigmoid)
    frames = [parse(g.source) for g in viz.frames(f)]
    assert len(frames) == len(record) + 2
    consumer = {}  # name -> label of the gate output that uses it
    for node in order:
        for parent in node.parents:
            consumer[parent.label] = node.label
    done: set[str] = set()
    for frame, (node, grads) in zip(frames[1:-1], record, strict=True):
        done.add(node.label)
        for name, text in shown(frame).items():
            if name == "f":
                assert text == fmt(grads["f"])
            elif consumer[name] in done:
                assert text == fmt(grads[name]), (node.label, name)
            else:
                assert text is None, (node.label, name)


def test_fanout_trunk_shows_the_running_sum_and_branches_their_share() -> None:
    f = fanout()
    _, record = engine_steps(fanout)
    frames = [parse(g.source) for g in viz.frames(f)]
    # step 1: the + gate: x has received 1 through its + branch only
    (trunk,) = [w for w in wires(frames[1]) if w.label.start == "x"]
    assert trunk.label.grad == fmt(record[0][1]["x"]) == "1.00"
    branches = {w.target: w.label.grad for w in wires(frames[1]) if w.source == f"wire:{trunk.id}"}
    assert branches == {"+": "1.00", "*": None}
    # step 2: the * gate adds y * 1 = -2: the trunk now shows the sum
    (trunk,) = [w for w in wires(frames[2]) if w.label.start == "x"]
    assert trunk.label.grad == fmt(record[1][1]["x"]) == "-1.00"
    branches = {w.target: w.label.grad for w in wires(frames[2]) if w.source == f"wire:{trunk.id}"}
    assert branches == {"+": "1.00", "*": "-2.00"}
    assert "∂f/∂x += ∂f/∂p · ∂p/∂x = 1.00 · -2.00 = -2.00" in caption(frames[2])
    assert "x total so far: -1.00" in caption(frames[2])
    assert "∂f/∂y = ∂f/∂p · ∂p/∂y = 1.00 · 3.00 = 3.00" in caption(frames[2])


def test_the_running_total_of_an_operand_used_twice_by_one_gate() -> None:
    a = Value(3.0, "a")
    q = a * a
    q.label = "q"
    c = a + q  # ∂c/∂a = 1 + 2a = 7: 1 from the + gate, then 3 and 3 from the * gate
    c.label = "c"
    text = caption(parse(viz.frames(c)[2].source))
    first = "∂c/∂a += ∂c/∂q · ∂q/∂a = 1.00 · 3.00 = 3.00   (a total so far: 4.00)"
    second = "∂c/∂a += ∂c/∂q · ∂q/∂a = 1.00 · 3.00 = 3.00   (a total so far: 7.00)"
    assert first in text and second in text
    assert text.index(first) < text.index(second)


def test_a_square_at_the_root_counts_its_two_shares_one_after_the_other() -> None:
    a = Value(3.0, "a")
    f = a * a  # ∂f/∂a = 2a = 6, added as 3 + 3
    text = caption(parse(viz.frames(f)[1].source))
    assert "∂f/∂a += 1 · 3.00 = 3.00   (a total so far: 3.00)" in text
    assert "∂f/∂a += 1 · 3.00 = 3.00   (a total so far: 6.00)" in text


def test_small_numbers_keep_their_digits_so_the_arithmetic_reads_true() -> None:
    x, y = Value(2.0, "x"), Value(3.0, "y")
    q = x * y
    q.label = "q"
    f = q * 0.0049  # ∂f/∂q = 0.0049, which two decimals would print as 0.00
    text = caption(parse(viz.frames(f)[2].source))
    assert "∂f/∂y = ∂f/∂q · ∂q/∂y = 0.0049 · 2.00 = 0.0098" in text  # not 0.00 · 2.00 = 0.01
    assert "∂f/∂x = ∂f/∂q · ∂q/∂x = 0.0049 · 3.00 = 0.015" in text  # 0.0147


def test_a_caption_gets_more_digits_when_rounding_would_make_it_false() -> None:
    a, b = Value(2.0, "a"), Value(99.5, "b")
    q = a * b
    q.label = "q"
    f = q * 0.125  # ∂f/∂a = 0.125 · 99.5 = 12.4375; "0.12 · 99.50 = 12.44" would be false
    text = caption(parse(viz.frames(f)[2].source))
    assert "∂f/∂a = ∂f/∂q · ∂q/∂a = 0.125 · 99.500 = 12.438" in text
    assert "∂f/∂b = ∂f/∂q · ∂q/∂b = 0.12 · 2.00 = 0.25" in text  # true to the last digit


def test_last_frame_is_draw_after_backward() -> None:
    for build in (fxyz, named_sigmoid, fanout):
        f = build()
        last = viz.frames(f, precision=3)[-1].source
        f.backward()
        assert last == viz.draw(f, precision=3).source


def test_last_frame_has_the_note_draw_has_after_two_passes() -> None:
    f = fxyz()
    f.backward()
    f.backward()  # the .grad are twice one pass: draw says so, and so must the last frame
    last = viz.frames(f)[-1].source
    assert "hold different numbers" in caption(parse(last))
    assert last == viz.draw(f).source


def test_frames_leave_the_users_gradients_alone() -> None:
    f = fanout()
    order = topological_order(f)
    before = [n.grad for n in order]
    viz.frames(f)
    assert [n.grad for n in order] == before == [0.0] * len(order)
    f.backward()
    f.backward()  # gradients accumulate: twice the single-pass values
    before = [n.grad for n in order]
    frames = viz.frames(f)
    assert [n.grad for n in order] == before
    # and the frames show one fresh pass, not the accumulated values
    (trunk,) = [w for w in wires(parse(frames[-1].source)) if w.label.start == "x"]
    assert trunk.label.grad == "-1.00"


def test_gradients_are_restored_when_something_fails(monkeypatch) -> None:
    @contextmanager
    def failing_midway(root):  # the engine's fresh pass, whose steps fail after one gate
        with fresh_pass(root) as steps:

            def failing():
                yield next(steps)
                root.grad = 123.0
                raise RuntimeError("boom")

            yield failing()

    monkeypatch.setattr(viz.steps, "fresh_pass", failing_midway)
    f = fxyz()
    with pytest.raises(RuntimeError, match="boom"):
        viz.frames(f)
    assert [n.grad for n in topological_order(f)] == [0.0] * 5


def test_a_leaf_alone_has_a_forward_frame_and_a_final_one() -> None:
    x = Value(2.0, "x")
    frames = viz.frames(x)
    assert len(frames) == 2
    assert x.grad == 0.0


def test_frames_with_collapsed_composites() -> None:
    w0, x0 = Value(2.0, "w0"), Value(-1.0, "x0")
    with composite("sigmoid"):
        f = (1 + (-(w0 * x0)).exp()).reciprocal()
    frames = [parse(g.source) for g in viz.frames(f, groups="collapse")]
    assert len(frames) == 7  # 5 gates
    fill = viz.DEFAULT.active_fill
    for frame in frames[1:-1]:
        (active,) = [n for n, a in frame.nodes.items() if a.get("fillcolor") == fill]
        assert gates(frame)[active] == "sigmoid"


def test_too_many_steps_is_refused() -> None:
    v = Value(1.0, "x")
    for _ in range(viz.steps.MAX_STEPS + 1):
        v = v * 1.0
    with pytest.raises(viz.GraphTooLargeError, match="backward steps"):
        viz.frames(v)


def test_frames_validate_their_options() -> None:
    with pytest.raises(ValueError):
        viz.frames(fxyz(), groups="nope")
    with pytest.raises(TypeError):
        viz.frames(fxyz(), show_grad=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        viz.frames(2.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="fold_constants must be True or False, got str 'no'"):
        viz.frames(fxyz(), fold_constants="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"theme must be a viz\.Theme"):
        viz.frames(fxyz(), theme="dark")  # type: ignore[arg-type]


def test_frames_are_deterministic() -> None:
    a = [g.source for g in viz.frames(named_sigmoid())]
    b = [g.source for g in viz.frames(named_sigmoid())]
    assert a == b


# --- files ---------------------------------------------------------------------------------


@needs_dot
def test_save_frames_writes_numbered_pngs_of_one_size(tmp_path: Path) -> None:
    PIL = pytest.importorskip("PIL.Image")
    folder = tmp_path / "steps" / "fxyz"
    paths = viz.save_frames(fxyz(), folder)
    assert [p.name for p in paths] == ["step_00.png", "step_01.png", "step_02.png", "step_03.png"]
    sizes = set()
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with PIL.open(p) as image:
            sizes.add(image.size)
    assert len(sizes) == 1


def test_writing_frames_again_removes_the_old_ones_and_nothing_else(tmp_path: Path) -> None:
    first = write_frames([b"a"] * 12, tmp_path)  # step_00 ... step_11
    assert len(first) == 12
    keep = ["step_notes.txt", "step_notes.png", "step_01.gif", "steps.png", "f.png"]  # not frames
    for name in keep:
        (tmp_path / name).write_bytes(b"mine")
    (tmp_path / "step_folder.png").mkdir()  # a folder, not a frame: left alone
    second = write_frames([b"b"] * 3, tmp_path)
    assert [p.name for p in second] == ["step_00.png", "step_01.png", "step_02.png"]
    frames = sorted(p.name for p in tmp_path.glob("step_[0-9]*.png") if p.is_file())
    assert frames == ["step_00.png", "step_01.png", "step_02.png"]
    assert all(p.read_bytes() == b"b" for p in second)
    assert all((tmp_path / name).read_bytes() == b"mine" for name in keep)
    assert (tmp_path / "step_folder.png").is_dir()


@needs_dot
def test_save_gif_frame_count_size_and_timing(tmp_path: Path) -> None:
    PIL = pytest.importorskip("PIL.Image")
    f = named_sigmoid()
    path = viz.save_gif(f, tmp_path / "sig.gif", seconds_per_frame=0.5)
    expected = len(viz.frames(f))
    with PIL.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == expected == 10
        sizes, durations = set(), []
        for k in range(gif.n_frames):
            gif.seek(k)
            sizes.add(gif.size)
            durations.append(gif.info["duration"])
        assert gif.info.get("loop") == 0
    assert len(sizes) == 1
    width, height = sizes.pop()
    assert width > 600 and height > 200
    assert durations[:-1] == [500] * (expected - 1) and durations[-1] == 1500


def test_save_gif_without_pillow_names_the_extra(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"pip install gategrad\[anim\]"):
        viz.save_gif(fxyz(), tmp_path / "f.gif")
    assert list(tmp_path.iterdir()) == []


@needs_dot
def test_save_frames_works_without_pillow(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    paths = viz.save_frames(fxyz(), tmp_path)
    assert len(paths) == 4


@pytest.mark.parametrize(
    ("seconds", "error"),
    [(0, ValueError), (-1, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
     ("1", TypeError), (True, TypeError)],
)  # fmt: skip
def test_save_gif_rejects_bad_timing(tmp_path: Path, seconds, error) -> None:
    pytest.importorskip("PIL")
    with pytest.raises(error, match="seconds_per_frame"):
        viz.save_gif(fxyz(), tmp_path / "f.gif", seconds_per_frame=seconds)


@pytest.mark.parametrize("name", ["f.png", "f", "f.gif.png"])
def test_save_gif_needs_the_gif_suffix(tmp_path: Path, name: str) -> None:
    pytest.importorskip("PIL")
    with pytest.raises(ValueError, match=r"must end in \.gif"):
        viz.save_gif(fxyz(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@needs_dot
def test_the_film_is_laid_out_once_and_each_frame_painted_once(tmp_path, monkeypatch):
    pytest.importorskip("PIL")
    calls = []
    run_graphviz = viz.process.run_graphviz

    def counting_run(source, fmt, **kwargs):
        calls.append((kwargs.get("program", "dot"), fmt, kwargs.get("arguments", ())))
        return run_graphviz(source, fmt, **kwargs)

    monkeypatch.setattr(viz.film, "run_graphviz", counting_run)
    pictures = viz.steps.png_frames(fxyz())
    assert len(pictures) == 4
    assert calls[0] == ("dot", "json", ())  # one layout, positions only
    painted = calls[1:]
    assert len(painted) == 4
    for program, fmt, args in painted:
        assert (program, fmt) == ("neato", "png") and "-n2" in args
    steps = viz.film.write_frames(pictures, tmp_path / "steps")
    gif = viz.film.write_gif(pictures, tmp_path / "f.gif")
    assert len(calls) == 5  # writing draws nothing again
    assert [p.read_bytes() for p in steps] == pictures
    PIL = pytest.importorskip("PIL.Image")
    with PIL.open(gif) as movie:
        assert movie.n_frames == 4


def test_save_gif_needs_an_existing_folder(tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    with pytest.raises(FileNotFoundError):
        viz.save_gif(fxyz(), tmp_path / "missing" / "f.gif")


def test_missing_dot_for_frames(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(viz.GraphvizNotFoundError, match="brew install graphviz"):
        viz.save_frames(fxyz(), tmp_path / "steps")
    assert not (tmp_path / "steps").exists()


def test_the_gif_bytes_decode(tmp_path: Path) -> None:
    PIL = pytest.importorskip("PIL.Image")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot not installed")
    data = viz.save_gif(fxyz(), tmp_path / "f.gif").read_bytes()
    assert data[:6] == b"GIF89a"
    with PIL.open(io.BytesIO(data)) as gif:
        gif.seek(gif.n_frames - 1)


# --- one layout, bounded pixels, progress --------------------------------------------------


@needs_dot
def test_every_frame_is_painted_on_one_layout(monkeypatch) -> None:
    """Without Pillow nothing pads the pictures: they are one size because they share
    one layout, and the gates stand at the same pixels in the first and last frame."""
    PIL = pytest.importorskip("PIL.Image")

    def no_pillow():
        raise ImportError("no Pillow")

    monkeypatch.setattr(viz.film, "_pillow", no_pillow)
    pictures = viz.steps.png_frames(fanout(), max_size=None)
    images = [PIL.open(io.BytesIO(p)).convert("L") for p in pictures]
    assert len({im.size for im in images}) == 1
    first, last = images[0], images[-1]
    width, height = first.size
    # the circles (dark outlines, no numbers) are where they were: compare columns of
    # dark pixels across the top half, which holds gates and wires but not the caption
    def dark_columns(im):
        top = range(0, height // 2, 3)
        return {x for x in range(width) for y in top if im.getpixel((x, y)) < 60}

    same = dark_columns(first) & dark_columns(last)
    assert len(same) > 0.8 * len(dark_columns(first))


@needs_dot
def test_pictures_are_at_most_max_size_pixels_wide_and_tall() -> None:
    PIL = pytest.importorskip("PIL.Image")
    v = Value(0.5, "x")
    for _ in range(25):
        v = v * 1.01
    wide = viz.steps.png_frames(v, max_size=None, progress=False)
    narrow = viz.steps.png_frames(v, max_size=600, progress=False)
    assert PIL.open(io.BytesIO(wide[0])).size[0] > 600  # the theme's 144 dpi
    assert max(PIL.open(io.BytesIO(narrow[0])).size) <= 600
    assert len(narrow) == len(wide) == 27
    tall = viz.steps.png_frames(v, rankdir="TB", max_size=500, progress=False)
    assert max(PIL.open(io.BytesIO(tall[0])).size) <= 500
    with pytest.raises(ValueError, match="max_size must be at least 100"):
        viz.steps.png_frames(v, max_size=0)
    with pytest.raises(TypeError, match="max_size must be a whole number"):
        viz.steps.png_frames(v, max_size=1e3)  # type: ignore[arg-type]


@needs_dot
def test_a_long_film_shows_its_progress_on_stderr(capsys) -> None:
    pytest.importorskip("PIL")
    v = Value(0.5, "x")
    for _ in range(viz.progress.LONG_RUN):
        v = v * 1.01
    viz.steps.png_frames(v, progress=False)
    assert capsys.readouterr().err == ""
    viz.steps.png_frames(fxyz())  # short: no bar by default
    assert capsys.readouterr().err == ""
    viz.steps.png_frames(fxyz(), progress=True)
    err = capsys.readouterr().err
    assert "drawing frames" in err and "4/4" in err


def test_the_plain_progress_bar_needs_no_tqdm(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails
    with viz.progress.Progress(3, "drawing frames", show=True) as bar:
        for _ in range(3):
            bar.step()
    err = capsys.readouterr().err
    assert "drawing frames [" in err and "3/3" in err and err.endswith("\n")


def test_a_gif_frame_time_a_gif_cannot_hold_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    with pytest.raises(ValueError, match=r"seconds_per_frame must be at most 655\.35"):
        viz.save_gif(fxyz(), tmp_path / "f.gif", seconds_per_frame=1e300)
    with pytest.raises(ValueError, match="seconds_per_frame must be a positive number"):
        viz.save_gif(fxyz(), tmp_path / "f.gif", seconds_per_frame=-1)
    assert list(tmp_path.iterdir()) == []


@needs_dot
def test_frames_painted_side_by_side_warn_once_at_the_callers_line(monkeypatch) -> None:
    """Frames are painted in worker threads, where a warning cannot find the user's
    line: each run reports a shrunk picture back, and the film warns once."""
    pytest.importorskip("PIL")
    run_graphviz = viz.process.run_graphviz

    def shrinking_run(source, fmt, **kwargs):
        data = run_graphviz(source, fmt, **kwargs)
        if fmt == "png":
            kwargs["shrunk"].append("Graphviz shrank the picture by 0.5 to fit")
        return data

    monkeypatch.setattr(viz.film, "run_graphviz", shrinking_run)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pictures = viz.steps.png_frames(fxyz())
    (warning,) = caught
    assert warning.category is viz.GraphTooLargeWarning
    assert warning.filename == __file__
    assert len(pictures) == 4


def test_a_shrunk_picture_can_be_reported_instead_of_warned(tmp_path, monkeypatch) -> None:
    if shutil.which("sh") is None:
        pytest.skip("needs a POSIX shell")
    folder = tmp_path / "bin"
    folder.mkdir()
    dot = folder / "dot"
    message = "dot: graph is too large for cairo-renderer bitmaps. Scaling by 0.5 to fit"
    dot.write_text(f"#!/bin/sh\ncat > /dev/null; echo '{message}' >&2; echo picture\n")
    dot.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    shrunk: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none may be raised here
        data = viz.process.run_graphviz("digraph {}", "png", hint="", shrunk=shrunk)
    assert data == b"picture\n"
    assert len(shrunk) == 1 and "shrank the picture by 0.5" in shrunk[0]
