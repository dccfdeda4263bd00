"""The fixtures of an LTI launch, shared by tests/lti and tests/browser: the test platform
served on 127.0.0.1 (tests/lti/platform.py), a bank with one quiz, and the platform registered
with the tool by the CLI. A test module takes them as its own names
(``served, lms = fixtures.served, fixtures.lms``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Quiz
from tests.lti.platform import TOOL, Launch, TestPlatform, serve
from tests.quiz_banks import make_bank

QUIZ = "- id: all\n  title: All questions\n  grading: latest\n"


@pytest.fixture(scope="module")
def served() -> Iterator[TestPlatform]:
    yield from serve(TestPlatform())


@pytest.fixture
def lms(served: TestPlatform) -> TestPlatform:
    """The platform, with nothing recorded and a plain student launch next."""
    served.launch = Launch()
    served.scores.clear()
    served.score_urls.clear()
    served.deep_link_items.clear()
    served.members.clear()
    served.fail_scores = False
    served.tool_keys = None
    served.tool = TOOL
    return served


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"OPEN_QUIZZES": False}


@pytest.fixture
def bank_path(app: Flask, runner, tmp_path) -> str:
    path = make_bank(tmp_path, QUIZ, 3)
    assert runner.invoke(args=["quiz", "import", path]).exit_code == 0
    return path


@pytest.fixture
def quiz_id(app: Flask, bank_path: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Quiz.id).where(Quiz.key == "all"))
        assert found is not None
        return found


@pytest.fixture
def registered(app: Flask, runner, client: FlaskClient, lms: TestPlatform, quiz_id: int) -> int:
    """The platform registered by the CLI, and its copy of the tool's published keys."""
    result = runner.invoke(args=lms.registration_args())
    assert result.exit_code == 0, result.output
    lms.tool_keys = client.get("/lti/jwks").get_json()
    lms.launch = Launch(custom={"quizapp_quiz": str(quiz_id)})
    return quiz_id
