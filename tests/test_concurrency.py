"""Under concurrent requests nothing is lost and nothing fails with a 500 ("database is
locked" on SQLite; serialisation on PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Answer, Attempt
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions

STUDENTS = 8


def test_many_students_submit_at_once(demo_app):
    def one_student(number: int) -> list[int]:
        client = demo_app.test_client()
        codes = [AuthActions(client).register(f"student-{number}").status_code]
        actions = QuizActions(demo_app, client)
        attempt_id = actions.start()
        answers = actions.right_answers(attempt_id)
        codes.append(actions.save(attempt_id, answers).status_code)
        codes.append(actions.submit(attempt_id, answers).status_code)
        return codes

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(one_student, range(STUDENTS)))
    assert all(code in (200, 302) for codes in results for code in codes), results
    with demo_app.app_context():
        submitted = db.session.scalars(select(Attempt).where(Attempt.submitted_at.is_not(None)))
        scores = [attempt.score_percent for attempt in submitted]
    assert scores == [100] * STUDENTS


def test_the_same_attempt_submitted_twice_at_once_is_graded_once(demo_app, client, auth):
    auth.register()
    actions = QuizActions(demo_app, client)
    attempt_id = actions.start()
    answers = actions.right_answers(attempt_id)

    cookie = client.get_cookie("session")
    assert cookie is not None

    def submit(_: int) -> int:
        """The same student's session in another tab: its own client, the same cookie."""
        tab = demo_app.test_client()
        tab.set_cookie("session", cookie.value)
        tab_actions = QuizActions(demo_app, tab)
        tab_actions.token = actions.token
        return tab_actions.submit(attempt_id, answers).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(submit, range(4)))
    assert codes == [302] * 4
    with demo_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score_percent == 100
        answers_stored = db.session.scalar(select(func.count(Answer.id)))
        assert answers_stored == len(attempt.slots)
