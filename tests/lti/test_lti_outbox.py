"""The grade outbox (quizapp/lti/grades.py): a submit is answered before the LMS is called,
a grade the LMS does not take waits in ``lti_outbox`` for ``flask lti send-grades``, and a
newer grade replaces an unsent older one. Against the test platform's real AGS endpoint."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, LtiGrade, LtiOutbox
from tests.lti import fixtures
from tests.lti.platform import TestPlatform
from tests.lti.test_lti import answers, launch, score_of, take
from tests.lti.test_lti_admin import admin
from tests.quiz_actions import QuizActions

served, lms, app_config = fixtures.served, fixtures.lms, fixtures.app_config
bank_path, quiz_id, registered = fixtures.bank_path, fixtures.quiz_id, fixtures.registered


def outbox(app: Flask) -> list[tuple[float | None, int, bool]]:
    """(score, tries, has an error) of each waiting grade."""
    with app.app_context():
        return [
            (row.score, row.tries, row.error is not None)
            for row in db.session.scalars(select(LtiOutbox).order_by(LtiOutbox.id))
        ]


def test_the_submit_is_answered_before_the_lms_is_called(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    assert launch(client, lms).status_code == 302
    actions = QuizActions(app, client)
    attempt_id = actions.start("all")

    response = actions.submit(attempt_id, answers(q1="wrong one q1"))

    # The response is complete while the LMS has heard nothing: the grade is in the outbox.
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    assert lms.scores == []
    assert outbox(app) == [(200 / 3, 0, False)]

    response.close()  # the server has sent it: now the grade goes

    assert [score_of(s) for s in lms.scores] == [
        ("student-1", 66.67, 100, "Completed", "FullyGraded")
    ]
    assert outbox(app) == []
    with app.app_context():
        record = db.session.scalar(select(LtiGrade))
        assert record is not None and record.sent_grade == 200 / 3 and record.sent_at is not None


def test_with_the_lms_down_the_grade_waits_and_send_grades_delivers_it(
    app: Flask, client: FlaskClient, runner, lms: TestPlatform, registered: int
) -> None:
    assert launch(client, lms).status_code == 302
    lms.fail_scores = True  # the platform's AGS endpoint answers 503

    attempt_id = take(app, client, answers())

    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.submitted_at is not None and attempt.marks == 3
    assert lms.scores == []
    assert outbox(app) == [(100, 1, True)]
    principal = admin(app)
    assert "1 grade(s) could not be delivered yet." in principal.get("/lti/admin").get_data(
        as_text=True
    )

    still_down = runner.invoke(args=["lti", "send-grades"])
    assert still_down.exit_code == 1
    assert "0 grade(s) sent to the LMS; 1 still waiting." in still_down.output
    assert outbox(app) == [(100, 2, True)]

    lms.fail_scores = False
    delivered = runner.invoke(args=["lti", "send-grades"])

    assert delivered.exit_code == 0, delivered.output
    assert "1 grade(s) sent to the LMS; 0 still waiting." in delivered.output
    assert [score_of(s) for s in lms.scores] == [
        ("student-1", 100, 100, "Completed", "FullyGraded")
    ]
    assert outbox(app) == []
    assert "Every grade has reached the LMS." in principal.get("/lti/admin").get_data(as_text=True)


def test_a_newer_grade_replaces_an_unsent_older_one(
    app: Flask, client: FlaskClient, runner, lms: TestPlatform, registered: int
) -> None:
    assert launch(client, lms).status_code == 302
    lms.fail_scores = True
    take(app, client, answers(q1="wrong one q1"))
    assert outbox(app) == [(200 / 3, 1, True)]

    take(app, client, answers())  # the quiz grades by the latest attempt

    assert outbox(app) == [(100, 2, True)]  # one row, the newer grade (its send failed too)
    lms.fail_scores = False
    assert runner.invoke(args=["lti", "send-grades"]).exit_code == 0
    assert [s["scoreGiven"] for s in lms.scores] == [100]  # the older grade never arrives


def test_send_grades_finds_a_changed_grade_that_never_reached_the_outbox(
    app: Flask, client: FlaskClient, runner, lms: TestPlatform, registered: int
) -> None:
    assert launch(client, lms).status_code == 302
    take(app, client, answers(q1="wrong one q1"))
    assert [s["scoreGiven"] for s in lms.scores] == [66.67]
    # A worker stopped after storing the submission, before writing the outbox: no listener.
    app.config["LTI_SEND_GRADES"] = False
    take(app, client, answers())
    app.config["LTI_SEND_GRADES"] = True
    assert outbox(app) == [] and len(lms.scores) == 1

    sent = runner.invoke(args=["lti", "send-grades"])

    assert sent.exit_code == 0, sent.output
    assert "1 grade(s) sent to the LMS; 0 still waiting." in sent.output
    assert [s["scoreGiven"] for s in lms.scores] == [66.67, 100]
    again = runner.invoke(args=["lti", "send-grades"])  # nothing differs any more
    assert "0 grade(s) sent to the LMS; 0 still waiting." in again.output
    assert len(lms.scores) == 2
