"""A submit writes each table's rows in one statement, not an executemany of one row each
(issue 10; docs/performance.md, "Session 11"): pysqlite lets go of the GIL at every row it
steps, and the writer holding SQLite's write lock then waits for the other threads of its
worker to hand it back, so each row was one more chance to hold the lock longer. The rows
still arrive whole: every answer, every option picked, every practice card."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Answer, AnswerPick, AttemptSlot, PracticeCard
from tests.conftest import TEST_DATABASE_URL, statement_listener
from tests.quiz_actions import QuizActions
from tests.test_perf_submit4 import half_right, submit, writes_after_lock, written_tables


@contextmanager
def executions(app: Flask) -> Iterator[list[tuple[str, bool]]]:
    """Each statement the database receives while the block runs, and whether it went as an
    executemany (SQLAlchemy's ``before_cursor_execute`` says so)."""
    seen: list[tuple[str, bool]] = []

    def record(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, many: bool
    ) -> None:
        seen.append((statement, many))

    with statement_listener(app, record):
        yield seen


def assert_each_tables_rows_in_one_statement(seen: list[tuple[str, bool]]) -> list[str]:
    """Check the statements sent under the write lock: no executemany, and one INSERT for
    each of the answers, the options picked and the practice cards, in that order (on
    PostgreSQL the three are parts of one statement). Returns the statements sent under the
    lock."""
    locked = writes_after_lock([statement for statement, _ in seen])
    written = seen[len(seen) - len(locked) :]
    assert [statement for statement, many in written if many] == []
    inserts = [
        table for statement, _ in written for table in written_tables(statement, "INSERT INTO")
    ]
    assert inserts == ["answers", "answer_picks", "practice_cards"]
    return locked


def test_a_submit_sends_each_tables_rows_in_one_statement(demo_app: Flask, quiz: QuizActions, auth):
    auth.register()
    attempt_id = quiz.start()
    post = submit(quiz, attempt_id, half_right(quiz, attempt_id))
    with executions(demo_app) as seen:
        response = post()
    assert response.status_code == 302, response.get_data(as_text=True)
    locked = assert_each_tables_rows_in_one_statement(seen)
    # PostgreSQL: the one statement (no card retired, so no DELETE after it); SQLite: BEGIN,
    # the claim, the three INSERTs, the DELETE.
    assert len(locked) == (1 if TEST_DATABASE_URL else 6), locked

    with demo_app.app_context():
        slots = db.session.scalar(
            select(func.count(AttemptSlot.id)).where(AttemptSlot.attempt_id == attempt_id)
        )
        answers = db.session.execute(
            select(Answer.id, Answer.slot_id, Answer.question_version_id, Answer.state).where(
                Answer.attempt_id == attempt_id
            )
        ).all()
        picks = db.session.execute(
            select(AnswerPick.answer_id, AnswerPick.question_version_id).where(
                AnswerPick.attempt_id == attempt_id
            )
        ).all()
        cards = db.session.scalar(select(func.count(PracticeCard.id)))
    # Every slot answered once; each pick belongs to an answer of the attempt, with its
    # question version; a card for each question not answered right.
    assert slots > 3 and len(answers) == slots
    versions = {answer_id: version for answer_id, _, version, _ in answers}
    assert picks and all(versions[answer_id] == version for answer_id, version in picks)
    assert cards == sum(1 for *_, state in answers if state != "right") > 0


def test_a_submit_after_autosaves_replaces_the_saved_answers_in_the_same_one_statement(
    demo_app: Flask, quiz: QuizActions, auth
):
    """The page autosaves before the student submits, so the answers are stored already when
    the submit grades them: they are replaced (response and grade) by one upsert (the old code
    updated them by an executemany, a row at a time under the lock), keep their ids, and every
    slot still has one answer."""
    auth.register()
    attempt_id = quiz.start()
    fields = half_right(quiz, attempt_id)
    saved = quiz.client.post(
        f"/attempts/{attempt_id}",
        data={
            "csrf_token": quiz.token,
            "sequence": str(quiz.sequence(attempt_id)),
            "save": "1",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with demo_app.app_context():
        saved_ids = dict(
            db.session.execute(
                select(Answer.slot_id, Answer.id).where(Answer.attempt_id == attempt_id)
            ).all()
        )
    assert saved_ids, "the save stored no answer"

    post = submit(quiz, attempt_id, fields)
    with executions(demo_app) as seen:
        response = post()
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_each_tables_rows_in_one_statement(seen)

    with demo_app.app_context():
        slots = db.session.scalar(
            select(func.count(AttemptSlot.id)).where(AttemptSlot.attempt_id == attempt_id)
        )
        answers = db.session.execute(
            select(Answer.slot_id, Answer.id, Answer.state, Answer.mark).where(
                Answer.attempt_id == attempt_id
            )
        ).all()
    assert len(answers) == slots == len(saved_ids)
    assert {slot_id: answer_id for slot_id, answer_id, *_ in answers} == saved_ids
    assert all(state is not None and mark is not None for *_, state, mark in answers)
    answered = {name.partition("-")[0] for name in fields}
    assert sum(1 for *_, state, _ in answers if state == "right") == len(answered) > 0


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="rows as one JSON text are PostgreSQL's form")
def test_on_postgresql_a_submits_rows_go_as_one_json_text_in_texts_psycopg_keeps(
    demo_app: Flask, quiz: QuizActions, auth
):
    """On PostgreSQL the answers, picks and cards go as one JSON text each (an object a row,
    ``json_to_recordset``): the same statement whatever the number of rows, short enough, and
    with few enough parameters, for psycopg to keep its conversion of the text (it converts
    afresh a statement over 4,096 bytes or 50 parameters: a sixth of a submit's CPU) and for
    the server to plan it once; and one parameter of text for the rows, which psycopg sends as
    it is (it dumped arrays element by element: session 16)."""
    auth.register()
    sent: list[list[tuple[str, int]]] = []
    for fields_of in (half_right, QuizActions.right_answers):
        attempt_id = quiz.start()
        post = submit(quiz, attempt_id, fields_of(quiz, attempt_id))
        seen: list[tuple[str, int]] = []

        def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
            seen.append((statement, len(params or ())))  # noqa: B023 (used in this loop)

        with statement_listener(demo_app, record):
            response = post()
        assert response.status_code == 302, response.get_data(as_text=True)
        sent.append([(s, n) for s, n in seen if written_tables(s, "INSERT INTO")])
    half, whole = sent
    assert [table for s, _ in half for table in written_tables(s, "INSERT INTO")] == [
        "answers",
        "answer_picks",
        "practice_cards",
    ]
    # Every option right picks more options than half of them: the same texts all the same.
    assert [s for s, _ in half] == [s for s, _ in whole]
    for statement, parameters in half + whole:
        assert "json_to_recordset(" in statement
        assert len(statement.encode()) <= 4096 and parameters <= 50, statement
