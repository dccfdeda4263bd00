"""A database that cannot take a write (locked past the busy timeout, read-only, full) gives
the student a 503 page with Retry-After that says nothing was saved, never a 500, and nothing
is saved. Real faults: a second connection holding the write lock, a database opened
read-only, a database with no room left."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from werkzeug.test import TestResponse

from quizapp import create_app
from quizapp.errors import database_unavailable
from quizapp.extensions import db
from quizapp.models import Answer, Attempt
from quizapp.questions import question_from_version
from tests.conftest import DEMO_BANK, AuthActions
from tests.quiz_actions import QuizActions

BUSY_TIMEOUT = 0.2
"""Seconds: short, so that a held lock outlasts it at once."""

NOT_SAVED = "your last answers were not saved"


def make_app(instance: Path, database_url: str, **config: Any) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "tests-only-secret",
            "DATABASE_BUSY_TIMEOUT": BUSY_TIMEOUT,
            "OPEN_QUIZZES": True,  # its student takes a quiz that no class assigns
            **config,
        }
    )


@pytest.fixture
def fault_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The app on a real database with a short busy timeout, and the demo bank imported."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = make_app(instance, database_url)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["quiz", "import", str(DEMO_BANK)])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Student:
    """A student with an open attempt whose first answers are already saved."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        AuthActions(self.client).register("sam")
        self.actions = QuizActions(app, self.client)
        self.attempt_id = self.actions.start()
        self.answers = self.actions.right_answers(self.attempt_id)
        first = dict(list(self.answers.items())[:2])
        assert self.actions.save(self.attempt_id, first).status_code == 302
        self.sequence = str(self.actions.sequence(self.attempt_id))
        """The save count the attempt page shows now (no fault below changes it)."""
        with app.app_context():
            attempt = db.session.get(Attempt, self.attempt_id)
            assert attempt is not None
            self.short_field = next(
                f"q{slot.position}-answer"
                for slot in attempt.slots
                if question_from_version(slot.question_version).type == "short"
            )
            db.session.remove()

    def save(self, client: FlaskClient | None = None, **headers: str) -> TestResponse:
        return self.post("save", client, **headers)

    def post(self, action: str, client: FlaskClient | None = None, **headers: str) -> TestResponse:
        assert self.actions.token
        data = {
            "csrf_token": self.actions.token,
            "sequence": self.sequence,
            action: "1",
            **self.answers,
        }
        return (client or self.client).post(
            f"/attempts/{self.attempt_id}", data=data, headers=headers
        )

    def session_cookie(self) -> str:
        cookie = self.client.get_cookie("session")
        assert cookie is not None
        return cookie.value


def saved_state(app: Flask, attempt_id: int) -> tuple[Any, ...]:
    """What the database holds of the attempt: its answers and whether it is submitted."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        rows = db.session.execute(
            select(Answer.slot_id, Answer.response, Answer.saved_at)
            .where(Answer.attempt_id == attempt_id)
            .order_by(Answer.slot_id)
        ).all()
        state = (attempt.submitted_at, tuple(tuple(row) for row in rows))
        db.session.remove()
        return state


def assert_unavailable_page(response: TestResponse) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.mimetype == "text/html"
    page = unescape(response.get_data(as_text=True))
    assert NOT_SAVED in page
    assert "try again" in page.lower() or "send them again" in page


@contextmanager
def write_lock_held(database_url: str, attempt_id: int) -> Iterator[None]:
    """Another writer holds the lock the save needs, for as long as the block runs: on SQLite
    the database's write lock (``BEGIN IMMEDIATE``), on PostgreSQL the attempt's row."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        holder = sqlite3.connect(str(url.database), isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            yield
            holder.execute("ROLLBACK")
        finally:
            holder.close()
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            connection.execute(
                text("SELECT id FROM attempts WHERE id = :id FOR UPDATE"), {"id": attempt_id}
            )
            yield
            connection.rollback()
    finally:
        engine.dispose()


def test_a_save_while_another_writer_holds_the_lock_is_a_503_and_saves_nothing(
    fault_app: Flask, database_url: str
):
    student = Student(fault_app)
    before = saved_state(fault_app, student.attempt_id)
    with write_lock_held(database_url, student.attempt_id):
        assert_unavailable_page(student.save())
        assert_unavailable_page(student.post("submit"))
        assert_unavailable_page(student.save(Accept="*/*"))
        as_json = student.save(Accept="application/json")
        assert as_json.status_code == 503
        assert as_json.is_json
        assert NOT_SAVED in as_json.get_json()["message"]
    assert saved_state(fault_app, student.attempt_id) == before

    # Once the lock is gone, the same save goes through.
    assert student.save().status_code == 302
    assert saved_state(fault_app, student.attempt_id) != before


def test_a_save_to_a_read_only_database_is_a_503_and_saves_nothing(
    fault_app: Flask, database_url: str, tmp_path: Path
):
    """SQLite opened read-only (as with a read-only file or mount); PostgreSQL in read-only
    transactions (as on a standby)."""
    student = Student(fault_app)
    before = saved_state(fault_app, student.attempt_id)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        read_only_url = f"sqlite:///file:{url.database}?mode=ro&uri=true"
    else:
        read_only_url = url.update_query_dict(
            {"options": "-c default_transaction_read_only=on"}
        ).render_as_string(hide_password=False)
    instance = tmp_path / "read-only-instance"
    instance.mkdir()
    read_only = make_app(instance, read_only_url)
    try:
        client = read_only.test_client()
        client.set_cookie("session", student.session_cookie())
        assert client.get(f"/attempts/{student.attempt_id}").status_code == 200  # reads work
        assert_unavailable_page(student.save(client))
        assert_unavailable_page(student.post("submit", client))
    finally:
        with read_only.app_context():
            db.engine.dispose()
    assert saved_state(fault_app, student.attempt_id) == before


def test_a_save_to_a_full_database_is_a_503_and_saves_nothing(fault_app: Flask, database_url: str):
    """No page left to grow into: ``max_page_count`` at the file's size, on every connection
    of the app, with the free list emptied first (SQLite only)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        pytest.skip("max_page_count is SQLite's; PostgreSQL's disk-full is an OperationalError")
    student = Student(fault_app)
    before = saved_state(fault_app, student.attempt_id)
    vacuum = sqlite3.connect(str(url.database), isolation_level=None)
    vacuum.execute("VACUUM")
    (pages,) = vacuum.execute("PRAGMA page_count").fetchone()
    assert vacuum.execute("PRAGMA freelist_count").fetchone() == (0,)
    vacuum.close()

    with fault_app.app_context():

        @event.listens_for(db.engine, "connect")
        def _full(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages:d}")

        db.engine.dispose()  # every connection from now on has no room to grow

    # An answer too long for one page (each non-ASCII character is 12 bytes of JSON escape),
    # so the row needs new pages whatever room its table had.
    student.answers[student.short_field] = ["𝕏" * 500]
    assert_unavailable_page(student.save())
    assert_unavailable_page(student.post("submit"))
    assert saved_state(fault_app, student.attempt_id) == before


def test_the_busy_timeout_is_the_configured_one(fault_app: Flask):
    """``DATABASE_BUSY_TIMEOUT`` is SQLite's busy_timeout and PostgreSQL's lock_timeout."""
    with fault_app.app_context():
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 200
        else:
            assert db.session.execute(text("SHOW lock_timeout")).scalar() == "200ms"
        db.session.remove()


@pytest.mark.parametrize("value", ["soon", -1, True, None])
def test_a_busy_timeout_that_is_not_seconds_is_refused_at_start(tmp_path: Path, value: Any):
    with pytest.raises(ValueError, match="DATABASE_BUSY_TIMEOUT must be a number of seconds"):
        make_app(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite'}", DATABASE_BUSY_TIMEOUT=value)


def test_a_wrong_statement_is_a_bug_not_a_busy_database(tmp_path: Path):
    """pysqlite raises "no such table" as an OperationalError too: that stays a 500."""
    engine = create_engine(f"sqlite:///{tmp_path / 'bug.sqlite'}")
    try:
        with engine.connect() as connection, pytest.raises(OperationalError) as bug:
            connection.execute(text("SELECT * FROM nowhere"))
    finally:
        engine.dispose()
    assert not database_unavailable(bug.value)


def test_a_database_locked_even_to_readers_is_a_503_page(fault_app: Flask, database_url: str):
    """Another connection holds SQLite's exclusive lock (``locking_mode=EXCLUSIVE``), so even
    loading the logged-in student fails: the 503 page must not need the database itself."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's exclusive locking mode")
    student = Student(fault_app)
    with fault_app.app_context():
        db.engine.dispose()  # WAL's exclusive mode needs every other connection closed
    holder = sqlite3.connect(str(url.database), isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE users SET username = username")
        history = student.client.get("/history")
        assert history.status_code == 503
        assert history.headers["Retry-After"].isdigit()
        assert "The quizzes are busy for a moment" in history.get_data(as_text=True)
        assert_unavailable_page(student.save())
    finally:
        holder.close()
    assert student.client.get("/history").status_code == 200


def test_a_database_server_that_is_down_is_a_503_page(fault_app: Flask, tmp_path: Path):
    """PostgreSQL not answering (a port where nothing listens): even loading the logged-in
    student fails, and the student gets the 503 page, not a 500."""
    student = Student(fault_app)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens
    instance = tmp_path / "down-instance"
    instance.mkdir()
    down = make_app(instance, f"postgresql+psycopg://quizapp:quizapp@127.0.0.1:{port}/quizapp")
    try:
        client = down.test_client()
        client.set_cookie("session", student.session_cookie())
        history = client.get("/history")
        assert history.status_code == 503
        assert history.headers["Retry-After"].isdigit()
        assert NOT_SAVED in unescape(history.get_data(as_text=True))
        assert_unavailable_page(student.save(client))
    finally:
        with down.app_context():
            db.engine.dispose()
