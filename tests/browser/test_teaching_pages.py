"""A teacher reads the guide, previews the demo quiz, answers and submits the preview,
corrects a student's mark with a comment; the student sees it. Axe at 390 and 1280 px."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Quiz
from quizapp.teaching.preview import draw_preview
from tests.browser import page_checks
from tests.browser.logins import log_in
from tests.conftest import QuizTaker
from tests.quiz_actions import right_fields

WIDTHS = (390, 1280)


def check(page: Page, artifacts: Path, name: str) -> None:
    """No axe violation, at a phone's width and a desktop's; a screenshot of each."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        result = page_checks.run_axe(page)
        assert result.violations_count == 0, f"{name} at {width}px:\n{result.generate_report()}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width}px"
        page_checks.screenshot(page, artifacts / f"teaching-{name}-{width}.png", full_page=True)


def test_teacher_guide_preview_and_correction(demo_app, live_server, browser, artifacts):
    attempt_id = QuizTaker(demo_app).take("student-1", right={1, 2})
    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.key == "tour"))
        quiz = db.session.get(Quiz, quiz_id)
        fields = {}
        for item in draw_preview(quiz, 7):
            fields.update(right_fields(item.question, item.prefix))
    base = live_server.url().rstrip("/")

    teacher = browser.new_page()
    log_in(teacher, base, "ms-lee", "teacher password")
    teacher.goto(f"{base}/teach/")
    teacher.get_by_role("link", name="authoring guide").first.click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Writing question banks")
    teacher.get_by_role("link", name="Question types").click()
    expect(teacher.locator("#question-types")).to_be_in_viewport()
    check(teacher, artifacts, "guide")

    teacher.goto(f"{base}/teach/quizzes/{quiz_id}/preview?seed=7")
    expect(teacher.locator("fieldset.question")).to_have_count(8)
    check(teacher, artifacts, "preview")
    for name, values in fields.items():
        for value in values:
            choice = teacher.locator(f'input[name="{name}"][value="{value}"]')
            if choice.count():
                choice.check()
            elif teacher.locator(f'select[name="{name}"]').count():
                teacher.locator(f'select[name="{name}"]').select_option(value)
            else:
                teacher.locator(f'[name="{name}"]').fill(value)
    teacher.get_by_role("button", name="Submit the preview").click()
    expect(teacher.locator(".score")).to_have_text("100%")
    expect(teacher.get_by_text("nothing was recorded")).to_be_visible()
    check(teacher, artifacts, "preview-result")

    teacher.goto(f"{base}/teach/reports/quizzes/{quiz_id}/students/1")
    teacher.get_by_role("link", name="Correct the mark of question 3").click()
    expect(teacher.get_by_label("New mark")).to_be_visible()
    check(teacher, artifacts, "correct")
    teacher.get_by_label("New mark").fill("1")
    teacher.get_by_label("Comment for the student").fill("Your answer reads the question fairly.")
    teacher.get_by_role("button", name="Save the mark").click()
    expect(teacher.get_by_text("the attempt now has 3 of")).to_be_visible()
    expect(teacher.get_by_role("cell", name="Correction: Your answer reads")).to_be_visible()
    check(teacher, artifacts, "corrected")

    student = browser.new_page()
    log_in(student, base, "student-1", "correct horse 1")
    student.goto(f"{base}/attempts/{attempt_id}/review")
    expect(student.get_by_text("Your answer reads the question fairly.")).to_be_visible()
    check(student, artifacts, "student-review")
