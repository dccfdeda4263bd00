"""A student registers, takes the demo quiz with the keyboard alone, and sees score and history."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser import page_checks
from tests.quiz_actions import QuizActions


def keyboard_answer(page: Page, fields: dict[str, list[str]]) -> None:
    """Answer each field by focusing it and using keys, as a keyboard-only student would.

    Each field is waited for first: the kind of field is told by counting (``count`` does not
    wait), and a page whose address has changed may not have its form yet (a radio group
    counted 0 was then taken for a text box: CI, 2026-12-02)."""
    for name, values in fields.items():
        page.locator(f'[name="{name}"]').first.wait_for(state="attached")
        for value in values:
            choice = page.locator(f'input[name="{name}"][value="{value}"]')
            if choice.count():
                choice.focus()
                page.keyboard.press("Space")
                continue
            select = page.locator(f'select[name="{name}"]')
            if select.count():
                label = select.locator(f'option[value="{value}"]').inner_text()
                select.focus()
                page.keyboard.type(label)
                expect(select).to_have_value(value)
                continue
            box = page.locator(f'[name="{name}"]')
            box.focus()
            page.keyboard.type(value)


def opened_attempt_id(page: Page) -> int:
    """The id of the attempt the browser has just opened, read once the navigation has landed
    (reading page.url straight after a click can still see the quiz's page)."""
    expect(page).to_have_url(re.compile(r"/attempts/\d+/?$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def assert_accessible(page: Page) -> None:
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()


def test_student_takes_the_demo_quiz_by_keyboard(demo_app, live_server, page: Page, artifacts):
    base = live_server.url().rstrip("/")
    page.goto(f"{base}/auth/register")
    expect(page).to_have_title("Create an account · Quizapp")
    page.keyboard.press("Tab")  # autofocus is on the username already; Tab moves on
    page.get_by_label("Username").focus()
    page.keyboard.type("keyboard-kim")
    page.get_by_label("Password", exact=True).focus()
    page.keyboard.type("a long password")
    page.get_by_label("Repeat the password").focus()
    page.keyboard.type("a long password")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Welcome, keyboard-kim")).to_be_visible()

    page.get_by_role("button", name="Take the quiz").first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Start the quiz").focus()
    page.keyboard.press("Enter")
    expect(page.locator("fieldset.question")).to_have_count(8)
    assert_accessible(page)

    attempt_id = opened_attempt_id(page)
    fields = QuizActions(demo_app, None).right_answers(attempt_id)  # type: ignore[arg-type]
    keyboard_answer(page, fields)
    page_checks.screenshot(page, artifacts / "quiz-page.png", full_page=True)
    page.get_by_role("button", name="Finish attempt…").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of your attempt")
    assert_accessible(page)
    page.get_by_role("button", name="Submit all and finish").focus()
    page.keyboard.press("Enter")

    expect(page.locator(".score")).to_have_text("100%")
    assert_accessible(page)
    page_checks.screenshot(page, artifacts / "result-page.png", full_page=True)

    page.get_by_role("link", name="My history").first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title("My history · Quizapp")
    expect(page.get_by_role("cell", name="100%")).to_be_visible()
    page_checks.screenshot(page, artifacts / "history-page.png", full_page=True)
