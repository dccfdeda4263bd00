"""A database fault during an API call is a 503 problem document with Retry-After (as the
pages' 503), and changes nothing."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from quizapp.extensions import db
from tests.api.api_client import Api, assert_problem, make_token
from tests.api.test_api_student import saved_answers
from tests.conftest import DEMO_BANK, AuthActions
from tests.test_faults import make_app, write_lock_held


@pytest.fixture
def fault_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The app with a short busy timeout and the demo bank (see tests/test_faults.py)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = make_app(instance, database_url)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["quiz", "import", str(DEMO_BANK)])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_save_while_another_writer_holds_the_lock_is_a_503_problem(
    fault_app: Flask, database_url: str
):
    client = fault_app.test_client()
    AuthActions(client).register()
    api = Api(fault_app, make_token(client))
    attempt = api.post("/quizzes/1/attempts").get_json()
    before = saved_answers(fault_app, attempt["id"])
    with write_lock_held(database_url, attempt["id"]):
        response = api.put(f"/attempts/{attempt['id']}/answers", {"sequence": 0, "flagged": [1]})
        body = assert_problem(response, 503, "not saved")
        assert body["title"] == "Service unavailable"
        assert response.headers["Retry-After"].isdigit()
    assert saved_answers(fault_app, attempt["id"]) == before


def test_a_database_server_that_is_down_is_a_503_problem(tmp_path: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens
    instance = tmp_path / "down-instance"
    instance.mkdir()
    down = make_app(instance, f"postgresql+psycopg://quizapp:quizapp@127.0.0.1:{port}/quizapp")
    try:
        response = Api(down, "qz_" + "a" * 43).get("/quizzes")
        assert_problem(response, 503, "not saved")
        assert response.headers["Retry-After"].isdigit()
    finally:
        with down.app_context():
            db.engine.dispose()
