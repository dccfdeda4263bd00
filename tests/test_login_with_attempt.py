"""An attempt's page, save and submit read the request's login within the attempt's own
statement (``attempts.read_with_login``, registered by ``student.views`` with
``auth.views.read_with_login``). The login must mean exactly what it means when read alone
(``login_sessions.LIVE_LOGIN``): a login that ended (logout, idle time, a disabled account)
shows no attempt and changes nothing, and a live one sees only its own attempts."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from quizapp.accounts import create_user, find_user
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, LoginSession, User, now_utc
from tests.conftest import AuthActions, sql_statements
from tests.quiz_actions import QuizActions

PASSWORD = "correct horse 1"


def _set_last_seen(app: Flask, ago: timedelta) -> None:
    with app.app_context():
        db.session.execute(update(LoginSession).values(last_seen_at=now_utc() - ago))
        db.session.commit()


def _last_seen(app: Flask) -> object:
    with app.app_context():
        return db.session.scalar(select(LoginSession.last_seen_at))


def _stored(app: Flask, attempt_id: int) -> tuple[object, int, int]:
    """What a refused request must not change: submitted or not, the save count, answers."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        answers = db.session.scalars(select(Answer).where(Answer.attempt_id == attempt_id))
        return attempt.submitted_at, attempt.sequence, len(list(answers))


def _sent_to_log_in(response: object) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]  # type: ignore[attr-defined]


def _assert_sent_to_log_in_and_nothing_changes(
    app: Flask, quiz: QuizActions, attempt_id: int, fields: dict[str, list[str]]
) -> None:
    """The attempt's page, a save and a submit all send the browser to log in, and the
    attempt stays as it was."""
    before = _stored(app, attempt_id)
    assert _sent_to_log_in(quiz.client.get(f"/attempts/{attempt_id}"))
    assert _sent_to_log_in(quiz.save(attempt_id, fields))
    assert _sent_to_log_in(quiz.submit(attempt_id, fields))
    assert _stored(app, attempt_id) == before


def test_a_live_login_reads_the_page_in_one_statement_and_is_the_account(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register("ada")
    attempt_id = quiz.start()
    quiz.client.get(f"/attempts/{attempt_id}")  # warm: questions parsed
    with sql_statements(demo_app) as seen:
        page = quiz.client.get(f"/attempts/{attempt_id}")
    assert page.status_code == 200
    assert "ada" in page.get_data(as_text=True)  # the account's name in the header
    selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "login_sessions" in selects[0] and "attempt_slots" in selects[0]


def test_a_logged_out_session_sees_no_attempt_and_changes_nothing(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register("ada")
    attempt_id = quiz.start()
    fields = quiz.right_answers(attempt_id)
    saved_cookie = quiz.client.get_cookie("session")
    assert saved_cookie is not None
    token = quiz.token
    auth.logout()
    quiz.client.set_cookie("session", saved_cookie.value)  # a cookie copied before logout
    quiz.token = token
    _assert_sent_to_log_in_and_nothing_changes(demo_app, quiz, attempt_id, fields)


def test_an_idle_login_is_sent_to_log_in_and_a_recent_one_is_recorded_as_seen(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    demo_app.config["SESSION_IDLE_MINUTES"] = 30
    auth.register("ada")
    attempt_id = quiz.start()
    _set_last_seen(demo_app, timedelta(minutes=5))
    stale = _last_seen(demo_app)
    assert quiz.client.get(f"/attempts/{attempt_id}").status_code == 200
    assert _last_seen(demo_app) > stale  # type: ignore[operator]
    _set_last_seen(demo_app, timedelta(minutes=31))
    _assert_sent_to_log_in_and_nothing_changes(
        demo_app, quiz, attempt_id, quiz.right_answers(attempt_id)
    )


def test_a_disabled_account_is_sent_to_log_in(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register("ada")
    attempt_id = quiz.start()
    with demo_app.app_context():
        db.session.execute(update(User).values(disabled_at=now_utc()))
        db.session.commit()
    _assert_sent_to_log_in_and_nothing_changes(
        demo_app, quiz, attempt_id, quiz.right_answers(attempt_id)
    )


def test_another_students_attempt_and_a_missing_one_are_404(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register("ada")
    ada_attempt = quiz.start()
    fields = quiz.right_answers(ada_attempt)
    auth.logout()
    with demo_app.app_context():
        create_user("ben", PASSWORD)
    auth.login("ben", PASSWORD)
    assert quiz.client.get(f"/attempts/{ada_attempt}").status_code == 404
    before = _stored(demo_app, ada_attempt)
    quiz.token = None
    assert quiz.submit(ada_attempt, fields).status_code == 404
    assert _stored(demo_app, ada_attempt) == before
    assert quiz.client.get(f"/attempts/{ada_attempt + 1000}").status_code == 404
    ben_attempt = quiz.start()
    assert quiz.client.get(f"/attempts/{ben_attempt}").status_code == 200


def test_a_submit_with_the_login_read_along_is_graded_and_the_account_still_works(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    """The account made from the statement's row is the session's, as the ORM's would be: a
    submit's commit expires it, and what follows (the review, the account page) reads it
    again."""
    auth.register("ada")
    attempt_id = quiz.start()
    response = quiz.submit(attempt_id, quiz.right_answers(attempt_id))
    assert response.status_code == 302 and response.headers["Location"].endswith("/review")
    review = quiz.client.get(response.headers["Location"])
    assert review.status_code == 200 and "ada" in review.get_data(as_text=True)
    assert quiz.client.get("/auth/account").status_code == 200
    with demo_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        user = find_user("ada")
        assert attempt is not None and user is not None
        assert attempt.is_submitted and attempt.user_id == user.id and attempt.marks
