"""The page checks still find what they are there to find, now that they are cheaper (one tab
replays every page of a test, axe is handed to the context once and asked for violations only,
colour contrast runs on a route's first page): a low contrast on a route's first page, and a
fault on a later page of the same test, replayed in the same tab after another page; and the
screenshots, of the replays or a test's own, are taken for ``make screenshots`` only."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser import page_checks

NOWHERE = "http://127.0.0.1:9"
"""No server: the replay serves each saved page itself, and these pages load nothing else."""


def _page(path: str, body: str, folder: Path) -> page_checks.Served:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checks</title></head>'
        f"<body><main><h1>Checks</h1>{body}</main></body></html>"
    )
    served = page_checks.Served(
        method="GET",
        path=path,
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=html.encode(),
    )
    served.file = folder / f"{path.strip('/').replace('/', '-')}.html"
    served.file.write_bytes(served.body)
    return served


def test_low_contrast_on_a_routes_first_page_is_found(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pale = _page(
        "/page-checks/contrast",
        '<p style="color:#ccc;background:#fff">Hard to read</p>',
        tmp_path,
    )
    problems = page_checks.check_pages(browser, NOWHERE, [pale])
    assert problems and "color-contrast" in problems[0], problems
    assert not list(tmp_path.glob("*.png")), "make test takes no screenshot"
    monkeypatch.setenv("QUIZAPP_SCREENSHOTS", "1")  # as `make screenshots` runs
    shot = _page("/page-checks/contrast-shot", "<p>Shot</p>", tmp_path)
    assert page_checks.check_pages(browser, NOWHERE, [shot]) == []
    assert (tmp_path / "page-checks-contrast-shot-390.png").exists()
    assert (tmp_path / "page-checks-contrast-shot-1280.png").exists()


def test_a_fault_on_a_later_page_of_the_test_is_found(browser: Browser, tmp_path: Path) -> None:
    fine = _page("/page-checks/later/1", "<p>Fine</p>", tmp_path)
    unnamed = _page(
        "/page-checks/later/2", '<p>A picture</p><img src="data:," width="1" height="1">', tmp_path
    )
    problems = page_checks.check_pages(browser, NOWHERE, [fine, unnamed])
    assert len(problems) == 1, problems
    assert problems[0].startswith("GET /page-checks/later/2 at 390 px"), problems
    assert "image-alt" in problems[0], problems


def test_a_tests_own_screenshot_is_taken_for_make_screenshots_only(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><title>Shot</title><p>Shot</p>")
        monkeypatch.delenv("QUIZAPP_SCREENSHOTS", raising=False)
        page_checks.screenshot(page, tmp_path / "skipped.png", full_page=True)
        assert not (tmp_path / "skipped.png").exists(), "make test takes no screenshot"
        monkeypatch.setenv("QUIZAPP_SCREENSHOTS", "1")  # as `make screenshots` runs
        page_checks.screenshot(page, tmp_path / "taken.png", full_page=True)
        assert (tmp_path / "taken.png").read_bytes().startswith(b"\x89PNG")
    finally:
        page.close()
