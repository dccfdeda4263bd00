"""Planning an import: what the database holds, what the file says, and the rows to write.

Everything here only reads, and runs before the write transaction begins: the costly part of
an import (hashing and dumping every question, comparing with the stored versions, counting
the attempts that keep an old version) never holds the write lock. A plan remembers the
bank's ``(content_hash, imported_at)`` as it read them; the writer checks them again under
the lock, so a plan made stale by another import is refused rather than applied.

A plan reads the bank in a fixed number of queries, whatever its size: its questions, their
versions (hash and number only), its quizzes, and the attempts on versions being replaced.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from quizapp.bank.models import Bank as BankModel
from quizapp.catalog.diff import BankDiff, ChangedQuestion
from quizapp.catalog.field_diff import field_changes
from quizapp.catalog.files import BankFile
from quizapp.extensions import db
from quizapp.models import AttemptSlot, Bank, Question, QuestionVersion, Quiz

Token = tuple[str, datetime]
"""A bank's ``(content_hash, imported_at)``: every import that writes the bank changes it."""

IN_CHUNK = 500
"""Ids per ``IN (...)`` list, well under every database's limit on bound parameters."""


@dataclass(frozen=True)
class StoredQuestion:
    id: int
    current_version: int
    retired: bool


@dataclass
class NewVersion:
    """A question version to insert; ``question_id`` is None for a question not yet stored."""

    key: str
    question_id: int | None
    version: int
    content_hash: str
    type: str
    data: dict[str, Any]
    tags: list[str]
    objectives: list[str]
    data_param: Any = None
    """``data`` as the driver is sent it, converted before the write lock (see ``write``)."""


@dataclass
class BankPlan:
    """What one bank file's import writes; empty lists when nothing changes."""

    file: BankFile
    diff: BankDiff
    bank_id: int | None = None
    """None for a new bank."""
    token: Token | None = None
    """The bank's token when the plan was made (None for a new bank)."""
    bank_values: dict[str, Any] = field(default_factory=dict)
    new_questions: list[str] = field(default_factory=list)
    """Keys of questions never stored before (their first version is 1)."""
    new_versions: list[NewVersion] = field(default_factory=list)
    question_updates: list[dict[str, Any]] = field(default_factory=list)
    """Stored questions whose current version or retired flag changes: id, version, retired."""
    quiz_inserts: list[dict[str, Any]] = field(default_factory=list)
    quiz_updates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def writes(self) -> bool:
        """Whether anything is written: a change, or only the file's new hash (an edited
        comment), kept so that the next import of that file skips parsing."""
        return bool(self.diff.changes_anything or self.bank_values)


def plan_bank(file: BankFile) -> BankPlan:
    """Compare one file with the database and list the rows its import writes."""
    if file.bank is None:
        return BankPlan(file, BankDiff(file.slug, unchanged=_live_question_count(file.slug)))
    bank = file.bank
    row = db.session.execute(
        select(
            Bank.id,
            Bank.content_hash,
            Bank.imported_at,
            Bank.title,
            Bank.description,
            Bank.source,
        ).where(Bank.slug == bank.bank)
    ).one_or_none()
    details = _details(bank)
    if row is None:
        return _plan_new_bank(file, bank, details)

    plan = BankPlan(
        file,
        BankDiff(bank.bank),
        bank_id=row.id,
        token=(row.content_hash, row.imported_at),
    )
    stored = {
        key: StoredQuestion(id, current, retired)
        for key, id, current, retired in db.session.execute(
            select(Question.key, Question.id, Question.current_version, Question.retired).where(
                Question.bank_id == row.id
            )
        )
    }
    _plan_questions(plan, bank, stored, _versions_of(row.id))
    _plan_quizzes(plan, bank, row.id)
    diff = plan.diff
    diff.details_changed = details != {
        "title": row.title,
        "description": row.description,
        "source": row.source,
    }
    if diff.changes_anything:
        plan.bank_values = {**details, "content_hash": file.content_hash, "origin": file.origin}
    elif row.content_hash != file.content_hash:
        plan.bank_values = {"content_hash": file.content_hash}
    return plan


def _details(bank: BankModel) -> dict[str, Any]:
    return {
        "title": bank.title,
        "description": bank.description,
        "source": bank.source.model_dump(mode="json") if bank.source else None,
    }


def _new_version(
    model: Any, key: str, question_id: int | None, number: int, content_hash: str
) -> NewVersion:
    return NewVersion(
        key=key,
        question_id=question_id,
        version=number,
        content_hash=content_hash,
        type=model.type,
        data=model.model_dump(mode="json"),
        tags=list(dict.fromkeys(model.tags)),
        objectives=list(dict.fromkeys(model.objectives)),
    )


def _plan_new_bank(file: BankFile, bank: BankModel, details: dict[str, Any]) -> BankPlan:
    diff = BankDiff(
        bank.bank,
        is_new_bank=True,
        added=[question.id for question in bank.questions],
        quizzes_added=[quiz.id for quiz in bank.quizzes],
    )
    plan = BankPlan(
        file,
        diff,
        bank_values={**details, "content_hash": file.content_hash, "origin": file.origin},
        new_questions=list(diff.added),
    )
    plan.new_versions = [
        _new_version(question, question.id, None, 1, question.content_hash())
        for question in bank.questions
    ]
    plan.quiz_inserts = [_quiz_values(quiz) for quiz in bank.quizzes]
    return plan


def _versions_of(bank_id: int) -> dict[int, dict[str, int]]:
    """Each stored question's versions, as version number by content hash."""
    versions: dict[int, dict[str, int]] = defaultdict(dict)
    rows = db.session.execute(
        select(QuestionVersion.question_id, QuestionVersion.content_hash, QuestionVersion.version)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.bank_id == bank_id)
    )
    for question_id, content_hash, number in rows:
        versions[question_id][content_hash] = number
    return versions


def _plan_questions(
    plan: BankPlan,
    bank: BankModel,
    stored: dict[str, StoredQuestion],
    versions: dict[int, dict[str, int]],
) -> None:
    diff = plan.diff
    replaced: dict[str, int] = {}
    """Changed live questions: their stored id, by key."""
    incoming_data: dict[str, dict[str, Any]] = {}
    incoming = set()
    for model in bank.questions:
        key = model.id
        incoming.add(key)
        content_hash = model.content_hash()
        question = stored.get(key)
        if question is None:
            diff.added.append(key)
            plan.new_questions.append(key)
            plan.new_versions.append(_new_version(model, key, None, 1, content_hash))
            continue
        known = versions.get(question.id, {})
        number = known.get(content_hash)
        if number is None:
            number = max(known.values(), default=0) + 1
            plan.new_versions.append(_new_version(model, key, question.id, number, content_hash))
        if question.retired:
            diff.added.append(key)
        elif number != question.current_version:
            replaced[key] = question.id
            incoming_data[key] = model.model_dump(mode="json")
        else:
            diff.unchanged += 1
            continue
        plan.question_updates.append({"b_id": question.id, "b_version": number, "b_retired": False})
    for key, question in stored.items():
        if key not in incoming and not question.retired:
            diff.removed.append(key)
            plan.question_updates.append(
                {"b_id": question.id, "b_version": question.current_version, "b_retired": True}
            )
    diff.removed.sort()
    attempts = _attempts_using(list(replaced.values()))
    current = _current_data(list(replaced.values()))
    diff.changed = [
        ChangedQuestion(
            key,
            attempts.get(question_id, 0),
            field_changes(current.get(question_id, {}), incoming_data[key]),
        )
        for key, question_id in replaced.items()
    ]


def _current_data(question_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The stored content of each question's current version, by question id (for the
    field-by-field diff of the questions an import changes)."""
    data: dict[int, dict[str, Any]] = {}
    for start in range(0, len(question_ids), IN_CHUNK):
        chunk = question_ids[start : start + IN_CHUNK]
        rows = db.session.execute(
            select(QuestionVersion.question_id, QuestionVersion.data)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(Question.id.in_(chunk), QuestionVersion.version == Question.current_version)
        )
        data.update({question_id: dict(content) for question_id, content in rows})
    return data


def _attempts_using(question_ids: list[int]) -> dict[int, int]:
    """How many attempts use each question's current version, by question id."""
    counts: dict[int, int] = {}
    for start in range(0, len(question_ids), IN_CHUNK):
        chunk = question_ids[start : start + IN_CHUNK]
        rows = db.session.execute(
            select(Question.id, func.count(func.distinct(AttemptSlot.attempt_id)))
            .join(QuestionVersion, QuestionVersion.question_id == Question.id)
            .join(AttemptSlot, AttemptSlot.question_version_id == QuestionVersion.id)
            .where(Question.id.in_(chunk), QuestionVersion.version == Question.current_version)
            .group_by(Question.id)
        )
        counts.update(rows.all())
    return counts


def _quiz_values(quiz: Any) -> dict[str, Any]:
    return {
        "key": quiz.id,
        "title": quiz.title,
        "description": quiz.description,
        "settings": quiz.model_dump(mode="json"),
        "retired": False,
    }


def _quiz_update(quiz_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """A row of the quizzes' bulk update (parameters named apart from the columns)."""
    return {
        "b_id": quiz_id,
        "b_title": values["title"],
        "b_description": values["description"],
        "b_settings": values["settings"],
        "b_retired": values["retired"],
    }


def _plan_quizzes(plan: BankPlan, bank: BankModel, bank_id: int) -> None:
    diff = plan.diff
    stored = {
        quiz.key: quiz
        for quiz in db.session.execute(
            select(
                Quiz.id, Quiz.key, Quiz.title, Quiz.description, Quiz.settings, Quiz.retired
            ).where(Quiz.bank_id == bank_id)
        ).all()
    }
    incoming = set()
    for model in bank.quizzes:
        incoming.add(model.id)
        values = _quiz_values(model)
        quiz = stored.get(model.id)
        if quiz is None:
            diff.quizzes_added.append(model.id)
            plan.quiz_inserts.append(values)
            continue
        if quiz.retired:
            diff.quizzes_added.append(model.id)
        elif quiz.settings != values["settings"]:
            diff.quizzes_changed.append(model.id)
        else:
            continue  # the settings hold the title and description too
        plan.quiz_updates.append(_quiz_update(quiz.id, values))
    for key, quiz in stored.items():
        if key not in incoming and not quiz.retired:
            diff.quizzes_removed.append(key)
            values = {
                "title": quiz.title,
                "description": quiz.description,
                "settings": quiz.settings,
                "retired": True,
            }
            plan.quiz_updates.append(_quiz_update(quiz.id, values))
    diff.quizzes_removed.sort()


def _live_question_count(slug: str) -> int:
    return (
        db.session.scalar(
            select(func.count(Question.id))
            .join(Bank, Bank.id == Question.bank_id)
            .where(Bank.slug == slug, Question.retired.is_(False))
        )
        or 0
    )
