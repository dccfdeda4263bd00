"""Migration 0013_lti_outbox on the previous release's database (release-0.2, filled through
its pages): every attempt and grade stays, the outbox starts empty for old rows, and a grade
that 0012 kept as ``pending`` in ``lti_grades`` moves to the outbox and still reaches the LMS
(the test platform, tests/lti/platform.py) with ``flask lti send-grades``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.lti.grades import current_grade
from quizapp.models import Attempt, LtiGrade, LtiOutbox, Quiz, User
from tests.conftest import _revisions_down_to
from tests.lti import fixtures
from tests.lti.platform import SCORE_SCOPE, TestPlatform
from tests.test_upgrade import _snapshot, release_copy

served, lms = fixtures.served, fixtures.lms


def test_release_0_2_upgrades_to_the_outbox_and_a_pending_grade_still_reaches_the_lms(
    tmp_path: Path, lms: TestPlatform
) -> None:
    old = release_copy(tmp_path)
    app, database = old.app, old.database
    with app.app_context():
        upgrade(revision="0012_i18n")
        assert db.session.scalar(select(func.count()).select_from(Attempt)) > 0
        attempt = db.session.scalar(
            select(Attempt)
            .where(Attempt.submitted_at.is_not(None), Attempt.quiz_id.is_not(None))
            .order_by(Attempt.id)
        )
        assert attempt is not None
        user_id, quiz_id = attempt.user_id, attempt.quiz_id
        db.session.remove()
    runner = app.test_cli_runner()
    assert runner.invoke(args=lms.registration_args()).exit_code == 0
    lms.tool_keys = app.test_client().get("/lti/jwks").get_json()
    # A grade 0012 could not deliver: an old student's, on a link of an old quiz.
    endpoint = {"scope": [SCORE_SCOPE], "lineitem": f"{lms.url}/lineitems/1/lineitem"}
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO lti_resource_links (platform_id, resource_link_id, quiz_id, ags_endpoint)"
            " VALUES ((SELECT id FROM lti_platforms), 'link-1', ?, ?)",
            (quiz_id, json.dumps(endpoint)),
        )
        connection.execute(
            "INSERT INTO lti_grades (link_id, user_id, subject, pending, error)"
            " VALUES ((SELECT id FROM lti_resource_links), ?, 'student-1', 1, 'LMS down')",
            (user_id,),
        )
    before = _snapshot(database)

    with app.app_context():
        upgrade()
        db.session.remove()
        assert _snapshot(database) == before  # same attempts, answers, grades
        [waiting] = db.session.scalars(select(LtiOutbox)).all()
        assert (waiting.user_id, waiting.score, waiting.tries, waiting.error) == (
            user_id,
            None,  # the quiz's grade when sent
            1,
            "LMS down",
        )
        assert waiting.graded_at is not None
        record = db.session.scalar(select(LtiGrade))
        assert record is not None and record.pending is False and record.error is None
        user, quiz = db.session.get(User, user_id), db.session.get(Quiz, quiz_id)
        assert user is not None and quiz is not None
        grade = current_grade(user, quiz)
        assert grade is not None
        db.session.remove()

    sent = runner.invoke(args=["lti", "send-grades"])

    assert sent.exit_code == 0, sent.output
    assert [(s["userId"], s["scoreGiven"], s["gradingProgress"]) for s in lms.scores] == [
        ("student-1", round(grade, 2), "FullyGraded")
    ]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LtiOutbox)) == 0
        record = db.session.scalar(select(LtiGrade))
        assert record is not None and record.sent_grade == grade
        db.session.remove()
        # And back: a waiting grade returns to lti_grades.pending.
        db.session.add(LtiOutbox(link_id=record.link_id, user_id=user_id, score=50.0))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0012_i18n")
        db.session.remove()
        db.engine.dispose()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT pending FROM lti_grades").fetchall() == [(1,)]
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        assert "lti_outbox" not in tables
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "0012_i18n",
        )
    # The downgrade from the newest migration to 0012 went back across 0013, the one tested.
    assert "0013_lti_outbox" in _revisions_down_to("0012_i18n")
