"""A submit of a quiz an LMS links (tests/test_perf_submit4.py: one no LMS links opens no
transaction after its commit): the link is read with the attempt, and the grade still goes to
the outbox, then to the LMS once the response is sent."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import sql_statements
from tests.lti import fixtures
from tests.lti.platform import TestPlatform
from tests.lti.test_lti import answers, launch
from tests.lti.test_lti_outbox import outbox
from tests.quiz_actions import QuizActions

served, lms, app_config = fixtures.served, fixtures.lms, fixtures.app_config
bank_path, quiz_id, registered = fixtures.bank_path, fixtures.quiz_id, fixtures.registered


def test_a_linked_quiz_still_queues_its_grade(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    """The link read with the attempt sends the grade to the outbox as before."""
    assert launch(client, lms).status_code == 302
    actions = QuizActions(app, client)
    attempt_id = actions.start("all")
    with sql_statements(app) as seen:
        response = actions.submit(attempt_id, answers(q1="wrong one q1"))
    assert response.status_code == 302
    assert outbox(app) == [(200 / 3, 0, False)]
    # Linked: the listener asked no question of its own, it queued the grade.
    assert [s for s in seen if s.startswith("SELECT lti_resource_links.id")] == []
    assert any(s.startswith("INSERT INTO lti_outbox") for s in seen), seen
    response.close()
    assert len(lms.scores) == 1 and outbox(app) == []
