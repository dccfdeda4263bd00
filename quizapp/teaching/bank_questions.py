"""A bank's questions as its page lists them: text, type, tags, version, and the quizzes that
can draw each one.

Which quizzes use a question is decided by the quiz's own selection (a list of ids, tags, or
pools), the same rule an attempt uses to draw (``attempts.quiz_selection``), so the page never
says a quiz uses a question it could not draw. Two statements whatever the bank's size: the
questions with their current versions, and the quizzes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from quizapp.attempts import quiz_selection
from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion, Quiz
from quizapp.qtypes import QUESTION_TYPES, QuestionBase
from quizapp.questions import question_from_version, quiz_settings


@dataclass(frozen=True)
class QuestionRow:
    question_id: int
    key: str
    text: str
    type_label: str
    tags: tuple[str, ...]
    version: int
    versions: int
    retired: bool
    quizzes: tuple[Quiz, ...]


def bank_questions(bank_id: int) -> tuple[list[QuestionRow], list[Quiz]]:
    """Every question of the bank (live first, then retired, each by id) and its live quizzes."""
    counts = (
        select(QuestionVersion.question_id, func.count().label("versions"))
        .group_by(QuestionVersion.question_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Question, QuestionVersion, counts.c.versions)
        .join(
            QuestionVersion,
            (QuestionVersion.question_id == Question.id)
            & (QuestionVersion.version == Question.current_version),
        )
        .join(counts, counts.c.question_id == Question.id)
        .where(Question.bank_id == bank_id)
        .order_by(Question.retired, Question.id)
    ).all()
    quizzes = list(
        db.session.scalars(
            select(Quiz).where(Quiz.bank_id == bank_id, Quiz.retired.is_(False)).order_by(Quiz.id)
        )
    )
    models = [question_from_version(version) for _, version, _ in rows]
    live = [
        model for model, (question, _, _) in zip(models, rows, strict=True) if not question.retired
    ]
    used_by = _quizzes_using(quizzes, live)
    listing = []
    for model, (question, version, count) in zip(models, rows, strict=True):
        listing.append(
            QuestionRow(
                question_id=question.id,
                key=question.key,
                text=model.plain_text(),
                type_label=_type_label(model),
                tags=tuple(model.tags),
                version=version.version,
                versions=count,
                retired=question.retired,
                quizzes=() if question.retired else tuple(used_by.get(model.id, ())),
            )
        )
    return listing, quizzes


def _type_label(model: QuestionBase) -> str:
    kind = QUESTION_TYPES.get(model.type)
    return kind.label if kind is not None and kind.label else model.type


def _quizzes_using(quizzes: Sequence[Quiz], live: Sequence[QuestionBase]) -> dict[str, list[Quiz]]:
    """For each live question id, the quizzes whose selection includes it."""
    used: dict[str, list[Quiz]] = {}
    for quiz in quizzes:
        for question in quiz_selection(quiz_settings(quiz), live):
            used.setdefault(question.id, []).append(quiz)
    return used
