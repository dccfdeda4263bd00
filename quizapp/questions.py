"""Reading stored question versions and quiz settings back into their validated models.

Question versions never change, so a parsed question is cached by its content hash; quiz
settings are small and re-validated from their JSON (cached by that JSON).
"""

from __future__ import annotations

import json
from functools import lru_cache

from pydantic import TypeAdapter

from quizapp.bank.models import Quiz as QuizSettings
from quizapp.models import QuestionVersion, Quiz
from quizapp.qtypes import AnyQuestion, QuestionBase

_question_adapter: TypeAdapter[QuestionBase] = TypeAdapter(AnyQuestion)
_parsed: dict[str, QuestionBase] = {}


def question_from_version(version: QuestionVersion) -> QuestionBase:
    """The question model of a stored version (validated once per process)."""
    question = _parsed.get(version.content_hash)
    if question is None:
        question = _question_adapter.validate_python(version.data)
        _parsed[version.content_hash] = question
    return question


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
