"""Classes: create, join by code, roster, co-teachers, assignments, overrides.

Every function that writes is one transaction (``begin_write`` ... commit) and raises
``ClassError`` with a message for the person, changing nothing, when the input is wrong.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from quizapp.attempts import seconds_left
from quizapp.bank_access import may_read_bank, readable_banks
from quizapp.classes.rules import applied_for
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Attempt,
    Bank,
    ClassMember,
    Classroom,
    ClassTeacher,
    Override,
    Quiz,
    User,
    now_utc,
)
from quizapp.questions import quiz_settings

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
"""No 0/O, 1/I/L or U: nothing a student can misread on a board."""
CODE_LENGTH = 7
MAX_NAMES = 500
"""Usernames in one pasted list."""


class ClassError(Exception):
    """Input a class cannot take; the message says what to do. Nothing was changed."""

    status_code = 400


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A code as typed: any case, spaces or dashes between groups."""
    return re.sub(r"[\s-]+", "", text).upper()[:32]


# -- reading --------------------------------------------------------------------------------


def teacher_class(class_id: int, user: User) -> Classroom | None:
    """The class if ``user`` teaches it, else None (the page answers 404, as if unknown)."""
    return db.session.scalar(
        select(Classroom)
        .join(ClassTeacher, ClassTeacher.class_id == Classroom.id)
        .where(Classroom.id == class_id, ClassTeacher.user_id == user.id)
    )


def classes_taught(user: User) -> list[Classroom]:
    return _classes_by(ClassTeacher, user)


def classes_joined(user: User) -> list[Classroom]:
    return _classes_by(ClassMember, user)


def _classes_by(membership: type[ClassTeacher] | type[ClassMember], user: User) -> list[Classroom]:
    """The classes ``user`` teaches (ClassTeacher) or belongs to (ClassMember), by name."""
    return list(
        db.session.scalars(
            select(Classroom)
            .join(membership, membership.class_id == Classroom.id)
            .where(membership.user_id == user.id)
            .order_by(Classroom.name, Classroom.id)
        )
    )


def students_of(class_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ClassMember, ClassMember.user_id == User.id)
            .where(ClassMember.class_id == class_id)
            .order_by(User.username)
        )
    )


def teachers_of(class_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ClassTeacher, ClassTeacher.user_id == User.id)
            .where(ClassTeacher.class_id == class_id)
            .order_by(User.username)
        )
    )


def assignments_of(class_id: int) -> list[Assignment]:
    """The class's assignments, what is due first first (no date last)."""
    rows = db.session.scalars(
        select(Assignment)
        .options(joinedload(Assignment.quiz).joinedload(Quiz.bank))
        .where(Assignment.class_id == class_id)
        .order_by(Assignment.id)
    ).all()
    return sorted(rows, key=lambda a: (a.withdrawn, _due_key(a.due or a.closes), a.id))


def _due_key(when: datetime | None) -> tuple[int, datetime]:
    return (1, datetime.max) if when is None else (0, when)


def assignment_of(class_id: int, assignment_id: int) -> Assignment | None:
    return db.session.scalar(
        select(Assignment)
        .options(joinedload(Assignment.quiz))
        .where(Assignment.id == assignment_id, Assignment.class_id == class_id)
    )


def overrides_of(assignment_ids: Iterable[int]) -> dict[tuple[int, int], Override]:
    """(assignment id, user id) -> override."""
    ids = set(assignment_ids)
    if not ids:
        return {}
    return {
        (o.assignment_id, o.user_id): o
        for o in db.session.scalars(select(Override).where(Override.assignment_id.in_(ids)))
    }


# -- writing --------------------------------------------------------------------------------


def _name(text: str, what: str, limit: int) -> str:
    value = " ".join(text.split())
    if not value:
        raise ClassError(_("Give the %(what)s.", what=what))
    if len(value) > limit:
        raise ClassError(
            _("The %(what)s is too long: at most %(limit)s characters.", what=what, limit=limit)
        )
    return value


def create_class(teacher: User, name: str, description: str = "") -> Classroom:
    """A new class taught by ``teacher``, with a fresh join code."""
    name = _name(name, "class's name", 120)
    if len(description) > 2000:
        raise ClassError(_("The description is too long: at most 2,000 characters."))
    begin_write()
    classroom = Classroom(name=name, description=description.strip(), join_code=unused_join_code())
    db.session.add(classroom)
    db.session.flush()
    db.session.add(ClassTeacher(class_id=classroom.id, user_id=teacher.id))
    db.session.commit()
    return classroom


def unused_join_code() -> str:
    """A join code no class has (30^7 codes: a clash is rare, but checked)."""
    while True:
        code = new_join_code()
        if db.session.scalar(select(Classroom.id).where(Classroom.join_code == code)) is None:
            return code


def regenerate_code(classroom: Classroom) -> str:
    """A new join code; the old one stops working at once."""
    begin_write()
    classroom.join_code = unused_join_code()
    db.session.commit()
    return classroom.join_code


def join(user: User, code: str) -> Classroom:
    """Join the class whose code this is."""
    wanted = normalise_code(code)
    if not wanted:
        raise ClassError(_("Type the class code your teacher gave you."))
    classroom = db.session.scalar(select(Classroom).where(Classroom.join_code == wanted))
    if classroom is None:
        raise ClassError(
            _(
                "No class has the code %(wanted)s. Check it with your teacher: a code stops "
                "working when the teacher makes a new one.",
                wanted=wanted,
            )
        )
    _add_members(classroom.id, [user.id])
    return classroom


def _add_members(class_id: int, user_ids: Sequence[int]) -> int:
    """Add these students (those already in are left alone); returns how many were added."""
    begin_write()
    present = set(
        db.session.scalars(
            select(ClassMember.user_id).where(
                ClassMember.class_id == class_id, ClassMember.user_id.in_(user_ids)
            )
        )
    )
    added = [uid for uid in dict.fromkeys(user_ids) if uid not in present]
    for user_id in added:
        db.session.add(ClassMember(class_id=class_id, user_id=user_id))
    try:
        db.session.commit()
    except IntegrityError:  # joined in another request at the same moment: already in
        db.session.rollback()
        return 0
    return len(added)


@dataclass(frozen=True)
class Added:
    added: list[str]
    already: list[str]
    unknown: list[str]


def usernames_in(text: str) -> list[str]:
    """Usernames from a pasted list: one per line, or separated by commas, semicolons, spaces."""
    names = [name for name in re.split(r"[\s,;]+", text) if name]
    if len(names) > MAX_NAMES:
        raise ClassError(_("Paste at most %(value)s usernames at a time.", value=MAX_NAMES))
    return list(dict.fromkeys(names))


def add_students(classroom: Classroom, text: str) -> Added:
    """Add the students named in ``text``; unknown names are reported and change nothing."""
    names = usernames_in(text)
    if not names:
        raise ClassError(_("Give at least one username."))
    # Usernames match whatever their case (as at login); SQL's lower() folds ASCII only, so
    # the exact names are asked for too (an administrator's account may be in any script).
    found = {
        user.username.lower(): user
        for user in db.session.scalars(
            select(User).where(
                or_(
                    User.username.in_(names),
                    func.lower(User.username).in_([n.lower() for n in names]),
                )
            )
        )
    }
    unknown = [name for name in names if name.lower() not in found]
    known = [found[name.lower()] for name in names if name.lower() in found]
    members = set(
        db.session.scalars(select(ClassMember.user_id).where(ClassMember.class_id == classroom.id))
    )
    already = [user.username for user in known if user.id in members]
    new = [user for user in known if user.id not in members]
    if new:
        _add_members(classroom.id, [user.id for user in new])
    return Added([user.username for user in new], already, unknown)


def add_teacher(classroom: Classroom, username: str) -> User:
    """Make a teacher account a co-teacher of the class."""
    name = username.strip()
    user = db.session.scalar(select(User).where(func.lower(User.username) == name.lower()))
    if user is None:
        raise ClassError(_("No account is called '%(name)s'.", name=name[:80]))
    if not user.is_teacher:
        raise ClassError(
            _(
                "%(username)s is not a teacher; only teachers can teach a class.",
                username=user.username,
            )
        )
    begin_write()
    exists = db.session.get(ClassTeacher, (classroom.id, user.id))
    if exists is None:
        db.session.add(ClassTeacher(class_id=classroom.id, user_id=user.id))
    db.session.commit()
    return user


def remove_student(classroom: Classroom, user_id: int) -> bool:
    """Take a student out of the class. Their attempts and grades stay (history never
    changes); they no longer see the class's quizzes."""
    begin_write()
    result = db.session.execute(
        delete(ClassMember).where(
            ClassMember.class_id == classroom.id, ClassMember.user_id == user_id
        )
    )
    db.session.commit()
    return bool(result.rowcount)


# -- assignments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentValues:
    opens: datetime | None
    closes: datetime | None
    due: datetime | None
    time_limit: int | None
    """Seconds."""
    attempts: int | None


def defaults_for(quiz: Quiz) -> AssignmentValues:
    """An assignment's starting values: the bank's quiz settings."""
    settings = quiz_settings(quiz)
    return AssignmentValues(
        opens=settings.opens,
        closes=settings.closes,
        due=None,
        time_limit=settings.time_limit,
        attempts=settings.attempts,
    )


def _check_values(values: AssignmentValues) -> None:
    if values.opens and values.closes and values.closes <= values.opens:
        raise ClassError(_("The close must be later than the opening."))
    if values.due and values.opens and values.due <= values.opens:
        raise ClassError(_("The due date must be later than the opening."))


def assign(classroom: Classroom, quiz: Quiz, teacher: User) -> Assignment:
    """Assign a quiz the teacher may use to the class, with the bank's settings."""
    if quiz.retired or not may_read_bank(teacher, quiz.bank):
        raise ClassError(_("That quiz cannot be assigned."))
    begin_write()
    existing = db.session.scalar(
        select(Assignment).where(Assignment.class_id == classroom.id, Assignment.quiz_id == quiz.id)
    )
    if existing is not None:
        db.session.rollback()
        raise ClassError(_("%(title)s is already assigned to this class.", title=quiz.title))
    values = defaults_for(quiz)
    assignment = Assignment(class_id=classroom.id, quiz_id=quiz.id, **values.__dict__)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def update_assignment(assignment: Assignment, values: AssignmentValues) -> None:
    _check_values(values)
    begin_write()
    for name, value in values.__dict__.items():
        setattr(assignment, name, value)
    db.session.commit()


def set_state(assignment: Assignment, action: str, now: datetime | None = None) -> str:
    """Open now, close now or withdraw (hide from the class) an assignment; returns what the
    teacher is told. Closing sets the close to now, so open attempts end now too (their
    saved answers are graded), as when a close date passes."""
    now = now or now_utc()
    begin_write()
    title = assignment.quiz.title
    if action == "open":
        assignment.withdrawn = False
        if assignment.opens and assignment.opens > now:
            assignment.opens = now
        if assignment.closes and assignment.closes <= now:
            assignment.closes = None
        message = _("%(title)s is open to the class.", title=title)
    elif action == "close":
        assignment.withdrawn = False
        assignment.closes = now
        if assignment.opens and assignment.opens >= now:
            assignment.opens = None
        message = _("%(title)s is closed: open attempts ended now.", title=title)
    elif action == "withdraw":
        assignment.withdrawn = True
        message = _("%(title)s is withdrawn: the class no longer sees it.", title=title)
    else:
        db.session.rollback()
        raise ClassError(_("Choose open, close or withdraw."))
    db.session.commit()
    return message


def set_override(
    assignment: Assignment,
    user_id: int,
    extra_minutes: int,
    closes: datetime | None,
    extra_attempts: int,
) -> Override | None:
    """One student's accommodation on an assignment; all zero and no close removes it."""
    is_member = db.session.get(ClassMember, (assignment.class_id, user_id)) is not None
    if not is_member:
        raise ClassError(_("That student is not in this class."))
    if closes is not None and assignment.closes is not None and closes <= assignment.closes:
        raise ClassError(_("The student's close must be later than the class's close."))
    begin_write()
    override = db.session.scalar(
        select(Override).where(Override.assignment_id == assignment.id, Override.user_id == user_id)
    )
    if not extra_minutes and closes is None and not extra_attempts:
        if override is not None:
            db.session.delete(override)
        db.session.commit()
        return None
    if override is None:
        override = Override(assignment_id=assignment.id, user_id=user_id)
        db.session.add(override)
    override.extra_minutes = extra_minutes
    override.closes = closes
    override.extra_attempts = extra_attempts
    db.session.commit()
    return override


# -- who is taking it now -------------------------------------------------------------------


@dataclass(frozen=True)
class Taking:
    username: str
    started_at: datetime
    seconds_left: int | None


def taking_now(assignment: Assignment) -> list[Taking]:
    """The class's students with an open attempt at the quiz that has time left."""
    rows = db.session.execute(
        select(Attempt, User.username)
        .join(User, User.id == Attempt.user_id)
        .join(
            ClassMember,
            (ClassMember.user_id == Attempt.user_id)
            & (ClassMember.class_id == assignment.class_id),
        )
        .options(joinedload(Attempt.quiz))
        .where(
            Attempt.quiz_id == assignment.quiz_id,
            Attempt.submitted_at.is_(None),
            Attempt.is_practice.is_(False),
        )
        .order_by(User.username)
    ).all()
    applied = applied_for((attempt.user_id, attempt.quiz) for attempt, _ in rows)
    now = now_utc()
    taking = []
    for attempt, username in rows:
        attempt.__dict__["_applied"] = applied[(attempt.user_id, attempt.quiz_id)]
        left = seconds_left(attempt, now)
        if left is None or left > 0:
            taking.append(Taking(username, attempt.started_at, left))
    return taking


def assignable_quizzes(teacher: User) -> list[Quiz]:
    """The quizzes of the banks the teacher may use, by bank and quiz."""
    return list(
        db.session.scalars(
            select(Quiz)
            .join(Bank, Bank.id == Quiz.bank_id)
            .options(joinedload(Quiz.bank))
            .where(Quiz.retired.is_(False), readable_banks(teacher))
            .order_by(Bank.title, Quiz.id)
        )
    )
