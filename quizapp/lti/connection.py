"""Calling a platform's services (grades, rosters) over HTTP: requests with a timeout, and
what a failed call says.

A module of its own so that ``requests``, ``pylti1p3`` and, through them, ``cryptography``
and ``jwt`` (about 15 MB of a worker's memory) are imported only when a grade or a roster is
actually sent or read: ``grades`` and ``roster`` import this module inside the functions that
call a platform, never at the top (``tests/test_startup.py`` checks that a worker serving the
students' pages holds none of them).
"""

from __future__ import annotations

from typing import Any

import requests
from pylti1p3.exception import LtiException, LtiServiceException

TIMEOUT = 3.0
"""Seconds to wait for the platform: nobody waits for it (the response has gone), but a
worker that is busy sending is not serving; a failed grade waits in the outbox."""

FAILURES: tuple[type[Exception], ...] = (
    LtiException,
    requests.RequestException,
    ValueError,
    KeyError,
)
"""What a call to a platform may raise when the platform is down, slow or says no."""


class TimeoutSession(requests.Session):
    """pylti1p3 calls the platform with no timeout; a hung LMS would hang the worker."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def describe(error: Exception) -> str:
    """A failed call in a line for a teacher or the log (at most 500 characters)."""
    if isinstance(error, LtiServiceException):
        return str(error)[:500]
    if isinstance(error, requests.RequestException):
        return f"The LMS could not be reached: {error}"[:500]
    return f"{type(error).__name__}: {error}"[:500]
