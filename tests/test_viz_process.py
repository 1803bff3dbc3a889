"""Running Graphviz: bounded in time everywhere (Jupyter too), crashes and shrinking in words.

A stand-in `dot` (a shell script first on PATH) plays the misbehaving Graphviz:
one that hangs, one that crashes, one that prints Graphviz's own "Scaling by ...
to fit" message (copied from Graphviz 2.43 on a 35,000-pixel PNG, which takes
the real one 20 s to make).
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
from pathlib import Path

import graphviz
import pytest

import viz
import viz.process
from autograd import Value, composite
from viz.scene import WARN_NODES

needs_sh = pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")

# the smallest PNG there is: 1x1 pixel
PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000000000500010d0a2db40000000049454e44ae426082"
)


def fxyz() -> Value:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    f = (x + y) * z
    f.backward()
    return f


def boxed() -> Value:
    x = Value(0.5, "x")
    with composite("sigmoid"):
        f = (1 + (-x).exp()).reciprocal()
    f.backward()
    return f


def fake_dot(tmp_path: Path, monkeypatch, script: str) -> None:
    """Put a shell script named `dot` first on PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + script + "\n")
    dot.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


@needs_sh
def test_jupyters_display_of_a_drawing_is_time_limited(tmp_path, monkeypatch) -> None:
    fake_dot(tmp_path, monkeypatch, "exec sleep 30")
    monkeypatch.setattr(viz.process, "DOT_TIMEOUT", 1)
    g = viz.draw(fxyz())
    assert isinstance(g, graphviz.Digraph)  # still what users expect
    start = time.monotonic()
    with pytest.raises(viz.GraphvizError, match="more than 1 s"):
        g._repr_mimebundle_()  # what a notebook cell calls to show it
    with pytest.raises(viz.GraphvizError):
        g.pipe(format="png")
    assert time.monotonic() - start < 10


@needs_sh
def test_the_timeout_hint_applies_to_the_graph_at_hand(tmp_path, monkeypatch) -> None:
    fake_dot(tmp_path, monkeypatch, "exec sleep 30")
    monkeypatch.setattr(viz.process, "DOT_TIMEOUT", 0.5)
    with pytest.raises(viz.GraphvizError) as plain:
        viz.render(fxyz(), tmp_path / "f.png")
    assert "collapse" not in str(plain.value)  # no composite gates: the hint cannot help
    assert "smaller part" in str(plain.value)
    with pytest.raises(viz.GraphvizError, match='groups="collapse"'):
        viz.render(boxed(), tmp_path / "f.png")
    with pytest.raises(viz.GraphvizError) as collapsed:
        viz.render(boxed(), tmp_path / "f.png", groups="collapse")
    assert "collapse" not in str(collapsed.value)  # already collapsed
    assert not (tmp_path / "f.png").exists()


@needs_sh
def test_a_crash_of_graphviz_is_reported_in_words(tmp_path, monkeypatch) -> None:
    fake_dot(tmp_path, monkeypatch, "kill -SEGV $$")
    with pytest.raises(viz.GraphvizError) as crash:
        viz.render(fxyz(), tmp_path / "f.svg")
    message = str(crash.value)
    assert "Graphviz crashed (segmentation fault, signal 11)" in message
    assert "draw a smaller part of the graph" in message
    assert not (tmp_path / "f.svg").exists()


@needs_sh
def test_a_silent_failure_says_so(tmp_path, monkeypatch) -> None:
    fake_dot(tmp_path, monkeypatch, "exit 3")
    with pytest.raises(viz.GraphvizError, match=r"exit 3\) and printed no reason; draw"):
        viz.render(fxyz(), tmp_path / "f.svg")


@needs_sh
def test_scaling_to_fit_is_a_warning_at_the_callers_line(tmp_path, monkeypatch) -> None:
    png = tmp_path / "tiny.png"
    png.write_bytes(PNG_1x1)
    message = "dot: graph is too large for cairo-renderer bitmaps. Scaling by 0.378862 to fit"
    fake_dot(tmp_path, monkeypatch, f"cat > /dev/null; echo '{message}' >&2; cat '{png}'")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        viz.render(fxyz(), tmp_path / "f.png")
        line = _line()
    (warning,) = caught
    assert warning.category is viz.GraphTooLargeWarning
    assert "shrank the picture by 0.38" in str(warning.message)
    assert ".svg" in str(warning.message)
    assert (warning.filename, warning.lineno) == (__file__, line - 1)
    assert (tmp_path / "f.png").read_bytes() == PNG_1x1


def _line() -> int:
    """The line number of the caller."""
    import sys

    return sys._getframe(1).f_lineno


def test_a_large_graph_warning_points_at_the_callers_line() -> None:
    v = Value(0.5, "x")
    for _ in range(WARN_NODES + 10):
        v = v * 1.0001
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        viz.draw(v)
        line = _line()
    (warning,) = caught
    assert warning.category is viz.GraphTooLargeWarning
    assert (warning.filename, warning.lineno) == (__file__, line - 1)


def test_a_drawing_copies_and_renders_like_a_digraph(tmp_path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("needs Graphviz's dot")
    g = viz.draw(fxyz()).copy()
    assert isinstance(g, viz.process.Drawing)
    out = g.render(tmp_path / "f", format="svg")
    assert out == str(tmp_path / "f.svg")
    assert "<svg" in Path(out).read_text()
    assert (tmp_path / "f").read_text() == g.source
    out = g.render(tmp_path / "g", format="png", cleanup=True, quiet=True)  # as view() calls it
    assert Path(out).read_bytes()[:4] == b"\x89PNG" and not (tmp_path / "g").exists()
