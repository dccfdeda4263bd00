"""Password guessing is slowed down per account and per address, in the database, so every
worker process (here: two app instances on one database) sees the same count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import LoginFailure, now_utc
from tests.conftest import AuthActions, csrf_token

PASSWORD = "correct horse 1"


def try_login(client: FlaskClient, username: str, password: str) -> TestResponse:
    page = client.get("/auth/login").get_data(as_text=True)
    return client.post(
        "/auth/login",
        data={"csrf_token": csrf_token(page), "username": username, "password": password},
    )


def assert_throttled(response: TestResponse) -> None:
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert "Too many failed attempts to log in" in html
    assert re.search(r"wait \d+ seconds", html)
    assert "<form" in html, "the login page itself, so the student can try again later"


@pytest.fixture
def ada(app: Flask) -> None:
    client = app.test_client()
    assert AuthActions(client).register("ada").status_code == 302


def test_five_failures_for_an_account_then_429_even_with_the_right_password(app, ada):
    client = app.test_client()
    for username in ["ada", "ADA", " Ada", "aDa", "ada"]:
        assert try_login(client, username, "wrong guess").status_code == 400
    refused = try_login(client, "ada", PASSWORD)
    assert_throttled(refused)
    assert client.get("/history").status_code == 302, "the right password did not log in"
    # The same refusal whatever the password: a refused try tells a guesser nothing.
    assert_throttled(try_login(client, "Ada", "wrong guess"))


def test_refused_tries_do_not_count_and_old_failures_leave_the_window(app, ada):
    client = app.test_client()
    for _ in range(5):
        try_login(client, "ada", "wrong guess")
    for _ in range(3):
        assert try_login(client, "ada", "wrong guess").status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 5
        # A minute later (the failures' clock moved back), ada may log in again...
        for failure in db.session.scalars(select(LoginFailure)):
            failure.failed_at = now_utc() - timedelta(seconds=61)
        db.session.commit()
    assert try_login(client, "nobody", "wrong guess").status_code == 400
    with app.app_context():
        # ...and the failure just recorded pruned those that no longer count.
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1
    assert try_login(client, "ada", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_accounts_failures(app, ada):
    client = app.test_client()
    for _ in range(4):
        try_login(client, "ada", "wrong guess")
    assert try_login(client, "ada", PASSWORD).status_code == 302
    AuthActions(client).logout()
    for _ in range(4):
        assert try_login(client, "ada", "wrong guess").status_code == 400
    assert try_login(client, "ada", PASSWORD).status_code == 302


@pytest.fixture
def second_app(app: Flask) -> Iterator[Flask]:
    """Another "worker process": its own app, engine and connections, on the same database."""
    other = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": app.instance_path,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
        }
    )
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_app_instances_share_the_count(app, second_app, ada):
    first, second = app.test_client(), second_app.test_client()
    for client in (first, second, first, second, first):
        assert try_login(client, "ada", "wrong guess").status_code == 400
    assert_throttled(try_login(second, "ada", PASSWORD))
    assert_throttled(try_login(first, "ada", PASSWORD))


def test_many_failures_from_one_address_throttle_every_account_there(app, ada):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 6
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for number in range(6):
        assert try_login(guesser, f"user-{number}", "wrong guess").status_code == 400
    assert_throttled(try_login(guesser, "ada", PASSWORD))

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert try_login(elsewhere, "ada", PASSWORD).status_code == 302


def test_wrong_current_passwords_on_the_account_page_count_too(app, client, auth):
    auth.register("ada")

    def change(current: str) -> TestResponse:
        page = client.get("/auth/account").get_data(as_text=True)
        return client.post(
            "/auth/account",
            data={
                "csrf_token": csrf_token(page),
                "current_password": current,
                "new_password": "plum orchard 42",
                "confirm": "plum orchard 42",
            },
        )

    for _ in range(5):
        assert change("wrong guess").status_code == 400
    refused = change(PASSWORD)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert AuthActions(app.test_client()).login("ada", PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_each_student_has_their_own_address(tmp_path) -> None:
    """With ``TRUSTED_PROXIES = 1`` the throttle counts the address the proxy forwards, so one
    guesser behind the proxy does not lock out the whole school; without it, the header is
    ignored (it could be forged)."""
    from flask_migrate import upgrade

    def failures_from(trusted: int, name: str) -> list[int]:
        instance = tmp_path / name
        instance.mkdir()
        app = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(instance),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'db.sqlite'}",
                "SECRET_KEY": "tests-only",
                "TRUSTED_PROXIES": trusted,
                "LOGIN_MAX_FAILURES_PER_ADDRESS": 2,
            }
        )
        with app.app_context():
            upgrade()
        statuses = []
        for n, address in enumerate(["203.0.113.1", "203.0.113.1", "203.0.113.2"]):
            client = app.test_client()
            page = client.get("/auth/login").get_data(as_text=True)
            response = client.post(
                "/auth/login",
                data={"csrf_token": csrf_token(page), "username": f"u{n}", "password": "wrong!"},
                headers={"X-Forwarded-For": address},
            )
            statuses.append(response.status_code)
        with app.app_context():
            db.engine.dispose()
        return statuses

    assert failures_from(1, "trusted") == [400, 400, 400], "a third address is not throttled"
    assert failures_from(0, "direct") == [400, 400, 429], "forged headers are ignored"
