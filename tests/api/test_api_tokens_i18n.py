"""The account page's API tokens section in Russian and Chinese (branch i18n-more): its text,
the scopes' labels, the form's errors and the revoke flash. The API's own answers (problem
details, JSON) stay English: they are read by scripts."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.i18n import COOKIE
from quizapp.models import ApiToken
from tests.api.api_client import Api, assert_problem, create_token_page, make_token
from tests.conftest import AuthActions, csrf_token


def test_the_token_section_and_its_errors_are_in_russian(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    client.set_cookie(COOKIE, "ru")
    page = client.get("/auth/account").get_data(as_text=True)
    for text in (
        "API-токены",
        "У вас нет API-токенов.",
        "Области доступа",
        "read: список тестов, история и результаты",
        "Создать токен",
    ):
        assert text in page

    nameless = create_token_page(client, "  ", ["read"])
    assert nameless.status_code == 400
    assert "Дайте токену название" in nameless.get_data(as_text=True)
    scopeless = create_token_page(client, "no scopes", [])
    assert scopeless.status_code == 400
    assert "Выберите хотя бы одну область доступа" in scopeless.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None

    token = make_token(client, "gradebook", ["read"])
    listed = client.get("/auth/account").get_data(as_text=True)
    assert "области доступа: read" in listed and "Отозвать токен gradebook" in listed
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    revoked = client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(listed)}
    )
    assert revoked.status_code == 303
    assert "Токен отозван и больше не действует." in client.get("/auth/account").get_data(
        as_text=True
    )
    # The API answers scripts in English whatever the account's page language.
    russian = {"Accept-Language": "ru-RU,ru;q=0.9"}
    assert_problem(Api(app, token).get("/quizzes", **russian), 401, "This token does not work")


def test_the_new_token_notice_is_in_chinese(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    client.set_cookie(COOKIE, "zh")
    made = create_token_page(client, "script", ["read"])
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    assert "你的新令牌：" in html and "请立即复制，它只会显示这一次。" in html
    assert "上次使用：从未" in html
