"""Plain YAML numbers that keep their exact source text.

The strict reader resolves plain scalars by YAML 1.2's core rules (``true``/``false``,
``null``, decimal numbers); anything else stays text, so ``no``, ``on`` and ``12:30`` are never
booleans or sexagesimal numbers. A resolved number is a ``PlainInt`` or ``PlainFloat``: a
number to a numeric field, and to a field that expects text, the characters the author typed
(``1.10`` stays "1.10", ``2014`` stays "2014").
"""

from __future__ import annotations

from typing import Any


class PlainInt(int):
    """An unquoted integer, remembering how it was written."""

    raw: str

    def __new__(cls, raw: str) -> PlainInt:
        number = super().__new__(cls, int(raw.replace("_", "")))
        number.raw = raw
        return number


class PlainFloat(float):
    """An unquoted decimal number, remembering how it was written."""

    raw: str

    def __new__(cls, raw: str) -> PlainFloat:
        number = super().__new__(cls, float(raw))
        number.raw = raw
        return number


def as_text(value: Any) -> Any:
    """Where text is expected, a plain number is the text the author typed."""
    if isinstance(value, PlainInt | PlainFloat):
        return value.raw
    return value
