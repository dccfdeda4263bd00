"""SQLite's ``PRAGMA synchronous`` is the ``SQLITE_SYNCHRONOUS`` setting on every connection
(issue 10: with ``FULL`` each commit waits for an fsync of the WAL under the write lock, and a
burst of submits queues behind those fsyncs; the README weighs the choice)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from quizapp import create_app
from quizapp.extensions import db

PRAGMA_VALUES = {"FULL": 2, "NORMAL": 1}


def sqlite_app(tmp_path: Path, **config: Any) -> Flask:
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite'}",
            "SECRET_KEY": "tests-only-secret",
            **config,
        }
    )


def synchronous_of(app: Flask) -> tuple[int, str]:
    """``PRAGMA synchronous`` and the journal mode of a connection of the app's pool."""
    with app.app_context():
        try:
            value = db.session.execute(text("PRAGMA synchronous")).scalar_one()
            mode = db.session.execute(text("PRAGMA journal_mode")).scalar_one()
        finally:
            db.session.remove()
            db.engine.dispose()
    return value, mode


def test_by_default_every_commit_waits_for_the_disk(tmp_path: Path):
    assert synchronous_of(sqlite_app(tmp_path)) == (PRAGMA_VALUES["FULL"], "wal")


@pytest.mark.parametrize("setting", ["NORMAL", "normal", "FULL"])
def test_the_setting_is_each_connections_pragma(tmp_path: Path, setting: str):
    app = sqlite_app(tmp_path, SQLITE_SYNCHRONOUS=setting)
    assert synchronous_of(app) == (PRAGMA_VALUES[setting.upper()], "wal")


@pytest.mark.parametrize("value", ["OFF", "EXTRA", "", 1, None])
def test_another_value_is_refused_at_start(tmp_path: Path, value: Any):
    """OFF could corrupt the database on a power cut; EXTRA buys nothing in WAL mode here."""
    with pytest.raises(ValueError, match="SQLITE_SYNCHRONOUS must be one of FULL, NORMAL"):
        sqlite_app(tmp_path, SQLITE_SYNCHRONOUS=value)
