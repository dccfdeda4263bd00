"""The interop pages in a real browser: a bank's download menu opens without JavaScript's help
and downloads a file; "Import from Moodle / Canvas" converts a GIFT file and shows its report
and the diff. Screenshots in tests/artifacts; axe finds no violations."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from quizapp.accounts import create_user
from quizapp.bank.loader import load_bank_file
from quizapp.interop import export_bank
from tests.browser import page_checks
from tests.browser.logins import log_in
from tests.interop.conftest import BANK_FILES


def _login_teacher(app, live_server, page: Page) -> None:
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    log_in(page, live_server.url(), "ms-lee", "teacher password")


def test_download_menu_and_import_from_moodle(
    demo_app, live_server, page: Page, artifacts: Path, tmp_path: Path
) -> None:
    _login_teacher(demo_app, live_server, page)
    page.goto(live_server.url("/teach/"))
    page.get_by_role("link", name="Demo bank – a tour of the question types").click()
    page.get_by_text("Download for Moodle or Canvas").click()
    expect(page.get_by_role("link", name="Moodle XML")).to_be_visible()
    page_checks.screenshot(page, artifacts / "interop-bank-downloads.png", full_page=True)
    # Only the menu: the bank page's quiz table has an empty header cell of its own (not ours).
    result = page_checks.run_axe(page, context="details.dropdown")
    assert result.violations_count == 0, result.generate_report()
    with page.expect_download() as download:
        page.get_by_role("link", name="GIFT (Moodle)").click()
    assert download.value.suggested_filename == "demo.gift.txt"

    gift = tmp_path / "planets.gift.txt"
    data, _ = export_bank(load_bank_file(BANK_FILES["demo"]), "gift")
    gift.write_bytes(data + b"\n::essay::Describe Mars.{}\n")
    page.goto(live_server.url("/teach/"))
    page.get_by_role("link", name="Import from Moodle / Canvas").click()
    expect(page.get_by_label("File exported from Moodle or Canvas")).to_be_visible()
    page_checks.screenshot(page, artifacts / "interop-import.png", full_page=True)
    page.get_by_label("File exported from Moodle or Canvas").set_input_files(gift)
    page.get_by_role("button", name="Convert and check").click()
    expect(page.get_by_role("heading", name="Not carried over (1)")).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(has_text="essay questions are graded")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Import these changes")).to_be_visible()
    page_checks.screenshot(page, artifacts / "interop-converted.png", full_page=True)
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()
