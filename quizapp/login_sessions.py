"""Logins as the server knows them: one ``LoginSession`` row per login.

The browser holds random tokens, the database only their SHA-256 hashes: the session token
(kept in Flask's signed session cookie) and, when the student asked to be kept logged in, a
remember-me token (a cookie of its own). A login ends on the server, so a cookie copied before
logout, before a password change or after the idle time no longer works. A remember-me token
works once: using it replaces both tokens.

No request objects here: the auth views pass tokens in and get tokens back.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from quizapp.database import begin_write, write_pending, write_with_next
from quizapp.extensions import db
from quizapp.models import LoginSession, User, now_utc

TOUCH_INTERVAL = timedelta(minutes=1)
"""``last_seen_at`` is written at most this often per login: idle expiry needs no finer clock,
and a write on every request would queue every page behind SQLite's single writer."""


@dataclass(frozen=True)
class Issued:
    """The tokens handed to the browser at login (or when a remember-me token is used)."""

    login: LoginSession
    token: str
    remember_token: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def start(user: User, *, remember: bool, forget_after: timedelta) -> Issued:
    """A new login for ``user`` (committed). The user's logins that ended, or that nobody used
    for ``forget_after``, are deleted on the way: they can never be resumed."""
    token, hashed = _new_token()
    remember_token, remember_hashed = _new_token() if remember else (None, None)
    begin_write()
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id,
            or_(
                LoginSession.revoked_at.is_not(None),
                LoginSession.last_seen_at < now_utc() - forget_after,
            ),
        )
    )
    login = LoginSession(user_id=user.id, token_hash=hashed, remember_hash=remember_hashed)
    db.session.add(login)
    db.session.commit()
    return Issued(login, token, remember_token)


LIVE_LOGIN = (
    select(LoginSession.id, LoginSession.last_seen_at, *User.__table__.columns)
    .join(User.__table__, User.id == LoginSession.user_id)
    .where(
        LoginSession.token_hash == bindparam("token_hash"),
        LoginSession.revoked_at.is_(None),
        LoginSession.last_seen_at > bindparam("seen_after"),
        User.disabled_at.is_(None),
    )
)
"""The live login a token names, as one row: the login's id and last visit, then every column
of its account (``User``'s, in the table's order), read with Core. Built once (every request
of a logged-in user runs it, see ``attempts._LOAD_ATTEMPT``). A page that reads the database
anyway may send it as a part of its own statement (``resume``'s ``read``): the attempt page,
a save and a submit do (``attempts.read_with_login``)."""

LoginRead = Callable[[dict[str, Any]], Sequence[Any] | None]
"""Runs ``LIVE_LOGIN``, alone or within a page's own statement, with the given parameters
(``token_hash``, ``seen_after``) and returns its row: None when no live login matches."""

_USER_KEYS = tuple(column.key for column in User.__table__.columns)


def _read_alone(params: dict[str, Any]) -> Sequence[Any] | None:
    return db.session.connection().execute(LIVE_LOGIN, params).first()


def resume(
    token: str | None, idle: timedelta, read: LoginRead | None = None
) -> tuple[int, User] | None:
    """The id of the live login that ``token`` names (not revoked, seen within ``idle``, of an
    account that is not disabled) and its user, in one query (``LIVE_LOGIN`` alone, or as
    ``read`` runs it within the page's own statement); or None.

    Records that it was seen, at most once per ``TOUCH_INTERVAL``: in the request's own write
    transaction if it has one (a save or a submit), else by ``write_touch`` at its end. The
    touch used to be a write transaction of its own, first thing in the request (a second
    BEGIN IMMEDIATE, fsync'd commit and wait for SQLite's single writer per request), and its
    commit expired the user just loaded, which was then read again.
    """
    if not token:
        return None
    now = now_utc()
    found = (read or _read_alone)({"token_hash": token_hash(token), "seen_after": now - idle})
    if found is None:
        return None
    login_id, last_seen_at, *account = found
    if now - last_seen_at >= TOUCH_INTERVAL:
        write_with_next("login-touch", _TOUCH, {"login_id": login_id, "now": now})
    return login_id, _loaded_user(account)


def _loaded_user(account: Sequence[Any]) -> User:
    """The ``User`` of a row's account columns, in the session as if the ORM had loaded it
    (``make_transient_to_detached``: no change to flush, expired by a commit and read again
    like any loaded object). Made from the row because the row may come from a page's own
    statement, which the ORM does not read; if the session holds the account already, that
    object, as the ORM's read would have given it."""
    values = dict(zip(_USER_KEYS, account, strict=True))
    session = db.session()
    held = session.identity_map.get(identity_key(User, values["id"]))
    if held is not None:
        return cast(User, held)
    user = User(**values)
    make_transient_to_detached(user)
    session.add(user)
    return user


_TOUCH = (
    update(LoginSession)
    .where(LoginSession.id == bindparam("login_id"), LoginSession.revoked_at.is_(None))
    .values(last_seen_at=bindparam("now"))
)


def write_touch() -> None:
    """At the end of a request: record the visit if no write transaction of the request did.

    Best effort: a database that is busy or read-only must not turn every page into an
    error; the login then counts as idle from its last recorded visit."""
    try:
        write_pending()
    except OperationalError:
        db.session.rollback()


def use_remembered(remember_token: str, lifetime: timedelta) -> Issued | None:
    """Continue the login that ``remember_token`` names (not revoked, seen within
    ``lifetime``) with fresh tokens: the one presented stops working. None if it is unknown,
    used already, revoked or expired.

    The swap is one conditional UPDATE, so two requests racing with one token cannot both win.
    """
    now = now_utc()
    token, hashed = _new_token()
    new_remember, new_remember_hashed = _new_token()
    begin_write()
    swapped = db.session.execute(
        update(LoginSession)
        .where(
            LoginSession.remember_hash == token_hash(remember_token),
            LoginSession.revoked_at.is_(None),
            LoginSession.last_seen_at > now - lifetime,
        )
        .values(token_hash=hashed, remember_hash=new_remember_hashed, last_seen_at=now)
        .returning(LoginSession.id)
    ).scalar()
    db.session.commit()
    if swapped is None:
        return None
    login = db.session.get(LoginSession, swapped)
    assert login is not None
    return Issued(login, token, new_remember)


def renew_remembered(login_id: int) -> str | None:
    """A new remember-me token for a login that keeps going, if it had one (the old one
    stops working). Runs in the caller's write transaction (a password change)."""
    remember_token, hashed = _new_token()
    renewed = db.session.execute(
        update(LoginSession)
        .where(LoginSession.id == login_id, LoginSession.remember_hash.is_not(None))
        .values(remember_hash=hashed)
    ).rowcount
    return remember_token if renewed else None


def revoke(token: str | None) -> None:
    """End the login that ``token`` names, remember-me token included (logout)."""
    if not token:
        return
    begin_write()
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == token_hash(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=now_utc(), remember_hash=None)
    )
    db.session.commit()


def end_others(user_id: int, keep: int | None) -> int:
    """End every login of a user but ``keep``; returns how many. Runs in the caller's write
    transaction (a password change, with the new password in the same commit)."""
    query = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    return db.session.execute(query.values(revoked_at=now_utc(), remember_hash=None)).rowcount
