"""Whole numbers from URLs and query strings, kept inside what the database can hold.

Werkzeug's ``<int:...>`` accepts any number of digits, and an id of 30 digits then overflows
SQLite's 64-bit integers (an ``OverflowError`` in the driver) or PostgreSQL's 32-bit ``integer``
columns ("integer out of range"): a 500 for a mistyped link. One converter, ``<id:...>``,
registered app-wide, matches only ids from 1 to ``MAX_ID`` and answers 404 for anything else, as
for an id that does not exist; ``int_arg`` reads an integer query value or answers 400 naming it.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
"""The largest value of an ``Integer`` column on PostgreSQL (SQLite's are wider)."""

_INTEGER = re.compile(r"-?[0-9]+")
_MAX_DIGITS = 20
"""Longer values are refused unread: no integer this app takes has more digits."""


class IdConverter(IntegerConverter):
    """``<id:name>``: a row id, 1..MAX_ID; out of range is no match (a 404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def int_arg(name: str, default: int | None, minimum: int, maximum: int = MAX_ID) -> int | None:
    """The query value ``name`` as an integer from ``minimum`` to ``maximum``; ``default`` when
    it is absent or empty; a 400 that names it and its range when it is anything else."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    # Bounded by length first, so a 5,000-digit value is refused without converting it.
    value = int(raw) if len(raw) <= _MAX_DIGITS and _INTEGER.fullmatch(raw) else None
    if value is None or not minimum <= value <= maximum:
        abort(
            400,
            _(
                "'%(name)s' must be a whole number from %(minimum)s to %(maximum)s.",
                name=name,
                minimum=minimum,
                maximum=maximum,
            ),
        )
    return value


def register(app: Flask) -> None:
    """Make ``<id:...>`` known; call before the blueprints add their rules."""
    app.url_map.converters["id"] = IdConverter
