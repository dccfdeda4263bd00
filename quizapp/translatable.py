"""Text made by the pure layers (qtypes, bank) that a page shows in the reader's language.

The question types and the bank reader import nothing of Flask, so they cannot know the
request's language. They return a ``Msg`` instead of a plain string: the English text (it *is*
a ``str``, so the command line, the logs, comparisons and ``str.join`` read it as before) that
also remembers its catalogue id and parameters. The page translates it at the last moment with
``quizapp.i18n.translate``, which looks the id up in the request's catalogue and fills in the
parameters (translated too, when they are ``Msg`` themselves).

``Msg("Blank %(number)s: right.", number=1)`` is extracted by ``make translations`` (the
keyword ``Msg`` in the Makefile); its id must be a literal string. Text that a teacher wrote
(a choice's feedback, a question's text) stays a plain ``str`` and is never looked up.

Nothing here imports Flask: this module is as pure as the layers that use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Msg(str):
    """English text with its catalogue id (``msgid``, %-style named placeholders) and the
    values of the placeholders (``params``)."""

    msgid: str
    params: Mapping[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Msg:
        english = msgid % {name: str(value) for name, value in params.items()} if params else msgid
        message = super().__new__(cls, english)
        message.msgid = msgid
        message.params = params
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        # A copy or a pickle keeps the id and the values (str's own would keep only the text).
        return (_rebuild, (self.msgid, dict(self.params)))


def _rebuild(msgid: str, params: dict[str, Any]) -> Msg:
    return Msg(msgid, **params)


__all__ = ["Msg"]
