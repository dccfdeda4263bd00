"""Where pylti1p3 keeps a login's nonce and a launch's claims between requests: the
database (``LtiLaunchValue``), not a worker's memory, so the login and the launch may reach
different processes.

A nonce works once: the launch that presents it deletes it in the same statement that finds
it, so a replayed id_token (even with its state cookie) is refused, and two racing replays
cannot both pass.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.request import Request
from pylti1p3.session import SessionService
from sqlalchemy import delete, select

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import LtiLaunchValue, now_utc

LIFETIME = timedelta(hours=2)
"""How long a nonce or a launch's claims are kept: a login not finished by then is dead."""


class DatabaseLaunchStorage(LaunchDataStorage[Any]):
    """Key/value pairs with an expiry, one row each, written in their own transaction."""

    def get_session_cookie_name(self) -> None:
        # Keys are random (nonces, launch ids, states): no per-browser prefix is needed, and
        # none could be read from the cross-site POST of a launch anyway.
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        return db.session.scalar(
            select(LtiLaunchValue.value).where(
                LtiLaunchValue.key == self._prepare_key(key), LtiLaunchValue.expires_at > now_utc()
            )
        )

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        lifetime = timedelta(seconds=exp) if exp else LIFETIME
        now = now_utc()
        begin_write()
        db.session.execute(delete(LtiLaunchValue).where(LtiLaunchValue.expires_at <= now))
        row = db.session.get(LtiLaunchValue, self._prepare_key(key))
        if row is None:
            row = LtiLaunchValue(key=self._prepare_key(key))
            db.session.add(row)
        row.value = value
        row.expires_at = now + min(lifetime, LIFETIME)
        db.session.commit()

    def check_value(self, key: str) -> bool:
        return self.get_value(key) is not None

    def take(self, key: str) -> bool:
        """Whether ``key`` was there (unexpired); it is gone afterwards."""
        begin_write()
        taken = db.session.execute(
            delete(LtiLaunchValue).where(
                LtiLaunchValue.key == self._prepare_key(key), LtiLaunchValue.expires_at > now_utc()
            )
        ).rowcount
        db.session.commit()
        return bool(taken)


class DatabaseSessionService(SessionService):
    """pylti1p3's session service on ``DatabaseLaunchStorage``, with one-use nonces."""

    data_storage: DatabaseLaunchStorage

    def __init__(self, request: Request) -> None:
        self.data_storage = DatabaseLaunchStorage()
        self.data_storage.set_request(request)
        self._launch_data_lifetime = int(LIFETIME.total_seconds())

    def check_nonce(self, nonce: str) -> bool:
        return self.data_storage.take(self._get_key("nonce", nonce))
