"""The admins' side of accounts: finding people, giving them a role, disabling an account.

Roles are two flags on ``User`` (``is_teacher``, ``is_admin``), kept in step here: an admin is
always a teacher too, so every teacher's page lets admins in without knowing about them. The
site never loses its last admin: a change that would leave no active admin is refused under
the write lock (rows locked ``FOR UPDATE`` on PostgreSQL, so two admins demoting each other at
once cannot both win).
"""

from __future__ import annotations

from typing import NoReturn

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from quizapp import login_sessions, password_links
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import User, now_utc

ROLES = ("student", "teacher", "admin")


class PeopleError(ValueError):
    """A change an admin asked for that cannot be made; the message says why."""


def search_query(text: str) -> Select[tuple[User]]:
    """Users whose username contains ``text`` (any case), in username order."""
    query = select(User).order_by(func.lower(User.username))
    text = text.strip()
    if text:
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(User.username).like(f"%{escaped}%", escape="\\"))
    return query


def _locked_user(user_id: int) -> User:
    user = db.session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        db.session.rollback()
        raise LookupError(user_id)
    return user


def _other_active_admins(user_id: int) -> int:
    return len(
        db.session.scalars(
            select(User.id)
            .where(User.is_admin, User.disabled_at.is_(None), User.id != user_id)
            .with_for_update()
        ).all()
    )


def _refuse(message: str) -> NoReturn:
    db.session.rollback()
    raise PeopleError(message)


def set_role(user_id: int, role: str) -> User:
    """Make a user a student, a teacher or an admin (committed). Raises ``PeopleError`` for
    an unknown role or when it would remove the last active admin, ``LookupError`` when
    there is no such user."""
    if role not in ROLES:
        raise PeopleError(
            _(
                "The role must be one of %(value)s; got '%(role)s'.",
                value=", ".join(ROLES),
                role=role,
            )
        )
    begin_write()
    user = _locked_user(user_id)
    demoting = user.is_admin and role != "admin" and user.disabled_at is None
    if demoting and _other_active_admins(user.id) == 0:
        _refuse(
            f"{user.username} is the last admin: make another account an admin first, "
            "so that someone can still manage people."
        )
    user.is_admin = role == "admin"
    user.is_teacher = role in ("teacher", "admin")
    db.session.commit()
    return user


def set_disabled(user_id: int, disabled: bool, *, actor_id: int) -> User:
    """Disable an account (it cannot log in; its logins and password links end at once, in
    the same commit; nothing of it is deleted) or enable it again. An admin cannot disable
    their own account, nor the last active admin."""
    begin_write()
    user = _locked_user(user_id)
    if disabled and user.disabled_at is None:
        if user.id == actor_id:
            _refuse("You cannot disable your own account.")
        if user.is_admin and _other_active_admins(user.id) == 0:
            _refuse(f"{user.username} is the last admin and cannot be disabled.")
        now = now_utc()
        user.disabled_at = now
        login_sessions.end_others(user.id, keep=None)
        password_links.revoke_links(user.id, now=now)
    elif not disabled:
        user.disabled_at = None
    db.session.commit()
    return user
