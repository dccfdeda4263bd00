"""While one thread of a worker holds SQLite's write turn, the worker's other threads wait
before their next statement (``write_turnstile.give_way``) until the turn's commit begins, so
the holder is not kept from the GIL by them and the lock, which every writer waits for, is
held for less time. The holder's own statements never wait. The reader's order below fails on
the code before session 10 (a WAL read never waited for a writer)."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp import write_turnstile
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="the write turnstile is SQLite's (PostgreSQL locks rows)"
)

HOLDING = 0.05
"""How long the holder keeps its turn after the reader is ready to read: long enough for a
reader that does not wait to read within it."""


def test_a_reader_waits_for_the_writer_of_its_worker_to_finish(
    app: Flask, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(write_turnstile, "GIVE_WAY_SECONDS", 30.0)  # never the bound here
    order: list[str] = []
    holding, reader_ready = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with app.app_context():
                begin_write()
                db.session.add(User(username="writer", password_hash="-"))
                db.session.flush()  # the holder's own statements do not wait for it
                holding.set()
                reader_ready.wait(10)
                time.sleep(HOLDING)
                order.append("writer commits")
                db.session.commit()
        except BaseException as error:  # reported by the test's thread
            errors.append(error)
            holding.set()

    def reader() -> None:
        try:
            with app.app_context():
                holding.wait(10)
                reader_ready.set()
                found = db.session.scalar(select(User.username).where(User.username == "writer"))
                order.append(f"reader read {found}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors
    # The reader went on as the commit began (the next test): it reads what was committed
    # before it or the writer's row, depending on which ends first; never before the wait.
    assert order[0] == "writer commits"
    assert order[1] in ("reader read None", "reader read writer")


def test_no_thread_waits_when_no_turn_is_held(app: Flask, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(write_turnstile, "GIVE_WAY_SECONDS", 30.0)
    with app.app_context():
        begin_write()
        db.session.add(User(username="first", password_hash="-"))
        db.session.commit()
    seen: list[str | None] = []

    def reader() -> None:
        with app.app_context():
            seen.append(db.session.scalar(select(User.username)))

    thread = threading.Thread(target=reader)
    thread.start()
    thread.join(10)  # would hang for the bound if the ended turn still held the others back
    assert not thread.is_alive()
    assert seen == ["first"]


def test_the_others_go_on_once_the_holders_commit_begins(
    app: Flask, monkeypatch: pytest.MonkeyPatch
):
    """A turn's commit waits for the disk (its fsync: about half of a submit's turn), not for
    the GIL, which pysqlite lets go of around it: the threads waiting at ``give_way`` go on as
    it begins, while the turn itself is still held. Seen from inside the holder's ``COMMIT``
    (SQLite's trace callback runs in the holder's thread as the statement starts). Fails on
    the code before session 14, where they waited until the commit had ended."""
    monkeypatch.setattr(write_turnstile, "GIVE_WAY_SECONDS", 30.0)
    seen: list[tuple[bool, bool]] = []
    """At the holder's COMMIT: (another thread went past give_way, the turn was still held)."""

    def another_thread_at_the_commit(statement: str) -> None:
        if statement != "COMMIT":
            return
        held: list[bool] = []

        def other() -> None:
            write_turnstile.give_way()
            took_it = turnstile.enter(0) is not None
            if took_it:
                turnstile.leave()
            held.append(not took_it)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(5)  # past the 30 s bound only if give_way kept it waiting
        seen.append((not thread.is_alive(), held == [True]))

    with app.app_context():
        begin_write()
        db.session.add(User(username="writer", password_hash="-"))
        db.session.flush()
        connection = db.session.connection().connection.dbapi_connection
        turnstile = connection.turnstile
        assert turnstile is not None
        connection.set_trace_callback(another_thread_at_the_commit)
        try:
            db.session.commit()
        finally:
            connection.set_trace_callback(None)
        assert db.session.scalar(select(User.username)) == "writer"
    assert seen == [(True, True)]
