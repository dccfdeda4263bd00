"""The admin's Users page in a real browser: an admin promotes a teacher and disables a
student, whose open session ends at once; axe finds nothing at phone and desktop widths."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from quizapp.accounts import create_user
from tests.browser import page_checks

PASSWORD = "correct horse 1"
WIDTHS = {"phone": 390, "desktop": 1280}
"""axe and the layout are checked at both widths: the walk runs once at each."""


def _site_link(page: Page, name: str, role: str = "link"):  # type: ignore[no-untyped-def]
    """A link (or the log-out button) of the site's header: on a phone it is in the "Menu",
    opened first."""
    # By the width, not by whether "Menu" shows: just after a navigation, before the stylesheet
    # applies, the hidden menu can look visible for a moment at a laptop's width too.
    viewport = page.viewport_size
    if viewport is not None and viewport["width"] <= 576:  # the CSS's 36rem breakpoint
        page.get_by_text("Menu", exact=True).click()
    return page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Logged in as {username}.")).to_be_visible()


def assert_accessible(page: Page, artifacts: Path, name: str, width: int) -> None:
    """Axe finds nothing, and nothing scrolls sideways, at this width (the test runs at each)."""
    page.set_viewport_size({"width": width, "height": 900})
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, f"{name} at {width}px: {result.generate_report()}"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name} scrolls sideways at {width}px"
    page_checks.screenshot(page, artifacts / f"{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_an_admin_promotes_a_teacher_and_disables_a_student(
    app, live_server, browser: Browser, artifacts: Path, width: int
):
    with app.app_context():
        create_user("head", PASSWORD, is_admin=True)
        create_user("tina", PASSWORD)
        create_user("stu", PASSWORD)
    base = live_server.url()
    admin = browser.new_page(viewport={"width": width, "height": 900})
    student = browser.new_context().new_page()
    log_in(student, base, "stu")

    log_in(admin, base, "head")
    _site_link(admin, "Users").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Users")
    expect(admin.get_by_text("3 accounts")).to_be_visible()
    assert_accessible(admin, artifacts, "users", width)

    admin.get_by_label("Search by username").fill("tin")
    admin.get_by_role("button", name="Search", exact=True).click()
    expect(admin.get_by_text("1 account matching “tin”")).to_be_visible()
    admin.get_by_role("button", name="Make teacher (tina)").click()
    expect(admin.get_by_text("tina is now a teacher.")).to_be_visible()
    expect(admin.get_by_role("button", name="Make student (tina)")).to_be_visible()

    admin.get_by_label("Search by username").fill("")
    admin.get_by_role("button", name="Search", exact=True).click()
    admin.get_by_role("button", name="Disable (stu)").click()
    expect(admin.get_by_text("stu is disabled and logged out everywhere")).to_be_visible()
    expect(admin.get_by_role("button", name="Enable (stu)")).to_be_visible()
    assert_accessible(admin, artifacts, "users-after", width)

    # The student's open page: the next click lands on the login page.
    student.get_by_role("link", name="My history").click()
    expect(student.get_by_role("heading", level=1)).to_have_text("Log in")
    student.get_by_label("Username").fill("stu")
    student.get_by_label("Password", exact=True).fill(PASSWORD)
    student.get_by_role("button", name="Log in").click()
    expect(student.get_by_text("This account is disabled")).to_be_visible()

    # The new teacher has the teacher's workspace.
    teacher = browser.new_context().new_page()
    log_in(teacher, base, "tina")
    expect(teacher.get_by_role("link", name="Teaching")).to_be_visible()

    # A password link, shown to copy.
    admin.get_by_role("button", name="Password link (tina)").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Password link for tina")
    link = admin.get_by_label("The link, to copy").input_value()
    assert link.startswith(base + "/auth/password/")
    assert_accessible(admin, artifacts, "password-link", width)
    fresh = browser.new_context().new_page()
    fresh.goto(link)
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(fresh, artifacts, "choose-password", width)
    fresh.get_by_label("New password", exact=True).fill("plum orchard 42")
    fresh.get_by_label("Repeat the new password").fill("plum orchard 42")
    fresh.get_by_role("button", name="Save my password and log in").click()
    expect(fresh.get_by_text("Your password is saved. You are logged in as tina.")).to_be_visible()
    fresh.goto(link)
    expect(fresh.get_by_role("heading", level=1)).to_have_text("That link no longer works")
    assert_accessible(fresh, artifacts, "link-used", width)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_account_and_forgot_pages_of_a_site_that_sends_mail(
    app, live_server, page: Page, artifacts: Path, width: int
):
    app.config.update(MAIL_SERVER="127.0.0.1", SITE_URL=live_server.url())
    with app.app_context():
        create_user("stu", PASSWORD)
    base = live_server.url()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, base, "stu")
    _site_link(page, "Account").click()
    page.get_by_label("E-mail address (optional)").fill("not an address")
    page.get_by_role("button", name="Save my e-mail address").click()
    # The GOV.UK pattern: in the error summary (a link to the field) and by the field.
    expect(page.get_by_role("link", name="That is not an e-mail address")).to_be_visible()
    expect(page.locator("#email-email-errors")).to_contain_text("That is not an e-mail address")
    assert_accessible(page, artifacts, "account-email-refused", width)
    page.get_by_label("E-mail address (optional)").fill("stu@school.example")
    page.get_by_role("button", name="Save my e-mail address").click()
    expect(page.get_by_text("Your e-mail address is saved.")).to_be_visible()

    _site_link(page, "Log out stu", role="button").click()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    assert_accessible(page, artifacts, "forgot", width)
