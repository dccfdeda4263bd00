"""A submit, read and graded before the write lock, then written in one short transaction that
reads nothing (issue 10; docs/performance.md, session 9): the attempt claimed by one
conditional UPDATE whose row count decides, the answers and picks in bulk, the practice cards
without a read, and no second transaction afterwards for a quiz no LMS links."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, PracticeCard, User
from tests.conftest import TEST_DATABASE_URL, AuthActions, sql_statements
from tests.quiz_actions import QuizActions


@contextmanager
def transactions(app: Flask) -> Iterator[list[int]]:
    """The transactions the database connections begin while the block runs (SQLAlchemy's
    ``begin`` event: on SQLite and PostgreSQL alike, whether or not BEGIN is a statement)."""
    begun: list[int] = []

    def record(_connection: Any) -> None:
        begun.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "begin", record)
    try:
        yield begun
    finally:
        event.remove(engine, "begin", record)


def half_right(actions: QuizActions, attempt_id: int) -> dict[str, list[str]]:
    """The right answers to the first half of the questions; the others left blank (missed:
    each makes a practice card)."""
    right = actions.right_answers(attempt_id)
    positions = sorted({name.partition("-")[0] for name in right})
    kept = set(positions[: len(positions) // 2])
    return {name: value for name, value in right.items() if name.partition("-")[0] in kept}


def submit(quiz: QuizActions, attempt_id: int, fields: dict[str, list[str]]) -> Any:
    """Post the submit as the page would, its save count read beforehand (so that the
    statements seen are the request's alone)."""
    sequence = quiz.sequence(attempt_id)
    data = {"csrf_token": quiz.token, "sequence": str(sequence), "submit": "1", **fields}
    return lambda: quiz.client.post(f"/attempts/{attempt_id}", data=data)


_WRITTEN = re.compile(r"(?<!DO )(?<!FOR )\b(UPDATE|INSERT INTO|DELETE FROM) (\w+)")


def written_tables(statement: str, how: str | None = None) -> list[str]:
    """The tables a statement writes (``how``: only those it UPDATEs, INSERTs INTO or DELETEs
    FROM), in the order it names them: one for most, four for a submit's one statement on
    PostgreSQL (``postgres_submit``: data-modifying ``WITH`` parts)."""
    return [table for verb, table in _WRITTEN.findall(statement) if how in (None, verb)]


def writes_after_lock(statements: list[str]) -> list[str]:
    """The statements from the write transaction's first write (on SQLite its BEGIN
    IMMEDIATE; on PostgreSQL the first statement that writes, or SELECT ... FOR UPDATE) to the
    end."""
    for index, statement in enumerate(statements):
        head = statement.lstrip().upper()
        if head.startswith("BEGIN IMMEDIATE") or written_tables(statement) or "FOR UPDATE" in head:
            return statements[index:]
    raise AssertionError(f"no write among {statements}")


def test_a_submit_reads_nothing_under_the_write_lock(demo_app: Flask, quiz: QuizActions, auth):
    """After the lock: the claim (an UPDATE of the attempt), the answers, their picks and
    the practice cards (on PostgreSQL in one statement, then the cards' DELETE); not one
    SELECT. Before: the attempt with its slots and the class rules (one statement since
    session 15, its LMS link read with it), the login with them since session 19. The old code
    re-read the attempt under the lock (SELECT ... FOR UPDATE) and the student's cards (SELECT
    practice_cards)."""
    auth.register()
    attempt_id = quiz.start()
    post = submit(quiz, attempt_id, half_right(quiz, attempt_id))
    with sql_statements(demo_app) as seen:
        response = post()
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    locked = writes_after_lock(seen)
    reads = [s for s in locked if s.lstrip().upper().startswith("SELECT")]
    assert reads == [], reads
    assert locked[0 if TEST_DATABASE_URL else 1].startswith(
        "WITH claimed AS (UPDATE attempts" if TEST_DATABASE_URL else "UPDATE attempts"
    ), locked
    tables = [table for statement in locked for table in written_tables(statement)]
    # The login with the attempt, its slots and class rules; the claim, the answers, their picks,
    # the cards (one upsert, and one DELETE of what right answers retired or found no card
    # for): on PostgreSQL the first four in one statement, whose row says no card is left to
    # drop (no card retired: the DELETE is not sent); on SQLite one statement each, and the
    # two BEGINs.
    cards = ["practice_cards"] if TEST_DATABASE_URL else ["practice_cards", "practice_cards"]
    assert tables == ["attempts", "answers", "answer_picks", *cards]
    if not TEST_DATABASE_URL:
        assert locked[-1].startswith("DELETE FROM practice_cards"), locked
    assert len(seen) == (2 if TEST_DATABASE_URL else 8), "\n".join(s[:90] for s in seen)
    with demo_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.is_submitted and attempt.sequence == 1
        marks = db.session.scalars(select(Answer.mark).where(Answer.attempt_id == attempt_id))
        assert attempt.marks == sum(mark or 0 for mark in marks) > 0
        assert db.session.scalar(select(func.count(PracticeCard.id))) > 0


def test_a_quiz_no_lms_links_opens_no_second_transaction(demo_app: Flask, quiz, auth) -> None:
    """Two transactions: the reads, and the write; on PostgreSQL one since session 19, the
    reads' going on as the write's (``database._go_on_writing``). The old code's LTI listener
    opened one more after the commit, to ask whether an LMS links the quiz (it is read with the
    attempt). A linked quiz's grade still goes to the outbox:
    tests/lti/test_perf_submit4_lti.py."""
    auth.register()
    attempt_id = quiz.start()
    post = submit(quiz, attempt_id, quiz.right_answers(attempt_id))
    with transactions(demo_app) as begun, sql_statements(demo_app) as seen:
        response = post()
    assert response.status_code == 302
    assert len(begun) == (1 if TEST_DATABASE_URL else 2), seen
    assert [s for s in seen if "lti_resource_links" in s and "EXISTS" not in s] == []


def test_two_submits_of_one_attempt_at_once_record_one(demo_app: Flask, quiz, auth) -> None:
    """Both requests read the open attempt before either takes the write lock: one is
    recorded, the other is told it was already submitted (no 500, one set of answers, one card
    per question). The claim's row count decides: an UPDATE without its ``submitted_at IS
    NULL AND sequence = ?`` would record both (two sets of answers)."""
    auth.register()
    attempt_id = quiz.start()
    fields = half_right(quiz, attempt_id)
    sequence = quiz.sequence(attempt_id)
    clients = [demo_app.test_client() for _ in range(2)]
    for client in clients:
        AuthActions(client).login()
    tokens = [quiz_token(client) for client in clients]
    loaded = threading.Barrier(2, timeout=20)
    seen = threading.local()

    def both_loaded(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        # After a request's read of its attempt's slots, wait for the other's: both then hold
        # the attempt as open, at the same save count.
        if "FROM attempt_slots" in statement and not getattr(seen, "slots", False):
            seen.slots = True
            loaded.wait()

    responses: list[Any] = [None, None]

    def submit(index: int) -> None:
        data = {"csrf_token": tokens[index], "sequence": str(sequence), "submit": "1", **fields}
        responses[index] = clients[index].post(f"/attempts/{attempt_id}", data=data)

    with demo_app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", both_loaded)
    try:
        threads = [threading.Thread(target=submit, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        event.remove(engine, "after_cursor_execute", both_loaded)
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.headers["Location"] for r in responses} == {f"/attempts/{attempt_id}/review"}
    messages = sorted(flashed(client) for client in clients)
    assert messages == [
        "This attempt was already submitted; nothing was changed.",
        "Your attempt is submitted.",
    ]
    with demo_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.is_submitted and attempt.sequence == sequence + 1
        answered = db.session.scalar(
            select(func.count(Answer.id)).where(Answer.attempt_id == attempt_id)
        )
        assert answered == len(attempt.slots)
        user_id = db.session.scalar(select(User.id).where(User.username == "ada"))
        cards = db.session.execute(
            select(PracticeCard.question_id, func.count())
            .where(PracticeCard.user_id == user_id)
            .group_by(PracticeCard.question_id)
        ).all()
        assert cards and all(count == 1 for _question, count in cards)


def quiz_token(client: FlaskClient) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client.get("/").get_data(as_text=True))


def flashed(client: FlaskClient) -> str:
    """The flash message the client's session carries (the one its next page would show)."""
    with client.session_transaction() as session:
        messages = session.get("_flashes", [])
    assert len(messages) == 1, messages
    return messages[0][1]
