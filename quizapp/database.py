"""Database engine settings that must hold on every connection, and how writers begin."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, event

from quizapp.extensions import db

WRITE_OPTION = "quizapp_write"


def configure_engine(engine: Engine) -> None:
    """SQLite: foreign keys on, WAL, a busy timeout, and writers that queue instead of failing.

    pysqlite starts transactions lazily, so two requests that read and then write can both hold
    a read snapshot, and the second to write fails at once with "database is locked" however
    long the timeout. So a transaction that will write begins with ``BEGIN IMMEDIATE`` (see
    ``begin_write``): it waits its turn for the write lock up front. Readers begin deferred and,
    in WAL mode, never wait for writers.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event issues BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 15000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def begin_write() -> None:
    """Begin the session's next transaction as a writer.

    Ends a read-only transaction the request may have open (committing nothing new), so the
    write lock is taken at BEGIN on SQLite. On PostgreSQL the option is ignored: row locks
    (``with_for_update``) and constraints do that work there.
    """
    if db.session().in_transaction():
        db.session.commit()
    db.session.connection(execution_options={WRITE_OPTION: True})
