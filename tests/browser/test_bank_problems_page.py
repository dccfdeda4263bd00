"""A teacher uploads a hostile bank written on one long line in a real browser: the problems
page comes back with the first 50 problems, each line excerpt within the page's width, and the
count of the rest. (The line is 200 kB here, to keep the test quick on a busy machine; the
1 MB file goes through the same page in tests/test_bank_bounds.py.)"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from quizapp.accounts import create_user
from tests.bank import hostile
from tests.browser import page_checks
from tests.browser.logins import log_in


def test_a_one_line_bank_upload_shows_fifty_short_problems(
    app, live_server, page: Page, artifacts: Path, tmp_path: Path
):
    bank = tmp_path / "hostile.yaml"
    bank.write_bytes(hostile.long_line(200_000))
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)

    log_in(page, live_server.url(), "ms-lee", "teacher password")
    page.goto(live_server.url("/teach/"))
    page.locator("input[type=file]").set_input_files(str(bank))
    page.get_by_role("button", name="Check the file").click(timeout=120_000)

    expect(page.get_by_role("heading", level=1)).to_contain_text("problems in hostile.yaml")
    expect(page.locator("ol.problems > li")).to_have_count(50)
    expect(page.locator(".more-problems")).to_contain_text(" more (")
    # No excerpt is wider than the page: the one-line file is shown as windows of its line.
    widths = page.locator("pre.source-line").evaluate_all(
        "nodes => nodes.map(node => node.scrollWidth)"
    )
    viewport = page.viewport_size
    assert viewport and max(widths) <= viewport["width"]
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()
    page_checks.screenshot(page, artifacts / "bank-problems.png", full_page=False)
