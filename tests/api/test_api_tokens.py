"""Personal access tokens: made on the account page (shown once, stored hashed), listed,
revoked; scopes enforced; wrong, revoked and disabled accounts' tokens refused; rate limits;
errors as problem details; no CSRF and no cookies for API calls."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import ApiToken
from quizapp.people import set_disabled
from tests.api.api_client import Api, assert_problem, create_token_page, make_token
from tests.conftest import AuthActions
from tests.people_actions import load, logged_in, make_user


@pytest.fixture
def student_client(app: Flask, client: FlaskClient, auth: AuthActions) -> FlaskClient:
    auth.register()
    return client


def test_a_token_is_shown_once_and_stored_only_as_its_sha256(
    app: Flask, student_client: FlaskClient
):
    token = make_token(student_client, "grades script", ["read"])
    assert token.startswith("qz_") and len(token) > 40
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row is not None
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.name, row.scopes, row.hint, row.token_hash)
        assert row.scopes == "read"
    page = student_client.get("/auth/account").get_data(as_text=True)
    assert "grades script" in page and row.hint in page
    assert token not in page, "the account page shows the token only when it is made"
    assert Api(app, token).get("/quizzes").status_code == 200


def test_a_revoked_token_stops_working(app: Flask, student_client: FlaskClient):
    token = make_token(student_client)
    api = Api(app, token)
    assert api.get("/history").status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    page = student_client.get("/auth/account").get_data(as_text=True)
    assert f"/account/tokens/{token_id}/revoke" in page
    from tests.conftest import csrf_token

    response = student_client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303
    assert "revoked" in student_client.get("/auth/account").get_data(as_text=True)
    body = assert_problem(api.get("/history"), 401, "revoked")
    assert body["title"] == "Authentication required"
    assert "You have no API tokens." in student_client.get("/auth/account").get_data(as_text=True)


def test_another_users_token_cannot_be_revoked(app: Flask, student_client: FlaskClient):
    token = make_token(student_client)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    make_user(app, "mallory")
    other = logged_in(app, "mallory")
    from tests.conftest import csrf_token

    page = other.get("/auth/account").get_data(as_text=True)
    other.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page)})
    assert "no such token" in other.get("/auth/account").get_data(as_text=True)
    assert Api(app, token).get("/history").status_code == 200


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (None, "Authorization: Bearer"),
        ("Bearer qz_not-a-real-token", "does not work"),
        ("Bearer ", "Authorization: Bearer"),
        ("Basic dXNlcjpwYXNz", "Authorization: Bearer"),
        ("Bearer " + "x" * 5000, "does not work"),
    ],
)
def test_a_missing_or_wrong_token_is_a_401_problem(
    app: Flask, student_client: FlaskClient, header: str | None, words: str
):
    make_token(student_client)
    api = Api(app, None)
    headers = {"Authorization": header} if header is not None else {}
    response = api.client.get("/api/v1/quizzes", headers=headers)
    assert_problem(response, 401, words)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_scopes_are_enforced(app: Flask, student_client: FlaskClient):
    reader = Api(app, make_token(student_client, "reader", ["read"]))
    taker = Api(app, make_token(student_client, "taker", ["take"]))
    assert reader.get("/quizzes").status_code == 200
    response = reader.post("/quizzes/1/attempts")
    assert_problem(response, 403, "'take' scope")
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert_problem(taker.get("/history"), 403, "'read' scope")
    assert_problem(reader.get("/banks"), 403, "'teach' scope")


def test_a_student_cannot_make_a_teach_token(app: Flask, student_client: FlaskClient):
    page = student_client.get("/auth/account").get_data(as_text=True)
    assert 'value="teach"' not in page
    response = create_token_page(student_client, "sneaky", ["read", "teach"])
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_a_token_needs_a_name_and_a_scope(app: Flask, student_client: FlaskClient):
    response = create_token_page(student_client, "  ", ["read"])
    assert response.status_code == 400
    assert "Give the token a name" in response.get_data(as_text=True)
    response = create_token_page(student_client, "no scopes", [])
    assert response.status_code == 400
    assert "Choose at least one scope" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_a_teacher_demoted_to_student_loses_the_teach_scope(app: Flask):
    make_user(app, "ms-lee", "teacher")
    admin_id = make_user(app, "root", "admin")
    token = make_token(logged_in(app, "ms-lee"), "teaching", ["read", "teach"])
    api = Api(app, token)
    assert api.get("/banks").status_code == 200
    from quizapp.people import set_role

    with app.app_context():
        set_role(load(app, "ms-lee").id, "student")
    assert admin_id
    assert_problem(api.get("/banks"), 403, "no longer a teacher")
    assert api.get("/quizzes").status_code == 200


def test_a_disabled_accounts_tokens_stop_working(app: Flask, student_client: FlaskClient):
    token = make_token(student_client)
    admin_id = make_user(app, "root", "admin")
    api = Api(app, token)
    assert api.get("/quizzes").status_code == 200
    with app.app_context():
        set_disabled(load(app, "ada").id, True, actor_id=admin_id)
    assert_problem(api.get("/quizzes"), 401, "disabled")
    with app.app_context():
        set_disabled(load(app, "ada").id, False, actor_id=admin_id)
    assert api.get("/quizzes").status_code == 200


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"OPEN_QUIZZES": True, "API_REQUESTS_PER_MINUTE": 5}


def test_past_the_rate_limit_a_token_gets_429_with_retry_after(
    app: Flask, student_client: FlaskClient
):
    api = Api(app, make_token(student_client))
    other = Api(app, make_token(student_client, "other"))
    assert [api.get("/quizzes").status_code for _ in range(5)] == [200] * 5
    response = api.get("/quizzes")
    assert_problem(response, 429, "too many requests")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert other.get("/quizzes").status_code == 200, "the limit is per token"
    with app.app_context():
        from datetime import timedelta

        row = db.session.scalar(select(ApiToken).where(ApiToken.name == "script"))
        assert row is not None and row.window_started_at is not None
        row.window_started_at -= timedelta(seconds=61)  # the minute is over
        db.session.commit()
    assert api.get("/quizzes").status_code == 200


def test_api_calls_need_no_csrf_token_and_set_no_cookie(app: Flask, student_client: FlaskClient):
    """The app checks CSRF on every form post; the API, authenticated by its header, not."""
    assert app.config.get("WTF_CSRF_ENABLED", True)
    assert student_client.post("/quizzes/1/start").status_code == 400  # a page: CSRF
    api = Api(app, make_token(student_client))
    response = api.post("/quizzes/999/attempts")
    assert_problem(response, 404)
    assert "Set-Cookie" not in response.headers
    assert "Set-Cookie" not in api.get("/quizzes").headers


def test_a_session_cookie_alone_does_not_authenticate_the_api(
    app: Flask, student_client: FlaskClient
):
    """A logged-in browser's cookie is not a token: a page elsewhere cannot call the API."""
    response = student_client.get("/api/v1/quizzes")
    assert_problem(response, 401)
    assert "Set-Cookie" not in response.headers


def test_an_api_call_neither_reads_nor_renews_login_cookies(
    app: Flask, student_client: FlaskClient
):
    """A remember-me cookie sent along with an API call is not used (nor rotated): the API
    reads its token only, and sets no cookie."""
    from tests.conftest import csrf_token

    browser = app.test_client()
    page = browser.get("/auth/login").get_data(as_text=True)
    browser.post(
        "/auth/login",
        data={
            "csrf_token": csrf_token(page),
            "username": "ada",
            "password": "correct horse 1",
            "remember": "y",
        },
    )
    remember = browser.get_cookie("quizapp_remember")
    assert remember is not None
    api = Api(app, make_token(student_client))
    response = api.client.get(
        "/api/v1/quizzes",
        headers={
            "Authorization": f"Bearer {api.token}",
            "Cookie": f"quizapp_remember={remember.value}",
        },
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    returning = app.test_client()
    returning.set_cookie("quizapp_remember", remember.value)
    assert returning.get("/history").status_code == 200, "the remembered login still works"
