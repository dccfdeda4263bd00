"""Which of a question's languages a student sees (banks that carry translations).

The order is a ``?lang=`` query argument naming one of the question's languages, else the
interface's language (``quizapp.i18n.current_language()``: the account's setting, the footer's
switch, the browser's ``Accept-Language``) when the question has it, else the bank's default
language.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import request

from quizapp.i18n import current_language
from quizapp.qtypes.languages import LANGUAGE_CODE

LANGUAGE_NAMES = {
    "en": "English",
    "zh": "中文",
    "ru": "Русский",
    "be": "Беларуская",
}
"""How a language calls itself, for the switch on the attempt page (else its code)."""


def wanted_language(available: Sequence[str], default: str) -> str:
    """The language of ``available`` this request asks for, else ``default``."""
    asked = request.args.get("lang", "")
    if asked in available:
        return asked
    interface = current_language()
    return interface if interface in available else default


def language_name(code: str) -> str:
    """A language's own name, for links that switch to it."""
    return LANGUAGE_NAMES.get(code, code)


def is_language_code(value: str) -> bool:
    return bool(LANGUAGE_CODE.fullmatch(value))


__all__ = ["is_language_code", "language_name", "wanted_language"]
