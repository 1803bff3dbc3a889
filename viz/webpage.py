"""One standalone HTML page: a template filled in, saved as a file or shown in a notebook.

The explorer and the timeline are such pages: everything inline (the SVG laid
out once, the data as JSON, the style and a small script), nothing fetched, so
a page works from `file://` and inside a notebook's sandboxed `<iframe srcdoc>`.
The templates, styles and scripts live in `viz/page/`.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from .files import check_folder
from .theme import Theme

_PLACEHOLDER = re.compile(r"\{\{([A-Z]+)\}\}")
_FONT = re.compile(r"[^A-Za-z0-9 ,-]")  # what of a font list goes into the page's CSS
PAGE_SUFFIXES = (".html", ".htm")


class Page:
    """A standalone page: `save` it as a file, or let a notebook display it.

    `html` is the page; `svg` a picture without script, shown by notebook
    viewers that run none (GitHub, nbviewer).
    """

    def __init__(self, page: str, svg: str, height: int, title: str) -> None:
        self.html = page
        self.svg = svg
        self.height = height  # pixels a notebook gives the page
        self.title = title

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to `path` (an .html file in a folder that exists)."""
        path = check_page_path(Path(path))
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        """The page in a sandboxed iframe: notebooks run no script in plain HTML output,
        and two pages in one notebook must not share ids."""
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{self.height}px;border:0" '
            f'title="{html.escape(self.title, quote=True)}"></iframe>'
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self._repr_html_(), "image/svg+xml": self.svg}


def check_page_path(path: Path) -> Path:
    """`path`, if a page can be saved there: an .html name in a folder that exists.

    Checked before anything is drawn by the command line, and by `Page.save`.
    """
    if path.suffix.lower() not in PAGE_SUFFIXES:
        raise ValueError(f"a page is saved as .html, got {str(path)!r}")
    check_folder(path)
    return path


def asset(name: str) -> str:
    """A file of `viz/page/` (a template, a style sheet, a script) as text."""
    return (files("viz") / "page" / name).read_text(encoding="utf-8")


def page_script(name: str) -> str:
    """A page's script (a file of `viz/page/`) after `panzoom.js`, the pan and zoom every
    page shares: one inline script, so the page's code can call `panZoom`."""
    return asset("panzoom.js") + "\n" + asset(name)


def script_json(data: object) -> str:
    """JSON that can sit inside <script>: no `<`, `>` or `&` can end or open a tag."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def theme_style(theme: Theme, sheet: str, **extra: str) -> str:
    """The style sheet `sheet` (a file of `viz/page/`) with the theme's colours as CSS variables."""
    colours = {
        "value": theme.value_color,
        "grad": theme.grad_color,
        "active": theme.active_color,
        "active-fill": theme.active_fill,
        "background": theme.background,
        "note": theme.note_color,
        "font": _FONT.sub("", theme.fontname) or "sans-serif",
        **extra,
    }
    variables = "".join(f"--{name}:{value};" for name, value in colours.items())
    return f":root{{{variables}}}\n" + asset(sheet)


def standalone(body: str, parts: Mapping[str, str], *, title: str, style: str, kind: str) -> str:
    """A whole page: `viz/page/page.html` (the head every page shares: the Content-Security-
    Policy that forbids every request, the title and the style) around the body template
    `body` (a file of `viz/page/`) with its {{PARTS}} put in; `kind` is the body's class."""
    inside = _fill(body, parts)
    return _fill(
        "page.html", {"TITLE": html.escape(title), "STYLE": style, "CLASS": kind, "BODY": inside}
    )


def _fill(template: str, parts: Mapping[str, str]) -> str:
    """The template (a file of `viz/page/`) with its {{PARTS}} put in, in one pass:
    nothing put in is read again, so no text can smuggle in a placeholder."""
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], asset(template))


def notebook_height(svg: str, controls: int = 300) -> int:
    """Pixels for a page in a notebook: the picture at its size, within reason, and controls."""
    found = re.search(r'height="([0-9.]+)pt"', svg)
    picture = float(found.group(1)) * 4 / 3 if found else 400.0
    return int(min(max(picture * 1.5, 200), 640) + controls)
