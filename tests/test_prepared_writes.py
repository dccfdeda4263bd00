"""A save's and a submit's writes are made ready before the write lock (issue 10;
docs/performance.md, "Session 12"): compiled once and their values converted for the driver
beforehand, so that under the lock they are only sent. What they store is what SQLAlchemy
would have stored, value for value, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import bindparam, select, text, update
from werkzeug.test import TestResponse

from quizapp.answer_store import SlotAnswer, answer_statements
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptSlot
from quizapp.prepared_writes import json_rows, ready, send
from tests.conftest import TEST_DATABASE_URL, statement_listener
from tests.quiz_actions import QuizActions
from tests.test_perf_submit4 import half_right, writes_after_lock, written_tables


@contextmanager
def compiled_or_not(app: Flask) -> Iterator[list[tuple[str, bool]]]:
    """Each statement sent while the block runs, and whether SQLAlchemy compiled it for this
    execution (a Core or ORM statement, or a ``text``) or was handed the driver's SQL."""
    seen: list[tuple[str, bool]] = []

    def record(
        _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        seen.append((statement, context.compiled is not None))

    with statement_listener(app, record):
        yield seen


def written_under_the_lock(
    app: Flask, post: Callable[[], TestResponse]
) -> tuple[TestResponse, list[tuple[str, bool]]]:
    """The response to ``post``, and the writes (UPDATE, INSERT, DELETE) it sent under the
    write lock, each with whether SQLAlchemy compiled it there."""
    with compiled_or_not(app) as seen:
        response = post()
    locked = writes_after_lock([statement for statement, _ in seen])
    written = [
        (statement, compiled)
        for statement, compiled in seen[len(seen) - len(locked) :]
        if written_tables(statement)
    ]
    return response, written


@pytest.fixture
def half_answered(quiz: QuizActions, auth) -> tuple[int, dict[str, list[str]]]:
    """A student's open attempt and the form answering its first half right."""
    auth.register()
    attempt_id = quiz.start()
    return attempt_id, half_right(quiz, attempt_id)


def test_a_submit_compiles_and_converts_nothing_under_the_write_lock(
    demo_app: Flask, quiz: QuizActions, half_answered: tuple[int, dict[str, list[str]]]
) -> None:
    attempt_id, fields = half_answered
    response, written = written_under_the_lock(demo_app, lambda: quiz.submit(attempt_id, fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    tables = [table for statement, _ in written for table in written_tables(statement)]
    # The cards' DELETE follows on SQLite; on PostgreSQL only a retired card sends it.
    cards = ["practice_cards"] if TEST_DATABASE_URL else ["practice_cards", "practice_cards"]
    assert tables == ["attempts", "answers", "answer_picks", *cards]
    assert [statement for statement, compiled in written if compiled] == []
    review = quiz.client.get(response.headers["Location"])
    assert review.status_code == 200


def test_a_save_compiles_and_converts_nothing_under_the_write_lock(
    demo_app: Flask, quiz: QuizActions, half_answered: tuple[int, dict[str, list[str]]]
) -> None:
    attempt_id, fields = half_answered
    response, written = written_under_the_lock(demo_app, lambda: quiz.save(attempt_id, fields))
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    assert [table for statement, _ in written for table in written_tables(statement)] == [
        "attempts",
        "answers",
    ]
    # On PostgreSQL the claim and the answers are one statement (postgres_submit._SAVE).
    assert len(written) == (1 if TEST_DATABASE_URL else 2), written
    assert [statement for statement, compiled in written if compiled] == []
    with demo_app.app_context():
        saved = db.session.scalars(
            select(Answer.response).where(Answer.attempt_id == attempt_id)
        ).all()
    assert len([response for response in saved if response]) == len(
        {name.partition("-")[0] for name in fields}
    )


def test_a_ready_answer_is_stored_as_sqlalchemy_would_store_it(
    demo_app: Flask, quiz: QuizActions, auth
) -> None:
    """One slot's answer written by the ORM, the next one's by a ready statement, with the
    same kinds of values (a response with accents, Chinese, an emoji, quotes, a backslash, a
    line break and nesting; a time with microseconds; a fraction; no mark): the database holds
    them alike, as text too (on PostgreSQL the ready rows travel inside one JSON text)."""
    auth.register()
    attempt_id = quiz.start()
    moment = datetime(2026, 12, 2, 7, 30, 15, 123456, tzinfo=UTC).replace(tzinfo=None)
    response = {
        "text": 'Минск 明斯克 café 🙂 "quoted" back\\slash\nnext line',
        "choices": ["b", "a"],
        "nested": {"n": 1.5},
    }
    with demo_app.app_context():
        first, second = db.session.scalars(
            select(AttemptSlot)
            .where(AttemptSlot.attempt_id == attempt_id)
            .order_by(AttemptSlot.position)
            .limit(2)
        ).all()
        db.session.add(
            Answer(
                slot_id=first.id,
                attempt_id=attempt_id,
                question_version_id=first.question_version_id,
                response=response,
                saved_at=moment,
                fraction=0.5,
                mark=None,
                state="partial",
            )
        )
        db.session.commit()
        ready_answer = SlotAnswer(
            slot_id=second.id,
            question_version_id=second.question_version_id,
            question_id=0,
            response=response,
            saved_at=moment,
            fraction=0.5,
            mark=None,
            state="partial",
        )
        for statement in answer_statements(attempt_id, [ready_answer]):
            send(statement)
        db.session.commit()
        typed = db.session.execute(
            select(
                Answer.response,
                Answer.saved_at,
                Answer.fraction,
                Answer.mark,
                Answer.state,
                Answer.corrected,
            )
            .where(Answer.slot_id.in_([first.id, second.id]))
            .order_by(Answer.slot_id)
        ).all()
        as_text = db.session.execute(
            text(
                "SELECT CAST(response AS TEXT), CAST(saved_at AS TEXT) FROM answers "
                "WHERE slot_id IN (:first, :second) ORDER BY slot_id"
            ),
            {"first": first.id, "second": second.id},
        ).all()
    assert len(typed) == 2 and typed[0] == typed[1]
    assert typed[0] == (response, moment, 0.5, None, "partial", False)
    assert as_text[0] == as_text[1]


def test_a_ready_statement_keeps_the_values_it_carries_and_refuses_an_in_list(
    demo_app: Flask, quiz: QuizActions, auth
) -> None:
    """A statement may carry values of its own (``column == 5``): they are sent with the
    others. An IN list is written into the SQL only when SQLAlchemy runs it, so a ready
    statement refuses one at once, before anything is sent."""
    auth.register()
    attempt_id = quiz.start()
    attempts = Attempt.__table__
    with demo_app.app_context():
        carried = ready(
            update(attempts)
            .where(attempts.c.id == bindparam("attempt"), attempts.c.submitted_at.is_(None))
            .values(sequence=attempts.c.sequence + 7),
            {"attempt": attempt_id},
        )
        assert send(carried) == 1
        db.session.commit()
        assert db.session.scalar(select(Attempt.sequence).where(Attempt.id == attempt_id)) == 7
        with pytest.raises(ValueError, match="cannot expand"):
            ready(select(attempts.c.id).where(attempts.c.id.in_([attempt_id])), {})


def test_rows_as_json_carry_times_as_iso_text_and_refuse_what_json_cannot_hold() -> None:
    """PostgreSQL's rows travel as one JSON text (``json_rows``, read by ``json_to_recordset``):
    an object a row keyed by column, a time as ISO 8601 text, a response as JSON itself; a
    NaN (which JSON cannot hold, and PostgreSQL would refuse) or a value with no JSON form is
    refused before anything is sent."""
    moment = datetime(2026, 12, 3, 8, 0, 0, 500)
    rows = json_rows({"slot": [1, 2], "saved_at": [moment, moment], "response": [{"a": 1}, {}]})
    assert json.loads(rows) == [
        {"slot": 1, "saved_at": "2026-12-03T08:00:00.000500", "response": {"a": 1}},
        {"slot": 2, "saved_at": "2026-12-03T08:00:00.000500", "response": {}},
    ]
    with pytest.raises(ValueError):
        json_rows({"mark": [float("nan")]})
    with pytest.raises(TypeError):
        json_rows({"slot": [object()]})
