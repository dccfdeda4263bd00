""" "Forgot your password?" by e-mail, against a real SMTP server (aiosmtpd) on 127.0.0.1: the
mail arrives, its link works once; the answer never tells whether the account exists; asking
is throttled like logging in; without a mail server nothing offers it."""

from __future__ import annotations

import email
import email.policy
import queue
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from quizapp.auth.password_views import SENT_MESSAGE
from quizapp.extensions import db
from quizapp.models import PasswordLink
from tests.conftest import AuthActions, csrf_token
from tests.people_actions import load, logged_in, make_user, press

SITE = "https://quiz.school.example"
NEW_PASSWORD = "plum orchard 42"
MAIL_WAIT_SECONDS = 20
"""How long a test waits for a mail before failing (a bound, not a measurement)."""


class Sink:
    """An SMTP server's handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: queue.Queue[Any] = queue.Queue()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.put(envelope)
        return "250 Message accepted for delivery"

    def next_message(self) -> Any:
        return self.messages.get(timeout=MAIL_WAIT_SECONDS)


@dataclass
class MailSite:
    app: Flask
    sink: Sink


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_site(app: Flask) -> Iterator[MailSite]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_DEFAULT_SENDER="quizapp@school.example",
        SITE_URL=SITE,
    )
    try:
        yield MailSite(app, sink)
    finally:
        controller.stop()


def save_email(client: FlaskClient, email: str) -> TestResponse:
    page = client.get("/auth/account").get_data(as_text=True)
    token = re.search(
        r'id="email-csrf_token" name="email-csrf_token" type="hidden" value="([^"]+)"', page
    )
    assert token, page
    return client.post(
        "/auth/account/email", data={"email-csrf_token": token.group(1), "email-email": email}
    )


def ask_for_link(client: FlaskClient, identifier: str) -> TestResponse:
    page = client.get("/auth/forgot").get_data(as_text=True)
    return client.post(
        "/auth/forgot", data={"csrf_token": csrf_token(page), "identifier": identifier}
    )


def links_of(app: Flask, username: str) -> int:
    with app.app_context():
        user_id = load(app, username).id
        return db.session.scalar(
            select(func.count(PasswordLink.id)).where(PasswordLink.user_id == user_id)
        )


def set_password(client: FlaskClient, path: str) -> TestResponse:
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )


def test_the_mailed_link_arrives_and_works_once(mail_site):
    app = mail_site.app
    make_user(app, "stu")
    response = save_email(logged_in(app, "stu"), "Stu@School.example")
    assert response.status_code == 302
    assert load(app, "stu").email == "Stu@School.example"

    visitor = app.test_client()
    login_page = visitor.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot"' in login_page
    response = ask_for_link(visitor, "stu@school.EXAMPLE")  # the address, in any case
    assert response.status_code == 302
    assert SENT_MESSAGE in visitor.get("/auth/login").get_data(as_text=True)

    envelope = mail_site.sink.next_message()
    assert envelope.rcpt_tos == ["Stu@School.example"]
    assert envelope.mail_from == "quizapp@school.example"
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "Choose a new Quizapp password"
    body = message.get_content()  # as a mail program shows it (the long link is encoded)
    link = re.search(re.escape(SITE) + r"(/auth/password/[A-Za-z0-9_-]+)", body)
    assert link, body
    assert "Hello stu" in body

    browser = app.test_client()
    assert set_password(browser, link.group(1)).status_code == 302
    assert "Log out stu" in browser.get("/").get_data(as_text=True)
    again = set_password(app.test_client(), link.group(1))
    assert again.status_code == 410
    assert AuthActions(app.test_client()).login("stu", NEW_PASSWORD).status_code == 302


def test_the_answer_never_tells_whether_the_account_exists(mail_site):
    app = mail_site.app
    make_user(app, "stu")
    make_user(app, "no-mail")
    make_user(app, "gone")
    save_email(logged_in(app, "stu"), "stu@school.example")
    save_email(logged_in(app, "gone"), "gone@school.example")
    make_user(app, "head", "admin")
    press(logged_in(app, "head"), f"/admin/users/{load(app, 'gone').id}/disable")

    answers = []
    for identifier in ("nobody", "nobody@school.example", "no-mail", "gone", "stu"):
        client = app.test_client()
        response = ask_for_link(client, identifier)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], SENT_MESSAGE in page))
    assert len(set(answers)) == 1, answers
    assert answers[0] == (302, "/auth/login", True)
    # Only the account with an address that may log in got a link.
    assert [links_of(app, name) for name in ("no-mail", "gone", "stu")] == [0, 0, 1]
    assert mail_site.sink.next_message().rcpt_tos == ["stu@school.example"]


def test_asking_is_throttled_like_logging_in(mail_site):
    app = mail_site.app
    make_user(app, "stu")
    save_email(logged_in(app, "stu"), "stu@school.example")
    for _ in range(5):
        assert ask_for_link(app.test_client(), "stu").status_code == 302
    refused = ask_for_link(app.test_client(), "stu")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Too many requests for a password link" in refused.get_data(as_text=True)
    assert links_of(app, "stu") == 5
    # Five mails went out (waited for, so none is cut off when the server stops).
    assert [mail_site.sink.next_message().rcpt_tos for _ in range(5)] == [
        ["stu@school.example"]
    ] * 5
    # Counted apart from logins: the student can still log in.
    assert AuthActions(app.test_client()).login("stu", "correct horse 1").status_code == 302


def test_a_mail_server_that_is_down_changes_nothing_in_the_answer(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), SITE_URL=SITE)
    make_user(app, "stu")
    save_email(logged_in(app, "stu"), "stu@school.example")
    response = ask_for_link(app.test_client(), "stu")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"


def test_without_a_mail_server_nothing_offers_mail(app):
    make_user(app, "stu")
    student = logged_in(app, "stu")
    for config in ({}, {"MAIL_SERVER": "127.0.0.1"}):  # without SITE_URL, no mailed links
        app.config.update(config)
        assert app.test_client().get("/auth/forgot").status_code == 404
        assert "/auth/forgot" not in app.test_client().get("/auth/login").get_data(as_text=True)
    app.config["MAIL_SERVER"] = None
    assert "E-mail address" not in student.get("/auth/account").get_data(as_text=True)
    page = student.get("/auth/account").get_data(as_text=True)
    assert (
        student.post("/auth/account/email", data={"csrf_token": csrf_token(page)}).status_code
        == 404
    )


def test_a_bad_email_address_is_refused_and_an_empty_one_removes_it(mail_site):
    app = mail_site.app
    make_user(app, "stu")
    student = logged_in(app, "stu")
    save_email(student, "stu@school.example")
    response = save_email(student, "not an address")
    assert response.status_code == 400
    assert "That is not an e-mail address" in response.get_data(as_text=True)
    assert load(app, "stu").email == "stu@school.example"
    assert save_email(student, "").status_code == 302
    assert load(app, "stu").email is None
