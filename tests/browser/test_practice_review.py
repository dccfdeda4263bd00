"""The review of a practice attempt whose questions come from quizzes that keep their answers:
right or wrong only, said plainly, and accessible (axe); screenshots are kept."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import page_checks
from tests.browser.logins import log_in
from tests.test_answer_visibility import blank_attempt, blank_practice, import_bank, new_student


def test_practice_review_keeps_the_answers_of_a_never_quiz(
    app, runner, tmp_path, live_server, page: Page, artifacts
):
    import_bank(runner, tmp_path)

    ada = new_student(app, "ada")
    blank_attempt(ada, "secret")
    blank_attempt(ada, "open-key")
    practice = blank_practice(ada)

    base = live_server.url().rstrip("/")
    log_in(page, base, "ada", "correct horse 1")
    page.goto(f"{base}/attempts/{practice}/review")
    expect(page.locator(".review-item")).to_have_count(3)
    expect(page.get_by_text("for the others it says right or wrong only")).to_be_visible()
    expect(page.get_by_text("Its quiz does not show this answer yet.")).to_have_count(1)
    expect(page.locator(".explanation")).to_have_count(2)  # shared and open-only
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()
    page_checks.screenshot(page, artifacts / "practice-review.png", full_page=True)
