"""The class story in real Chromium: a teacher creates a class, two students join with its
code, the quiz is assigned with a close date, one student gets extra time and sees it, both
take the quiz, the teacher reads the gradebook and downloads it as CSV and .xlsx. Every page
of the story is checked with axe at 390 and 1280 pixels wide."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from quizapp.accounts import create_user
from quizapp.models import now_utc
from tests.browser import page_checks
from tests.browser.test_take_quiz import opened_attempt_id
from tests.quiz_actions import right_fields

PASSWORD = "correct horse 1"
WIDTHS = (390, 1280)


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"OPEN_QUIZZES": False}


def accessible(page: Page, artifacts: Path, name: str) -> None:
    """axe finds nothing at a phone's width and a desktop's; a screenshot of each."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        result = page_checks.run_axe(page)
        assert result.violations_count == 0, f"{name} at {width}px\n{result.generate_report()}"
        page_checks.screenshot(page, artifacts / f"class-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def log_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(accept_downloads=True).new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=f"Log out {username}")).to_be_visible()
    return page


def take_the_tour(demo_app, page: Page) -> None:
    """Open the tour from the class's list, start it, answer every question right, submit."""
    page.get_by_role("link", name="A tour of the question types").click()
    page.get_by_role("button", name="Start the quiz").click()
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import Attempt
    from quizapp.questions import question_from_version

    attempt_id = opened_attempt_id(page)
    with demo_app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.id == attempt_id))
        assert attempt is not None
        fields: dict[str, list[str]] = {}
        for slot in attempt.slots:
            question = question_from_version(slot.question_version)
            fields.update(right_fields(question, f"q{slot.position}-"))
    for name, values in fields.items():
        for value in values:
            target = page.locator(f'[name="{name}"]')
            kind = target.first.get_attribute("type")
            tag = target.first.evaluate("e => e.tagName")
            if kind in ("radio", "checkbox"):
                page.locator(f'input[name="{name}"][value="{value}"]').check()
            elif tag == "SELECT":
                target.select_option(value)
            else:
                target.fill(value)
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.locator(".score")).to_have_text("100%")


def test_a_teacher_runs_a_class_from_the_browser(
    demo_app, live_server, browser: Browser, artifacts: Path
):
    base = live_server.url()
    with demo_app.app_context():
        create_user("ms-lee", PASSWORD, is_teacher=True)
        for name in ("ana", "ben"):
            create_user(name, PASSWORD)

    teacher = log_in(browser, base, "ms-lee")
    teacher.get_by_role("link", name="Classes").click()
    accessible(teacher, artifacts, "list")
    teacher.get_by_label("Class name").fill("Year 9 history")
    teacher.get_by_role("button", name="Create the class").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Year 9 history")
    code = teacher.locator("#join-code").inner_text()

    students = {}
    for name in ("ana", "ben"):
        page = log_in(browser, base, name)
        expect(page.get_by_text("Join your class")).to_be_visible()
        page.get_by_role("link", name="Join a class").click()
        if name == "ana":
            accessible(page, artifacts, "join")
        page.get_by_label("Class code").fill(code.lower())
        page.get_by_role("button", name="Join the class").click()
        expect(page.get_by_text("You joined Year 9 history.")).to_be_visible()
        students[name] = page

    # Assign the tour with a close in two days and a 20-minute limit.
    teacher.reload()
    expect(teacher.get_by_role("row", name="ana")).to_be_visible()
    teacher.get_by_label("Assign a quiz").select_option(
        label="Demo bank – a tour of the question types: A tour of the question types"
    )
    teacher.get_by_role("button", name="Assign", exact=True).click()
    closes = (now_utc() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    teacher.get_by_label("Closes (UTC)", exact=True).fill(closes)
    teacher.get_by_label("Time limit (minutes)").fill("20")
    teacher.get_by_role("button", name="Save", exact=True).click()
    expect(teacher.get_by_text("Saved.")).to_be_visible()
    teacher.get_by_text("ana", exact=True).click()  # the student's accommodation
    teacher.get_by_label("Extra minutes").first.fill("30")
    teacher.get_by_role("button", name="Save for ana").click()
    expect(teacher.get_by_text("The student's accommodation is saved.")).to_be_visible()
    accessible(teacher, artifacts, "assignment")

    ana, ben = students["ana"], students["ben"]
    ana.goto(f"{base}/")
    expect(ana.get_by_role("heading", name="Year 9 history")).to_be_visible()
    expect(ana.get_by_text("You have 30 extra minutes.")).to_be_visible()
    accessible(ana, artifacts, "student-quizzes")
    ben.goto(f"{base}/")
    expect(ben.get_by_role("link", name="A tour of the question types")).to_be_visible()
    expect(ben.get_by_text("extra minutes")).to_have_count(0)
    take_the_tour(demo_app, ana)
    take_the_tour(demo_app, ben)

    teacher.get_by_role("link", name="Year 9 history").click()
    accessible(teacher, artifacts, "class")
    teacher.get_by_role("link", name="Gradebook").click()
    expect(teacher.get_by_role("row", name="ana")).to_contain_text("100%")
    expect(teacher.get_by_role("row", name="ben")).to_contain_text("100%")
    expect(teacher.get_by_role("row", name="Class mean")).to_contain_text("100%")
    accessible(teacher, artifacts, "gradebook")
    with teacher.expect_download() as csv_download:
        teacher.get_by_role("link", name="CSV").click()
    data = Path(csv_download.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode()) and b"ana" in data and b"ben" in data
    with teacher.expect_download() as xlsx_download:
        teacher.get_by_role("link", name="Excel (.xlsx)").click()
    sheet = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    assert sheet is not None
    assert [row[0].value for row in sheet.iter_rows()] == ["Student", "ana", "ben", "Class mean"]
