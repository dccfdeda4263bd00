"""Migration 0006_attempt_ux on the previous release's database: the review flags of attempt
slots are added, not flagged for every old slot, and nothing else changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptSlot
from tests.test_upgrade import _snapshot, release_copy


def test_release_0_2_upgrades_with_unflagged_slots_and_nothing_lost(tmp_path: Path) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before
    with sqlite3.connect(database) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(attempt_slots)")]
        slots_before = connection.execute(
            "SELECT id, attempt_id, position, question_version_id, layout, max_mark "
            "FROM attempt_slots ORDER BY id"
        ).fetchall()
    assert "flagged" not in columns and len(slots_before) > 100

    app = old.app
    with app.app_context():
        upgrade()
        slots = db.session.scalars(select(AttemptSlot)).all()
        assert len(slots) == len(slots_before)
        assert not any(slot.flagged for slot in slots), "old slots are not flagged"
        unfinished = db.session.scalars(select(Attempt).where(Attempt.submitted_at.is_(None)))
        assert any(True for _ in unfinished), "the fixture has open attempts to resume"
        db.session.remove()
        db.engine.dispose()

    assert _snapshot(database) == before
    with sqlite3.connect(database) as connection:
        assert (
            connection.execute(
                "SELECT id, attempt_id, position, question_version_id, layout, max_mark "
                "FROM attempt_slots ORDER BY id"
            ).fetchall()
            == slots_before
        )
