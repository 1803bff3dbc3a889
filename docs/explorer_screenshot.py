"""Take docs/explorer.png, the README's picture of an explorer page, with headless Chromium.

    python docs/explorer_screenshot.py     # needs playwright and Debian's chromium

The sigmoid circuit of the lecture, four steps into the backward pass, with the
derivation of one gradient asked for.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))

from slides import sigmoid_expanded  # noqa: E402

import viz  # noqa: E402


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is needed: apt-get install chromium")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = viz.explore(sigmoid_expanded(boxed=True)).save(Path(folder) / "sigmoid.html")
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 600})
        page.goto(page_file.as_uri())
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        page.click('g.wire[data-label="w2"] text.grad')
        page.keyboard.press("ArrowRight")
        page.screenshot(path=str(HERE / "explorer.png"))
        browser.close()
    print(HERE / "explorer.png")


if __name__ == "__main__":
    main()
