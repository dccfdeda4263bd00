"""The password-link e-mail is written in the account's language, else the asker's."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from quizapp.extensions import db
from tests.people_actions import load, logged_in, make_user
from tests.test_password_mail import ask_for_link, mail_site, save_email

__all__ = ["mail_site"]  # the fixture, for pytest


@pytest.mark.parametrize(
    ("account_language", "asker", "subject", "greeting"),
    [
        (None, "en", "Choose a new Quizapp password", "Hello stu,"),
        (None, "ru-RU,ru;q=0.9", "Выберите новый пароль Quizapp", "Здравствуйте, stu!"),
        ("zh", "ru-RU,ru;q=0.9", "设置新的 Quizapp 密码", "stu，你好："),
    ],
)
def test_the_mail_speaks_the_readers_language(
    mail_site, account_language: str | None, asker: str, subject: str, greeting: str
) -> None:
    app = mail_site.app
    make_user(app, "stu")
    assert save_email(logged_in(app, "stu"), "stu@school.example").status_code == 302
    if account_language:
        with app.app_context():
            user = load(app, "stu")
            db.session.merge(user).language = account_language
            db.session.commit()
    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = asker
    assert ask_for_link(visitor, "stu").status_code == 302
    envelope = mail_site.sink.next_message()
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == subject
    body = message.get_content()
    assert greeting in body and "/auth/password/" in body
