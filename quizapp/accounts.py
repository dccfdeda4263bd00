"""Accounts: creating users and checking passwords (Werkzeug's scrypt hashing)."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import User

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A user that cannot be created as asked; the message says why."""


def find_user(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )


def create_user(username: str, password: str, *, is_teacher: bool = False) -> User:
    """Create and commit a user; usernames are unique whatever their case."""
    username = username.strip()
    begin_write()
    if find_user(username) is not None:
        db.session.rollback()
        raise AccountError(f"The username '{username}' is taken; choose another.")
    if len(password) < MIN_PASSWORD_LENGTH:
        db.session.rollback()
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    user = User(
        username=username,
        password_hash=generate_password_hash(password),
        is_teacher=is_teacher,
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User | None:
    user = find_user(username)
    if user is None:
        # Spend the same time as a real check, so timing does not reveal who has an account.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


_DUMMY_HASH = generate_password_hash("not-a-real-password")
