"""Regrading a quiz after an import changed a question (a new version), as Moodle does.

An attempt keeps the version it was started with (``AttemptSlot.question_version_id``). When a
teacher fixes a question's key, the attempts already made still hold the old version; for
each such question of a quiz the teacher decides, once:

- ``all``: every attempt of the quiz on the old version moves to the new version and its
  stored responses are graded again by the new version's grader (Moodle's regrade replays the
  responses: they are stored apart from the grades for this). Marks and attempt totals are
  updated; every changed mark is written to the history (``MarkChange`` with the regrade), and
  an answer whose mark a teacher set keeps it. Unfinished attempts move too, so they are
  graded with the new key when submitted.
- ``from_now_on``: nothing stored changes; only attempts started from now on use the new
  version (they already do). The decision is recorded so the question is no longer pending.

A dry run (``plan_regrade``) tells what ``all`` would change before anything is written.
Only the quiz's own attempts are touched (not practice, not another quiz of the bank).

A regrade needs the old responses to mean the same under the new version: the same type and
the same options (an unshuffled layout of both is the same: same choices, items, blanks).
When the options changed, only ``from_now_on`` is offered.

Writes are bulk statements (a fixed number whatever the number of attempts, per 500 rows).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import joinedload

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.grade_events import announce
from quizapp.models import (
    Answer,
    AnswerPick,
    Attempt,
    AttemptSlot,
    MarkChange,
    Question,
    QuestionVersion,
    Quiz,
    Regrade,
    User,
    now_utc,
)
from quizapp.qtypes import QuestionBase
from quizapp.questions import question_from_version
from quizapp.teaching.corrections import attempt_total

if TYPE_CHECKING:
    from quizapp.catalog.field_diff import FieldChange

MODES = ("all", "from_now_on")
CHUNK = 500
_EPSILON = 1e-9


class RegradeRefused(Exception):
    """A regrade the rules do not allow now; the message says why."""

    status_code = 400


@dataclass(frozen=True)
class PendingQuestion:
    """A question of the quiz whose attempts hold an older version than its current one."""

    key: str
    old_version: QuestionVersion
    new_version: QuestionVersion
    attempts: int
    fields: list[FieldChange]
    regradable: bool


@dataclass(frozen=True)
class AnswerChange:
    answer_id: int
    attempt_id: int
    old_mark: float | None
    new_mark: float
    fraction: float
    state: str


@dataclass
class RegradePlan:
    """What regrading one old version with the new one would change (the dry run)."""

    old_version_id: int
    new_version_id: int
    new_points: float
    slot_ids: list[int] = field(default_factory=list)
    answer_ids: list[int] = field(default_factory=list)
    """Every answer on the old version (they all move to the new version)."""
    changes: list[AnswerChange] = field(default_factory=list)
    """Graded answers whose mark changes (corrected ones excluded)."""
    regraded: list[AnswerChange] = field(default_factory=list)
    """Every graded answer, not corrected, with its new grade."""
    kept: int = 0
    """Answers whose mark a teacher set: they keep it."""
    attempts: set[int] = field(default_factory=set)
    """Submitted attempts on the old version."""
    unfinished: set[int] = field(default_factory=set)
    """Attempts on the old version not submitted yet (they move, nothing is graded)."""
    points_change: set[int] = field(default_factory=set)
    """Submitted attempts whose marks available change (the question's points changed)."""

    @property
    def attempts_changed(self) -> int:
        return len({change.attempt_id for change in self.changes} | self.points_change)

    @property
    def answers_changed(self) -> int:
        return len(self.changes)


def regradable(old: QuestionBase, new: QuestionBase) -> bool:
    """Whether responses to ``old`` mean the same to ``new``: same type, same options."""
    if old.type != new.type:
        return False
    return old.new_layout(random.Random(0), shuffle=False) == new.new_layout(
        random.Random(0), shuffle=False
    )


def pending_questions(quiz: Quiz) -> list[PendingQuestion]:
    """The questions of the quiz with attempts on an old version, not yet decided: three
    statements (the versions in use, the versions themselves, the decisions)."""
    # Imported here: ``quizapp.catalog`` (the import machinery, with the YAML reader) is not
    # loaded by a worker that serves only students (docs/performance.md, session 10).
    from quizapp.catalog.field_diff import field_changes

    in_use = db.session.execute(
        select(AttemptSlot.question_version_id, func.count(func.distinct(AttemptSlot.attempt_id)))
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptSlot.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.is_practice.is_(False),
            QuestionVersion.version != Question.current_version,
            Question.retired.is_(False),
        )
        .group_by(AttemptSlot.question_version_id)
    ).all()
    if not in_use:
        return []
    counts = {version_id: count for version_id, count in in_use}
    current = (
        select(QuestionVersion.id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionVersion.version == Question.current_version)
    )
    old_versions = {
        v.id: v
        for v in db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(counts)))
    }
    question_ids = {v.question_id for v in old_versions.values()}
    new_versions = {
        v.question_id: v
        for v in db.session.scalars(
            select(QuestionVersion).where(
                QuestionVersion.question_id.in_(question_ids), QuestionVersion.id.in_(current)
            )
        )
    }
    keys: dict[int, str] = {
        question_id: key
        for question_id, key in db.session.execute(
            select(Question.id, Question.key).where(Question.id.in_(question_ids))
        )
    }
    decided = {
        (old_id, new_id)
        for old_id, new_id in db.session.execute(
            select(Regrade.old_version_id, Regrade.new_version_id).where(Regrade.quiz_id == quiz.id)
        )
    }
    pending = []
    for version_id, old in old_versions.items():
        new = new_versions.get(old.question_id)
        if new is None or (old.id, new.id) in decided:
            continue
        pending.append(
            PendingQuestion(
                key=keys[old.question_id],
                old_version=old,
                new_version=new,
                attempts=counts[version_id],
                fields=field_changes(old.data, new.data),
                regradable=regradable(question_from_version(old), question_from_version(new)),
            )
        )
    return sorted(pending, key=lambda p: (p.key, p.old_version.version))


def plan_regrade(quiz: Quiz, old: QuestionVersion, new: QuestionVersion) -> RegradePlan:
    """The dry run: grade every response of the quiz's attempts on ``old`` with ``new``
    (one statement to read them), and list what would change."""
    question = question_from_version(new)
    plan = RegradePlan(old.id, new.id, float(question.points))
    rows = db.session.execute(
        select(
            AttemptSlot.id,
            AttemptSlot.max_mark,
            Attempt.id,
            Attempt.submitted_at,
            Answer.id,
            Answer.response,
            Answer.mark,
            Answer.corrected,
        )
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .outerjoin(Answer, Answer.slot_id == AttemptSlot.id)
        .where(
            AttemptSlot.question_version_id == old.id,
            Attempt.quiz_id == quiz.id,
            Attempt.is_practice.is_(False),
        )
        .order_by(Attempt.id)
    )
    for slot_id, max_mark, attempt_id, submitted_at, answer_id, response, mark, corrected in rows:
        plan.slot_ids.append(slot_id)
        if answer_id is not None:
            plan.answer_ids.append(answer_id)
        if submitted_at is None:
            plan.unfinished.add(attempt_id)
            continue
        plan.attempts.add(attempt_id)
        if abs(max_mark - plan.new_points) > _EPSILON:
            plan.points_change.add(attempt_id)
        if answer_id is None:
            continue
        if corrected:
            plan.kept += 1
            continue
        grade = question.grade(response or {})
        new_mark = grade.fraction * plan.new_points
        change = AnswerChange(answer_id, attempt_id, mark, new_mark, grade.fraction, grade.state)
        plan.regraded.append(change)
        if mark is None or abs(mark - new_mark) > _EPSILON:
            plan.changes.append(change)
    return plan


def decide(
    quiz: Quiz, old_version_id: int, mode: str, teacher: User
) -> tuple[Regrade, RegradePlan | None]:
    """Record the teacher's decision for the quiz's attempts on one old version, and for
    ``all`` regrade them; one transaction. ``RegradeRefused`` when it is not pending."""
    if mode not in MODES:
        raise RegradeRefused(_("Choose 'regrade all attempts' or 'from now on only'."))
    teacher_id = teacher.id
    quiz_id = quiz.id
    pending = {p.old_version.id: p for p in pending_questions(quiz)}
    chosen = pending.get(old_version_id)
    if chosen is None:
        db.session.rollback()
        raise RegradeRefused(
            _(
                "That question has no attempts waiting for a decision (it was decided already, "
                "or the bank changed again): reload the regrade page."
            )
        )
    if mode == "all" and not chosen.regradable:
        db.session.rollback()
        raise RegradeRefused(
            _(
                "The options of '%(key)s' changed, so the old responses cannot be read against "
                "the new version: only 'from now on' is possible.",
                key=chosen.key,
            )
        )
    old_id, new_id = chosen.old_version.id, chosen.new_version.id
    plan: RegradePlan | None = None
    begin_write()
    # One decision per old version at a time: a second teacher's click finds it decided.
    db.session.execute(select(Quiz.id).where(Quiz.id == quiz_id).with_for_update())
    already = db.session.scalar(
        select(func.count(Regrade.id)).where(
            Regrade.quiz_id == quiz_id,
            Regrade.old_version_id == old_id,
            Regrade.new_version_id == new_id,
        )
    )
    if already:
        db.session.rollback()
        raise RegradeRefused(_("Another teacher decided for this question meanwhile; reload."))
    if mode == "all":
        # Graded under the lock: a student may have submitted since the dry run.
        old, new = db.session.get(QuestionVersion, old_id), db.session.get(QuestionVersion, new_id)
        assert old is not None and new is not None
        plan = plan_regrade(quiz, old, new)
    regrade_id = db.session.execute(
        insert(Regrade)
        .values(
            quiz_id=quiz_id,
            old_version_id=old_id,
            new_version_id=new_id,
            mode=mode,
            decided_by_id=teacher_id,
            decided_at=now_utc(),
            attempts_changed=plan.attempts_changed if plan else 0,
        )
        .returning(Regrade.id)
    ).scalar_one()
    if plan is not None:
        _apply(plan, regrade_id, teacher_id)
    db.session.commit()
    if plan is not None and plan.attempts_changed:
        announce(quiz_id, None)
    row = db.session.get(Regrade, regrade_id)
    assert row is not None
    return row, plan


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _apply(plan: RegradePlan, regrade_id: int, teacher_id: int) -> None:
    """Move the slots and answers to the new version, store the new grades, sum the attempt
    totals again, and write the history: bulk statements."""
    options = {"synchronize_session": False}
    for chunk in _chunks(plan.slot_ids):
        db.session.execute(
            update(AttemptSlot)
            .where(AttemptSlot.id.in_(chunk))
            .values(question_version_id=plan.new_version_id, max_mark=plan.new_points),
            execution_options=options,
        )
    for chunk in _chunks(plan.answer_ids):
        db.session.execute(
            update(Answer)
            .where(Answer.id.in_(chunk))
            .values(question_version_id=plan.new_version_id),
            execution_options=options,
        )
        db.session.execute(
            update(AnswerPick)
            .where(AnswerPick.answer_id.in_(chunk))
            .values(question_version_id=plan.new_version_id),
            execution_options=options,
        )
    if plan.regraded:
        db.session.execute(
            update(Answer),
            [
                {"id": c.answer_id, "mark": c.new_mark, "fraction": c.fraction, "state": c.state}
                for c in plan.regraded
            ],
            execution_options=options,
        )
    slots_total = (
        select(func.coalesce(func.sum(AttemptSlot.max_mark), 0.0))
        .where(AttemptSlot.attempt_id == Attempt.id)
        .scalar_subquery()
    )
    for chunk in _chunks(sorted(plan.attempts)):
        db.session.execute(
            update(Attempt)
            .where(Attempt.id.in_(chunk))
            .values(marks=attempt_total(), max_marks=slots_total),
            execution_options=options,
        )
    for chunk in _chunks(sorted(plan.unfinished)):
        db.session.execute(
            update(Attempt).where(Attempt.id.in_(chunk)).values(max_marks=slots_total),
            execution_options=options,
        )
    if plan.changes:
        now = now_utc()
        db.session.execute(
            insert(MarkChange),
            [
                {
                    "answer_id": c.answer_id,
                    "attempt_id": c.attempt_id,
                    "changed_by_id": teacher_id,
                    "changed_at": now,
                    "old_mark": c.old_mark,
                    "new_mark": c.new_mark,
                    "comment": "",
                    "regrade_id": regrade_id,
                }
                for c in plan.changes
            ],
        )


def regrade_history(quiz_id: int) -> list[Regrade]:
    """The quiz's regrade decisions, newest first (one statement with versions and teacher)."""
    return list(
        db.session.scalars(
            select(Regrade)
            .options(
                joinedload(Regrade.decided_by),
                joinedload(Regrade.old_version).joinedload(QuestionVersion.question),
                joinedload(Regrade.new_version),
            )
            .where(Regrade.quiz_id == quiz_id)
            .order_by(Regrade.decided_at.desc(), Regrade.id.desc())
        )
    )
