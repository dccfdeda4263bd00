"""A real browser: Debian's Chromium driven by Playwright (pytest-playwright fixtures).

Without the browser the tests skip on a developer's machine but fail under CI (``CI=true``),
so a missing install step can never pass unnoticed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser
from werkzeug.serving import make_server

from tests.browser import page_checks

HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get(
    "CHROMIUM_PATH", HEADLESS_SHELL if Path(HEADLESS_SHELL).exists() else "/usr/bin/chromium"
)
"""The browser the tests drive: Debian's Chromium headless shell (package
chromium-headless-shell, the same Blink as Chromium without its desktop browser's processes)
where it is installed, as `.ci/run` installs it: two browser files took 38.5 CPU-s against
61 with the full Chromium in headless mode (docs/performance.md, session 9); else Debian's
Chromium (package chromium); CHROMIUM_PATH names another."""
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM} "
            "(apt-get install chromium-headless-shell, or chromium)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


class LiveServer:
    """The real app served over HTTP on 127.0.0.1 from a thread, for the browser to load.

    Replaces pytest-flask's ``live_server`` (a forked process, session-scoped, that rewrites
    SERVER_NAME): a thread shares the test's app and database file, and starts in milliseconds.
    """

    def __init__(self, app: Flask, folder: Path | None = None) -> None:
        self.recorder = page_checks.Recorder(app, folder or page_checks.PAGES / "unnamed")
        self.server = make_server("127.0.0.1", 0, self.recorder, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session", autouse=True)
def _fresh_pages() -> None:
    page_checks.clear_pages()


@pytest.fixture
def live_server(
    app: Flask, browser: Browser, request: pytest.FixtureRequest
) -> Iterator[LiveServer]:
    """The live server; when the test ends, every HTML page it served is checked by axe at
    390 and 1280 px, with screenshots (see page_checks.py)."""
    with LiveServer(app, page_checks.test_folder(request.node.nodeid)) as server:
        yield server
        problems = page_checks.check_pages(browser, server.url().rstrip("/"), server.recorder.pages)
    if problems:
        pytest.fail("axe found violations on pages this test visited:\n" + "\n".join(problems))


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    # The HTML check reads the pages every other browser test saved: it runs last.
    last = [item for item in items if item.fspath.basename == "test_valid_html.py"]
    items[:] = [item for item in items if item not in last] + last
