"""Shared fixtures: Hypothesis profiles (`ci` is derandomized, CI sets CI=true; `dev` explores
more), a gate table to register gates in, and an offline browser tab for the page tests."""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings

from autograd import GATES, Gate

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def gate_table() -> Iterator[None]:
    """Lets a test register gates; the table is put back as it was afterwards."""
    saved = dict(GATES)
    yield
    GATES.clear()
    GATES.update(saved)


@pytest.fixture
def cube_gate() -> Callable[[Callable[[float], float]], Gate]:
    """Makes an x³ gate whose derivative is the given function (right or deliberately wrong)."""

    def make(derivative: Callable[[float], float]) -> Gate:
        return Gate("cube", "³", 1, lambda x: (x**3, derivative(x)))

    return make


# --- browser tests: Debian's chromium driven by Playwright, every page kept offline ------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def browser_unavailable(reason: str) -> None:
    """Browser tests must run in CI (a failure there); elsewhere they skip, saying why."""
    if IN_CI:
        pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(f"BROWSER TESTS NOT RUN: {reason} (make test installs it)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium through `executable_path` (Playwright downloads no browser here)."""
    if shutil.which("dot") is None:
        browser_unavailable("Graphviz dot is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("playwright is not installed: pip install -e '.[test]'")
    if CHROMIUM is None:
        browser_unavailable("Debian's chromium is not installed: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


class BrowserTab:
    """A page opened in the browser, and everything it did that it must not do: ask for
    anything but file: and data: (aborted), log an error or warning, open a dialog."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1100, "height": 760})
        self.blocked: list[str] = []
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, page: Any, folder: Path, name: str = "page.html") -> Any:
        """Save `page` (anything with a .save(path), an Explorer or a Timeline) and open it."""
        path = page.save(folder / name)
        self.page.goto(path.as_uri())
        return self.page

    def value(self, label: str) -> str | None:
        """The green number of the wire of the Value labelled `label`."""
        return self.page.locator(f'g.wire[data-label="{label}"] text.value').text_content()

    def assert_clean(self) -> None:
        assert self.blocked == [], "the page asked for something outside file://"
        assert self.problems == []
        assert self.dialogs == [], "a script ran that the page did not write"


Tab = TypeVar("Tab", bound=BrowserTab)


def checked_tab(kind: type[Tab], browser: Any) -> Iterator[Tab]:
    """A fixture's body: a fresh tab of `kind`, and a failure if its page did what it must not."""
    opened = kind(browser)
    yield opened
    opened.assert_clean()
    opened.page.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[BrowserTab]:
    yield from checked_tab(BrowserTab, browser)
