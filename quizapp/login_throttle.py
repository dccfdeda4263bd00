"""Slowing down password guessing, per account and per address.

Failed logins are rows in ``login_failures``, so every worker process and every machine of a
site sees the same count (no per-process memory). A username, or an address, that failed
``limit`` times within the window is refused until the oldest of those failures leaves the
window; the password of a refused attempt is never checked, so guessing cannot go on
"behind" the refusal. Refused attempts are not counted: an attacker cannot keep an account
locked longer than one window after their last real guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import LoginFailure, now_utc

USERNAME_WIDTH = 80
ADDRESS_WIDTH = 64


@dataclass(frozen=True)
class Limits:
    """How many failures are allowed within ``window``, per username and per address."""

    per_username: int
    per_address: int
    window: timedelta

    @classmethod
    def from_config(cls, config: Any) -> Limits:
        return cls(
            per_username=int(config["LOGIN_MAX_FAILURES_PER_USERNAME"]),
            per_address=int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
            window=timedelta(seconds=float(config["LOGIN_FAILURE_WINDOW_SECONDS"])),
        )


def _username_key(username: str) -> str:
    return username.strip().lower()[:USERNAME_WIDTH]


def retry_after(username: str, address: str, limits: Limits) -> int | None:
    """Seconds to wait before ``username`` may try again from ``address``, or None if it may
    try now."""
    now = now_utc()
    since = now - limits.window
    waits = [
        _free_at(LoginFailure.username == _username_key(username), limits.per_username, since),
        _free_at(LoginFailure.address == address[:ADDRESS_WIDTH], limits.per_address, since),
    ]
    free_at = max((moment for moment in waits if moment is not None), default=None)
    if free_at is None:
        return None
    return max(1, math.ceil((free_at + limits.window - now).total_seconds()))


def _free_at(condition: Any, limit: int, since: datetime) -> datetime | None:
    """The time of the ``limit``-th latest failure within the window (when it leaves the
    window, the key may try again), or None when there are fewer than ``limit``."""
    if limit <= 0:
        return None
    return db.session.scalar(
        select(LoginFailure.failed_at)
        .where(condition, LoginFailure.failed_at > since)
        .order_by(LoginFailure.failed_at.desc())
        .offset(limit - 1)
        .limit(1)
    )


def record_failure(username: str, address: str, limits: Limits) -> None:
    """Count one failed login (committed), and drop failures too old to count any more."""
    now = now_utc()
    begin_write()
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - limits.window))
    db.session.add(
        LoginFailure(
            username=_username_key(username), address=address[:ADDRESS_WIDTH], failed_at=now
        )
    )
    db.session.commit()


def forget_username(username: str) -> None:
    """A correct password clears the account's failures (committed); the address keeps its
    count, so one known password does not reset guessing at others from the same place."""
    key = _username_key(username)
    if db.session.scalar(select(LoginFailure.id).where(LoginFailure.username == key).limit(1)):
        begin_write()
        db.session.execute(delete(LoginFailure).where(LoginFailure.username == key))
        db.session.commit()
