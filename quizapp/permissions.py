"""Who may do what to whom: one function per question, so every route asks the same way.

Checks on users already loaded (class membership is one query); the routes turn a refusal
into a 404, so nobody learns what exists beyond what they may manage.
"""

from __future__ import annotations

from typing import Any

from quizapp.models import User


def is_admin(actor: Any) -> bool:
    """An active, logged-in admin (``actor`` may be Flask-Login's anonymous user)."""
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_admin", False))


def may_manage_student(actor: Any, student: User) -> bool:
    """Whether ``actor`` may act for ``student`` (issue a password link, ...): an admin for
    anyone but themselves; a teacher for the students of a class they teach. Never a teacher
    for another teacher or an admin: those are managed on the admins' Users page."""
    if not getattr(actor, "is_authenticated", False) or actor.id == student.id:
        return False
    if is_admin(actor):
        return True
    if student.is_teacher or not actor.is_teacher:
        return False
    return teaches_student(actor.id, student.id)


def teaches_student(teacher_id: int, student_id: int) -> bool:
    """Whether the student is a member of a class the teacher teaches (one query)."""
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import ClassMember, ClassTeacher

    found = db.session.scalar(
        select(ClassMember.class_id)
        .join(ClassTeacher, ClassTeacher.class_id == ClassMember.class_id)
        .where(ClassMember.user_id == student_id, ClassTeacher.user_id == teacher_id)
        .limit(1)
    )
    return found is not None
