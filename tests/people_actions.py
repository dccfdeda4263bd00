"""Accounts of each role, and the Users page's buttons pressed through the real forms."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizapp.accounts import create_user, find_user
from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import AuthActions, csrf_token

PASSWORD = "correct horse 1"


def make_user(app: Flask, username: str, role: str = "student") -> int:
    with app.app_context():
        user = create_user(
            username,
            PASSWORD,
            is_teacher=role in ("teacher", "admin"),
            is_admin=role == "admin",
        )
        return user.id


def logged_in(app: Flask, username: str) -> FlaskClient:
    """A client of its own, logged in as ``username``."""
    client = app.test_client()
    response = AuthActions(client).login(username, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def load(app: Flask, username: str) -> User:
    with app.app_context():
        user = find_user(username)
        assert user is not None
        return user


def press(
    client: FlaskClient, action: str, data: dict[str, str] | None = None, *, token: bool = True
) -> TestResponse:
    """POST one of the Users page's forms (``action`` is its path), with the page's token."""
    page = client.get("/admin/users").get_data(as_text=True)
    fields = {"q": "", "page": "1", **(data or {})}
    if token:
        fields["csrf_token"] = csrf_token(page)
    return client.post(action, data=fields)


def enrol(app: Flask, teacher_id: int, student_id: int) -> None:
    """Put the student in a class the teacher teaches (a teacher acts for their own students)."""
    from quizapp.models import ClassMember, Classroom, ClassTeacher

    with app.app_context():
        classroom = Classroom(
            name=f"class of {teacher_id}", join_code=f"C{teacher_id}S{student_id}"
        )
        db.session.add(classroom)
        db.session.flush()
        db.session.add_all(
            [
                ClassTeacher(class_id=classroom.id, user_id=teacher_id),
                ClassMember(class_id=classroom.id, user_id=student_id),
            ]
        )
        db.session.commit()
