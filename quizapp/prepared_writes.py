"""Writes made ready before the write lock, so that the turn under it only sends them.

Why: everything a writer does while it holds the write lock (SQLite's, for the whole file)
every other student's save and submit waits for, and in a worker of several threads each
moment the holder spends in Python it may also spend waiting for the GIL. SQLAlchemy works
out a statement's parameters when it runs it: it looks the statement up in its compiled
cache, builds the parameters' dictionary, converts each value for the driver (a response to
JSON, a time to SQLite's text), then hands both to the driver. For a submit that work came to
about half of its turn's time apart from the commit (docs/performance.md, "Session 12").

Here a statement is compiled once per database dialect (``ready``), and its values are
converted with the dialect's own bind processors (the same functions SQLAlchemy would call,
so the driver gets the same values) before the lock; ``send`` then runs each through
``Connection.exec_driver_sql``, which skips compiling and converting but still goes through
the engine, its events (the tests' statement counters see these statements) and the session's
transaction.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, CursorResult, Dialect, Executable

from quizapp.extensions import db


@dataclass(frozen=True, slots=True)
class ReadyStatement:
    """A statement in the driver's own terms: its SQL and its converted parameters."""

    sql: str
    parameters: tuple[Any, ...] | dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    """The parameters' names, in the order a positional driver takes them."""
    positional: bool
    converters: tuple[Callable[[Any], Any] | None, ...]
    """Each parameter's bind processor for the dialect (None: sent as it is)."""
    values_in_statement: dict[str, Any]
    """The values the statement carries itself (``column == 5``), by parameter name."""


@functools.lru_cache(maxsize=512)
def _compiled(statement: Executable, dialect: Dialect) -> _Compiled:
    """``statement`` compiled for ``dialect``, once (statements are built once and kept: the
    ``lru_cache``'d texts of ``answer_store`` and ``practice``, and module-level ones)."""
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    if compiled.post_compile_params or compiled.literal_execute_params:
        # An IN list's parameters are only written into the SQL when it runs.
        raise ValueError(f"a ready statement cannot expand parameters: {compiled.string}")
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    names = tuple(compiled.positiontup) if compiled.positional else tuple(by_name)
    converters = tuple(
        by_name[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    carried = {name: bind.value for name, bind in by_name.items() if not bind.required}
    return _Compiled(compiled.string, names, bool(compiled.positional), converters, carried)


def ready(statement: Executable, values: Mapping[str, Any]) -> ReadyStatement:
    """``statement`` with ``values`` (by parameter name), compiled for the session's database
    and converted as the driver takes them; nothing is sent."""
    compiled = _compiled(statement, db.session.get_bind().dialect)
    carried = compiled.values_in_statement
    converted = [
        value if convert is None else convert(value)
        for convert, value in zip(
            compiled.converters,
            (values[name] if name in values else carried[name] for name in compiled.names),
            strict=True,
        )
    ]
    if compiled.positional:
        return ReadyStatement(compiled.sql, tuple(converted))
    return ReadyStatement(compiled.sql, dict(zip(compiled.names, converted, strict=True)))


def ready_rows(
    by_row: Callable[[int], Executable],
    as_json_rows: Executable,
    columns: Mapping[str, Sequence[Any]],
    values: Mapping[str, Any],
) -> ReadyStatement:
    """A statement of many rows made ready in its database's form, from the rows' values by
    column (``columns``, each as long as the others) and the values all rows share
    (``values``).

    On PostgreSQL ``as_json_rows``, which takes the rows as one JSON text named ``rows`` (an
    array of one object a row, keyed by the columns' names: ``json_to_recordset``): one text
    for any number of rows, a handful of parameters. psycopg turns a statement's ``%(name)s``
    into ``$n`` with a regular expression and keeps the result only for statements under 4,096
    bytes and 50 parameters, so a submit's 20 answers in ``VALUES`` rows (180 parameters) were
    converted afresh at every submit, a sixth of its CPU, and the server planned one statement
    for every number of rows (docs/performance.md, "Session 13"). Not arrays, one a column
    (``unnest``, sessions 13 to 15): psycopg dumps an array's elements one by one in Python,
    0.2 ms of a submit's answers where ``json.dumps`` of the same rows takes 0.045
    ("Session 16").

    Elsewhere ``by_row(rows)``, a statement of one ``VALUES`` row each, which takes row
    ``n``'s value of column ``c`` as ``c_of_n``."""
    if on_postgresql():
        return ready(as_json_rows, {**values, "rows": json_rows(columns)})
    rows = len(next(iter(columns.values())))
    by_name = {
        f"{column}_of_{row}": value
        for column, column_values in columns.items()
        for row, value in enumerate(column_values)
    }
    return ready(by_row(rows), {**values, **by_name})


def on_postgresql() -> bool:
    """Whether the session's database is PostgreSQL (whose writes take other forms here)."""
    return db.session.get_bind().dialect.name == "postgresql"


def json_rows(columns: Mapping[str, Sequence[Any]]) -> str:
    """The rows of ``columns`` (values by column) as a JSON array of objects, one a row keyed
    by the columns' names, as ``json_to_recordset`` reads them: a time as ISO 8601 text
    (PostgreSQL's timestamp input), a JSON value (a response) as itself; NaN and infinities,
    which JSON cannot hold, refused."""
    names = list(columns)
    rows = [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    return json.dumps(rows, default=_as_json, allow_nan=False)


def _as_json(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"a row's {type(value).__name__} has no JSON form: {value!r}")


def run(statement: ReadyStatement, connection: Connection | None = None) -> CursorResult[Any]:
    """Run a ready statement in the session's transaction (on ``connection``, the session's,
    when the caller has it already: a batch under the lock looks it up once); its result, for
    a statement whose rows the caller reads (a claim that writes for itself says what it
    wrote: ``write_batches``)."""
    on = connection if connection is not None else db.session.connection()
    return on.exec_driver_sql(statement.sql, statement.parameters)


def send(statement: ReadyStatement, connection: Connection | None = None) -> int:
    """Run a ready statement as ``run`` does; returns the rows it changed."""
    return run(statement, connection).rowcount
