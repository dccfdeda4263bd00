"""The catalog: banks from YAML, synced into the database as versioned questions.

A question's content hash identifies its version. Importing an unchanged bank changes
nothing; an edited question gets a new version (old attempts keep pointing at theirs); a
question missing from the file is retired (no longer drawn), never deleted. The caller owns
the transaction: ``import_banks`` adds everything to the session and commits once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from quizapp.bank.models import Bank as BankModel
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import (
    AttemptSlot,
    Bank,
    Question,
    QuestionObjective,
    QuestionTag,
    QuestionVersion,
    Quiz,
    now_utc,
)


@dataclass
class ChangedQuestion:
    key: str
    attempts_on_old_version: int


@dataclass
class BankDiff:
    """What importing a bank changes (or would change)."""

    slug: str
    is_new_bank: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[ChangedQuestion] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    quizzes_added: list[str] = field(default_factory=list)
    quizzes_changed: list[str] = field(default_factory=list)
    quizzes_removed: list[str] = field(default_factory=list)
    details_changed: bool = False

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.is_new_bank
            or self.added
            or self.changed
            or self.removed
            or self.quizzes_added
            or self.quizzes_changed
            or self.quizzes_removed
            or self.details_changed
        )

    def summary(self) -> str:
        if not self.changes_anything:
            return f"{self.slug}: unchanged ({self.unchanged} questions)"
        parts = [
            f"{len(self.added)} added",
            f"{len(self.changed)} changed",
            f"{len(self.removed)} retired",
            f"{self.unchanged} unchanged",
        ]
        quizzes = len(self.quizzes_added) + len(self.quizzes_changed)
        return f"{self.slug}: questions {', '.join(parts)}; quizzes {quizzes} added or changed"


def bank_hash(bank: BankModel) -> str:
    return hashlib.sha256(bank.model_dump_json().encode()).hexdigest()


def _existing_bank(slug: str) -> Bank | None:
    return db.session.scalar(select(Bank).where(Bank.slug == slug))


def diff_bank(bank: BankModel) -> BankDiff:
    """What importing ``bank`` would change, without changing anything."""
    row = _existing_bank(bank.bank)
    diff = BankDiff(slug=bank.bank, is_new_bank=row is None)
    if row is None:
        diff.added = [question.id for question in bank.questions]
        diff.quizzes_added = [quiz.id for quiz in bank.quizzes]
        return diff

    current = _current_versions(row)
    incoming = {question.id: question for question in bank.questions}
    for key, question in incoming.items():
        version = current.get(key)
        if version is None:
            diff.added.append(key)
        elif version.content_hash != question.content_hash():
            diff.changed.append(ChangedQuestion(key, _attempts_using(version.id)))
        else:
            diff.unchanged += 1
    diff.removed = sorted(key for key in current if key not in incoming)

    quizzes = {quiz.key: quiz for quiz in row.quizzes if not quiz.retired}
    for quiz in bank.quizzes:
        existing = quizzes.get(quiz.id)
        if existing is None:
            diff.quizzes_added.append(quiz.id)
        elif existing.settings != quiz.model_dump(mode="json"):
            diff.quizzes_changed.append(quiz.id)
    incoming_quizzes = {quiz.id for quiz in bank.quizzes}
    diff.quizzes_removed = sorted(key for key in quizzes if key not in incoming_quizzes)
    diff.details_changed = row.content_hash != bank_hash(bank) and not (
        diff.added or diff.changed or diff.removed or diff.quizzes_added or diff.quizzes_changed
    )
    return diff


def _current_versions(bank: Bank) -> dict[str, QuestionVersion]:
    """Each live question's current version, by question key."""
    rows = db.session.execute(
        select(Question.key, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .where(
            Question.bank_id == bank.id,
            Question.retired.is_(False),
            QuestionVersion.version == Question.current_version,
        )
    )
    return {key: version for key, version in rows}


def _attempts_using(version_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(func.distinct(AttemptSlot.attempt_id))).where(
                AttemptSlot.question_version_id == version_id
            )
        )
        or 0
    )


def import_banks(banks: Iterable[tuple[BankModel, str]]) -> list[BankDiff]:
    """Import banks (each with where it came from) in one transaction."""
    begin_write()
    try:
        diffs = [_import_bank(bank, origin) for bank, origin in banks]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return diffs


def _import_bank(bank: BankModel, origin: str) -> BankDiff:
    diff = diff_bank(bank)
    if not diff.changes_anything:
        return diff
    row = _existing_bank(bank.bank) or Bank(slug=bank.bank, content_hash="")
    row.title = bank.title
    row.description = bank.description
    row.source = bank.source.model_dump(mode="json") if bank.source else None
    row.origin = origin
    row.content_hash = bank_hash(bank)
    row.imported_at = now_utc()
    db.session.add(row)
    db.session.flush()
    _sync_questions(row, bank)
    _sync_quizzes(row, bank)
    db.session.flush()
    return diff


def _sync_questions(row: Bank, bank: BankModel) -> None:
    questions = {question.key: question for question in row.questions}
    incoming = {question.id for question in bank.questions}
    for model in bank.questions:
        question = questions.get(model.id)
        if question is None:
            question = Question(bank=row, key=model.id, current_version=0)
            db.session.add(question)
            db.session.flush()
        content_hash = model.content_hash()
        version = db.session.scalar(
            select(QuestionVersion).where(
                QuestionVersion.question_id == question.id,
                QuestionVersion.content_hash == content_hash,
            )
        )
        if version is None:
            number = (
                db.session.scalar(
                    select(func.max(QuestionVersion.version)).where(
                        QuestionVersion.question_id == question.id
                    )
                )
                or 0
            ) + 1
            version = QuestionVersion(
                question_id=question.id,
                version=number,
                content_hash=content_hash,
                type=model.type,
                data=model.model_dump(mode="json"),
                tags=[QuestionTag(tag=tag) for tag in dict.fromkeys(model.tags)],
                objectives=[
                    QuestionObjective(objective=objective)
                    for objective in dict.fromkeys(model.objectives)
                ],
            )
            db.session.add(version)
        question.current_version = version.version
        question.retired = False
    for key, question in questions.items():
        if key not in incoming:
            question.retired = True


def _sync_quizzes(row: Bank, bank: BankModel) -> None:
    quizzes = {quiz.key: quiz for quiz in row.quizzes}
    incoming = {quiz.id for quiz in bank.quizzes}
    for model in bank.quizzes:
        quiz = quizzes.get(model.id) or Quiz(bank=row, key=model.id)
        quiz.title = model.title
        quiz.description = model.description
        quiz.settings = model.model_dump(mode="json")
        quiz.retired = False
        db.session.add(quiz)
    for key, quiz in quizzes.items():
        if key not in incoming:
            quiz.retired = True
