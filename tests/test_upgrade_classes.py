"""Migration 0004_classes on a database the previous release (schema 0002) filled: nothing
lost, the same grades, and old banks belong to the site (no owner), with no classes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from quizapp.attempts import quiz_grade
from quizapp.classes.rules import applied_settings
from quizapp.extensions import db
from quizapp.models import Attempt, Bank, Classroom, Quiz
from quizapp.questions import quiz_settings
from tests.test_upgrade import _snapshot, release_copy


def test_the_release_0_2_database_upgrades_with_nothing_lost(tmp_path: Path) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before
    with sqlite3.connect(database) as connection:
        grades_before = connection.execute(
            "SELECT user_id, quiz_id, marks, max_marks FROM attempts ORDER BY id"
        ).fetchall()
    app = old.app
    with app.app_context():
        upgrade()
        assert db.session.scalar(select(func.count()).select_from(Bank)) > 0
        assert db.session.scalar(select(func.count()).where(Bank.owner_id.is_not(None))) == 0
        assert db.session.scalar(select(func.count()).select_from(Classroom)) == 0
        # Old quizzes keep the bank's settings for every student who took them (no class
        # assigns them: the rules are the bank's, as before).
        for attempt in db.session.scalars(select(Attempt).where(Attempt.quiz_id.is_not(None))):
            quiz = db.session.get(Quiz, attempt.quiz_id)
            assert quiz is not None
            applied = applied_settings(attempt.user_id, quiz)
            assert applied.assignment is None and applied.settings == quiz_settings(quiz)
            grade = quiz_grade([attempt], quiz_settings(quiz).grading)
            assert grade == attempt.score_percent
        db.session.remove()
        db.engine.dispose()
    assert _snapshot(database) == before
    with sqlite3.connect(database) as connection:
        assert (
            connection.execute(
                "SELECT user_id, quiz_id, marks, max_marks FROM attempts ORDER BY id"
            ).fetchall()
            == grades_before
        )
