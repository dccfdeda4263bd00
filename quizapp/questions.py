"""Reading stored question versions and quiz settings back into their validated models.

Question versions never change, so a parsed question is cached by its content hash; quiz
settings are small and re-validated from their JSON (cached by that JSON).

A page of an attempt loads its versions without their ``data`` column (``VERSION_WITHOUT_DATA``)
and fills the cache with ``parse_versions`` in at most one statement: in a running worker every
version is parsed already, so a page neither reads nor decodes the questions' JSON again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import defer

from quizapp.bank.models import Quiz as QuizSettings
from quizapp.extensions import db
from quizapp.models import AttemptSlot, QuestionVersion, Quiz
from quizapp.qtypes import AnyQuestion, QuestionBase
from quizapp.qtypes.languages import in_language, languages_of

_question_adapter: TypeAdapter[QuestionBase] = TypeAdapter(AnyQuestion)
_parsed: dict[str, QuestionBase] = {}


def question_from_version(version: QuestionVersion) -> QuestionBase:
    """The question model of a stored version (validated once per process)."""
    question = _parsed.get(version.content_hash)
    if question is None:
        question = _question_adapter.validate_python(version.data)
        _parsed[version.content_hash] = question
    return question


_languages: dict[str, list[str]] = {}


def version_languages(version: QuestionVersion) -> list[str]:
    """The languages a stored version is written in, its default first ([] for one language
    only): walked once per process, since every attempt page asks for each of its slots."""
    languages = _languages.get(version.content_hash)
    if languages is None:
        languages = _languages[version.content_hash] = languages_of(question_from_version(version))
    return languages


_shown: dict[tuple[str, str], QuestionBase] = {}


def shown_question(slot: AttemptSlot) -> QuestionBase:
    """A slot's question as the student sees (or saw) it: in the slot's language, where the
    bank translates it (cached like the versions: both never change)."""
    question = question_from_version(slot.question_version)
    if not slot.language:
        return question
    key = (slot.question_version.content_hash, slot.language)
    shown = _shown.get(key)
    if shown is None:
        shown = _shown[key] = in_language(question, slot.language)
    return shown


VERSION_WITHOUT_DATA = defer(QuestionVersion.data)
"""A loader option: versions without their JSON, for ``parse_versions`` to fill in."""


def parse_versions(versions: Iterable[QuestionVersion]) -> None:
    """Parse the versions not yet in the cache, reading their data in one statement (none when
    every one is cached), so that ``question_from_version`` needs no lazy load of a deferred
    ``data`` column."""
    missing = {v.id: v.content_hash for v in versions if v.content_hash not in _parsed}
    if not missing:
        return
    for version_id, data in db.session.execute(
        select(QuestionVersion.id, QuestionVersion.data).where(QuestionVersion.id.in_(missing))
    ):
        _parsed[missing[version_id]] = _question_adapter.validate_python(data)


PRACTICE_SETTINGS = QuizSettings(id="practice", title="Practice")
"""A practice attempt's rules: no time limit, answers shown after submission."""


def quiz_settings(quiz: Quiz | None) -> QuizSettings:
    """A quiz's validated settings; ``None`` (a practice attempt) has the practice rules."""
    if quiz is None:
        return PRACTICE_SETTINGS
    return _settings_from_json(json.dumps(quiz.settings, sort_keys=True))


@lru_cache(maxsize=512)
def _settings_from_json(settings_json: str) -> QuizSettings:
    return QuizSettings.model_validate_json(settings_json)
