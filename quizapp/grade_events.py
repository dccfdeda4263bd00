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
"""Sent with ``quiz_id`` and ``user_ids`` (None: every student of the quiz)."""


def announce(quiz_id: int | None, user_ids: Collection[int] | None) -> None:
    """Tell the listeners; practice attempts (no quiz) have no grade to tell."""
    if quiz_id is not None:
        grades_changed.send(None, quiz_id=quiz_id, user_ids=user_ids)
