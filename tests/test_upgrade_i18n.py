"""Migration 0012_i18n on the previous release's database: nothing lost, the same grades, and
every existing account with no language or time zone set (so it follows the browser, in UTC)."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import inspect, select

from quizapp.extensions import db
from quizapp.models import Attempt, User
from tests.test_upgrade import _snapshot, release_copy


def test_release_0_2_upgrades_with_nothing_lost_and_no_language_set(tmp_path: Path) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before
    app = old.app
    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert "language" not in columns and "time_zone" not in columns
        upgrade()
        users = db.session.scalars(select(User)).all()
        assert len(users) == before["counts"]["users"] >= 6
        assert {(u.language, u.time_zone) for u in users} == {(None, None)}
        grades = {a.id: a.marks for a in db.session.scalars(select(Attempt))}
        assert grades == {row[0]: row[3] for row in before["attempts"]}
        db.session.remove()
        db.engine.dispose()
    assert _snapshot(database) == before
