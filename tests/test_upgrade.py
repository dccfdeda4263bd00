"""Upgrading a database that the previous release filled: nothing lost, the same grades."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.questions import question_from_version

DATA = Path(__file__).parent / "data"
RELEASE_0_1 = DATA / "release-0.1.sqlite"
#: Filled by the release of commit 9407066 (schema 0002): the fixture for every later migration.
RELEASE_0_2 = DATA / "release-0.2.sqlite"
TABLES = ("users", "banks", "questions", "question_versions", "quizzes", "attempts",
          "attempt_slots", "answers", "answer_picks", "practice_cards")  # fmt: skip


@dataclass
class ReleaseCopy:
    """A copy of a previous release's database, what it held, and the app on it (not yet
    upgraded: the test runs the migrations and checks what they did)."""

    database: Path
    before: dict[str, object]
    app: Flask


def release_copy(tmp_path: Path, release: Path = RELEASE_0_2) -> ReleaseCopy:
    database = tmp_path / "quizapp.sqlite"
    shutil.copy(release, database)
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "tests-only",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        }
    )
    return ReleaseCopy(database, _snapshot(database), app)


def _snapshot(path: Path) -> dict[str, object]:
    with sqlite3.connect(path) as connection:
        counts = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        marks = connection.execute(
            "SELECT id, user_id, quiz_id, marks, max_marks, submitted_at FROM attempts ORDER BY id"
        ).fetchall()
        answers = connection.execute(
            "SELECT id, response, fraction, mark, state FROM answers ORDER BY id"
        ).fetchall()
    return {"counts": counts, "attempts": marks, "answers": answers}


@pytest.mark.parametrize("release", [RELEASE_0_1, RELEASE_0_2], ids=["0.1", "0.2"])
def test_previous_release_database_upgrades_with_nothing_lost(
    tmp_path: Path, release: Path
) -> None:
    old = release_copy(tmp_path, release)
    database, before = old.database, old.before
    assert before["counts"]["attempts"] == 20 and before["counts"]["answers"] > 100

    app = old.app
    with app.app_context():
        upgrade()
        # Every submitted answer grades the same under today's code as when it was stored.
        for attempt in db.session.scalars(select(Attempt).where(Attempt.submitted_at.is_not(None))):
            total = 0.0
            for slot in attempt.slots:
                assert slot.answer is not None
                grade = question_from_version(slot.question_version).grade(slot.answer.response)
                assert grade.fraction == slot.answer.fraction, (attempt.id, slot.position)
                total += grade.fraction * slot.max_mark
            assert abs(total - (attempt.marks or 0.0)) < 1e-9
            if release == RELEASE_0_1:
                assert attempt.sequence == 0
        db.session.remove()
        db.engine.dispose()

    assert _snapshot(database) == before
