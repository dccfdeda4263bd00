"""Database engine settings that must hold on every connection, and how writers begin."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, event

from quizapp.extensions import db

WRITE_OPTION = "quizapp_write"

DEFAULT_BUSY_TIMEOUT = 15.0
"""Seconds a writer waits for another writer's lock (``DATABASE_BUSY_TIMEOUT``)."""


SYNCHRONOUS = ("FULL", "NORMAL")
"""The values ``SQLITE_SYNCHRONOUS`` may take (SQLite's ``PRAGMA synchronous`` in WAL mode)."""


def configure_engine(
    engine: Engine, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, synchronous: str = "FULL"
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
    """
    milliseconds = _milliseconds(busy_timeout)
    pragma = _synchronous(synchronous)
    if engine.dialect.name == "postgresql":
        _set_postgres_lock_timeout(engine, milliseconds)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
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
        writing = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


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


def begin_write() -> None:
    """Begin the session's next transaction as a writer.

    Ends a read-only transaction the request may have open (committing nothing new), so the
    write lock is taken at BEGIN on SQLite. On PostgreSQL the option is ignored: row locks
    (``with_for_update``) and constraints do that work there.
    """
    if db.session().in_transaction():
        db.session.commit()
    db.session.connection(execution_options={WRITE_OPTION: True})
