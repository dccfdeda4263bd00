"""The quizzes a student is offered, with what decides each card or entry: read once for the
quiz list page and the API's quiz list alike (a fixed number of statements however many
quizzes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from quizapp import attempts as attempt_service
from quizapp.classes.rules import Applied, applied_for
from quizapp.extensions import db
from quizapp.models import Bank, ClassMember, Classroom, Quiz, User


@dataclass(frozen=True)
class StudentQuizzes:
    quizzes: list[Quiz]
    """Every live quiz, by bank title (``applied`` says which the student may see)."""
    applied: dict[tuple[int, int], Applied]
    attempts_by_quiz: dict[int, Any]
    class_names: dict[int, str]
    """The student's classes, by id: the groups of the list."""


def student_quizzes(user: User) -> StudentQuizzes:
    """Close the student's overdue attempts, then read the quizzes and what applies to each."""
    attempt_service.expire_overdue(user)
    quizzes = list(
        db.session.scalars(
            select(Quiz)
            .join(Bank)
            .options(contains_eager(Quiz.bank))  # each quiz's bank title, in the same query
            .where(Quiz.retired.is_(False))
            .order_by(Bank.title, Quiz.id)
        )
    )
    class_names = dict(
        db.session.execute(
            select(Classroom.id, Classroom.name)
            .join(ClassMember, ClassMember.class_id == Classroom.id)
            .where(ClassMember.user_id == user.id)
        ).all()
    )
    return StudentQuizzes(
        quizzes=quizzes,
        applied=applied_for((user.id, quiz) for quiz in quizzes),
        attempts_by_quiz=attempt_service.attempts_by_quiz(user),
        class_names=class_names,
    )
