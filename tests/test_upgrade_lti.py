"""Migration 0009_lti on a database the previous release (schema 0002) filled through its
pages: every attempt and grade stays, the LTI tables start empty (no old account is linked to
any LMS), and a platform can be registered and the tool's keys published at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.lti.grades import current_grade
from quizapp.models import Attempt, LtiAccount, LtiGrade, LtiKey, LtiPlatform, Quiz, User
from tests.conftest import AuthActions, _head_revision
from tests.people_actions import PASSWORD
from tests.test_upgrade import _snapshot, release_copy

LTI_TABLES = (
    "lti_platforms",
    "lti_deployments",
    "lti_keys",
    "lti_launch_values",
    "lti_accounts",
    "lti_contexts",
    "lti_resource_links",
    "lti_grades",
)


def test_release_0_2_upgrades_to_lti_with_nothing_lost(tmp_path: Path) -> None:
    old = release_copy(tmp_path)
    database, before = old.database, old.before

    app = old.app
    with app.app_context():
        upgrade()
        db.session.remove()
        assert _snapshot(database) == before
        for model in (LtiPlatform, LtiAccount, LtiGrade, LtiKey):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
        # The grade LTI would send for an old student is the one the pages show.
        attempt = db.session.scalar(
            select(Attempt).where(Attempt.submitted_at.is_not(None), Attempt.quiz_id.is_not(None))
        )
        assert attempt is not None
        user, quiz = db.session.get(User, attempt.user_id), db.session.get(Quiz, attempt.quiz_id)
        assert user is not None and quiz is not None
        assert current_grade(user, quiz) is not None
        db.session.remove()

    runner = app.test_cli_runner()
    registered = runner.invoke(
        args=[
            "lti",
            "add-platform",
            "--issuer",
            "https://moodle.school.example",
            "--client-id",
            "abc",
            "--auth-login-url",
            "https://moodle.school.example/mod/lti/auth.php",
            "--token-url",
            "https://moodle.school.example/mod/lti/token.php",
            "--key-set-url",
            "https://moodle.school.example/mod/lti/certs.php",
            "--deployment-id",
            "1",
        ]
    )
    assert registered.exit_code == 0, registered.output
    client = app.test_client()
    assert len(client.get("/lti/jwks").get_json()["keys"]) == 1
    assert AuthActions(client).login("student-1", PASSWORD).status_code == 302
    with app.app_context():
        db.session.remove()
        db.engine.dispose()

    after = _snapshot(database)
    assert after["attempts"] == before["attempts"] and after["answers"] == before["answers"]
    with sqlite3.connect(database) as connection:
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert version == _head_revision()
    assert set(LTI_TABLES) <= tables
