"""viz.render: files by suffix, real PNG/SVG/PDF when Graphviz is there, a clear error
when it is not, and nothing written when something fails."""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_viz_draw import fxyz, sigmoid_circuit

import viz
from autograd import Gate, Value, composite

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


@needs_dot
def test_png_is_a_real_picture_of_plausible_size(tmp_path: Path) -> None:
    f = fxyz()
    f.backward()
    path = viz.render(f, tmp_path / "fxyz.png")
    assert path == tmp_path / "fxyz.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert 5_000 < len(data) < 2_000_000
    PIL = pytest.importorskip("PIL.Image")
    with PIL.open(io.BytesIO(data)) as image:
        width, height = image.size
    assert 300 < width < 3000 and 150 < height < 2000
    assert width > height  # left to right


@needs_dot
def test_svg_contains_the_numbers_as_text(tmp_path: Path) -> None:
    f = sigmoid_circuit()
    f.backward()
    text = html.unescape(viz.render(f, tmp_path / "sig.svg").read_text())
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    for number in ("0.73", "1.37", "-0.53", "0.39", "-0.59"):
        assert f">{number}<" in text
    assert viz.DEFAULT.value_color in text and viz.DEFAULT.grad_color in text


@needs_dot
def test_pdf(tmp_path: Path) -> None:
    data = viz.render(fxyz(), tmp_path / "f.pdf").read_bytes()
    assert data.startswith(b"%PDF")


@needs_dot
def test_png_uses_the_theme_resolution(tmp_path: Path) -> None:
    PIL = pytest.importorskip("PIL.Image")
    f = fxyz()
    sizes = []
    for dpi in (72, 144):
        path = viz.render(f, tmp_path / f"{dpi}.png", theme=viz.DEFAULT.replace(dpi=dpi))
        with PIL.open(path) as image:
            sizes.append(image.size[0])
    assert 1.8 < sizes[1] / sizes[0] < 2.2


def test_dot_file_is_the_source_and_needs_no_graphviz(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    f = fxyz()
    path = viz.render(f, tmp_path / "f.dot", precision=3)
    assert path.read_text() == viz.draw(f, precision=3).source
    assert viz.render(f, tmp_path / "f.gv").read_text() == viz.draw(f).source


def test_missing_dot_says_how_to_install_graphviz(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    target = tmp_path / "f.png"
    with pytest.raises(viz.GraphvizNotFoundError) as caught:
        viz.render(fxyz(), target)
    message = str(caught.value)
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install"):
        assert hint in message
    assert not target.exists()
    assert isinstance(caught.value, RuntimeError)


def test_unknown_suffix_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png"):
        viz.render(fxyz(), tmp_path / "f.jpeg")
    with pytest.raises(ValueError):
        viz.render(fxyz(), tmp_path / "noext")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        viz.render(fxyz(), tmp_path / "nowhere" / "f.png")
    assert list(tmp_path.iterdir()) == []


def test_bad_option_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        viz.render(fxyz(), tmp_path / "f.dot", groups="wrong")
    assert list(tmp_path.iterdir()) == []


@needs_dot
def test_every_direction_and_group_mode_renders(tmp_path: Path) -> None:
    f = sigmoid_circuit(boxed=True)
    f.backward()
    for rankdir in ("LR", "TB"):
        for groups in ("box", "collapse", "none"):
            path = viz.render(f, tmp_path / f"{rankdir}-{groups}.svg", rankdir=rankdir,
                              groups=groups)  # fmt: skip
            assert "<svg" in path.read_text()


def surrogate_circuit():
    """A gate symbol and a composite name holding lone surrogates: text no file can encode."""
    odd = Gate("odd_square", "sq\udc80", 1, lambda x: (x * x, 2 * x))
    x = Value(3.0, "x")
    with composite("bad\ud800name"):
        f = x.apply(odd)
    f.backward()
    return f


def test_text_that_cannot_be_encoded_is_written_as_its_escape(tmp_path: Path) -> None:
    source = viz.render(surrogate_circuit(), tmp_path / "odd.dot").read_text(encoding="utf-8")
    assert html.unescape(source).count("\\udc80") == 1  # the gate's symbol
    assert html.unescape(source).count("\\ud800") == 1  # the box's name


@needs_dot
def test_graphviz_draws_text_that_cannot_be_encoded(tmp_path: Path) -> None:
    text = html.unescape(viz.render(surrogate_circuit(), tmp_path / "odd.svg").read_text())
    assert "sq\\udc80" in text and "bad\\ud800name" in text
    assert "9.00" in text and "6.00" in text  # 3², and its gradient 2·3


# Labels Graphviz would rewrite if they reached it as they are: \N is the node's
# name, \G the graph's, \L, \E, \T, \H other escapes, and \\ one backslash.
EXACT_LABELS = [
    "\\N",
    "C:\\Users\\G\\x",
    "a\\\\b",
    "\\G\\L\\E\\T\\H",
    "ends in \\",
    'say "hi" & <b>',
    "x' < y & z > 0",
    "über ∂f/∂x → ∞",
]


@needs_dot
@pytest.mark.parametrize("label", EXACT_LABELS)
def test_every_label_shows_exactly_as_given(tmp_path: Path, label: str) -> None:
    """Leaf names, a named value, the output's name and a box's name, read back from SVG."""
    x, y = Value(2.0, label), Value(3.0, "y")
    with composite(label):
        q = x * y
    q.label = label
    f = q.exp()
    f.label = label
    f.backward()
    texts = svg_texts(viz.render(f, tmp_path / "f.svg").read_bytes())
    assert texts.count(label) == 3  # x's start, the box's name and f's end
    assert texts.count(f"{label} = ") == 1  # q's name, by its number
    # the .dot file is the same source, so Graphviz reads it to the same picture
    dot_file = viz.render(f, tmp_path / "f.dot")
    again = subprocess.run(["dot", "-Tsvg", str(dot_file)], capture_output=True, check=True)
    assert svg_texts(again.stdout) == texts


def svg_texts(svg: bytes) -> list[str | None]:
    """The text of every <text> element of an SVG picture, in order."""
    return [el.text for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
