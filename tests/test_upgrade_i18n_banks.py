"""Migration 0011_i18n_banks on the previous release's database: attempt slots gain the
language they were shown in, NULL (the bank's default language) for every old slot, and
nothing else changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptSlot
from quizapp.questions import shown_question
from tests.test_upgrade import _snapshot, release_copy

SLOT_COLUMNS = "id, attempt_id, position, question_version_id, layout, max_mark"


def test_release_0_2_upgrades_with_default_language_slots_and_nothing_lost(
    tmp_path: Path,
) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before
    with sqlite3.connect(database) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(attempt_slots)")]
        slots_before = connection.execute(
            f"SELECT {SLOT_COLUMNS} FROM attempt_slots ORDER BY id"
        ).fetchall()
    assert "language" not in columns and len(slots_before) > 100

    app = old.app
    with app.app_context():
        upgrade()
        slots = db.session.scalars(select(AttemptSlot).order_by(AttemptSlot.id)).all()
        assert len(slots) == len(slots_before)
        assert all(slot.language is None for slot in slots), "old slots: the default language"
        # an old slot's question shows as it always did (its stored plain text)
        first = slots[0]
        assert shown_question(first).text == first.question_version.data["text"]
        db.session.remove()
        db.engine.dispose()

    assert _snapshot(database) == before
    with sqlite3.connect(database) as connection:
        after = connection.execute(f"SELECT {SLOT_COLUMNS} FROM attempt_slots ORDER BY id")
        assert after.fetchall() == slots_before
