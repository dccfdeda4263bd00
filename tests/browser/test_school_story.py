"""A school's term in real Chromium, from the first admin to the exported gradebook (issue 11).

The admin is made as a school makes it, with ``flask user create NAME --admin``; from then on
everything happens in the browser: the admin promotes a registered user to teacher; teacher A
uploads a bank, creates a class and shares the bank with teacher B; three students join (two
with the code, one with the join link); A assigns the quiz with a close date and gives one
student extra time; the students take it; A reads the gradebook, corrects a mark with a
comment the student then sees, and exports the gradebook as CSV and .xlsx; B, who does not
teach the class, gets a 404 on its gradebook. The main pages are checked with axe, and for
sideways scrolling, at 390 and 1280 px (the live server also replays every page it served).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from quizapp.accounts import create_user
from quizapp.models import now_utc
from tests.browser import page_checks

PASSWORD = "correct horse 1"
WIDTHS = (390, 1280)
QUIZ = "Планеты · 行星 check"
BANK_TITLE = "Solar system (school story)"
BANK = f"""\
bank: school-story
title: {BANK_TITLE}
quizzes:
  - id: planets
    title: "{QUIZ}"
    shuffle_choices: false
questions:
  - id: largest
    type: single
    text: Which planet is the largest?
    choices:
      - {{text: Jupiter, correct: true}}
      - Mercury
  - id: sun-star
    type: true_false
    text: The Sun is a star.
    answer: true
"""


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"OPEN_QUIZZES": False}


def checked(page: Page, artifacts: Path, name: str) -> None:
    """axe finds nothing and the page does not scroll sideways, at a phone's width and a
    laptop's; a screenshot of each (the walk itself runs at the laptop's width)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        result = page_checks.run_axe(page)
        assert result.violations_count == 0, f"{name} at {width}px\n{result.generate_report()}"
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} scrolls sideways at {width}px ({scroll}px wide)"
        # Every table fits its box (as cards on a phone), but for a deliberate scroll region.
        cramped = page.evaluate(SCROLLING_TABLES)
        assert not cramped, f"{name} at {width}px: tables scroll sideways: {cramped}"
        page_checks.screenshot(page, artifacts / f"school-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


SCROLLING_TABLES = """[...document.querySelectorAll('.table-scroll:not(.sticky-first)')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => box.getAttribute('aria-label') || box.querySelector('table').className)"""


def log_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    tab = page.new_page()
    tab.goto(f"{base}/auth/login")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_text(f"Logged in as {username}.")).to_be_visible()
    return tab


def register(browser: Browser, base: str, username: str) -> Page:
    tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    tab.goto(f"{base}/auth/register")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password", exact=True).fill(PASSWORD)
    tab.get_by_label("Repeat the password").fill(PASSWORD)
    tab.get_by_role("button", name="Create my account").click()
    expect(tab.get_by_text(f"Welcome, {username}!")).to_be_visible()
    return tab


def take_quiz(page: Page, base: str, choice: str, sun: str) -> str:
    """Take the quiz from the student's home page; the review's URL."""
    page.goto(f"{base}/")
    page.get_by_role("link", name=QUIZ, exact=True).click()
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label(choice, exact=True).check()
    page.get_by_label(sun, exact=True).check()
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.locator(".score")).to_be_visible()
    return page.url


def test_a_school_runs_a_term_in_the_browser(
    app: Flask, runner: FlaskCliRunner, live_server, browser: Browser, artifacts: Path
):
    base = live_server.url()
    made = runner.invoke(args=["user", "create", "head", "--admin"], input=f"{PASSWORD}\n" * 2)
    assert made.exit_code == 0, made.output
    with app.app_context():
        create_user("mr-brown", PASSWORD, is_teacher=True)
        for name in ("ana", "ben", "cyd"):
            create_user(name, PASSWORD)

    # A newcomer registers; the admin finds her on the Users page and makes her a teacher.
    lee = register(browser, base, "ms-lee")
    admin = log_in(browser, base, "head")
    admin.goto(f"{base}/admin/users")
    admin.get_by_label("Search by username").fill("lee")
    admin.get_by_role("button", name="Search", exact=True).click()
    expect(admin.get_by_text("1 account matching “lee”")).to_be_visible()
    admin.get_by_role("button", name="Make teacher (ms-lee)").click()
    expect(admin.get_by_text("ms-lee is now a teacher.")).to_be_visible()
    checked(admin, artifacts, "users")

    # Teacher A uploads a bank: check, then import.
    lee.goto(f"{base}/teach/")
    lee.get_by_label("Bank file (.yaml)").set_input_files(
        files=[{"name": "planets.yaml", "mimeType": "application/x-yaml", "buffer": BANK.encode()}]
    )
    lee.get_by_role("button", name="Check the file").click()
    lee.get_by_role("button", name="Import these changes").click()
    expect(lee.get_by_text("Imported")).to_be_visible()
    checked(lee, artifacts, "banks")

    # ... shares it with teacher B, who then sees it among his banks.
    lee.get_by_role("link", name=BANK_TITLE).click()
    lee.get_by_label("Teacher's username").fill("mr-brown")
    lee.get_by_role("button", name="Share", exact=True).click()
    expect(lee.get_by_text(f"{BANK_TITLE} is shared with mr-brown.")).to_be_visible()
    brown = log_in(browser, base, "mr-brown")
    brown.goto(f"{base}/teach/")
    expect(brown.get_by_role("link", name=BANK_TITLE)).to_be_visible()

    # ... creates a class.
    lee.goto(f"{base}/teach/classes")
    lee.get_by_label("Class name").fill("Year 8 science")
    lee.get_by_role("button", name="Create the class").click()
    expect(lee.get_by_role("heading", level=1)).to_have_text("Year 8 science")
    code = lee.locator("#join-code").inner_text()
    join_link = lee.locator("#join-link").get_attribute("href")
    assert join_link and code in join_link

    # Two students join with the code, the third with the link.
    students: dict[str, Page] = {}
    for name in ("ana", "ben"):
        page = log_in(browser, base, name)
        page.get_by_role("link", name="Join a class").click()
        page.get_by_label("Class code").fill(code.lower())
        page.get_by_role("button", name="Join the class").click()
        expect(page.get_by_text("You joined Year 8 science.")).to_be_visible()
        students[name] = page
    cyd = students["cyd"] = log_in(browser, base, "cyd")
    cyd.goto(join_link)
    expect(cyd.get_by_label("Class code")).to_have_value(code)
    checked(cyd, artifacts, "join")
    cyd.get_by_role("button", name="Join the class").click()
    expect(cyd.get_by_text("You joined Year 8 science.")).to_be_visible()

    # A assigns the quiz, closing in three days, and gives ben 25 extra minutes.
    lee.reload()
    expect(lee.get_by_role("heading", name="Students (3)")).to_be_visible()
    lee.get_by_label("Assign a quiz").select_option(label=f"{BANK_TITLE}: {QUIZ}")
    lee.get_by_role("button", name="Assign", exact=True).click()
    closes = (now_utc() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    lee.get_by_label("Closes (UTC)", exact=True).fill(closes)
    lee.get_by_label("Time limit (minutes)").fill("15")
    lee.get_by_role("button", name="Save", exact=True).click()
    expect(lee.get_by_text("Saved.")).to_be_visible()
    lee.get_by_text("ben", exact=True).click()
    lee.locator("#extra_minutes-" + _user_id(app, "ben")).fill("25")
    lee.get_by_role("button", name="Save for ben").click()
    expect(lee.get_by_text("The student's accommodation is saved.")).to_be_visible()
    checked(lee, artifacts, "assignment")
    lee.get_by_role("link", name="Year 8 science").first.click()
    checked(lee, artifacts, "class")

    # The students see the quiz under their class; only ben sees extra time.
    ben = students["ben"]
    ben.goto(f"{base}/")
    expect(ben.get_by_role("heading", name="Year 8 science")).to_be_visible()
    expect(ben.get_by_text("You have 25 extra minutes.")).to_be_visible()
    checked(ben, artifacts, "student-home")
    students["ana"].goto(f"{base}/")
    expect(students["ana"].get_by_text("extra minutes")).to_have_count(0)
    take_quiz(students["ana"], base, "Jupiter", "True")
    ben_review = take_quiz(ben, base, "Jupiter", "False")
    take_quiz(cyd, base, "Mercury", "False")

    # The gradebook: one cell per student, and the class mean.
    lee.get_by_role("link", name="Gradebook").first.click()
    expect(lee.get_by_role("row", name="ana")).to_contain_text("100%")
    expect(lee.get_by_role("row", name="ben")).to_contain_text("50%")
    expect(lee.get_by_role("row", name="cyd")).to_contain_text("0%")
    expect(lee.get_by_role("row", name="Class mean")).to_contain_text("50%")
    checked(lee, artifacts, "gradebook")
    lee.get_by_role("link", name=QUIZ, exact=True).click()  # the quiz's statistics for this class
    expect(lee.get_by_role("heading", level=1)).to_contain_text("Year 8 science")
    lee.evaluate("document.querySelectorAll('.report-section details').forEach(d => d.open = true)")
    checked(lee, artifacts, "statistics")
    lee.go_back()

    # A corrects ben's second answer, with a comment; the figures follow.
    gradebook_url = lee.url
    lee.get_by_role("link", name=re.compile(r"^ben, .*: 50% \(timeline\)$")).click()
    checked(lee, artifacts, "timeline")
    lee.get_by_role("link", name="Correct the mark of question 2, attempt 1").click()
    lee.get_by_label("New mark").fill("1")
    lee.get_by_label("Comment for the student").fill("“Star” was ambiguous in class: full marks.")
    lee.get_by_role("button", name="Save the mark").click()
    expect(lee.get_by_text("ambiguous in class").first).to_be_visible()
    lee.goto(gradebook_url)
    expect(lee.get_by_role("row", name="ben")).to_contain_text("100%")
    expect(lee.get_by_role("row", name="Class mean")).to_contain_text("67%")
    ben.goto(ben_review)
    expect(ben.get_by_text("Your teacher set this mark: “Star” was ambiguous")).to_be_visible()
    expect(ben.locator(".score")).to_have_text("100%")

    # The exports: a CSV with a byte-order mark, and a workbook, both naming every student.
    with lee.expect_download() as csv_download:
        lee.get_by_role("link", name="CSV").click()
    data = Path(csv_download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Student" and QUIZ in rows[0][1]
    assert [row[0] for row in rows[1:]] == ["ana", "ben", "cyd", "Class mean"]
    with lee.expect_download() as xlsx_download:
        lee.get_by_role("link", name="Excel (.xlsx)").click()
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    sheet = book.active
    assert sheet is not None
    assert [row[0].value for row in sheet.iter_rows()] == [
        "Student",
        "ana",
        "ben",
        "cyd",
        "Class mean",
    ]
    assert QUIZ in str(sheet.cell(row=1, column=2).value)

    # Teacher B shares the bank but not the class: its gradebook does not exist for him.
    response = brown.goto(gradebook_url)
    assert response is not None and response.status == 404


def _user_id(app: Flask, username: str) -> str:
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import User

    with app.app_context():
        return str(db.session.scalar(select(User.id).where(User.username == username)))
