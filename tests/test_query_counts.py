"""A page's SQL statements do not grow with its questions or rows.

Each path is measured on a quiz of 10 and of 100 questions (or a list of 1 and 12 quizzes),
counting the statements the database receives with a SQLAlchemy event listener.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from quizapp.extensions import db
from tests.conftest import AuthActions, sql_statements
from tests.quiz_actions import QuizActions
from tests.quiz_banks import single

PAGE_BUDGET = 6
"""Statements for the attempt page and the review: the login, the attempt with its quiz, its
slots with their versions and answers, and room for the session checks."""
SAVE_BUDGET = 10
"""Statements for a save, whatever the number of questions (with the test's own two reading
the save count): the login, the attempt and its slots (read before the write lock), the class
rules that set the student's deadline, BEGIN IMMEDIATE, the claim of the attempt (one UPDATE
whose row count decides: nothing is re-read under the lock), the answers (one INSERT, one
executemany UPDATE). It was 13 with the re-read under the lock and the ORM's loads."""
WRITE_BUDGET = 13
"""Statements for a submit: a save's, with the answers' picks and the practice cards (retired,
moved, missed: written without reading them first); no second transaction afterwards for a
quiz no LMS links (the link is read with the attempt). It was 15 (docs/performance.md,
session 9)."""


def bank(path: Path, questions: int, quizzes: int = 1) -> str:
    quiz_lines = "".join(f"  - {{id: quiz{n}, title: Quiz {n}}}\n" for n in range(quizzes))
    text = (
        "bank: counts\ntitle: Counts\nquizzes:\n"
        + quiz_lines
        + "questions:\n"
        + "".join(single(f"q{n}") for n in range(questions))
    )
    path.write_text(text)
    return str(path)


def count(app: Flask, request: Callable[[], TestResponse]) -> int:
    with sql_statements(app) as seen:
        response = request()
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    return len(seen)


def measure(app: Flask, tmp_path: Path, questions: int) -> dict[str, int]:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["quiz", "import", bank(tmp_path / "counts.yaml", questions)])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    AuthActions(client).register()
    actions = QuizActions(app, client)
    attempt_id = actions.start("quiz0")
    right = actions.right_answers(attempt_id)
    half = dict(list(right.items())[: questions // 2])
    counts = {
        "attempt page": count(app, lambda: client.get(f"/attempts/{attempt_id}")),
        "save": count(app, lambda: actions.save(attempt_id, half)),
        "save again": count(app, lambda: actions.save(attempt_id, right)),
        "summary": count(app, lambda: client.get(f"/attempts/{attempt_id}/summary")),
        "submit": count(app, lambda: actions.submit(attempt_id, right)),
        "review": count(app, lambda: client.get(f"/attempts/{attempt_id}/review")),
        "history": count(app, lambda: client.get("/history")),
    }
    return counts


@pytest.fixture
def fresh_app(tmp_path: Path) -> Callable[[str], Flask]:
    """A second, empty app and database (the measurement needs two banks of different size)."""
    from flask_migrate import upgrade

    from quizapp import create_app
    from tests.conftest import TEST_DATABASE_URL, _empty_postgres

    def make(name: str) -> Flask:
        folder = tmp_path / name
        (folder / "instance").mkdir(parents=True)
        url = f"sqlite:///{folder / 'quizapp.sqlite'}"
        if TEST_DATABASE_URL:
            _empty_postgres(TEST_DATABASE_URL)
            url = TEST_DATABASE_URL
        app = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(folder / "instance"),
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "tests-only-secret",
                "OPEN_QUIZZES": True,  # its students take quizzes that no class assigns
            }
        )
        with app.app_context():
            upgrade()
        return app

    return make


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_statements_do_not_grow_with_the_questions(fresh_app, tmp_path: Path) -> None:
    small_app = fresh_app("small")
    small = measure(small_app, tmp_path / "small", 10)
    dispose(small_app)
    large_app = fresh_app("large")
    large = measure(large_app, tmp_path / "large", 100)
    dispose(large_app)
    assert small == large, f"10 questions: {small}; 100 questions: {large}"
    assert small["attempt page"] <= PAGE_BUDGET
    assert small["summary"] <= PAGE_BUDGET
    assert small["review"] <= PAGE_BUDGET
    assert small["save"] <= SAVE_BUDGET and small["submit"] <= WRITE_BUDGET, small


def test_the_quiz_list_does_not_grow_with_the_quizzes(fresh_app, tmp_path: Path) -> None:
    def quiz_list(name: str, quizzes: int) -> int:
        app = fresh_app(name)
        path = bank(tmp_path / f"{name}.yaml", 3, quizzes)
        assert app.test_cli_runner().invoke(args=["quiz", "import", path]).exit_code == 0
        client = app.test_client()
        AuthActions(client).register()
        actions = QuizActions(app, client)
        for n in range(quizzes):
            actions.submit(actions.start(f"quiz{n}"), {})
        statements_seen = count(app, lambda: client.get("/"))
        dispose(app)
        return statements_seen

    assert quiz_list("one", 1) == quiz_list("twelve", 12)


def test_a_students_timeline_is_paged_and_does_not_grow_with_attempts(
    fresh_app, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from quizapp import attempts as attempt_service
    from quizapp.accounts import create_user
    from quizapp.models import Quiz

    def timeline(name: str, attempts: int) -> tuple[int, list[str]]:
        app = fresh_app(name)
        path = bank(tmp_path / f"{name}.yaml", 4)
        assert app.test_cli_runner().invoke(args=["quiz", "import", path]).exit_code == 0
        with app.app_context():
            student = create_user("sam", "a long password")
            create_user("tina", "a teacher's password", is_teacher=True)
            quiz = db.session.scalar(select(Quiz))
            for _ in range(attempts):
                attempt = attempt_service.load_attempt(
                    attempt_service.start_attempt(student, quiz).id
                )
                assert attempt is not None
                attempt_service.submit_attempt(attempt, {}, attempt.sequence)
            url = f"/teach/reports/quizzes/{quiz.id}/students/{student.id}"
        teacher = app.test_client()
        AuthActions(teacher).login("tina", "a teacher's password")
        seen = count(app, lambda: teacher.get(url))
        pages = [teacher.get(f"{url}?page={n}").get_data(as_text=True) for n in (1, 2, 99)]
        dispose(app)
        return seen, pages

    few, _ = timeline("few", 3)
    many, (first, second, beyond) = timeline("many", 45)
    assert few == many
    assert "45 attempts, oldest first" in first
    assert "Attempts 1–20 of 45" in first and "Attempt 20 " in first and "Attempt 21 " not in first
    assert "Attempts 21–40 of 45" in second and 'rel="prev"' in second
    assert "Attempts 41–45 of 45" in beyond, "a page past the end shows the last one"
