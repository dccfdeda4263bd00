"""Database engine settings that must hold on every connection."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, event


def configure_engine(engine: Engine) -> None:
    """SQLite: foreign keys on, WAL, a busy timeout, and writers that queue instead of failing.

    pysqlite starts transactions lazily, so two requests that read and then write can both hold
    a read lock and one fails with "database is locked" however long the timeout. Taking the
    write lock at BEGIN (``BEGIN IMMEDIATE``, SQLAlchemy's documented recipe) makes them wait
    their turn instead; WAL keeps readers of other connections unblocked.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 15000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
