"""What tests/conftest.py shares between the tests of one pytest process to save CPU, and only
that: SQLAlchemy's compiled SQL (as the Jinja bytecode), while each test keeps its own app,
engine and database; and the garbage collector's settings."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from quizapp.database import configure_engine
from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import _share_compiled_sql


def _cache_hits(engine: Engine) -> list[tuple[str, bool]]:
    seen: list[tuple[str, bool]] = []

    def record(_conn, _cursor, statement, _parameters, context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement.split()[0], context.cache_hit == context.dialect.CACHE_HIT))

    event.listen(engine, "after_cursor_execute", record)
    return seen


@pytest.mark.any_database  # SQLite's run: two engines on two files of one dialect
def test_sql_compiled_by_another_tests_engine_is_reused(
    app: Flask, tmp_path: Path, _migrated_sqlite: Path
) -> None:
    """Another engine (another test's app) on another database compiles a query and an ORM
    INSERT first; this test's engine finds both compiled, yet writes to its own database."""
    shutil.copyfile(_migrated_sqlite, tmp_path / "other.sqlite")
    other = create_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    configure_engine(other)  # as the app configures its own
    _share_compiled_sql(other)
    query = select(User.id).where(User.username == "grace")
    with Session(other) as session:
        session.add(User(username="grace", password_hash="x"))
        session.commit()
        assert session.scalars(query).all() == [1]
    other.dispose()

    with app.app_context():
        hits = _cache_hits(db.engine)
        db.session.add(User(username="ada", password_hash="x"))
        db.session.commit()
        assert db.session.scalars(query).all() == []  # its own database: no grace here
    assert ("INSERT", True) in hits, hits
    assert ("SELECT", True) in hits, hits


def test_the_imported_code_is_out_of_the_garbage_collectors_sight() -> None:
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == 10_000
