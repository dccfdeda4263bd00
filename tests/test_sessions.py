"""Logins end on the server: logout, idle time and a password change end them, whatever
cookies a browser (or someone who copied them) still holds; remember-me is a one-use token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from quizapp.accounts import find_user
from quizapp.auth.views import REMEMBER_COOKIE
from quizapp.extensions import db
from quizapp.login_sessions import token_hash
from quizapp.models import LoginSession, now_utc
from tests.conftest import AuthActions, csrf_token

PASSWORD = "correct horse 1"


def is_logged_in(client: FlaskClient) -> bool:
    """The history page answers only a logged-in user; anyone else is sent to log in."""
    response = client.get("/history")
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def cookie(client: FlaskClient, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def login(client: FlaskClient, username: str = "ada", remember: bool = False) -> TestResponse:
    page = client.get("/auth/login").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "username": username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def logins(app: Flask, username: str = "ada") -> list[LoginSession]:
    with app.app_context():
        user = find_user(username)
        assert user is not None
        return list(
            db.session.scalars(
                select(LoginSession).where(LoginSession.user_id == user.id).order_by("id")
            )
        )


def set_last_seen(app: Flask, ago: timedelta) -> None:
    with app.app_context():
        db.session.execute(update(LoginSession).values(last_seen_at=now_utc() - ago))
        db.session.commit()


def test_a_session_cookie_saved_before_logout_no_longer_works(app, client, auth):
    auth.register("ada")
    saved = cookie(client, "session")
    assert saved and is_logged_in(client)
    auth.logout()
    assert not is_logged_in(client)

    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert not is_logged_in(thief)
    client.set_cookie("session", saved)
    assert not is_logged_in(client)
    [login_row] = logins(app)
    assert login_row.revoked_at is not None


def test_the_server_keeps_only_a_hash_of_the_session_token(app, client, auth):
    auth.register("ada")
    [login_row] = logins(app)
    with app.test_request_context():
        # Flask's session cookie is signed, not encrypted: the token inside it is readable.
        session = app.session_interface.get_signing_serializer(app).loads(cookie(client, "session"))
    token = session["login_token"]
    assert len(token) >= 32
    assert login_row.token_hash == token_hash(token) != token


def test_a_session_idle_past_the_configured_limit_ends(app, client, auth):
    app.config["SESSION_IDLE_MINUTES"] = 30
    auth.register("ada")
    set_last_seen(app, timedelta(minutes=29))
    assert is_logged_in(client)
    set_last_seen(app, timedelta(minutes=31))
    assert not is_logged_in(client)


def test_after_an_idle_expiry_logging_in_again_starts_a_new_login(app, client, auth):
    app.config["SESSION_IDLE_MINUTES"] = 30
    auth.register("ada")
    set_last_seen(app, timedelta(minutes=31))
    assert not is_logged_in(client)
    login(client)
    assert is_logged_in(client)
    assert len(logins(app)) == 2


def test_last_seen_is_written_at_most_about_once_a_minute(app, client, auth):
    auth.register("ada")
    set_last_seen(app, timedelta(seconds=30))
    before = logins(app)[0].last_seen_at
    assert is_logged_in(client) and is_logged_in(client)
    assert logins(app)[0].last_seen_at == before, "a visit within the minute writes nothing"

    set_last_seen(app, timedelta(seconds=90))
    stale = logins(app)[0].last_seen_at
    assert is_logged_in(client)
    assert logins(app)[0].last_seen_at > stale + timedelta(seconds=60)


def test_remember_me_is_a_random_token_per_login_with_safe_cookie_flags(app, client, auth):
    auth.register("ada")
    auth.logout()
    first = login(client, remember=True)
    first_token = cookie(client, REMEMBER_COOKIE)
    auth.logout()
    login(client, remember=True)
    second_token = cookie(client, REMEMBER_COOKIE)
    assert first_token and second_token and first_token != second_token
    assert cookie(client, "remember_token") is None, "Flask-Login's own cookie is not used"

    [header] = [h for h in first.headers.getlist("Set-Cookie") if h.startswith(REMEMBER_COOKIE)]
    flags = {part.strip().lower() for part in header.split(";")}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags
    stored = {row.remember_hash for row in logins(app)}
    assert token_hash(second_token) in stored and second_token not in stored


def test_remember_me_cookie_is_secure_when_session_cookies_are(app, client, auth):
    app.config["SESSION_COOKIE_SECURE"] = True
    auth.register("ada")
    auth.logout()
    response = login(client, remember=True)
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER_COOKIE)]
    assert "secure" in {part.strip().lower() for part in header.split(";")}


def test_login_without_remember_me_sets_no_remember_cookie(app, client, auth):
    auth.register("ada")
    auth.logout()
    login(client)
    assert cookie(client, REMEMBER_COOKIE) is None
    assert logins(app)[-1].remember_hash is None


def test_remember_me_restores_a_closed_browser_once_and_rotates_the_token(app, client, auth):
    auth.register("ada")
    auth.logout()
    login(client, remember=True)
    used = cookie(client, REMEMBER_COOKIE)
    client.delete_cookie("session")  # the browser is closed and opened again
    assert is_logged_in(client)
    rotated = cookie(client, REMEMBER_COOKIE)
    assert rotated and rotated != used

    copy = app.test_client()
    copy.set_cookie(REMEMBER_COOKIE, used)
    assert not is_logged_in(copy), "a used remember-me token stops working"
    assert cookie(copy, REMEMBER_COOKIE) is None, "and is removed from the browser"

    client.delete_cookie("session")
    assert is_logged_in(client), "the new token works"


def test_remember_me_outlives_the_idle_limit_but_not_its_own(app, client, auth):
    app.config["SESSION_IDLE_MINUTES"] = 30
    app.config["REMEMBER_DAYS"] = 7
    auth.register("ada")
    auth.logout()
    login(client, remember=True)
    set_last_seen(app, timedelta(hours=5))
    assert is_logged_in(client), "kept logged in on this device"
    set_last_seen(app, timedelta(days=8))
    assert not is_logged_in(client)


def test_logout_revokes_the_remember_me_token(app, client, auth):
    auth.register("ada")
    auth.logout()
    login(client, remember=True)
    token = cookie(client, REMEMBER_COOKIE)
    auth.logout()
    assert cookie(client, REMEMBER_COOKIE) is None

    copy = app.test_client()
    copy.set_cookie(REMEMBER_COOKIE, token)
    assert not is_logged_in(copy)


def test_flask_logins_remember_cookie_no_longer_logs_anyone_in(app, client, auth):
    """Earlier releases used Flask-Login's cookie: the signed user id, the same at every login
    and valid until it expires. Such a cookie, saved or forged with a leaked key, is refused."""
    auth.register("ada")
    with app.test_request_context():
        user = find_user("ada")
        assert user is not None
        legacy = encode_cookie(str(user.id))
    browser = app.test_client()
    browser.set_cookie("remember_token", legacy)
    assert not is_logged_in(browser)


def test_a_session_used_from_another_address_ends_with_its_remember_me_token(app, client, auth):
    """Flask-Login's strong session protection still holds: a session (or its remember-me
    cookie) replayed from another address is refused, and the login is ended."""
    auth.register("ada")
    auth.logout()
    login(client, remember=True)
    session_cookie = cookie(client, "session")
    token = cookie(client, REMEMBER_COOKIE)
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    elsewhere.set_cookie("session", session_cookie)
    elsewhere.set_cookie(REMEMBER_COOKIE, token)
    assert not is_logged_in(elsewhere)
    assert not is_logged_in(client)
    assert logins(app)[-1].revoked_at is not None


def change_password(
    client: FlaskClient, current: str, new: str, confirm: str | None = None
) -> TestResponse:
    page = client.get("/auth/account").get_data(as_text=True)
    return client.post(
        "/auth/account",
        data={
            "csrf_token": csrf_token(page),
            "current_password": current,
            "new_password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_the_nav_links_to_the_account_page(app, client, auth):
    auth.register("ada")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/auth/account"' in home
    page = client.get("/auth/account")
    assert page.status_code == 200
    assert "Change your password" in page.get_data(as_text=True)


def test_the_account_page_needs_a_login(client):
    response = client.get("/auth/account")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_changing_the_password_ends_every_other_session_and_remember_token(app, client, auth):
    auth.register("ada")
    auth.logout()
    login(client, remember=True)
    own_token = cookie(client, REMEMBER_COOKIE)
    laptop = app.test_client()
    login(laptop, remember=True)
    laptop_token = cookie(laptop, REMEMBER_COOKIE)
    phone = app.test_client()
    login(phone)

    response = change_password(client, PASSWORD, "plum orchard 42")
    assert response.status_code == 302
    assert "Every other device is logged out" in client.get("/auth/account").get_data(as_text=True)
    assert is_logged_in(client), "the session that changed it goes on"
    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)
    for token in (laptop_token, own_token):
        copy = app.test_client()
        copy.set_cookie(REMEMBER_COOKIE, token)
        assert not is_logged_in(copy)
    renewed = cookie(client, REMEMBER_COOKIE)
    assert renewed and renewed != own_token
    client.delete_cookie("session")
    assert is_logged_in(client), "this device stays remembered, with a new token"

    assert AuthActions(app.test_client()).login("ada", PASSWORD).status_code == 400
    assert AuthActions(app.test_client()).login("ada", "plum orchard 42").status_code == 302


def test_a_password_change_asks_for_the_current_password(app, client, auth):
    auth.register("ada")
    response = change_password(client, "not my password", "plum orchard 42")
    assert response.status_code == 400
    assert "That is not your current password." in response.get_data(as_text=True)
    assert AuthActions(app.test_client()).login("ada", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("new", "confirm", "reason"),
    [
        ("password1", None, "too easy to guess"),
        ("short", None, "at least 8 characters"),
        ("ada is my name", None, "must not contain the username"),
        ("plum orchard 42", "plum orchard 43", "The passwords differ"),
    ],
)
def test_a_refused_new_password_says_why_and_changes_nothing(
    app, client, auth, new, confirm, reason
):
    auth.register("ada")
    other = app.test_client()
    login(other)
    response = change_password(client, PASSWORD, new, confirm)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert is_logged_in(other)
    assert AuthActions(app.test_client()).login("ada", PASSWORD).status_code == 302
