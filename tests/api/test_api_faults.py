"""A database fault during an API call is a 503 problem document with Retry-After (as the
pages' 503), and changes nothing. ``fault_app`` is tests/test_faults.py's (see
tests/api/conftest.py)."""

from __future__ import annotations

import socket
from pathlib import Path

from flask import Flask

from quizapp.extensions import db
from tests.api.api_client import Api, assert_problem, make_token
from tests.api.test_api_student import saved_answers
from tests.conftest import AuthActions
from tests.test_faults import make_app, write_lock_held


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
