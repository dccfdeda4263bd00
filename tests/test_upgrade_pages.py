"""Migration 0007_pages on the previous release's database: nothing lost, the same grades,
and an empty table of checked uploads (none was ever kept before)."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, inspect, select

from quizapp.extensions import db
from quizapp.models import Attempt, CheckedUpload
from tests.test_upgrade import _snapshot, release_copy


def test_release_0_2_upgrades_with_nothing_lost_and_no_uploads(tmp_path: Path) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before
    app = old.app
    with app.app_context():
        assert "checked_uploads" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "checked_uploads" in inspect(db.engine).get_table_names()
        assert db.session.scalar(select(func.count(CheckedUpload.id))) == 0
        grades = {a.id: a.marks for a in db.session.scalars(select(Attempt))}
        assert grades == {row[0]: row[3] for row in before["attempts"]}
        db.session.remove()
        db.engine.dispose()
    assert _snapshot(database) == before
