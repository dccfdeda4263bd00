"""Fields whose "cannot read that" message is plain words for the person at the form, not
WTForms' default ("Not a valid float value.", "Not a valid integer value.", "Not a valid
datetime value."): the issue's GOV.UK rule, the message says what to type."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, FloatField, IntegerField


class _PlainMessage:
    """Replaces the field's parse error by ``unreadable`` (given per field, or the default)."""

    default_unreadable: Any = _l("Check what you typed.")

    def __init__(self, *args: Any, unreadable: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unreadable = unreadable or self.default_unreadable

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(self.unreadable) from error


class PlainFloatField(_PlainMessage, FloatField):
    default_unreadable = _l("Type a number, e.g. 0.5.")


class PlainIntegerField(_PlainMessage, IntegerField):
    default_unreadable = _l("Type a whole number, e.g. 30.")


class PlainDateTimeLocalField(_PlainMessage, DateTimeLocalField):
    default_unreadable = _l("Type a date and time, e.g. 2026-09-01T09:00.")
