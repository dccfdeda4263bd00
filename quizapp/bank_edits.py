"""Changing a bank from its pages (drafts added, edited, accepted or discarded) through the same
door as an upload: the bank as last imported is written back out as a bank document, the change
is made to the document, and the result goes to the usual check and "what importing would
change" page, where the teacher confirms. So a change made in the browser is validated, diffed,
versioned and imported exactly as a file would be, and never half-done.

The document holds the bank's details, its live quizzes (their stored, validated settings) and
its live questions (current versions) in import order; each question is written without its
default values, so the YAML a teacher edits or downloads is as short as one they would write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Bank, Question, QuestionVersion, Quiz
from quizapp.qtypes.languages import languages_of
from quizapp.questions import question_from_version, quiz_settings

Document = dict[str, Any]


_FIRST = ("id", "type", "draft", "scoring", "text")
_LAST = ("explanation", "tags", "objectives", "difficulty", "source")


def _compact(model: Any) -> dict[str, Any]:
    """A model as a teacher would write it: no defaults or empty values, whole numbers without
    ``.0``, and the keys in the guide's order (id, type, text first; explanation, tags and the
    source last)."""
    values = _whole_numbers(model.model_dump(mode="json", exclude_defaults=True, exclude_none=True))
    first = {key: values[key] for key in _FIRST if key in values}
    last = {key: values[key] for key in _LAST if key in values}
    middle = {key: value for key, value in values.items() if key not in first and key not in last}
    return first | middle | last


def _whole_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


def _quiz_entry(settings: Any) -> dict[str, Any]:
    """A quiz's settings as a file gives them: the time limit in seconds written ``90s`` (a bare
    number in a file means minutes), moments in UTC with their ``Z``."""
    entry = _compact(settings)
    if "time_limit" in entry:
        entry["time_limit"] = f"{entry['time_limit']}s"
    for moment in ("opens", "closes"):
        if moment in entry and not str(entry[moment]).endswith("Z"):
            entry[moment] = f"{entry[moment]}Z"
    return entry


def current_document(bank: Bank) -> Document:
    """The bank as last imported, as a bank document (two queries, whatever its size)."""
    versions = db.session.scalars(
        select(QuestionVersion)
        .join(Question, QuestionVersion.question_id == Question.id)
        .where(
            Question.bank_id == bank.id,
            Question.retired.is_(False),
            QuestionVersion.version == Question.current_version,
        )
        .order_by(Question.id)
    ).all()
    quizzes = db.session.scalars(
        select(Quiz).where(Quiz.bank_id == bank.id, Quiz.retired.is_(False)).order_by(Quiz.id)
    ).all()
    document: Document = {"bank": bank.slug, "title": bank.title}
    if bank.description:
        document["description"] = bank.description
    if bank.source:
        document["source"] = {key: value for key, value in bank.source.items() if value is not None}
    if quizzes:
        document["quizzes"] = [_quiz_entry(quiz_settings(quiz)) for quiz in quizzes]
    models = [question_from_version(version) for version in versions]
    languages = list(dict.fromkeys(code for model in models for code in languages_of(model)))
    if languages:  # a bank with translations: every text's first language is the bank's
        document["language"] = languages[0]
        document["languages"] = languages
    document["questions"] = [_compact(model) for model in models]
    return document


def draft_ids(document: Document) -> list[str]:
    """The ids of the document's questions marked ``draft: true``, in bank order."""
    return [question["id"] for question in document["questions"] if question.get("draft")]


def question_in(document: Document, question_id: str) -> dict[str, Any] | None:
    for question in document["questions"]:
        if question["id"] == question_id:
            return question
    return None


def with_questions_added(document: Document, questions: list[dict[str, Any]]) -> Document:
    return {**document, "questions": [*document["questions"], *questions]}


def with_question_replaced(
    document: Document, question_id: str, replacement: dict[str, Any] | None
) -> Document:
    """The document with one question replaced (in its place), or removed when ``None``."""
    questions: list[dict[str, Any]] = []
    for question in document["questions"]:
        if question["id"] != question_id:
            questions.append(question)
        elif replacement is not None:
            questions.append(replacement)
    return {**document, "questions": questions}


def accepted(question: dict[str, Any]) -> dict[str, Any]:
    """The question without its draft mark."""
    return {key: value for key, value in question.items() if key != "draft"}


__all__ = [
    "Document",
    "accepted",
    "current_document",
    "draft_ids",
    "question_in",
    "with_question_replaced",
    "with_questions_added",
]
