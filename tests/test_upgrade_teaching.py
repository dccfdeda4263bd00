"""Migration 0003_teaching on a database the previous release (schema 0002) filled."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Answer, MarkChange, Regrade
from tests.test_upgrade import _snapshot, release_copy


def test_release_0_2_upgrades_with_nothing_lost_and_no_corrections(tmp_path: Path) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before
    app = old.app
    with app.app_context():
        upgrade()
        answers = db.session.scalar(select(func.count(Answer.id)))
        assert answers > 100
        # Old answers: graded by the app, not corrected, no comment.
        assert db.session.scalar(select(func.count(Answer.id)).where(Answer.corrected)) == 0
        assert (
            db.session.scalar(select(func.count(Answer.id)).where(Answer.comment.is_not(None))) == 0
        )
        assert db.session.scalar(select(func.count(MarkChange.id))) == 0
        assert db.session.scalar(select(func.count(Regrade.id))) == 0
        db.session.remove()
        db.engine.dispose()
    assert _snapshot(database) == before
