"""One-time password links: a teacher or an admin makes one for a student; it works once,
for 24 hours, a newer one ends the older, and using it sets the password and logs in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from quizapp import password_links
from quizapp.extensions import db
from quizapp.models import PasswordLink, now_utc
from quizapp.permissions import may_manage_student
from tests.conftest import AuthActions, csrf_token
from tests.people_actions import PASSWORD, enrol, load, logged_in, make_user, press

NEW_PASSWORD = "plum orchard 42"


def teacher_link(app: Flask, teacher: FlaskClient, student_id: int) -> TestResponse:
    page = teacher.get("/auth/account").get_data(as_text=True)
    return teacher.post(
        f"/teacher/students/{student_id}/reset-link", data={"csrf_token": csrf_token(page)}
    )


def shown_path(response: TestResponse) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r'id="password-link"[^>]*>http://localhost(/auth/password/[^<]+)<', html)
    assert match, html
    return match.group(1)


def use(client: FlaskClient, path: str, password: str = NEW_PASSWORD) -> TestResponse:
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "password": password,
            "confirm": password,
        },
    )


def issue(app: Flask, username: str, *, ago: timedelta = timedelta(0), purpose="reset") -> str:
    with app.app_context():
        user = load(app, username)
        return password_links.issue_link(user.id, None, purpose, now=now_utc() - ago)


def can_log_in(app: Flask, username: str, password: str) -> bool:
    return AuthActions(app.test_client()).login(username, password).status_code == 302


def test_a_teachers_link_sets_the_password_once_and_logs_the_student_in(app):
    tina = make_user(app, "tina", "teacher")
    stu = make_user(app, "stu")
    enrol(app, tina, stu)
    old_session = logged_in(app, "stu")
    response = teacher_link(app, logged_in(app, "tina"), stu)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Password link for stu" in html and "within 24 hours" in html
    path = shown_path(response)

    browser = app.test_client()
    form = browser.get(path)
    assert form.status_code == 200
    assert "Choose a new password" in form.get_data(as_text=True)
    # A weak password is refused with the registration's reason; the link still works.
    weak = use(browser, path, "password1")
    assert weak.status_code == 400
    assert "too easy to guess" in weak.get_data(as_text=True)

    done = use(browser, path)
    assert done.status_code == 302
    assert "Logged in" not in done.get_data(as_text=True)
    index = browser.get("/").get_data(as_text=True)
    assert "Your password is saved. You are logged in as stu." in index
    assert "Log out stu" in index
    # The student's other sessions ended; the old password is gone, the new one works.
    assert old_session.get("/history").status_code == 302
    assert not can_log_in(app, "stu", PASSWORD)
    assert can_log_in(app, "stu", NEW_PASSWORD)

    again = use(app.test_client(), path, "another fine password 7")
    assert again.status_code == 410
    assert "was used already: each link works once" in again.get_data(as_text=True)
    assert can_log_in(app, "stu", NEW_PASSWORD)


def test_a_link_expires_after_24_hours(app):
    make_user(app, "stu")
    fresh = issue(app, "stu", ago=timedelta(hours=23, minutes=59))
    assert app.test_client().get(fresh).status_code == 200
    stale = issue(app, "stu", ago=timedelta(hours=24, seconds=1))
    response = use(app.test_client(), stale)
    assert response.status_code == 410
    assert "has expired: links work for 24 hours" in response.get_data(as_text=True)
    with app.app_context(), pytest.raises(password_links.LinkError, match="expired"):
        password_links.use_link(stale.rsplit("/", 1)[1], NEW_PASSWORD)
    # The service decides with the clock it is given.
    token = issue(app, "stu").rsplit("/", 1)[1]
    with app.app_context():
        later = now_utc() + timedelta(hours=24, seconds=1)
        with pytest.raises(password_links.LinkError, match="expired"):
            password_links.use_link(token, NEW_PASSWORD, now=later)
        password_links.use_link(token, NEW_PASSWORD, now=now_utc() + timedelta(hours=23))
    assert can_log_in(app, "stu", NEW_PASSWORD)


def test_a_newer_link_ends_the_older_one(app):
    make_user(app, "stu")
    older = issue(app, "stu")
    newer = issue(app, "stu")
    response = use(app.test_client(), older)
    assert response.status_code == 410
    assert "a newer link was made for this account" in response.get_data(as_text=True)
    assert use(app.test_client(), newer).status_code == 302


def test_an_unknown_link_is_a_404_with_a_clear_page(app):
    for token in ("not-a-token", "x" * 500):
        response = app.test_client().get(f"/auth/password/{token}")
        assert response.status_code == 404
        assert "This password link is not known" in response.get_data(as_text=True)


def test_the_database_keeps_only_a_hash_of_the_token(app):
    make_user(app, "stu")
    token = issue(app, "stu").rsplit("/", 1)[1]
    with app.app_context():
        link = db.session.scalar(select(PasswordLink))
        assert token not in (link.token_hash, str(link.id))
        assert len(token) >= 40 and len(link.token_hash) == 64
        assert link.expires_at - link.created_at == timedelta(hours=24)


def test_a_set_link_says_choose_your_password(app):
    make_user(app, "new-pupil")
    path = issue(app, "new-pupil", purpose="set")
    assert "Choose your password" in app.test_client().get(path).get_data(as_text=True)
    with app.app_context(), pytest.raises(ValueError, match="purpose"):
        password_links.issue_link(1, None, "login")


def test_the_served_path_is_the_one_the_api_returns(app):
    with app.test_request_context():
        route = url_for("passwords.use_link", token="TOKEN")
    assert route == password_links.link_path("TOKEN")


def test_only_teachers_and_admins_issue_links_and_never_for_a_teacher(app):
    tina = make_user(app, "tina", "teacher")
    tom = make_user(app, "tom", "teacher")
    stu = make_user(app, "stu")
    make_user(app, "sam")
    make_user(app, "head", "admin")
    # A student cannot; a teacher cannot for another teacher, nor for a student outside their
    # classes; nobody for a missing account.
    assert teacher_link(app, logged_in(app, "sam"), stu).status_code == 404
    assert teacher_link(app, logged_in(app, "tom"), stu).status_code == 404
    enrol(app, tom, stu)
    assert teacher_link(app, logged_in(app, "tom"), tina).status_code == 404
    assert teacher_link(app, logged_in(app, "tom"), 999999).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(PasswordLink.id)) is None
    # An admin can, for a teacher too (from the Users page as well).
    assert teacher_link(app, logged_in(app, "head"), tina).status_code == 200
    admin = logged_in(app, "head")
    response = press(admin, f"/admin/users/{stu}/password-link")
    assert response.status_code == 200
    assert use(app.test_client(), shown_path(response)).status_code == 302
    with app.app_context():
        issued = db.session.scalars(select(PasswordLink).order_by(PasswordLink.id)).all()
        assert [link.issued_by_id for link in issued] == [load(app, "head").id] * 2


def test_the_rule_itself(app):
    tina_id = make_user(app, "tina", "teacher")
    stu_id = make_user(app, "stu")
    make_user(app, "head", "admin")
    with app.app_context():
        tina, stu = load(app, "tina"), load(app, "stu")
        assert not may_manage_student(tina, stu), "not a student of her classes"
    enrol(app, tina_id, stu_id)
    with app.app_context():
        tina, stu, head = (load(app, name) for name in ("tina", "stu", "head"))
        assert may_manage_student(tina, stu) and may_manage_student(head, stu)
        assert may_manage_student(head, tina)
        assert not may_manage_student(stu, tina) and not may_manage_student(stu, stu)
        assert not may_manage_student(tina, tina) and not may_manage_student(tina, head)


def test_issuing_needs_the_csrf_token(app):
    tina = make_user(app, "tina", "teacher")
    stu = make_user(app, "stu")
    enrol(app, tina, stu)
    response = logged_in(app, "tina").post(f"/teacher/students/{stu}/reset-link")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(PasswordLink.id)) is None


def test_a_disabled_accounts_links_stop_working(app):
    make_user(app, "head", "admin")
    stu = make_user(app, "stu")
    path = issue(app, "stu")
    press(logged_in(app, "head"), f"/admin/users/{stu}/disable")
    assert use(app.test_client(), path).status_code == 410
    assert teacher_link(app, logged_in(app, "head"), stu).status_code == 409
    assert not can_log_in(app, "stu", NEW_PASSWORD)


def test_using_a_link_while_logged_in_as_someone_else_switches_account(app):
    make_user(app, "stu")
    make_user(app, "sam")
    browser = logged_in(app, "sam")
    assert use(browser, issue(app, "stu")).status_code == 302
    assert "Log out stu" in browser.get("/").get_data(as_text=True)


def test_using_a_link_needs_the_csrf_token(app):
    make_user(app, "stu")
    path = issue(app, "stu")
    client = app.test_client()
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert not can_log_in(app, "stu", NEW_PASSWORD)
    assert use(client, path).status_code == 302, "the link was not used up"
