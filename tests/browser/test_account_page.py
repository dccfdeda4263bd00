"""A student changes their password from the Account page, and a guesser meets the 429 login
page, in a real browser: both pages read clearly and pass axe."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from quizapp.accounts import create_user
from tests.browser import page_checks


def log_in(page: Page, base: str, password: str) -> None:
    page.goto(base + "/auth/login")
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_student_changes_the_password_from_the_account_page(
    app, live_server, page: Page, artifacts: Path
):
    with app.app_context():
        create_user("tess", "a long password")
    log_in(page, live_server.url(), "a long password")
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account")

    page.get_by_label("Current password").fill("a long password")
    page.get_by_label("New password", exact=True).fill("password1")
    page.get_by_label("Repeat the new password").fill("password1")
    page.get_by_role("button", name="Change my password").click()
    # The GOV.UK error summary: announced, focused, linking to the field, which says it too.
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(re.compile("too easy to guess"))
    summary.get_by_role("link").click()
    expect(page.get_by_label("New password", exact=True)).to_be_focused()
    expect(page.locator("#new_password-errors")).to_contain_text("too easy to guess")
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()
    page_checks.screenshot(page, artifacts / "account-weak-password.png", full_page=True)

    page.get_by_label("Current password").fill("a long password")
    page.get_by_label("New password", exact=True).fill("plum orchard 42")
    page.get_by_label("Repeat the new password").fill("plum orchard 42")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    page_checks.screenshot(page, artifacts / "account-changed.png", full_page=True)

    page.get_by_role("button", name="Log out tess").click()
    log_in(page, live_server.url(), "plum orchard 42")
    expect(page.get_by_text("Logged in as tess.")).to_be_visible()


def test_a_guesser_is_told_to_wait(app, live_server, page: Page, artifacts: Path):
    with app.app_context():
        create_user("tess", "a long password")
    for _ in range(5):
        log_in(page, live_server.url(), "wrong guess")
        expect(page.get_by_text("do not match an account")).to_be_visible()
    log_in(page, live_server.url(), "a long password")
    expect(page.get_by_text("Too many failed attempts to log in")).to_be_visible()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()
    page_checks.screenshot(page, artifacts / "login-throttled.png", full_page=True)
