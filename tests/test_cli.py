"""The command line: pictures for good input; one line, status 2 and no files for bad input.

main() runs in-process (fast); one test runs `python -m viz` as a real subprocess.
Every test works inside its own empty folder, so "nothing written" is checked by
listing that folder.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import viz
import viz.files
import viz.scene
from autograd import Gate, register_gate
from viz import DEFAULT
from viz.cli import main
from viz.expression import MAX_DEPTH, MAX_LENGTH, build
from viz.steps import MAX_STEPS

SLIDE = ["(x+y)*z", "x=-2", "y=5", "z=-4"]
SIGMOID = ["1/(1+exp(-(w0*x0+w1*x1+w2)))", "w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"]


@pytest.fixture(autouse=True)
def in_empty_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def refused(capsys, argv: list[str]) -> str:
    """Run main() on bad input; check the status, the one-line message and the empty folder."""
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.startswith("gategrad: error: ") and err.endswith("\n") and err.count("\n") == 1
    assert list(Path.cwd().iterdir()) == []
    return err


# --- good input ------------------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def wires(dot_source: str) -> list[tuple[str | None, str, str]]:
    """(name, green value, red gradient) written on each wire of a DOT picture."""
    found = []
    for line in dot_source.splitlines():
        texts = dict(re.findall(r'<FONT COLOR="(#\w+)" POINT-SIZE="[\d.]+">([^<]*)</FONT>', line))
        if DEFAULT.value_color in texts:
            name = texts.get(DEFAULT.name_color)
            found.append((name, texts[DEFAULT.value_color], texts.get(DEFAULT.grad_color)))
    return found


def test_the_slide_is_written_as_a_png(capsys, in_empty_folder):
    assert main([*SLIDE, "-o", "fxyz.png"]) == 0
    assert (in_empty_folder / "fxyz.png").read_bytes().startswith(PNG_MAGIC)
    assert capsys.readouterr().out == "wrote fxyz.png\n"


def test_the_slide_as_dot_carries_the_lecture_values_and_gradients(in_empty_folder):
    assert main(["-o", "fxyz.dot", *SLIDE]) == 0  # options may come first too
    found = wires((in_empty_folder / "fxyz.dot").read_text())
    assert sorted(found, key=str) == sorted(
        [("x", "-2.00", "-4.00"), ("y", "5.00", "-4.00"), ("z", "-4.00", "3.00"),
         (None, "3.00", "-4.00"), ("f", "-12.00", "1.00")],
        key=str,
    )  # fmt: skip


def test_the_sigmoid_neuron_with_three_decimals_has_the_lecture_gradients(in_empty_folder):
    assert main([*SIGMOID, "-o", "sig.dot", "--precision", "3"]) == 0
    out = 1 / (1 + math.exp(-1.0))  # the weighted sum is 1
    slope = out * (1 - out)
    leaves = {name: grad for name, _, grad in wires((in_empty_folder / "sig.dot").read_text())}
    expected = {"w0": -slope, "x0": 2 * slope, "w1": -2 * slope, "x1": -3 * slope, "w2": slope}
    assert {name: leaves[name] for name in expected} == {
        name: f"{grad:.3f}" for name, grad in expected.items()
    }
    assert leaves["f"] == "1.000"


def test_folding_can_be_turned_off(in_empty_folder):
    assert main([*SIGMOID, "-o", "folded.dot"]) == 0
    assert main([*SIGMOID, "-o", "unfolded.dot", "--no-fold"]) == 0
    folded = (in_empty_folder / "folded.dot").read_text()
    unfolded = (in_empty_folder / "unfolded.dot").read_text()
    assert ">*-1</FONT>" in folded and ">+1</FONT>" in folded
    assert ">*-1</FONT>" not in unfolded and ">+1</FONT>" not in unfolded


def test_values_may_be_nan_or_inf(in_empty_folder):
    assert main(["x * y", "x=inf", "y=nan", "-o", "f.dot"]) == 0
    names = {name: value for name, value, _ in wires((in_empty_folder / "f.dot").read_text())}
    assert (names["x"], names["y"]) == ("inf", "nan")


def test_frames_and_gif_show_the_backward_pass(capsys, in_empty_folder):
    assert main([*SLIDE, "-o", "fxyz.png", "--frames", "steps", "--gif", "fxyz.gif"]) == 0
    count = len(viz.frames(build(SLIDE[0], {"x": -2, "y": 5, "z": -4})))
    assert count >= 1 + 2  # the forward pass, then one frame per gate at least
    steps = sorted((in_empty_folder / "steps").iterdir())
    assert [p.name for p in steps] == [f"step_{k:02d}.png" for k in range(count)]
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in steps)
    with Image.open(in_empty_folder / "fxyz.gif") as gif:
        assert (gif.format, gif.n_frames) == ("GIF", count)
    assert capsys.readouterr().out.splitlines() == [
        "wrote fxyz.png", f"wrote {count} frames into steps", "wrote fxyz.gif"
    ]


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["(x+y)*", "x=1", "y=2", "-o", "f.png"], "column 7: syntax error"),
        (["x + q", "x=1", "-o", "f.png"], "column 5: unknown name 'q': give it a value"),
        (["x * y", "x=1", "-o", "f.png"], "column 5: unknown name 'y'"),
        (["foo(x)", "x=1", "-o", "f.png"], "column 1: unknown function 'foo'; the gates are:"),
        (["x.data", "x=1", "-o", "f.png"], "column 1: attribute access ('.') not allowed"),
        (["x[0]", "x=1", "-o", "f.png"], "column 1: subscripts ('[...]') not allowed"),
        (["(lambda: x)()", "x=1", "-o", "f.png"], "column 2: only gates can be called"),
        (["import os", "-o", "f.png"], "column 1: syntax error"),
        (["[x for x in y]", "x=1", "y=2", "-o", "f.png"], "column 1: comprehensions not allowed"),
        (["max(x, key=2)", "x=1", "-o", "f.png"], "column 8: keyword arguments are not allowed"),
        (["exp(__class__)", "-o", "f.png"], "column 5: names that start with '__' are not allowed"),
        (["x" * (MAX_LENGTH + 1), "-o", "f.png"], f"the expression is {MAX_LENGTH + 1} characters"),
        (["exp(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, "x=1", "-o", "f.png"], "column 401: the"),
        (["1 + 2", "-o", "f.png"], "the expression has no variables"),
        (["x", "x=1", "y=2", "-o", "f.png"], "y is given a value but the expression does not"),
        (["x", "x=abc", "-o", "f.png"], "x=abc: 'abc' is not a number"),
        (["x", "x=", "-o", "f.png"], "x=: '' is not a number"),
        (["x", "x=1,5", "-o", "f.png"], "x=1,5: '1,5' is not a number"),
        (["x", "x=1", "x=2", "-o", "f.png"], "x is given a value twice"),
        (["x", "x", "-o", "f.png"], "expected NAME=VALUE, got 'x'"),
        (["x", "=1", "-o", "f.png"], "expected NAME=VALUE, got '=1'"),
        (["x", "exp=1", "-o", "f.png"], "'exp' is the name of a gate"),
        (["x", "x=1"], "-o/--output is missing: name the picture to write"),
        (["-x*2", "x=1", "-o", "f.png"], "unknown option -x*2; an expression that starts with -"),
        (["--bogus", "x", "x=1", "-o", "f.png"], "unknown option --bogus (see gategrad --help)"),
        ([], "the expression is missing: gategrad EXPR NAME=VALUE"),
        (["-o", "f.png"], "the expression is missing"),
        # long input is echoed shortened
        (["x", "x=" + "1" * 900 + "z", "-o", "f.png"], "x=" + "1" * 30 + "…(901 characters)"),
        (["x*" + "9" * 900, "x=1", "-o", "f.png"], "9" * 30 + "…(900 characters) is too large"),
        (["x", "x=1", "-o", "f.png", "--precision", "13"], "precision must be an int from 0 to 12"),
        (["x", "x=1", "-o", "f.png", "--precision", "-1"], "0 to 12, got -1"),
        (["x", "x=1", "-o", "f.png", "--precision", "two"], "argument --precision: invalid int"),
        (["x", "x=1", "-o", "f.jpg"], "-o f.jpg: cannot tell the format"),
        (["x", "x=1", "-o", "picture"], "-o picture: cannot tell the format"),
        (["x", "x=1", "-o", "f.png", "--gif", "f.png"], "--gif f.png: the file name must end in"),
        (["x", "x=1", "-o", "nowhere/f.png"], "-o nowhere/f.png: the folder 'nowhere'"),
        (["x", "x=1", "-o", "f.png", "--gif", "no/f.gif"], "--gif no/f.gif: the folder 'no' does"),
        (["x", "x=1", "-o", "f.png", "--frames", "no/steps"], "--frames no/steps: the folder 'no'"),
        # two outputs on one path: the second would overwrite the first, or fail on it
        (["x", "x=1", "-o", "f.dot", "--frames", "f.dot"], "--frames f.dot: -o writes there too"),
        (["x", "x=1", "-o", "f.dot", "--frames", "f.gif", "--gif", "f.gif"], "--gif f.gif: --fr"),
        (["x", "x=1", "-o", "step_01.png", "--frames", "."], "-o step_01.png: --frames . writes"),
    ],
)
def test_bad_input_is_one_line_status_2_and_no_file(capsys, argv, message):
    err = refused(capsys, argv)
    assert message in err


def test_frames_of_too_many_steps_are_refused_before_anything_is_written(capsys):
    terms = MAX_STEPS // 3 + 1  # each term x*x*x*x is 3 gates, plus the additions
    err = refused(capsys, ["+".join(["x*x*x*x"] * terms), "x=1", "-o", "f.png", "--frames", "s"])
    assert f"at most {MAX_STEPS}" in err


def test_a_gif_without_pillow_is_refused_before_anything_is_written(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)  # as if Pillow were not installed
    err = refused(capsys, [*SLIDE, "-o", "fxyz.png", "--gif", "fxyz.gif"])
    assert "pip install gategrad[anim]" in err


def test_one_path_spelled_two_ways_is_still_one_path(capsys, in_empty_folder):
    err = refused(capsys, ["x", "x=1", "-o", "f.dot", "--gif", str(in_empty_folder / "f.gif"),
                           "--frames", "f.gif"])  # fmt: skip
    assert "--gif" in err and "--frames writes there too" in err


def test_an_output_that_is_a_folder_is_refused(capsys, in_empty_folder):
    (in_empty_folder / "f.png").mkdir()
    status = main(["x", "x=1", "-o", "f.png"])
    assert status == 2
    assert "-o f.png: is a folder" in capsys.readouterr().err
    assert [p.name for p in in_empty_folder.iterdir()] == ["f.png"]


def test_frames_next_to_other_outputs_in_one_folder_are_fine(in_empty_folder):
    assert main(["x*2", "x=1", "-o", "steps_f.dot", "--frames", ".", "--gif", "step.gif"]) == 0
    names = sorted(p.name for p in in_empty_folder.iterdir())
    assert names == ["step.gif", "step_00.png", "step_01.png", "step_02.png", "steps_f.dot"]


def test_a_second_shorter_run_leaves_no_frames_of_the_first(in_empty_folder):
    assert main([*SLIDE, "-o", "f.dot", "--frames", "steps"]) == 0  # 4 frames
    (in_empty_folder / "steps" / "notes.txt").write_text("mine")
    assert main(["x*2", "x=1", "-o", "f.dot", "--frames", "steps"]) == 0  # 3 frames
    names = sorted(p.name for p in (in_empty_folder / "steps").iterdir())
    assert names == ["notes.txt", "step_00.png", "step_01.png", "step_02.png"]


def test_each_frame_is_drawn_once_for_both_the_folder_and_the_gif(monkeypatch, in_empty_folder):
    calls = []

    def counting_run(command, **kwargs):
        calls.append(command)
        return subprocess_run(command, **kwargs)

    subprocess_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", counting_run)
    assert main([*SLIDE, "-o", "fxyz.dot", "--frames", "steps", "--gif", "fxyz.gif"]) == 0
    frames = len(list((in_empty_folder / "steps").iterdir()))
    assert frames == 4  # forward, two gates, the finished slide
    # one layout for the whole film, then one painting run per frame; the .dot needs none
    assert len(calls) == 1 + frames


def test_a_bug_in_the_library_is_not_reported_as_a_usage_error(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("an internal mistake")

    monkeypatch.setattr(viz, "render", broken)
    with pytest.raises(ValueError, match="an internal mistake"):
        main([*SLIDE, "-o", "fxyz.png"])


def test_frames_into_an_existing_file_is_refused(capsys, in_empty_folder):
    (in_empty_folder / "steps").write_text("not a folder")
    status = main(["x", "x=1", "-o", "f.png", "--frames", "steps"])
    assert status == 2
    assert "--frames steps: exists and is not a folder" in capsys.readouterr().err
    assert sorted(p.name for p in in_empty_folder.iterdir()) == ["steps"]


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('touch pwned')",
        "__import__('os')",
        "exp(open('pwned', 'w'))",
        "().__class__.__bases__[0].__subclasses__()",
    ],
)
def test_text_that_tries_to_run_code_runs_nothing(capsys, expression):
    refused(capsys, [expression, "-o", "f.png"])  # also checks that no pwned file appeared


def test_missing_graphviz_is_status_1_with_how_to_install_it(capsys, monkeypatch):
    monkeypatch.setenv("PATH", "")  # no `dot` to be found
    assert main([*SLIDE, "-o", "fxyz.png"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "apt-get install graphviz" in err
    assert list(Path.cwd().iterdir()) == []


# --- help ---------------------------------------------------------------------------------


def test_help_shows_examples_and_the_gates(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert 'gategrad "(x+y)*z" x=-2 y=5 z=-4 -o fxyz.png' in text
    assert "--gif sig.gif" in text
    assert "sigmoid" in text and "recip" in text and "max" in text
    assert f"At most {MAX_LENGTH} characters and {MAX_DEPTH} levels" in text


# --- one real process ----------------------------------------------------------------------


def test_python_dash_m_viz_draws_the_slide(in_empty_folder):
    done = subprocess.run(
        [sys.executable, "-m", "viz", *SLIDE, "-o", "fxyz.png"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (in_empty_folder / "fxyz.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_installed_console_script_draws_the_slide(in_empty_folder):
    script = Path(sys.executable).with_name("gategrad")
    if not script.exists():
        pytest.skip("the package is not installed with its console script here")
    done = subprocess.run(
        [str(script), *SLIDE, "-o", "fxyz.dot"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "-12.00" in (in_empty_folder / "fxyz.dot").read_text()


# --- messages, outputs that cannot be written, gates that fail, warnings ------------------------


def test_version(capsys):
    assert main(["--version"]) == 0
    assert re.fullmatch(r"gategrad \S+\n", capsys.readouterr().out)


def test_an_output_under_a_file_is_a_usage_error(capsys, in_empty_folder):
    (in_empty_folder / "plainfile").write_text("not a folder")
    status = main(["x", "x=1", "-o", "plainfile/x.png"])
    err = capsys.readouterr().err
    assert status == 2
    assert "'plainfile' is a file, not a folder" in err and "does not exist" not in err


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder that exists but takes no new file (as root, chmod does not stop writes)."""
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    for candidate in (Path("/sys"), Path("/proc")):
        try:
            viz.files.check_writable(candidate / "probe.gif")
        except PermissionError:
            return candidate
    pytest.skip("no folder here refuses a new file")


def test_nothing_is_written_when_one_output_cannot_be(capsys, in_empty_folder, tmp_path):
    locked = unwritable_folder(tmp_path)
    argv = [*SLIDE, "-o", "f.png", "--frames", "steps", "--gif", str(locked / "f.gif")]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"gategrad: error: --gif {locked / 'f.gif'}: cannot write")
    assert not (in_empty_folder / "f.png").exists() and not (in_empty_folder / "steps").exists()
    assert main([*SLIDE, "-o", str(locked / "f.png")]) == 2
    assert "-o" in capsys.readouterr().err


def test_a_registered_gate_whose_rule_raises_is_one_error_line(capsys):
    def softplus(x):
        e = math.exp(x)  # overflows past 709
        return math.log1p(e), e / (1 + e)

    register_gate(Gate("softplus_exp", "softplus", 1, softplus))  # conftest unregisters it
    err = refused(capsys, ["softplus_exp(800)*x", "x=1", "-o", "f.png"])
    assert "softplus_exp gate's rule failed: OverflowError: math range error" in err
    err = refused(capsys, ["softplus_exp(x)*x", "x=800", "-o", "f.png"])
    assert "column 1" in err and "OverflowError" in err


def test_warnings_are_one_plain_line_with_no_python_options(capsys, monkeypatch):
    # a graph of more than WARN_NODES nodes draws with a warning
    monkeypatch.setattr(viz.scene, "WARN_NODES", 3)
    assert main([*SLIDE, "-o", "f.dot"]) == 0
    out, err = capsys.readouterr()
    assert out == "wrote f.dot\n"
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gategrad: warning: drawing 5 nodes")
    assert ".py" not in err and "groups" not in err and "Warning" not in err
