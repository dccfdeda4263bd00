"""Flask-Migrate, wired to the app without importing it at start-up.

Importing Flask-Migrate imports Alembic, which imports Mako and Pygments: a good part of the
start-up of every command (``flask quiz validate``) and every web worker, for the few commands
that migrate. So the app gets two stand-ins: ``app.extensions["migrate"]`` and the ``db``
command group. The first use of either (``flask db upgrade``, or ``flask_migrate.upgrade()``
called in code) wires the real extension, exactly as ``Migrate(app, db, ...)`` would, and
everything after that talks to Flask-Migrate itself.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy


class LazyMigrate:
    """Stands in for ``app.extensions["migrate"]`` until Flask-Migrate is first needed."""

    def __init__(self, app: Flask, db: SQLAlchemy, **options: Any) -> None:
        self.app = app
        self.db = db
        self.options = options
        app.extensions["migrate"] = self
        app.cli.add_command(_LazyDbGroup(self))

    def load(self) -> Any:
        """Wire the real extension (it replaces both stand-ins) and return its config."""
        if self.app.extensions.get("migrate") is self:
            from flask_migrate import Migrate

            Migrate(self.app, self.db, **self.options)
        return self.app.extensions["migrate"]

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes this stand-in lacks: Flask-Migrate asking for its config.
        return getattr(self.load(), name)


class _LazyDbGroup(click.Group):
    """The ``db`` command group, listed in ``flask --help`` with Flask-Migrate's own help
    text; running it (``flask db upgrade``, ``flask db --help``) hands over to Flask-Migrate."""

    def __init__(self, migrate: LazyMigrate) -> None:
        super().__init__("db", help="Perform database migrations.")
        self.migrate = migrate

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The context made is the real group's, so click invokes the real group with it.
        self.migrate.load()
        from flask_migrate.cli import db as real_group

        return real_group.make_context(info_name, args, parent=parent, **extra)


__all__ = ["LazyMigrate"]
