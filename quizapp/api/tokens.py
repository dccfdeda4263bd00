"""Personal access tokens for the JSON API: made on the account page, scoped, revocable.

A token is ``qz_`` plus ``secrets.token_urlsafe(32)``; it is shown once, when made, and the
database keeps its SHA-256 only (like login and password-link tokens), so a copy of the
database lets nobody call the API. Scopes: ``read`` (quizzes, history, results), ``take``
(start, save, submit) and ``teach`` (the teacher endpoints, and only while the account is a
teacher's). A revoked token, or any token of a disabled account, stops working at once.

The rate limit (``count_request``) keeps the request count of the token's current minute in
its own row, as ``login_throttle`` keeps failures in rows: every worker process and machine
sees the same count. No request objects here.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.i18n import N_
from quizapp.login_sessions import token_hash
from quizapp.models import ApiToken, User, now_utc

PREFIX = "qz_"
SCOPES = ("read", "take", "teach")
SCOPE_LABELS = {
    "read": N_("read: list quizzes, history and results"),
    "take": N_("take: start attempts, save answers, submit"),
    "teach": N_("teach: banks, imports, statistics and gradebooks"),
}
TEACHER_SCOPES = frozenset({"teach"})
NAME_LENGTH = 80
MAX_TOKEN_LENGTH = 100
MAX_TOKENS = 20
"""Live tokens per account: enough for every script a teacher runs, few enough to review."""
WINDOW = timedelta(minutes=1)


class TokenError(ValueError):
    """A token that cannot be made as asked; the message says what to change."""


@dataclass(frozen=True)
class NewToken:
    row: ApiToken
    token: str
    """The token itself: shown once, never stored."""


def scopes_allowed(user: User) -> tuple[str, ...]:
    """The scopes this account may give a token (``teach`` for teachers only)."""
    return tuple(s for s in SCOPES if s not in TEACHER_SCOPES or user.is_teacher)


def create_token(user: User, name: str, scopes: Iterable[str]) -> NewToken:
    """Make a token for ``user`` (committed); raises TokenError naming what is wrong."""
    name = " ".join(name.split())
    if not name:
        raise TokenError(_("Give the token a name, so you can tell it from your others later."))
    if len(name) > NAME_LENGTH:
        raise TokenError(
            _(
                "The name is %(length)s characters long; use at most %(limit)s.",
                length=len(name),
                limit=NAME_LENGTH,
            )
        )
    chosen = set(scopes)
    if not chosen:
        raise TokenError(_("Choose at least one scope: read, take or teach."))
    unknown = chosen - set(SCOPES)
    if unknown:
        raise TokenError(
            _(
                "There is no scope '%(scope)s': use read, take, teach.",
                scope=sorted(unknown)[0][:20],
            )
        )
    if not chosen <= set(scopes_allowed(user)):
        raise TokenError(_("Only teachers' tokens can have the teach scope."))
    if len(tokens_of(user)) >= MAX_TOKENS:
        raise TokenError(
            _("You have %(count)s tokens; revoke one you no longer use first.", count=MAX_TOKENS)
        )
    token = PREFIX + secrets.token_urlsafe(32)
    begin_write()
    row = ApiToken(
        user_id=user.id,
        name=name,
        scopes=" ".join(s for s in SCOPES if s in chosen),
        token_hash=token_hash(token),
        hint=token[: len(PREFIX) + 4],
    )
    db.session.add(row)
    db.session.commit()
    return NewToken(row=row, token=token)


def tokens_of(user: User) -> list[ApiToken]:
    """The account's tokens that still work, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens (committed); False if they have no such token."""
    begin_write()
    result = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
        )
        .values(revoked_at=now_utc())
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def find_token(token: str) -> tuple[ApiToken, User] | None:
    """The live token and its active account, or None (unknown, revoked, or the account is
    disabled): one query, by the token's hash."""
    if not token.startswith(PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == token_hash(token),
            ApiToken.revoked_at.is_(None),
            User.disabled_at.is_(None),
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


def count_request(token_id: int, limit: int, now: datetime | None = None) -> int | None:
    """Count one request of the token (committed): None when it is within ``limit`` requests
    for the current minute, else the seconds to wait (and the request is not counted).

    The row is locked while it is read and written, so two workers cannot both take the last
    request of a minute."""
    now = now or now_utc()
    begin_write()
    started, count = db.session.execute(
        select(ApiToken.window_started_at, ApiToken.window_requests)
        .where(ApiToken.id == token_id)
        .with_for_update()
    ).one()
    if started is None or now >= started + WINDOW or now < started:
        started, count = now, 0
    if limit > 0 and count >= limit:
        db.session.rollback()
        return max(1, math.ceil((started + WINDOW - now).total_seconds()))
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id)
        .values(window_started_at=started, window_requests=count + 1, last_used_at=now)
    )
    db.session.commit()
    return None
