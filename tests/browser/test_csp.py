"""The Content-Security-Policy holds in a real browser: a student and a teacher open every page
and Chromium reports no violation (no inline style or script left anywhere, charts included),
the timer script still runs, and axe still runs its checks under the policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Bank, Quiz, User
from tests.browser import page_checks
from tests.browser.conftest import LiveServer
from tests.conftest import QuizTaker

TIMED_BANK = """\
bank: timed
title: Timed
quizzes:
  - {id: quick, title: A quick timed quiz, time_limit: 10m}
questions:
  - {id: capital, type: short, text: What is the capital of Belarus?, accept: [Minsk]}
"""

CSP_MESSAGE = re.compile(r"content security policy|content-security-policy", re.IGNORECASE)


class Watched:
    """A logged-in browser page that records every console message about the policy."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.violations: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.violations.append(f"page error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if CSP_MESSAGE.search(message.text):
            self.violations.append(f"{self.page.url}: {message.text}")

    def login(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base}/auth/login")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        expect(self.page.get_by_role("button", name=f"Log out {username}")).to_be_visible()

    def visit(self, path: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None
        assert response.status == 200, path
        assert "script-src 'self'" in (response.header_value("content-security-policy") or "")
        self.page.wait_for_load_state("load")


def assert_axe_runs_clean(page: Page) -> None:
    result = page_checks.run_axe(page)
    assert result.response["passes"], "axe ran no check: the policy blocked it"
    violations = {v["id"] for v in result.response["violations"]}
    assert not violations, result.generate_report()


@pytest.fixture
def school(demo_app: Flask, runner, tmp_path: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The demo bank taken by three students, a timed quiz, and a teacher."""
    timed = tmp_path / "timed.yaml"
    timed.write_text(TIMED_BANK)
    assert runner.invoke(args=["quiz", "import", str(timed)]).exit_code == 0
    taker = QuizTaker(demo_app)
    attempt = taker.take("sam", {1, 2, 3, 5})
    taker.take("kim", {1, 2, 3, 4, 5, 6, 7, 8})
    taker.take("lou", {2})
    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
        ids = {
            "attempt": attempt,
            "tour": db.session.scalar(select(Quiz.id).where(Quiz.key == "tour")),
            "quick": db.session.scalar(select(Quiz.id).where(Quiz.key == "quick")),
            "bank": db.session.scalar(select(Bank.id).where(Bank.slug == "demo")),
            "sam": db.session.scalar(select(User.id).where(User.username == "sam")),
        }
        db.session.remove()
    return ids


@pytest.fixture
def watched(browser: Browser, live_server: LiveServer) -> Iterator[dict[str, Watched]]:
    pages = {}
    for who in ("student", "teacher"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pages[who] = Watched(context.new_page(), live_server.url().rstrip("/"))
    yield pages
    for page in pages.values():
        page.page.context.close()


def test_every_page_keeps_the_policy(school, watched, artifacts: Path):
    student, teacher = watched["student"], watched["teacher"]
    student.visit("/")  # the welcome page, logged out
    student.visit("/auth/register")
    student.login("sam", "correct horse 1")

    for path in [
        "/",
        f"/quizzes/{school['tour']}",
        f"/attempts/{school['attempt']}/review",
        "/history",
        "/mastery",
        "/practice",
    ]:
        student.visit(path)
        assert_axe_runs_clean(student.page)
        if path == "/history":
            expect(student.page.locator("svg[role=img]")).to_be_visible()
            page_checks.screenshot(student.page, artifacts / "csp-history.png", full_page=True)

    # A timed attempt: the countdown is static/attempt.js, allowed by script-src 'self'.
    student.visit(f"/quizzes/{school['quick']}")
    student.page.get_by_role("button", name="Start the quiz").click()
    expect(student.page.get_by_role("timer")).to_contain_text(re.compile(r"Time left: \d+:\d\d"))
    assert_axe_runs_clean(student.page)
    # The untimed attempt page, from the practice of what the student missed.
    student.visit("/practice")
    student.page.get_by_role("button", name="Practise what I missed").click()
    expect(student.page.get_by_role("heading", level=1)).to_have_text("Practice")
    assert_axe_runs_clean(student.page)

    teacher.login("ms-lee", "teacher password")
    for path in [
        "/teach/",
        f"/teach/banks/{school['bank']}",
        f"/teach/quizzes/{school['tour']}/preview",
        f"/teach/quizzes/{school['tour']}/preview?answers=1",
        f"/teach/reports/quizzes/{school['tour']}",
        f"/teach/reports/quizzes/{school['tour']}/students/{school['sam']}",
        f"/teach/reports/banks/{school['bank']}/misconceptions",
    ]:
        teacher.visit(path)
        assert_axe_runs_clean(teacher.page)
        if path == f"/teach/reports/quizzes/{school['tour']}":
            expect(teacher.page.locator("svg[role=img]")).to_be_visible()
            page_checks.screenshot(teacher.page, artifacts / "csp-statistics.png", full_page=True)

    assert student.violations == []
    assert teacher.violations == []


def test_the_browser_reports_an_inline_style_the_policy_blocks(school, watched):
    """The check above can fail: an inline style put into a page is refused and reported."""
    student = watched["student"]
    student.visit("/auth/login")
    with student.page.expect_console_message(lambda m: "inline style" in m.text):
        student.page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')"
        )
    expect(student.page.locator("body")).not_to_have_css("color", "rgb(255, 0, 0)")
    assert any("inline style" in violation for violation in student.violations)
