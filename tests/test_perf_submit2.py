"""A submit's CPU (issue 10, branch perf-submit2): what was cut keeps every rule.

- The login's once-a-minute "last seen" write rides along with the request's own write
  transaction (a save or a submit) instead of being a write transaction of its own; a request
  that writes nothing, or whose write rolls back, still records the visit at its end.
- The lock of a save or submit ends the read transaction without expiring what it loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import event, inspect, select, update

from quizapp.database import begin_write, write_pending, write_with_next
from quizapp.extensions import db
from quizapp.models import Attempt, LoginSession, User, now_utc
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions
from tests.test_sessions import logins, set_last_seen

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def write_transactions(app: Flask) -> Iterator[list[list[str]]]:
    """The committed transactions that wrote while the block ran, each as its statements'
    first words (SQLAlchemy's engine events: every BEGIN, statement and COMMIT it sends)."""
    committed: list[list[str]] = []
    current: list[str] = []

    def begin(_conn: Any) -> None:
        current.clear()

    def statement(_conn: Any, _cursor: Any, text: str, *_args: Any) -> None:
        current.append(text.split(None, 1)[0].upper())

    def commit(_conn: Any) -> None:
        if any(word in WRITES for word in current):
            committed.append(list(current))
        current.clear()

    with app.app_context():
        engine = db.engine
    listeners = [("begin", begin), ("before_cursor_execute", statement), ("commit", commit)]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield committed
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


def seen_at(app: Flask) -> Any:
    [login] = logins(app)
    return login.last_seen_at


def test_a_submit_with_the_visit_due_writes_it_in_its_own_transaction(
    app: Flask, quiz: QuizActions, auth: AuthActions
):
    """One write transaction for the submit and the visit (there were two: the touch, first
    thing, with its own lock and commit), and the visit is recorded all the same."""
    auth.register("ada")
    attempt_id = quiz.start()
    fields = quiz.right_answers(attempt_id)
    quiz.sequence(attempt_id)
    set_last_seen(app, timedelta(minutes=5))
    stale = seen_at(app)

    with write_transactions(app) as written:
        response = quiz.submit(attempt_id, fields)

    assert response.status_code == 302 and "/review" in response.headers["Location"]
    assert len(written) == 1, written
    assert seen_at(app) > stale + timedelta(minutes=4)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.submitted_at is not None
        assert attempt.marks == attempt.max_marks


def test_a_refused_submit_still_records_the_visit(app: Flask, quiz: QuizActions, auth: AuthActions):
    """The submit's transaction rolls back (the attempt was submitted already): the visit
    waits for the end of the request and is written there, once."""
    auth.register("ada")
    attempt_id = quiz.start()
    fields = quiz.right_answers(attempt_id)
    assert quiz.submit(attempt_id, fields).status_code == 302
    set_last_seen(app, timedelta(minutes=5))
    stale = seen_at(app)

    with write_transactions(app) as written:
        response = quiz.submit(attempt_id, fields)

    assert response.status_code == 302
    assert len(written) == 1, written  # the visit alone; the refused submit wrote nothing
    assert seen_at(app) > stale + timedelta(minutes=4)


def test_a_page_that_writes_nothing_records_the_visit_at_its_end(
    app: Flask, client: Any, auth: AuthActions
):
    auth.register("ada")
    set_last_seen(app, timedelta(minutes=5))
    stale = seen_at(app)
    with write_transactions(app) as written:
        assert client.get("/history").status_code == 200
    assert len(written) == 1, written
    assert seen_at(app) > stale + timedelta(minutes=4)
    with write_transactions(app) as written:
        assert client.get("/history").status_code == 200
    assert written == [], "a visit within the minute writes nothing"


def test_a_write_that_rolls_back_waits_for_the_next_transaction(app: Flask):
    """``write_with_next``: run before the next write transaction commits; one that rolls
    back puts it back; ``write_pending`` writes what is left; a newer one under the same key
    replaces an older one still waiting."""
    with app.app_context():
        user = User(username="ada", password_hash="x")
        db.session.add(user)
        db.session.flush()
        login = LoginSession(user_id=user.id, token_hash="h" * 64)
        db.session.add(login)
        db.session.commit()
        login_id = login.id
        touch = update(LoginSession).where(LoginSession.id == login_id)
        early, later = now_utc() - timedelta(days=2), now_utc() - timedelta(days=1)

        def last_seen() -> Any:
            return db.session.scalar(
                select(LoginSession.last_seen_at).where(LoginSession.id == login_id)
            )

        before = last_seen()
        write_with_next("touch", touch.values(last_seen_at=early), {})
        db.session.rollback()
        assert last_seen() == before, "a read-only transaction does not take it"
        db.session.commit()
        begin_write()
        db.session.rollback()
        assert last_seen() == before
        write_with_next("touch", touch.values(last_seen_at=later), {})
        write_pending()
        assert last_seen() == later
        db.session.commit()
        write_pending()  # nothing waits now: no transaction at all
        assert not db.session().in_transaction()


def test_the_lock_keeps_what_the_request_loaded(app: Flask, quiz: QuizActions, auth: AuthActions):
    """``begin_write(keep_loaded=True)`` (a save's or submit's lock) ends the read transaction
    without expiring the objects it loaded; by default they are expired as before."""
    auth.register("ada")
    attempt_id = quiz.start()
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and not inspect(attempt).expired_attributes
        begin_write(keep_loaded=True)
        assert not inspect(attempt).expired_attributes
        assert db.session().expire_on_commit, "the session's setting is put back"
        db.session.rollback()

        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        begin_write()
        assert "submitted_at" in inspect(attempt).expired_attributes
        db.session.rollback()


def test_a_choice_questions_keys_are_worked_out_once_and_follow_its_language():
    """``choices_by_key`` is kept per question object (every read and grade of a submit asks),
    and a copy in another language gets its own choices, not the original's kept ones."""
    from pydantic import TypeAdapter

    from quizapp.qtypes import AnyQuestion
    from quizapp.qtypes.languages import in_language

    question = TypeAdapter(AnyQuestion).validate_python(
        {
            "id": "q1",
            "type": "single",
            "text": {"en": "Which?", "zh": "哪个?"},
            "choices": [
                {"text": {"en": "Right", "zh": "对"}, "correct": True},
                {"en": "Wrong", "zh": "错"},
            ],
        }
    )
    by_key = question.choices_by_key()
    assert question.choices_by_key() is by_key
    assert [choice.text for choice in by_key.values()] == ["Right", "Wrong"]
    right = next(key for key, choice in by_key.items() if choice.correct)

    shown = in_language(question, "zh")
    assert [choice.text for choice in shown.choices_by_key().values()] == ["对", "错"]
    assert list(shown.choices_by_key()) == list(by_key), "keys do not depend on the language"
    assert [option["text"] for option in shown.public_view({})["options"]] == ["对", "错"]
    assert shown.grade({"choice": right}).fraction == 1.0
    assert question.grade({"choice": right}).fraction == 1.0
    assert question == TypeAdapter(AnyQuestion).validate_python(question.model_dump())
