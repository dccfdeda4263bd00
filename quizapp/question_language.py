"""Which of a question's languages a student sees (banks that carry translations).

A stand-in until the interface's own ``quizapp.i18n.current_language()`` (branch i18n-ui) is
merged: the lead switches ``wanted_language`` to it then. The order is a ``?lang=`` query
argument naming one of the question's languages, else the browser's ``Accept-Language`` best
match among them, else the bank's default language.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import request

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
    return request.accept_languages.best_match(list(available)) or default


def language_name(code: str) -> str:
    """A language's own name, for links that switch to it."""
    return LANGUAGE_NAMES.get(code, code)


def is_language_code(value: str) -> bool:
    return bool(LANGUAGE_CODE.fullmatch(value))


__all__ = ["is_language_code", "language_name", "wanted_language"]
