"""Migration 0009_i18n on the previous release's database: nothing lost, the same grades, and
every existing account with no language or time zone set (so it follows the browser, in UTC)."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import inspect, select

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Attempt, User
from tests.test_upgrade import RELEASE_0_2, _snapshot


def test_release_0_2_upgrades_with_nothing_lost_and_no_language_set(tmp_path: Path) -> None:
    database = tmp_path / "quizapp.sqlite"
    shutil.copy(RELEASE_0_2, database)
    before = _snapshot(database)
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
