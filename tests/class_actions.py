"""A teacher's and students' class actions through the real pages (forms, CSRF, redirects)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Assignment, Classroom
from tests.conftest import AuthActions, csrf_token
from tests.quiz_actions import QuizActions

PASSWORD = "correct horse 1"


def teacher_client(app: Flask, username: str = "ms-lee") -> FlaskClient:
    """A new teacher account, logged in, in a client of its own."""
    with app.app_context():
        create_user(username, PASSWORD, is_teacher=True)
    client = app.test_client()
    response = AuthActions(client).login(username, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def student_actions(app: Flask, username: str) -> QuizActions:
    """A new student, registered and logged in, in a client of their own."""
    client = app.test_client()
    AuthActions(client).register(username, PASSWORD)
    return QuizActions(app, client)


def post_form(client: FlaskClient, page: str, url: str, **data: Any) -> TestResponse:
    """POST ``url`` with the CSRF token of ``page`` (the page the form is on)."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


class Teacher:
    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def create_class(self, name: str = "Year 9 history") -> tuple[int, str]:
        response = post_form(
            self.client, "/teach/classes", "/teach/classes", name=name, description=""
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        class_id = int(re.search(r"/teach/classes/(\d+)", response.headers["Location"])[1])
        return class_id, self.code(class_id)

    def code(self, class_id: int) -> str:
        with self.app.app_context():
            classroom = db.session.get(Classroom, class_id)
            assert classroom is not None
            return classroom.join_code

    def assign(self, class_id: int, quiz_id: int, **values: str) -> int:
        page = f"/teach/classes/{class_id}"
        response = post_form(self.client, page, f"{page}/assignments", quiz_id=str(quiz_id))
        assert response.status_code == 303, response.get_data(as_text=True)
        with self.app.app_context():
            assignment_id = db.session.scalar(
                select(Assignment.id).where(
                    Assignment.class_id == class_id, Assignment.quiz_id == quiz_id
                )
            )
        assert assignment_id is not None
        if values:
            self.set_values(class_id, assignment_id, **values)
        return assignment_id

    def set_values(self, class_id: int, assignment_id: int, **values: str) -> TestResponse:
        """Save the assignment's form: the current values, with ``values`` replaced."""
        url = f"/teach/classes/{class_id}/assignments/{assignment_id}"
        page = self.client.get(url).get_data(as_text=True)
        fields = {}
        for name in ("opens", "closes", "due", "time_limit", "attempts"):
            tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
            value = re.search(r'value="([^"]*)"', tag[0]) if tag else None
            fields[name] = value[1] if value else ""
        fields.update(values)
        response = self.client.post(url, data={"csrf_token": csrf_token(page), **fields})
        assert response.status_code == 303, response.get_data(as_text=True)
        return response

    def override(
        self, class_id: int, assignment_id: int, user_id: int, **values: str
    ) -> TestResponse:
        url = f"/teach/classes/{class_id}/assignments/{assignment_id}"
        data = {"extra_minutes": "0", "closes": "", "extra_attempts": "0", **values}
        return post_form(self.client, url, f"{url}/overrides/{user_id}", **data)

    def action(self, class_id: int, assignment_id: int, action: str) -> TestResponse:
        page = f"/teach/classes/{class_id}"
        return post_form(self.client, page, f"{page}/assignments/{assignment_id}/{action}")


def join(student: QuizActions, code: str) -> TestResponse:
    return post_form(student.client, "/join", "/join", code=code)
