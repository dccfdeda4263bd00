"""A teacher opens the statistics of a quiz several students took, in a real browser."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Quiz
from tests.browser import page_checks
from tests.browser.logins import log_in
from tests.conftest import QuizTaker


def test_teacher_reads_the_demo_quiz_statistics(demo_app, live_server, page: Page, artifacts: Path):
    taker = QuizTaker(demo_app)
    for number, right in enumerate(
        [{1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 3, 4, 5, 6}, {1, 2, 4, 5}, {1, 3, 5, 7}, {2, 4}, {1}]
    ):
        taker.take(f"student-{number}", right)
    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.key == "tour"))

    log_in(page, live_server.url(), "ms-lee", "teacher password")
    page.goto(live_server.url(f"/teach/reports/quizzes/{quiz_id}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("A tour of the question types")
    expect(page.locator("svg").first).to_be_visible()
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()
    page_checks.screenshot(page, artifacts / "quiz-statistics.png", full_page=True)
