"""Platform users as Quizapp accounts, and LMS courses as classes.

An account is linked by (platform, subject) only, never by name or e-mail: another LMS (or
another user of the same one) with the same name gets an account of its own. A launched
user needs no password: their account gets an unusable one, and the launch logs them in.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from quizapp.accounts import MAX_USERNAME_LENGTH
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.lti.roles import is_teaching
from quizapp.models import (
    ClassMember,
    Classroom,
    ClassTeacher,
    LtiAccount,
    LtiContext,
    LtiPlatform,
    User,
    now_utc,
)


@dataclass(frozen=True)
class Person:
    """A platform user as a launch or a roster names them."""

    subject: str
    roles: tuple[str, ...]
    name: str = ""
    """Used only to choose a readable username for a new account."""

    @property
    def teaches(self) -> bool:
        return is_teaching(self.roles)


def _username_base(person: Person) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", ".", person.name).strip("._-").lower()
    return (base or "lms-user")[: MAX_USERNAME_LENGTH - 6]


def _free_username(person: Person) -> str:
    base = _username_base(person)
    taken = {
        name.lower()
        for name in db.session.scalars(
            select(User.username).where(func.lower(User.username).like(f"{base}%"))
        )
    }
    if base not in taken and len(base) >= 3:
        return base
    while True:
        candidate = f"{base}-{secrets.randbelow(100000):05d}"
        if candidate.lower() not in taken:
            return candidate


def _unusable_password() -> str:
    """A "password hash" that no password matches (Werkzeug's check refuses its format, as
    Django's unusable passwords): the account logs in through its LMS, and an admin can still
    hand its owner a password link. No scrypt here: a roster of 500 would take minutes."""
    return "!lti:" + secrets.token_urlsafe(16)


def linked_user(platform: LtiPlatform, person: Person) -> User:
    """The account linked to (platform, subject), made on first sight. A teacher in the LMS
    becomes a teacher here (an account is never demoted by a launch: it may teach elsewhere)."""
    for _ in range(3):
        user = db.session.scalar(
            select(User)
            .join(LtiAccount, LtiAccount.user_id == User.id)
            .where(LtiAccount.platform_id == platform.id, LtiAccount.subject == person.subject)
        )
        if user is not None:
            if person.teaches and not user.is_teacher:
                begin_write()
                user.is_teacher = True
                db.session.commit()
            return user
        begin_write()
        user = User(
            username=_free_username(person),
            password_hash=_unusable_password(),
            is_teacher=person.teaches,
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(LtiAccount(platform_id=platform.id, subject=person.subject, user_id=user.id))
        try:
            db.session.commit()
        except IntegrityError:  # the same user launched twice at once, or a name clash
            db.session.rollback()
            continue
        return user
    raise RuntimeError("Could not link the LMS account; try the launch again.")


def course_class(
    platform: LtiPlatform, context_id: str, title: str, memberships_url: str | None
) -> LtiContext:
    """The class of an LMS course, made on its first launch (named after the course)."""
    for _ in range(2):
        context = db.session.scalar(
            select(LtiContext).where(
                LtiContext.platform_id == platform.id, LtiContext.context_id == context_id
            )
        )
        if context is not None:
            if memberships_url and context.memberships_url != memberships_url:
                begin_write()
                context.memberships_url = memberships_url
                db.session.commit()
            return context
        from quizapp.classes.service import unused_join_code

        begin_write()
        name = " ".join(title.split())[:120] or f"LMS course {context_id[:40]}"
        classroom = Classroom(
            name=name,
            description=f"The course {name!r} of {platform.name}, kept in step by LTI.",
            join_code=unused_join_code(),
        )
        db.session.add(classroom)
        db.session.flush()
        context = LtiContext(
            platform_id=platform.id,
            context_id=context_id,
            class_id=classroom.id,
            memberships_url=memberships_url,
        )
        db.session.add(context)
        try:
            db.session.commit()
        except IntegrityError:  # the course's first two launches at once
            db.session.rollback()
            continue
        return context
    raise RuntimeError("Could not make the course's class; try the launch again.")


def enrol(class_id: int, user: User, teaches: bool) -> None:
    """Put the user in the class as its teacher or its student (idempotent)."""
    begin_write()
    if teaches:
        if db.session.get(ClassTeacher, (class_id, user.id)) is None:
            db.session.add(ClassTeacher(class_id=class_id, user_id=user.id))
    elif db.session.get(ClassMember, (class_id, user.id)) is None:
        db.session.add(ClassMember(class_id=class_id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # enrolled by another request meanwhile
        db.session.rollback()


@dataclass(frozen=True)
class RosterChange:
    students: int
    teachers: int
    removed: int


def sync_roster(
    platform: LtiPlatform, context: LtiContext, members: Iterable[Person]
) -> RosterChange:
    """Make the class's students and teachers those of the LMS course: every member is linked
    (accounts made as needed) and enrolled by role; students no longer in the course leave
    the class (their attempts stay). Students who joined by code and teachers added in
    Quizapp by hand are left alone."""
    students, teachers = set(), set()
    for person in members:
        user = linked_user(platform, person)
        enrol(context.class_id, user, person.teaches)
        (teachers if person.teaches else students).add(user.id)
    begin_write()
    linked_here = select(LtiAccount.user_id).where(LtiAccount.platform_id == platform.id)
    removed = db.session.execute(
        delete(ClassMember).where(
            ClassMember.class_id == context.class_id,
            ClassMember.user_id.not_in(students or {0}),
            ClassMember.user_id.in_(linked_here),
        )
    ).rowcount
    row = db.session.get(LtiContext, context.id)
    assert row is not None
    row.synced_at = now_utc()
    db.session.commit()
    return RosterChange(len(students), len(teachers), removed)
