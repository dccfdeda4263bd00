"""Migration 0014_copied_keys on the previous release's database: the answers' and the picks'
copies of their attempt and question version lose their own foreign keys (each was one more
row-locking check for every row a submit writes on PostgreSQL), every row stays as it was, and
the references that keep those rows in existence stay: each answer's to its slot, each pick's
to its answer. After it, a submit writes copies equal to what they copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from quizapp.extensions import db
from tests.conftest import AuthActions
from tests.people_actions import PASSWORD
from tests.quiz_actions import QuizActions
from tests.test_upgrade import _snapshot, release_copy

ANSWERS = "SELECT id, slot_id, attempt_id, question_version_id FROM answers ORDER BY id"
PICKS = (
    "SELECT answer_id, option_key, attempt_id, question_version_id FROM answer_picks "
    "ORDER BY answer_id, option_key"
)
COPIES_UNLIKE_THEIR_SOURCE = (
    "SELECT (SELECT count(*) FROM answers JOIN attempt_slots ON attempt_slots.id = "
    "answers.slot_id WHERE attempt_slots.attempt_id != answers.attempt_id "
    "OR attempt_slots.question_version_id != answers.question_version_id) + "
    "(SELECT count(*) FROM answer_picks JOIN answers ON answers.id = answer_picks.answer_id "
    "WHERE answers.attempt_id != answer_picks.attempt_id "
    "OR answers.question_version_id != answer_picks.question_version_id)"
)


def _references(connection: sqlite3.Connection, table: str) -> set[tuple[str, str]]:
    """A table's foreign keys as (column, referred table)."""
    return {(row[3], row[2]) for row in connection.execute(f"PRAGMA foreign_key_list({table})")}


def test_release_0_2_upgrades_without_the_copies_keys_with_nothing_lost(tmp_path: Path) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before
    with sqlite3.connect(database) as connection:
        answers_before = connection.execute(ANSWERS).fetchall()
        picks_before = connection.execute(PICKS).fetchall()
        assert ("attempt_id", "attempts") in _references(connection, "answers")
        assert ("question_version_id", "question_versions") in _references(
            connection, "answer_picks"
        )
    assert len(answers_before) > 100 and len(picks_before) > 50

    app = old.app
    with app.app_context():
        upgrade()
        # The migration turned SQLite's foreign keys off for its rebuilds, and back on.
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()

    assert _snapshot(database) == before
    with sqlite3.connect(database) as connection:
        assert connection.execute(ANSWERS).fetchall() == answers_before
        assert connection.execute(PICKS).fetchall() == picks_before
        assert _references(connection, "answers") == {("slot_id", "attempt_slots")}
        assert _references(connection, "answer_picks") == {("answer_id", "answers")}
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute(COPIES_UNLIKE_THEIR_SOURCE).fetchone()[0] == 0
        indexes = {row[1] for row in connection.execute("PRAGMA index_list(answers)")}
        assert "ix_answers_attempt_marks" in indexes

    # The upgraded site: a student submits, and what the submit copies is what it copies from.
    app.config["OPEN_QUIZZES"] = True  # as the release ran: quizzes open to every student
    client = app.test_client()
    assert AuthActions(client).login("student-1", PASSWORD).status_code == 302
    quiz = QuizActions(app, client)
    attempt_id = quiz.start("overview")
    response = quiz.submit(attempt_id, quiz.right_answers(attempt_id))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    with app.app_context():
        written = db.session.execute(
            text("SELECT count(*) FROM answers WHERE attempt_id = :id"), {"id": attempt_id}
        ).scalar()
        assert written and db.session.execute(text(COPIES_UNLIKE_THEIR_SOURCE)).scalar() == 0
        db.session.remove()
        db.engine.dispose()
