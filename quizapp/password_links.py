"""One-time password links: a teacher (or an admin) gives a student a link to choose a new
password, with no mail server; with one, "Forgot your password?" mails the same kind of link.

A link is ``/auth/password/<token>``: a random token that only the URL holds (the database
keeps its SHA-256, like login tokens), for one user, that works once, for ``LIFETIME``. A newer
link for the same user ends the older ones, so only the link handed out last works. Using it
stores the new password and ends every login of the user, in one commit; the page then logs
the user in.

The API for other services (the classes' CSV upload makes "set" links for new accounts):
``issue_link(user_id, issued_by_id, purpose) -> path``. Every function takes an optional
``now`` so tests move the clock instead of sleeping. No request objects here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from quizapp import login_sessions
from quizapp.accounts import PasswordError, hash_password, password_problem
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.login_sessions import token_hash
from quizapp.models import PasswordLink, User, now_utc

LIFETIME = timedelta(hours=24)
PURPOSES = ("reset", "set")
PATH_PREFIX = "/auth/password/"
"""Where the auth blueprint serves a link (a test checks the route agrees)."""
MAX_TOKEN_LENGTH = 100


class LinkError(LookupError):
    """A link that cannot be used; the message says why and what to do instead."""

    status = 410


class UnknownLink(LinkError):
    status = 404


@dataclass(frozen=True)
class UsableLink:
    link: PasswordLink
    user: User


def link_path(token: str) -> str:
    """The path of a link, from the site's root (prefix ``request.url_root`` to show it)."""
    return PATH_PREFIX + token


def issue_link(
    user_id: int, issued_by_id: int | None, purpose: str = "reset", *, now: datetime | None = None
) -> str:
    """A new link for ``user_id`` (committed), ending the user's older links; returns its
    path. ``issued_by_id`` is the teacher or admin who asked (None for the user's own e-mail
    request); callers check that they may (``permissions.may_manage_student``)."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}, not {purpose!r}")
    now = now or now_utc()
    token = secrets.token_urlsafe(32)
    begin_write()
    _revoke(user_id, now)
    db.session.add(
        PasswordLink(
            user_id=user_id,
            issued_by_id=issued_by_id,
            purpose=purpose,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    db.session.commit()
    return link_path(token)


def _revoke(user_id: int, now: datetime) -> None:
    db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.user_id == user_id,
            PasswordLink.used_at.is_(None),
            PasswordLink.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )


def revoke_links(user_id: int, *, now: datetime | None = None) -> None:
    """End every open link of a user, in the caller's write transaction (disabling)."""
    _revoke(user_id, now or now_utc())


def find_usable(token: str, *, now: datetime | None = None) -> UsableLink:
    """The link ``token`` names and its user, if it can still be used; else ``LinkError``
    (``UnknownLink`` for a token never issued) with the reason."""
    now = now or now_utc()
    found = None
    if 0 < len(token) <= MAX_TOKEN_LENGTH:
        found = db.session.execute(
            select(PasswordLink, User)
            .join(User, User.id == PasswordLink.user_id)
            .where(PasswordLink.token_hash == token_hash(token))
        ).first()
    if found is None:
        raise UnknownLink(
            "This password link is not known. Check that the whole link was copied, "
            "or ask your teacher for a new one."
        )
    link, user = found
    if link.used_at is not None:
        raise LinkError(
            _(
                "This password link was used already: each link works once. If you did not use "
                "it, ask your teacher for a new one."
            )
        )
    if link.revoked_at is not None or user.disabled_at is not None:
        raise LinkError(
            _(
                "This password link no longer works: a newer link was made for this account, or "
                "the account was disabled. Use the newest link you were given."
            )
        )
    if link.expires_at <= now:
        raise LinkError(
            _(
                "This password link has expired: links work for 24 hours. Ask your teacher for a "
                "new one."
            )
        )
    return UsableLink(link, user)


def use_link(token: str, password: str, *, now: datetime | None = None) -> User:
    """Set the password of the link's user and end the link and every login of the user, in
    one commit. Raises ``PasswordError`` for a password that breaks the registration rules
    (the link stays usable), ``LinkError`` when the link cannot be used (also when another
    request used it a moment ago: the claim is one conditional UPDATE)."""
    now = now or now_utc()
    usable = find_usable(token, now=now)
    problem = password_problem(password, usable.user.username)
    if problem:
        raise PasswordError(problem)
    password_hash = hash_password(password)
    begin_write()
    claimed = db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.id == usable.link.id,
            PasswordLink.used_at.is_(None),
            PasswordLink.revoked_at.is_(None),
            PasswordLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(PasswordLink.user_id)
    ).scalar()
    if claimed is None:
        db.session.rollback()
        find_usable(token, now=now)  # raises with the reason
        raise LinkError(_("This password link no longer works; ask for a new one."))
    user = db.session.get(User, claimed)
    assert user is not None
    user.password_hash = password_hash
    login_sessions.end_others(user.id, keep=None)
    db.session.commit()
    return user
