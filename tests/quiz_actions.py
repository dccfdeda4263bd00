"""Taking quizzes through the real pages, as a student's browser would (forms, CSRF, redirects)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.models import Attempt, Quiz
from quizapp.questions import question_from_version
from tests.conftest import csrf_token


def right_fields(question: Any, prefix: str) -> dict[str, list[str]]:
    """The form fields that answer ``question`` fully right (test knowledge, never in pages)."""
    kind = question.type
    if kind in ("single", "multiple"):
        keys = [question.option_key(c.text) for c in question.choices if c.correct]
        return {f"{prefix}choice": keys}
    if kind == "true_false":
        return {f"{prefix}answer": ["true" if question.answer else "false"]}
    if kind == "short":
        return {f"{prefix}answer": [question.accept[0]]}
    if kind == "numeric":
        value = question.answer if question.answer is not None else question.range[0]
        return {f"{prefix}answer": [f"{value:g}"]}
    if kind == "ordering":
        return {
            f"{prefix}pos-{question.option_key(item)}": [str(position)]
            for position, item in enumerate(question.items, start=1)
        }
    if kind == "matching":
        return {
            f"{prefix}match-{question.option_key(pair.prompt)}": [question.option_key(pair.answer)]
            for pair in question.pairs
        }
    if kind == "cloze":
        fields: dict[str, list[str]] = {}
        for name, blank in question.blanks.items():
            if blank.type == "choice":
                value = question.option_key(blank.answer)
            elif blank.type == "numeric":
                value = f"{blank.answer if blank.answer is not None else blank.range[0]:g}"
            else:
                value = blank.accept[0]
            fields[f"{prefix}blank-{name}"] = [value]
        return fields
    raise AssertionError(f"no right answer known for type {kind}")


class QuizActions:
    """Start, answer and submit attempts through the app's pages."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client
        self.token: str | None = None
        """The session's CSRF token, read from the last page fetched (valid for the session)."""

    def quiz_id(self, key: str) -> int:
        with self.app.app_context():
            quiz = db.session.scalar(select(Quiz).where(Quiz.key == key))
            assert quiz is not None, f"no quiz {key}"
            return quiz.id

    def start(self, key: str = "tour") -> int:
        """Start (or resume) an attempt; returns its id."""
        quiz_id = self.quiz_id(key)
        page = self.client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
        self.token = csrf_token(page)
        response = self.client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": self.token})
        assert response.status_code == 302, response.get_data(as_text=True)
        match = re.search(r"/attempts/(\d+)$", response.headers["Location"])
        assert match, response.headers["Location"]
        return int(match.group(1))

    def right_answers(self, attempt_id: int) -> dict[str, list[str]]:
        with self.app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            assert attempt is not None
            fields: dict[str, list[str]] = {}
            for slot in attempt.slots:
                question = question_from_version(slot.question_version)
                fields.update(right_fields(question, f"q{slot.position}-"))
            return fields

    def post(
        self, attempt_id: int, fields: dict[str, list[str]], action: str = "submit"
    ) -> TestResponse:
        """Post the attempt form as the page would, without fetching a page first (a fetch
        would show, and so use up, the flash messages the test wants to read)."""
        if self.token is None:
            self.token = csrf_token(self.client.get("/").get_data(as_text=True))
        data: dict[str, Any] = {
            "csrf_token": self.token,
            "sequence": str(self.sequence(attempt_id)),
            action: "1",
            **fields,
        }
        return self.client.post(f"/attempts/{attempt_id}", data=data)

    def sequence(self, attempt_id: int) -> int:
        """The attempt's save count, as a freshly loaded attempt page would carry it."""
        with self.app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            assert attempt is not None
            return attempt.sequence

    def submit(self, attempt_id: int, fields: dict[str, list[str]]) -> TestResponse:
        return self.post(attempt_id, fields, "submit")

    def save(self, attempt_id: int, fields: dict[str, list[str]]) -> TestResponse:
        return self.post(attempt_id, fields, "save")
