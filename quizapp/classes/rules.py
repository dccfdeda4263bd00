"""The settings that apply to one student for one quiz: the ONE place that decides them.

Layers, each replacing what the one before says: the bank's quiz settings (YAML) <- the
assignment of the quiz to the student's class (its opens, closes, time limit and attempts) <-
the student's override on that assignment (extra time, a later close, more attempts). The
attempt rules (``quizapp.attempts``: start, the attempt limit, ``due_at``, ``close_overdue``)
and the review rule (``quizapp.review_rules``: ``after_close``) read nothing else.

A student in two classes that both assign the quiz gets the assignment that closes last (no
close counts as last): the more generous one, as Moodle does with group overrides.

Who may see a quiz: a student sees the quizzes assigned (and not withdrawn) to a class of
theirs; a quiz assigned to none of their classes only when the site sets ``OPEN_QUIZZES``
(self-study sites); teachers see every quiz (previews, and taking it as a student would).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, bindparam, select

from quizapp.bank.models import Quiz as QuizSettings
from quizapp.extensions import db
from quizapp.i18n import local_datetime, time_zone_label
from quizapp.models import Assignment, ClassMember, Override, Quiz, User
from quizapp.questions import quiz_settings


@dataclass(frozen=True, slots=True)
class AssignedRules:
    """What the rules read of an ``Assignment`` (a class's assignment of the quiz): its columns
    as a row, not an ORM object. Every attempt page, save and submit reads it; read as rows
    within the attempt's own statement rather than as ``Assignment`` and ``Override`` objects
    by a statement of their own, the attempt page costs 7-9% less CPU (docs/performance.md,
    "Session 15")."""

    id: int
    class_id: int
    quiz_id: int
    opens: datetime | None
    closes: datetime | None
    due: datetime | None
    time_limit: int | None
    attempts: int | None


@dataclass(frozen=True, slots=True)
class OverrideRules:
    """What the rules read of a student's ``Override`` of an assignment, as a row."""

    extra_minutes: int
    closes: datetime | None
    extra_attempts: int


@dataclass(frozen=True)
class Applied:
    """What applies to one student for one quiz."""

    settings: QuizSettings
    """The bank's settings with the assignment's and the override's values put in."""
    visible: bool
    """Whether the student may see and take the quiz (otherwise it is a 404 for them)."""
    assignment: AssignedRules | None = None
    override: OverrideRules | None = None
    due: datetime | None = None
    """The date shown as due (the assignment's due date, else its close)."""
    notes: tuple[str, ...] = field(default=())
    """The accommodations, in the words the student reads ("You have 30 extra minutes.")."""


def _later(a: datetime | None, b: datetime | None) -> bool:
    """Whether close ``a`` is later than ``b`` (no close is the latest)."""
    if a is None:
        return b is not None
    return b is not None and a > b


def _choose(assignments: Iterable[AssignedRules]) -> AssignedRules | None:
    chosen: AssignedRules | None = None
    for assignment in assignments:
        if chosen is None or _later(assignment.closes, chosen.closes):
            chosen = assignment
    return chosen


def _apply(
    base: QuizSettings, assignment: AssignedRules | None, override: OverrideRules | None
) -> tuple[QuizSettings, tuple[str, ...], datetime | None]:
    if assignment is None:
        return base, (), base.closes
    values: dict[str, Any] = {
        "opens": assignment.opens,
        "closes": assignment.closes,
        "time_limit": assignment.time_limit,
        "attempts": assignment.attempts,
    }
    notes: list[str] = []
    due = assignment.due or assignment.closes
    if override is not None:
        if override.extra_minutes and values["time_limit"]:
            values["time_limit"] += override.extra_minutes * 60
            notes.append(_("You have %(minutes)s extra minutes.", minutes=override.extra_minutes))
        if override.closes is not None and _later(override.closes, values["closes"]):
            values["closes"] = override.closes
            notes.append(
                _(
                    "Your quiz closes later for you: %(closes)s (%(zone)s).",
                    closes=local_datetime(override.closes),
                    zone=time_zone_label(),
                )
            )
            if due is None or due < override.closes:
                due = override.closes
        if override.extra_attempts and values["attempts"] is not None:
            values["attempts"] += override.extra_attempts
            notes.append(
                _("You have 1 more attempt.")
                if override.extra_attempts == 1
                else _("You have %(attempts)s more attempts.", attempts=override.extra_attempts)
            )
    # model_copy without validation: the values come from validated forms, and a close the
    # teacher set removes nothing the bank's rules need (after_close without a close never
    # shows answers).
    return base.model_copy(update=values), tuple(notes), due


def _open_quizzes() -> bool:
    return bool(current_app.config.get("OPEN_QUIZZES", False))


_assignments, _overrides = Assignment.__table__.c, Override.__table__.c
_ASSIGNMENT_COLUMNS = tuple(_assignments[rules_field.name] for rules_field in fields(AssignedRules))
"""The columns ``AssignedRules`` is made of, named and ordered by its fields."""
_OVERRIDE_COLUMNS = (
    _overrides.id,  # whether the student has an override at all
    *(_overrides[rules_field.name] for rules_field in fields(OverrideRules)),
)
_members = ClassMember.__table__.c
_EVERY_ASSIGNMENT = (
    select(_members.user_id, *_ASSIGNMENT_COLUMNS, *_OVERRIDE_COLUMNS)
    .select_from(
        ClassMember.__table__.join(
            Assignment.__table__, _assignments.class_id == _members.class_id
        ).outerjoin(
            Override.__table__,
            and_(
                _overrides.assignment_id == _assignments.id, _overrides.user_id == _members.user_id
            ),
        )
    )
    .where(_assignments.withdrawn.is_(False))
    .order_by(_assignments.id)
)
"""The assignments (not withdrawn) of quizzes to the classes of their students, each with the
student's override of it if any (one per assignment and student): one statement, where the
overrides were a second one for every assigned quiz. Columns of the tables, read as rows
(``AssignedRules``, ``OverrideRules``): nothing here is written."""
_ASSIGNMENTS = _EVERY_ASSIGNMENT.where(
    _members.user_id.in_(bindparam("user_ids", expanding=True)),
    _assignments.quiz_id.in_(bindparam("quiz_ids", expanding=True)),
)
"""Built once (``applied_for``): the quiz list, the gradebook, the review rules and the
closing of overdue attempts ask it for many students or quizzes at once. An attempt's pages
and actions read the same rows within the attempt's statement (``assignments_of``)."""


def assignments_of(user_id: ColumnElement[Any], quiz_id: ColumnElement[Any]) -> Select[Any]:
    """The read of what ``applied_from_rows`` needs for student ``user_id`` and quiz
    ``quiz_id``, given as expressions: another table's columns, where the read is a part of a
    larger statement (the attempt's own, ``attempts._PAGE_READ``)."""
    return _EVERY_ASSIGNMENT.where(_members.user_id == user_id, _assignments.quiz_id == quiz_id)


def _rules_of_row(row: Sequence[Any]) -> tuple[int, AssignedRules, OverrideRules | None]:
    """A row of ``_ASSIGNMENTS``: the student's id, the assignment, and their override of it."""
    user_id, *assigned = row[: 1 + len(_ASSIGNMENT_COLUMNS)]
    override_id, *override = row[1 + len(_ASSIGNMENT_COLUMNS) :]
    return (
        user_id,
        AssignedRules(*assigned),
        OverrideRules(*override) if override_id is not None else None,
    )


def applied_for(pairs: Iterable[tuple[int, Quiz]]) -> dict[tuple[int, int], Applied]:
    """What applies to each (user id, quiz), in at most two statements however many pairs:
    their classes' assignments of these quizzes with their overrides, and the users' roles
    (only where no class assigns the quiz and quizzes are not open)."""
    wanted = list({(user_id, quiz.id): (user_id, quiz) for user_id, quiz in pairs}.values())
    if not wanted:
        return {}
    user_ids = {user_id for user_id, _ in wanted}
    quiz_ids = {quiz.id for _, quiz in wanted}
    rows = db.session.connection().execute(
        _ASSIGNMENTS, {"user_ids": list(user_ids), "quiz_ids": list(quiz_ids)}
    )
    return _applied_from(wanted, rows)


def applied_from_rows(user_id: int, quiz: Quiz, rows: Iterable[Sequence[Any]]) -> Applied:
    """What applies to this student for this quiz, from the rows of ``assignments_of`` read
    beforehand with other reads in one statement (the attempt's, ``attempts._PAGE_READ``):
    a round trip fewer, on every attempt page, save and submit. As ``applied_for`` otherwise
    (the user's role is read only where no class assigns the quiz)."""
    return _applied_from([(user_id, quiz)], rows)[(user_id, quiz.id)]


def _applied_from(
    wanted: Sequence[tuple[int, Quiz]], rows: Iterable[Sequence[Any]]
) -> dict[tuple[int, int], Applied]:
    """``applied_for`` given its assignments' rows."""
    by_pair: dict[tuple[int, int], list[AssignedRules]] = {}
    overrides: dict[tuple[int, int], OverrideRules] = {}
    for user_id, assignment, override in map(_rules_of_row, rows):
        by_pair.setdefault((user_id, assignment.quiz_id), []).append(assignment)
        if override is not None:
            overrides[(user_id, assignment.id)] = override
    chosen = {pair: _choose(found) for pair, found in by_pair.items()}
    open_quizzes = _open_quizzes()
    # Roles matter only for a quiz no class of the user assigns, on a site without open quizzes.
    unassigned = {uid for uid, quiz in wanted if chosen.get((uid, quiz.id)) is None}
    teachers: set[int] = set()
    if unassigned and not open_quizzes:
        teachers = set(
            db.session.scalars(select(User.id).where(User.id.in_(unassigned), User.is_teacher))
        )
    result: dict[tuple[int, int], Applied] = {}
    for user_id, quiz in wanted:
        base = quiz_settings(quiz)
        assignment = chosen.get((user_id, quiz.id))
        override = overrides.get((user_id, assignment.id)) if assignment is not None else None
        settings, notes, due = _apply(base, assignment, override)
        visible = not quiz.retired and (
            assignment is not None or open_quizzes or user_id in teachers
        )
        result[(user_id, quiz.id)] = Applied(
            settings=settings,
            visible=visible,
            assignment=assignment,
            override=override,
            due=due,
            notes=notes,
        )
    return result


def applied_settings(user_id: int, quiz: Quiz) -> Applied:
    """What applies to this student for this quiz (see ``applied_for``)."""
    return applied_for([(user_id, quiz)])[(user_id, quiz.id)]


def deadline_for(settings: QuizSettings, started: datetime) -> datetime | None:
    """An attempt's own end, frozen when it starts: its time limit, capped by the close."""
    if not settings.time_limit:
        return None
    deadline = started + timedelta(seconds=settings.time_limit)
    if settings.closes and settings.closes < deadline:
        return settings.closes
    return deadline
