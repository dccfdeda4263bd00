"""While one thread of a worker holds SQLite's write turn, the worker's other threads wait
before their next statement (``write_turnstile.give_way``) until the turn ends, so the holder
is not kept from the GIL by them and the lock, which every writer waits for, is held for less
time. The holder's own statements never wait. The reader's order below fails on the code
before session 10 (a WAL read never waited for a writer)."""

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
    assert order == ["writer commits", "reader read writer"]


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
