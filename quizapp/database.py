"""Database engine settings that must hold on every connection, and how writers begin."""

from __future__ import annotations

import functools
import re
import select
import sys
from typing import Any

from sqlalchemy import Engine, Executable, event
from sqlalchemy.orm import Session

from quizapp.extensions import db

WRITE_OPTION = "quizapp_write"

_WRITING = "quizapp_write_transaction"
_PENDING = "quizapp_pending_writes"
_IN_FLIGHT = "quizapp_writes_in_flight"
"""Keys of ``Session.info``: the session's write transaction (begun by ``begin_write``), the
small writes waiting for one (``write_with_next``), and those it has run but not committed."""

DEFAULT_BUSY_TIMEOUT = 15.0
"""Seconds a writer waits for another writer's lock (``DATABASE_BUSY_TIMEOUT``)."""


SYNCHRONOUS = ("FULL", "NORMAL")
"""The values ``SQLITE_SYNCHRONOUS`` may take (SQLite's ``PRAGMA synchronous`` in WAL mode)."""


def configure_engine(
    engine: Engine,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    synchronous: str = "FULL",
    turnstile: bool = True,
) -> None:
    """How long a writer waits for another's lock, and on SQLite: foreign keys on, WAL, and
    writers that queue instead of failing.

    ``busy_timeout`` (seconds, the ``DATABASE_BUSY_TIMEOUT`` setting) bounds the wait for a lock
    held by another writer: SQLite's ``busy_timeout``, PostgreSQL's ``lock_timeout``. Past it
    the request fails with an ``OperationalError``, which ``errors.py`` turns into a 503 page
    (nothing saved, try again) instead of a worker hanging until the server kills it.

    pysqlite starts transactions lazily, so two requests that read and then write can both hold
    a read snapshot, and the second to write fails at once with "database is locked" however
    long the timeout. So a transaction that will write begins with ``BEGIN IMMEDIATE`` (see
    ``begin_write``): it waits its turn for the write lock up front. Readers begin deferred and,
    in WAL mode, never wait for writers.

    ``synchronous`` (``SQLITE_SYNCHRONOUS``, SQLite only): with ``FULL`` every commit waits for
    the WAL to reach the disk (an fsync, a few milliseconds, under the write lock, so every
    other writer waits for it too); with ``NORMAL`` the WAL is synced only at checkpoints,
    and a power cut or an OS crash (not a crash of the app) may lose the last commits, never
    corrupting the database. The README's configuration weighs the two.

    ``turnstile`` (``SQLITE_WRITE_TURNSTILE``, SQLite files only): our writers queue at
    ``write_turnstile`` before ``BEGIN IMMEDIATE``, so that a writer starts the moment the one
    before it commits instead of when SQLite's busy handler next wakes it (see that module).
    """
    milliseconds = _milliseconds(busy_timeout)
    pragma = _synchronous(synchronous)
    if not isinstance(turnstile, bool):
        raise ValueError(f"SQLITE_WRITE_TURNSTILE must be true or false (got {turnstile!r}).")
    if engine.dialect.name == "postgresql":
        _set_postgres_lock_timeout(engine, milliseconds)
        if engine.dialect.driver == "psycopg":
            _read_outside_transactions(engine)
            _ping_without_a_round_trip(engine)
    if engine.dialect.name != "sqlite":
        return
    # Here, not at the top: a PostgreSQL worker never loads sqlite3 (0.9 MB).
    import sqlite3

    from quizapp.write_turnstile import TurnstileConnection, give_way, turnstile_of

    gate = turnstile_of(engine) if turnstile else None
    if gate is not None:

        @event.listens_for(engine, "before_cursor_execute")
        def _give_way(*_: Any) -> None:
            give_way()

        @event.listens_for(engine, "do_connect")
        def _queueing_connection(
            _dialect: Any, _record: Any, _args: Any, params: dict[str, Any]
        ) -> None:
            params["factory"] = TurnstileConnection

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        if isinstance(dbapi_connection, TurnstileConnection):
            dbapi_connection.turnstile = gate
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event issues BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {milliseconds:d}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute(f"PRAGMA synchronous = {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN")
            return
        dbapi_connection = connection.connection.dbapi_connection
        if not isinstance(dbapi_connection, TurnstileConnection) or dbapi_connection.turn:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        dbapi_connection.begin_in_turn(connection, milliseconds)


def _milliseconds(seconds: Any) -> int:
    """The timeout in whole milliseconds; a clear error at start-up for a value that is not a
    number of seconds (booleans included, which Python would count as 0 and 1)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds >= 0:
        raise ValueError(
            f"DATABASE_BUSY_TIMEOUT must be a number of seconds, 0 or more (got {seconds!r})."
        )
    return round(seconds * 1000)


def _synchronous(value: Any) -> str:
    """The ``PRAGMA synchronous`` value; a clear error at start-up for any other setting."""
    if not isinstance(value, str) or value.upper() not in SYNCHRONOUS:
        raise ValueError(
            f"SQLITE_SYNCHRONOUS must be one of {', '.join(SYNCHRONOUS)} (got {value!r})."
        )
    return value.upper()


_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b|\bFOR\s+KEY\s+SHARE\b", re.I)
"""A plain read (``SELECT``, no row lock): the only statement a PostgreSQL read transaction
runs outside ``BEGIN`` (``_read_outside_transactions``). ``WITH`` (which may modify data), a
locking ``SELECT`` and everything else begins the transaction first."""


@functools.lru_cache(maxsize=1024)
def _plain_read(statement: str) -> bool:
    """Whether ``statement`` is a plain read (``_READ``, not ``_LOCKING``), decided once per
    statement text: a page sends the same few texts (SQLAlchemy's compiled cache), and the
    locking search scanned the whole of each long ``SELECT`` at every execution."""
    return bool(_READ.match(statement)) and not _LOCKING.search(statement)


def _set_postgres_lock_timeout(engine: Engine, milliseconds: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Outside any transaction, so the setting holds for the connection's whole life.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET SESSION lock_timeout = {milliseconds:d}")
        cursor.close()
        dbapi_connection.autocommit = autocommit


def _read_outside_transactions(engine: Engine) -> None:
    """PostgreSQL with psycopg 3: reads that cost no ``BEGIN`` and no ``ROLLBACK``.

    psycopg begins a transaction with a ``BEGIN`` of its own (a round trip) before a
    connection's first statement, and a read-only page ends it with a ``ROLLBACK`` (another
    one, when the session is closed at the end of the request). That ``ROLLBACK`` also empties
    psycopg's cache of prepared statements (``DEALLOCATE ALL`` after a request that prepared
    one): a statement is prepared on the server after ``prepare_threshold`` (5) uses on one
    connection, so with every request ending in a rollback, no statement ever was, and the
    server parsed and planned every statement of every page again.

    So the driver's connections run in autocommit mode, and ``BEGIN`` is sent by us:
    - at once for a writer's transaction (``begin_write``), as the driver did before;
    - otherwise just before the transaction's first statement that is not a plain ``SELECT``
      (a write, a ``SELECT ... FOR UPDATE``, a server-side cursor, anything else), so that a
      transaction that writes without ``begin_write`` is still one transaction from there on.
    A transaction that only reads sends its statements alone: no ``BEGIN``, and its commit or
    rollback sends nothing (psycopg sends ``COMMIT``/``ROLLBACK`` only inside a transaction).

    Why that is safe: PostgreSQL runs at READ COMMITTED (the app sets no other level), where
    every statement of a transaction takes a snapshot of its own anyway; a read-only
    transaction's statements see exactly what they would see outside one, and take no lock
    that outlives them either way. What a transaction does change: from its ``BEGIN`` on, as
    before. Only ``now()`` in a read differs (the statement's time, not the transaction's);
    the app takes its times from Python.
    """
    # Here, not at the top: a SQLite worker never loads psycopg.
    from psycopg import ServerCursor
    from psycopg.pq import TransactionStatus

    idle = TransactionStatus.IDLE

    @event.listens_for(engine, "connect")
    def _autocommit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.autocommit = True  # after _set_postgres_lock_timeout's listener

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.connection.dbapi_connection.execute("BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_writing(
        connection: Any,
        cursor: Any,
        statement: str,
        _parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        if _plain_read(statement) and not isinstance(cursor, ServerCursor):
            return  # DECLARE (a server-side cursor) needs a transaction
        if not connection.in_transaction():
            return  # a statement of SQLAlchemy's own
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.info.transaction_status != idle:
            return  # in the transaction already
        dbapi_connection.execute("BEGIN")


def _ping_without_a_round_trip(engine: Engine) -> None:
    """PostgreSQL with psycopg 3: the pool's pre-ping (``pool_pre_ping``) asks the
    connection's socket, not the server, whenever it can.

    The ping guards against a connection the server has closed while it sat in the pool (a
    restarted server, ``pg_terminate_backend``, an idle timeout): SQLAlchemy's sends ``;`` and
    waits for the answer, a round trip at every checkout (one a page, two or three a submit)
    for our process and the server's, on the same cores. But a server that closes a connection tells
    it first (a ``FATAL`` error, then the end of the stream): an idle connection with nothing
    to read has heard nothing of the kind since its last statement. So the ping is a poll of
    the socket that does not wait (a microsecond); only when the server did say something
    (or psycopg holds the connection for broken, or in a transaction) does the round trip
    decide, as before, and a dead connection empties the pool as before. What neither
    notices is a server that vanished without a word (a cut cable): the ping would wait as
    long as the request's first statement does.
    """
    from psycopg.pq import ConnStatus, TransactionStatus

    dialect = engine.dialect
    round_trip = dialect.do_ping  # the dialect's own, kept for a connection that heard something

    def do_ping(dbapi_connection: Any) -> bool:
        pgconn = dbapi_connection.pgconn
        if (
            pgconn.status == ConnStatus.OK
            and pgconn.transaction_status == TransactionStatus.IDLE
            and _nothing_to_read(pgconn.socket)
        ):
            return True
        return bool(round_trip(dbapi_connection))

    dialect.do_ping = do_ping  # type: ignore[method-assign]


def _nothing_to_read(socket: int) -> bool:
    """No data, end of stream or error waits on the socket (``poll`` with no timeout)."""
    poller = select.poll()
    poller.register(socket, select.POLLIN)
    return not poller.poll(0)


def begin_write(*, keep_loaded: bool = False) -> None:
    """Begin the session's next transaction as a writer.

    Ends a read-only transaction the request may have open (committing nothing new), so the
    write lock is taken at BEGIN on SQLite. On PostgreSQL the option is ignored: row locks
    (``with_for_update``) and constraints do that work there.

    ``keep_loaded``: end the read transaction without expiring the objects it loaded. Ending
    it expires every object in the session by default (``expire_on_commit``), so that the
    writer's reads see what other writers committed meanwhile; that walk of every loaded object
    was about a fourteenth of a submit's CPU. A caller passes True only when it re-reads under
    the lock what it must check (as ``attempts._lock`` does with Core) and writes with Core
    statements, so its loaded objects, stale from here on, are not read again before its commit.
    On PostgreSQL such a caller's read transaction simply goes on as the writer's
    (``_go_on_writing``).
    """
    session = db.session()
    if session.in_transaction():
        if keep_loaded and _go_on_writing(session):
            return
        expire = session.expire_on_commit
        session.expire_on_commit = expire and not keep_loaded
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
    session.connection(execution_options={WRITE_OPTION: True})
    session.info[_WRITING] = session.get_transaction()


def _go_on_writing(session: Session) -> bool:
    """PostgreSQL: make the session's read transaction the writer's, keeping its connection:
    ``BEGIN`` on it, as ``begin_write``'s new transaction would send at once. Whether it did.

    The read transaction sent its statements alone (``_read_outside_transactions``): it holds
    no snapshot and no lock on the server, so there is nothing to end; SQLAlchemy's commit of
    it and the new transaction's connection (back to the pool, out again, pinged) were about a
    twentieth of a submit's CPU (docs/performance.md, "Session 19"). Not when the connection is
    in a transaction of the server's already (a statement that wrote began one): that one
    ends as before."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return False
    from psycopg.pq import TransactionStatus  # here: a SQLite worker never loads psycopg

    dbapi_connection = connection.connection.dbapi_connection
    if (
        not dbapi_connection.autocommit
        or dbapi_connection.info.transaction_status != TransactionStatus.IDLE
    ):
        return False
    dbapi_connection.execute("BEGIN")
    session.info[_WRITING] = session.get_transaction()
    return True


def write_with_next(key: str, statement: Executable, params: dict[str, Any]) -> None:
    """Run a small write (``statement`` with ``params``) in the session's next write
    transaction, just before it commits, instead of in a transaction of its own: no second
    BEGIN IMMEDIATE, write lock and fsync'd commit when the request writes anyway (a login's
    "last seen", see ``login_sessions.resume``). A later write under the same ``key`` replaces
    an earlier one still waiting. If that transaction rolls back, the write waits for the next
    one; ``write_pending`` writes what no transaction took (at the end of the request).

    Run last rather than first, on PostgreSQL the row locks it takes are held only from there
    to the commit, after every lock the transaction's own work takes.
    """
    db.session().info.setdefault(_PENDING, {})[key] = (statement, params)


def write_pending() -> None:
    """Write, in a transaction of its own, what ``write_with_next`` queued and no write
    transaction took; nothing (not even a session) when none waits."""
    if not db.session.registry.has() or not db.session().info.get(_PENDING):
        return
    begin_write(keep_loaded=True)
    db.session.commit()


PendingWrites = dict[str, tuple[Executable, dict[str, Any]]]
"""Small writes waiting for a write transaction: by ``write_with_next``'s key, the statement and
its values."""


def take_pending() -> PendingWrites:
    """Take the small writes waiting for the session's next write transaction (see
    ``write_with_next``), for a write that runs elsewhere (``write_batches``: another thread's
    transaction writes them); ``put_back_pending`` if that write fails."""
    if not db.session.registry.has():
        return {}
    pending: PendingWrites = db.session().info.pop(_PENDING, {})
    return pending


def put_back_pending(taken: PendingWrites) -> None:
    """Queue again writes ``take_pending`` took."""
    if taken:
        _queue_again(db.session(), taken)


def _queue_again(session: Session, writes: PendingWrites) -> None:
    """Writes that were taken and not committed wait for the next transaction again; those
    queued since they were taken are newer and win."""
    session.info[_PENDING] = {**writes, **session.info.get(_PENDING, {})}


@event.listens_for(Session, "before_commit")
def _run_pending(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending or session.info.get(_WRITING) is not session.get_transaction():
        return  # nothing waits, or a read-only transaction ends (begin_write's, or a page's)
    session.info[_IN_FLIGHT] = session.info.pop(_PENDING)
    for statement, params in pending.values():
        session.execute(statement, params)


@event.listens_for(Session, "after_commit")
def _written(session: Session) -> None:
    session.info.pop(_IN_FLIGHT, None)
    session.info.pop(_WRITING, None)


@event.listens_for(Session, "after_rollback")
def _requeue(session: Session) -> None:
    """Writes run in a transaction that rolled back wait for the next one (newer ones win)."""
    session.info.pop(_WRITING, None)
    in_flight = session.info.pop(_IN_FLIGHT, None)
    if in_flight:
        _queue_again(session, in_flight)


def give_way_to_a_writer() -> None:
    """Before a stretch of work of its own (grading a submit), a thread lets another thread of
    this worker that holds SQLite's write turn send its statements first
    (``write_turnstile.give_way``);
    nothing to do on PostgreSQL, or where no SQLite file was opened."""
    turnstile = sys.modules.get("quizapp.write_turnstile")
    if turnstile is not None:
        turnstile.give_way()
