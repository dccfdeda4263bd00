"""Migration 0005_people on a database the previous release (schema 0002) filled through its
pages: every attempt and grade stays, old accounts become active non-admins without an e-mail
address, and the people pages work on it at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import PasswordLink, User
from tests.conftest import AuthActions
from tests.people_actions import PASSWORD, press
from tests.test_upgrade import _snapshot, release_copy


def test_release_0_2_upgrades_to_people_with_nothing_lost(tmp_path: Path) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before
    with sqlite3.connect(database) as connection:
        users_before = connection.execute(
            "SELECT id, username, password_hash, is_teacher, created_at FROM users ORDER BY id"
        ).fetchall()
        logins_before = connection.execute("SELECT count(*) FROM login_sessions").fetchone()[0]
    assert len(users_before) == 6

    app = old.app
    with app.app_context():
        upgrade()
        users = db.session.scalars(select(User).order_by(User.id)).all()
        assert [(u.is_admin, u.disabled_at, u.email, u.role) for u in users] == [
            (False, None, None, "student")
        ] * 6
        assert db.session.scalars(select(PasswordLink)).all() == []
        db.session.remove()
        assert _snapshot(database) == before
        create_user("head", PASSWORD, is_admin=True)
        db.session.remove()

    # The old accounts log in as before; the first admin manages them at once.
    student = app.test_client()
    assert AuthActions(student).login("student-1", PASSWORD).status_code == 302
    admin = app.test_client()
    assert AuthActions(admin).login("head", PASSWORD).status_code == 302
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert all(f"student-{n}" in listing for n in range(6))
    assert press(admin, "/admin/users/2/disable").status_code == 302
    assert student.get("/history").status_code == 302, "disabled: logged out at once"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()

    after = _snapshot(database)
    assert after["attempts"] == before["attempts"] and after["answers"] == before["answers"]
    with sqlite3.connect(database) as connection:
        users_after = connection.execute(
            "SELECT id, username, password_hash, is_teacher, created_at FROM users "
            "WHERE username != 'head' ORDER BY id"
        ).fetchall()
        logins_after = connection.execute(
            "SELECT count(*) FROM login_sessions WHERE user_id != (SELECT id FROM users "
            "WHERE username = 'head')"
        ).fetchone()[0]
    assert users_after == users_before
    assert logins_after >= logins_before, "disabling ends logins; it deletes none"
