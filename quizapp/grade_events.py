"""A signal that a student's grade for a quiz may have changed (an attempt submitted or
closed, a regrade, a teacher's correction), sent by the services after their commit.

Listeners (the LTI tool sends the new grade to the LMS) run after the change is stored: one
that fails cannot undo it, and the services need not know who listens.
"""

from __future__ import annotations

from collections.abc import Collection

from blinker import Namespace

_signals = Namespace()
grades_changed = _signals.signal("grades-changed")
"""Sent with ``quiz_id``, ``user_ids`` (None: every student of the quiz) and ``linked``
(whether an LMS links the quiz; None: not known)."""


def announce(
    quiz_id: int | None, user_ids: Collection[int] | None, *, linked: bool | None = None
) -> None:
    """Tell the listeners; practice attempts (no quiz) have no grade to tell.

    ``linked``: whether an LMS links the quiz, when the caller read it with its own
    statements (a submit does, ``attempts.load_attempt_post``); None when it is not known. The
    LTI listener asks the database only when it is None, so a submit of a quiz no LMS links
    opens no transaction after its commit."""
    if quiz_id is not None:
        grades_changed.send(None, quiz_id=quiz_id, user_ids=user_ids, linked=linked)
