"""Who may do what to whom: one function per question, so every route asks the same way.

Pure checks on users already loaded (no queries of their own yet); the routes turn a refusal
into a 404, so nobody learns what exists beyond what they may manage.
"""

from __future__ import annotations

from typing import Any

from quizapp.models import User


def is_admin(actor: Any) -> bool:
    """An active, logged-in admin (``actor`` may be Flask-Login's anonymous user)."""
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_admin", False))


def may_manage_student(actor: Any, student: User) -> bool:
    """Whether ``actor`` may act for ``student`` (issue a password link, ...).

    For now any teacher or admin may, for any student; the classes branch narrows teachers to
    the students of their own classes. Never another teacher or an admin: those are managed on
    the admins' Users page.
    """
    if not getattr(actor, "is_authenticated", False) or actor.id == student.id:
        return False
    if student.is_teacher and not is_admin(actor):
        return False
    return bool(actor.is_teacher)
