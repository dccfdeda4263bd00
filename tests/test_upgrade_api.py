"""Migration 0010_api on the previous release's database: the API token table is added,
empty (no account has a token until its owner makes one), nothing else changes, and an
old account can make a token and use it at once."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, inspect, select

from quizapp.api import tokens
from quizapp.extensions import db
from quizapp.models import ApiToken, Attempt, User
from tests.test_upgrade import _snapshot, release_copy


def test_release_0_2_upgrades_with_an_empty_token_table_and_nothing_lost(tmp_path: Path) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before

    app = old.app
    with app.app_context():
        assert "api_tokens" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "api_tokens" in inspect(db.engine).get_table_names()
        assert db.session.scalar(select(func.count(ApiToken.id))) == 0
        student = db.session.scalar(select(User).join(Attempt, Attempt.user_id == User.id).limit(1))
        assert student is not None
        made = tokens.create_token(student, "after the upgrade", ["read"])
        db.session.remove()

    response = app.test_client().get(
        "/api/v1/history", headers={"Authorization": f"Bearer {made.token}"}
    )
    assert response.status_code == 200
    assert response.get_json()["total"] >= 1, "the old attempts are the student's history"
    with app.app_context():
        db.session.execute(ApiToken.__table__.delete())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    assert _snapshot(database) == before
