"""With ``write_turnstile.HOLDER_SWITCH_SECONDS`` set (off by default), the interpreter
switches threads sooner while a worker's thread holds the write turnstile, so the holder, which
lets go of the GIL at every statement and through its commit, would get it back sooner; the
switch interval it found is put back when the turn ends, however it ends (commit, rollback),
and a writer that never had its turn changes nothing. Off, nothing changes. These fail on the
code before session 10, which had no such setting."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from quizapp import write_turnstile
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import TEST_DATABASE_URL
from tests.quiz_actions import QuizActions
from tests.test_perf_submit3 import database_path

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="the write turnstile is SQLite's (PostgreSQL locks rows)"
)

USUAL = 0.004
"""A switch interval other than Python's default, as a deploy may set: put back as it was."""


HOLDER = 0.001
"""The holder's interval the tests set (the bench's ``holder-1ms``)."""


@pytest.fixture
def usual_interval(monkeypatch: pytest.MonkeyPatch) -> Iterator[float]:
    monkeypatch.setattr(write_turnstile, "HOLDER_SWITCH_SECONDS", HOLDER)
    before = sys.getswitchinterval()
    sys.setswitchinterval(USUAL)
    try:
        yield USUAL
    finally:
        sys.setswitchinterval(before)


def test_the_holder_switches_sooner_and_the_usual_interval_comes_back(
    app: Flask, usual_interval: float
):
    with app.app_context():
        begin_write()
        assert sys.getswitchinterval() == pytest.approx(HOLDER)
        db.session.add(User(username="holder", password_hash="-"))
        db.session.commit()
        assert sys.getswitchinterval() == pytest.approx(usual_interval)

        begin_write()
        assert sys.getswitchinterval() == pytest.approx(HOLDER)
        db.session.add(User(username="rolled-back", password_hash="-"))
        db.session.flush()
        db.session.rollback()
        assert sys.getswitchinterval() == pytest.approx(usual_interval)
        assert db.session.scalar(db.select(User.id).where(User.username == "holder"))
        assert not db.session.scalar(db.select(User.id).where(User.username == "rolled-back"))


def test_a_submit_writes_at_the_holders_interval_and_leaves_the_usual_one(
    demo_app: Flask, quiz: QuizActions, auth, usual_interval: float
):
    app, actions = demo_app, quiz
    auth.register()
    attempt_id = actions.start()
    right = actions.right_answers(attempt_id)
    seen: list[tuple[str, float]] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((statement, sys.getswitchinterval()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert actions.submit(attempt_id, right).status_code == 302
        assert sys.getswitchinterval() == pytest.approx(usual_interval)
        again = actions.submit(attempt_id, right)  # refused: submitted already
        assert again.status_code == 302
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert sys.getswitchinterval() == pytest.approx(usual_interval)
    statements = [statement for statement, _ in seen]
    begin = statements.index("BEGIN IMMEDIATE")  # the submit's write transaction
    writes = seen[begin : begin + 6]
    assert [statement.split()[0] for statement, _ in writes] == [
        "BEGIN",  # the turn is had before BEGIN IMMEDIATE
        "UPDATE",
        "INSERT",
        "INSERT",
        "INSERT",
        "DELETE",
    ], seen
    assert all(interval == pytest.approx(HOLDER) for _, interval in writes)
    reads = [interval for statement, interval in seen if statement.startswith("SELECT")]
    assert reads and all(interval == pytest.approx(usual_interval) for interval in reads)


def test_a_writer_without_its_turn_changes_nothing(app: Flask, usual_interval: float):
    turnstile = write_turnstile.for_database(database_path(app))
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with app.app_context():
            begin_write()
            holding.set()
            release.wait()
            db.session.rollback()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait()
    try:
        assert sys.getswitchinterval() == pytest.approx(HOLDER)
        assert turnstile.enter(0) is None  # the other thread holds the turn
        assert sys.getswitchinterval() == pytest.approx(HOLDER)
    finally:
        release.set()
        holder.join()
    assert sys.getswitchinterval() == pytest.approx(usual_interval)


def test_off_by_default_a_write_leaves_the_interval_alone(app: Flask):
    assert write_turnstile.HOLDER_SWITCH_SECONDS == 0
    before = sys.getswitchinterval()
    with app.app_context():
        begin_write()
        assert sys.getswitchinterval() == before
        db.session.add(User(username="writer", password_hash="-"))
        db.session.commit()
    assert sys.getswitchinterval() == before
