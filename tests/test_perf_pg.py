"""What PostgreSQL receives for a student's page and submit, counted on a real server.

The protocol messages each request sends are read from libpq's own trace of the app's
connections (``PGconn.trace``: every message the client sends, as the server receives it), so
``BEGIN``, ``COMMIT``, ``ROLLBACK``, the pool's ping and the prepared statements are counted,
not only the statements SQLAlchemy executes. A round trip is a message the client then waits
on: a simple ``Query``, or the ``Sync`` that ends a statement's Parse/Bind/Execute.

And what reading outside a transaction must not change (``database._read_outside_transactions``): a
write without ``begin_write`` is still one transaction, a ``SELECT ... FOR UPDATE`` still holds
its lock until the commit, and a streamed read (a server-side cursor) still works.
"""

from __future__ import annotations

import re
import select as io_select
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import NullPool
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import TEST_DATABASE_URL, AuthActions, sql_statements
from tests.quiz_actions import QuizActions

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="counts what a PostgreSQL server receives: set QUIZAPP_TEST_DATABASE_URL",
)

MESSAGE = re.compile(r'^F\t\d+\t(\w+)\t? ?(?:"([^"]*)")?(?: "([^"]*)")?')
"""A frontend message in libpq's trace (regress mode, no timestamps): its type, and its first
one or two quoted fields (a Query's text; a Parse's statement name; a Bind's portal and
statement names)."""


@dataclass
class Sent:
    """The messages the app's connections sent while a block ran."""

    messages: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def queries(self) -> list[str]:
        """The texts of the simple queries (BEGIN, COMMIT, ROLLBACK, the ping, ...)."""
        return [first for kind, first, _ in self.messages if kind == "Query"]

    @property
    def round_trips(self) -> int:
        return sum(kind in ("Query", "Sync") for kind, _, _ in self.messages)

    @property
    def parsed(self) -> int:
        """Statements the server had to parse and plan (not bound to a prepared one)."""
        return sum(kind == "Parse" for kind, _, _ in self.messages)

    @property
    def bound_to_prepared(self) -> int:
        return sum(kind == "Bind" and second != "" for kind, _, second in self.messages)


@contextmanager
def traced(app: Flask, tmp_path: Path) -> Iterator[Callable[[], Any]]:
    """Trace every connection the app opens from here (its pool is emptied first); yields a
    context manager factory that collects what was sent inside its block."""
    trace_file = (tmp_path / "libpq-trace.txt").open("w+", encoding="utf-8", errors="replace")
    from psycopg import pq

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.pgconn.trace(trace_file.fileno())
        dbapi_connection.pgconn.set_trace_flags(
            pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE
        )

    with app.app_context():
        engine = db.engine
        engine.dispose()
    event.listen(engine, "connect", on_connect)

    @contextmanager
    def collect() -> Iterator[Sent]:
        sent = Sent()
        trace_file.seek(0, 2)
        start = trace_file.tell()
        yield sent
        trace_file.flush()
        trace_file.seek(start)
        for line in trace_file.read().splitlines():
            match = MESSAGE.match(line)
            if match:
                sent.messages.append((match.group(1), match.group(2) or "", match.group(3) or ""))

    try:
        yield collect
    finally:
        event.remove(engine, "connect", on_connect)
        with app.app_context():
            db.engine.dispose()
        trace_file.close()


@pytest.fixture
def attempt(quiz: QuizActions, auth: AuthActions) -> int:
    auth.register()
    return quiz.start()


def ok(response: TestResponse) -> TestResponse:
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    return response


def test_the_attempt_page_sends_its_statements_alone(
    demo_app: Flask, client: FlaskClient, attempt: int, tmp_path: Path
) -> None:
    """A page that only reads sends no BEGIN, no ROLLBACK and no ping: one round trip per
    statement (before session 9: a ping, BEGIN and ROLLBACK besides, 3 more of 7; before
    session 10: the pool's ping ``;`` at the checkout, 1 more of 5). The page's statements:
    the attempt with its class rules and slots (one since session 15), and the login with them
    (since session 19): one statement, one round trip."""
    with traced(demo_app, tmp_path) as collect:
        ok(client.get(f"/attempts/{attempt}"))  # the connection's first request
        with collect() as sent, sql_statements(demo_app) as statements:
            ok(client.get(f"/attempts/{attempt}"))
    assert sent.queries == []
    assert len(statements) == 1 and "login_sessions" in statements[0]
    assert sent.round_trips == len(statements)


def test_the_attempt_page_statements_are_prepared_on_the_server(
    demo_app: Flask, client: FlaskClient, attempt: int, tmp_path: Path
) -> None:
    """After psycopg's ``prepare_threshold`` (5) uses on a connection, the page's statements
    are prepared on the server and no longer parsed and planned at each request (before: the
    ROLLBACK ending every page emptied psycopg's prepared statements, so none ever was)."""
    with traced(demo_app, tmp_path) as collect:
        for _ in range(6):
            ok(client.get(f"/attempts/{attempt}"))
        with collect() as sent, sql_statements(demo_app) as statements:
            ok(client.get(f"/attempts/{attempt}"))
    assert sent.parsed == 0
    assert sent.bound_to_prepared == len(statements)


def test_a_submit_begins_once_and_ends_with_its_commit(
    demo_app: Flask, client: FlaskClient, quiz: QuizActions, attempt: int, tmp_path: Path
) -> None:
    """The submit's reads before its write and after its commit send no BEGIN, COMMIT or
    ROLLBACK of their own, and nothing clears the connection's prepared statements (before:
    3 BEGIN, 2 COMMIT, a ROLLBACK and then DEALLOCATE ALL)."""
    right = quiz.right_answers(attempt)
    sequence = quiz.sequence(attempt)
    token = quiz.token
    with traced(demo_app, tmp_path) as collect:
        ok(client.get(f"/attempts/{attempt}"))
        with collect() as sent:
            response = client.post(
                f"/attempts/{attempt}",
                data={"csrf_token": token, "sequence": str(sequence), "submit": "1", **right},
            )
    assert response.status_code == 302 and "/review" in response.location
    assert sent.queries == ["BEGIN", "COMMIT"]  # and no ping at its checkouts


def test_a_write_without_begin_write_is_still_one_transaction(demo_app: Flask) -> None:
    """Reads run outside a transaction, but a write that did not call ``begin_write`` begins
    one before its first statement: its rollback takes back every row it wrote."""
    with demo_app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "first")) is None
        db.session.execute(insert(User), [{"username": "first", "password_hash": "x"}])
        with pytest.raises(IntegrityError):
            db.session.execute(insert(User), [{"username": "first", "password_hash": "x"}])
        db.session.rollback()
        assert db.session.scalar(select(User.id).where(User.username == "first")) is None
        db.session.remove()


def test_a_locking_read_holds_its_lock_until_the_commit(demo_app: Flask) -> None:
    """``SELECT ... FOR UPDATE`` outside ``begin_write`` begins the transaction: its row lock
    is held until the commit, as before (outside a transaction it would end with the read)."""
    from psycopg import errors as pg_errors

    assert TEST_DATABASE_URL is not None
    other = create_engine(TEST_DATABASE_URL, poolclass=NullPool)
    locked = text("SELECT id FROM users WHERE username = 'locked' FOR UPDATE NOWAIT")
    try:
        with demo_app.app_context():
            db.session.execute(insert(User), [{"username": "locked", "password_hash": "x"}])
            db.session.commit()
            db.session.execute(select(User.id).where(User.username == "locked").with_for_update())
            with other.connect() as connection, pytest.raises(OperationalError) as raised:
                connection.execute(locked)
            assert isinstance(raised.value.orig, pg_errors.LockNotAvailable)
            db.session.commit()
            with other.connect() as connection:
                assert connection.execute(locked).scalar() is not None
            db.session.remove()
    finally:
        other.dispose()


def test_a_streamed_read_outside_a_write(demo_app: Flask) -> None:
    """A read with ``yield_per`` (a server-side cursor: ``DECLARE`` needs a transaction, as
    answers.csv reads) begins one; every row comes."""
    with demo_app.app_context():
        db.session.execute(
            insert(User), [{"username": f"streamed-{n}", "password_hash": "x"} for n in range(5)]
        )
        db.session.commit()
        rows = db.session.scalars(
            select(User.username)
            .where(User.username.like("streamed-%"))
            .order_by(User.username)
            .execution_options(yield_per=2)
        ).all()
        assert rows == [f"streamed-{n}" for n in range(5)]
        db.session.remove()


def backend_pid(app: Flask) -> int:
    """The server process of the connection the app's pool hands out next."""
    with app.app_context():
        pid = int(db.session.scalar(text("SELECT pg_backend_pid()")))
        db.session.remove()
    return pid


def test_a_connection_the_server_closed_is_replaced_at_checkout(
    demo_app: Flask, client: FlaskClient, attempt: int
) -> None:
    """The pool's ping still finds a pooled connection the server has closed (a restart, an
    idle timeout): the next page is served on a new connection, not answered with an error.
    Without a ping (``pool_pre_ping`` off) the page fails (a 503)."""
    ok(client.get(f"/attempts/{attempt}"))
    closed = backend_pid(demo_app)
    assert TEST_DATABASE_URL is not None
    other = create_engine(TEST_DATABASE_URL, poolclass=NullPool)
    try:
        with other.connect() as connection:
            # Waits (up to 5 s) until the server process has ended.
            terminate = text("SELECT pg_terminate_backend(:pid, 5000)")
            assert connection.execute(terminate, {"pid": closed}).scalar() is True
    finally:
        other.dispose()
    assert client.get(f"/attempts/{attempt}").status_code == 200
    assert backend_pid(demo_app) != closed


def test_a_pooled_connection_the_server_spoke_to_is_asked_and_kept(
    demo_app: Flask, tmp_path: Path
) -> None:
    """The ping without a round trip only says "alive" for a connection with nothing to read.
    One that has something (here a notification on a channel it listens to: not its end) is
    asked with the round trip, found alive and kept; then, read, it needs none again."""
    assert TEST_DATABASE_URL is not None
    other = create_engine(TEST_DATABASE_URL, poolclass=NullPool)
    with traced(demo_app, tmp_path) as collect, demo_app.app_context():
        dialect = db.engine.dialect
        pooled = db.engine.raw_connection()
        try:
            listening = pooled.driver_connection
            listening.execute("LISTEN quizapp_ping_test")
            with collect() as quiet:
                assert dialect.do_ping(listening) is True
            assert quiet.queries == []
            with other.begin() as connection:
                connection.execute(text("NOTIFY quizapp_ping_test"))
            wait_for_something_to_read(listening.pgconn.socket)
            with collect() as asked:
                assert dialect.do_ping(listening) is True
            assert asked.queries == [";"]
            with collect() as quiet_again:
                assert dialect.do_ping(listening) is True
            assert quiet_again.queries == []
            listening.execute("UNLISTEN *")
        finally:
            pooled.close()
            other.dispose()


def wait_for_something_to_read(socket: int, seconds: float = 10) -> None:
    poller = io_select.poll()
    poller.register(socket, io_select.POLLIN)
    assert poller.poll(seconds * 1000), "nothing came from the server"
