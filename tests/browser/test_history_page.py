"""A student with a term of quizzes behind them opens My history, Mastery and Practice in a real
browser: the pages pass axe, the chart is there without JavaScript, and screenshots are kept."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from quizapp import attempts as attempt_service
from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Quiz
from quizapp.questions import question_from_version
from tests.browser import page_checks

TOPICS = {
    "trade": ["Suzhou", "Tianjin", "Shenzhen"],
    "geography": ["Minsk", "Vilnius", "Riga"],
    "history": ["1992", "1989", "2001"],
    "politics": ["Strategic partnership", "Alliance", "Union"],
}


def bank_yaml() -> str:
    """Three questions per topic (single choice, first choice right) and a quiz per topic."""
    quizzes = "\n".join(
        f"  - {{id: {tag}, title: {tag.capitalize()} quiz, questions: {{tags: [{tag}]}}, "
        f"pass_mark: 60%}}"
        for tag in TOPICS
    )
    questions = "\n".join(
        f"  - id: {tag}-{n}\n    type: single\n    text: {tag.capitalize()} question {n}?\n"
        f"    choices: [{{text: {right}, correct: true}}, Not {right}, Neither]\n"
        f"    tags: [{tag}]"
        for tag, answers in TOPICS.items()
        for n, right in enumerate(answers, start=1)
    )
    return f"bank: term\ntitle: A term of quizzes\nquizzes:\n{quizzes}\nquestions:\n{questions}\n"


def seed_term(app: Flask, username: str) -> None:
    """Forty attempts over three months through the attempts service, then moved in time."""
    rng = random.Random(7)
    skill = {"trade": 0.8, "geography": 0.45, "history": 0.6, "politics": 0.3}
    start = datetime(2025, 9, 1, 9)
    with app.app_context():
        user = create_user(username, "a long password")
        quizzes = {quiz.key: quiz for quiz in db.session.scalars(select(Quiz))}
        for n in range(40):
            key = rng.choice(list(TOPICS))
            attempt = attempt_service.start_attempt(user, quizzes[key])
            skill[key] = min(0.95, skill[key] + 0.01)
            responses = {}
            for slot in attempt.slots:
                question = question_from_version(slot.question_version)
                right = rng.random() < skill[key]
                choice = question.choices[0 if right else 1]
                responses[slot.position] = {"choice": question.option_key(choice.text)}
            attempt_service.submit_attempt(attempt, responses, attempt.sequence)
            attempt.started_at = start + timedelta(days=n * 2 + rng.random(), hours=n % 5)
            attempt.submitted_at = attempt.started_at + timedelta(seconds=rng.randrange(70, 600))
            db.session.commit()
        db.session.remove()


@pytest.fixture
def term_app(app: Flask, runner, tmp_path: Path) -> Flask:  # type: ignore[no-untyped-def]
    path = tmp_path / "term.yaml"
    path.write_text(bank_yaml(), encoding="utf-8")
    result = runner.invoke(args=["quiz", "import", str(path)])
    assert result.exit_code == 0, result.output
    seed_term(app, "terry")
    return app


def assert_accessible(page: Page) -> None:
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()


def test_history_mastery_and_practice_pages(term_app, live_server, page: Page, artifacts):
    base = live_server.url().rstrip("/")
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{base}/auth/login")
    page.get_by_label("Username").fill("terry")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="My history").first.click()
    expect(page).to_have_title("My history · Quizapp")
    chart = page.locator("svg[role=img]")
    expect(chart).to_have_attribute("aria-label", "Score over time, by quiz")
    expect(page.locator("table.progress-attempts tbody tr")).to_have_count(40)
    assert_accessible(page)
    page_checks.screenshot(page, artifacts / "progress-history.png", full_page=True)

    page.get_by_label("Show attempts at").select_option(label="Trade quiz")
    page.get_by_role("button", name="Show").click()
    expect(chart).to_have_attribute("aria-label", "Score over time, Trade quiz")
    page.get_by_text("The chart's figures as a table").click()
    expect(page.locator("table.progress-figures-table")).to_be_visible()
    assert_accessible(page)
    page_checks.screenshot(page, artifacts / "progress-history-trade.png", full_page=True)

    page.get_by_role("link", name="Mastery by tag").click()
    expect(page.get_by_role("row", name="trade")).to_be_visible()
    assert_accessible(page)
    page_checks.screenshot(page, artifacts / "progress-mastery.png", full_page=True)

    page.get_by_role("link", name="Practice", exact=True).first.click()
    expect(page).to_have_title("Practice · Quizapp")
    assert_accessible(page)
    page_checks.screenshot(page, artifacts / "progress-practice.png", full_page=True)
    page.get_by_role("button", name="Practise what I missed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice")
    page_checks.screenshot(page, artifacts / "progress-practice-attempt.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/history")
    page_checks.screenshot(page, artifacts / "progress-history-phone.png", full_page=True)
