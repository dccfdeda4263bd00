"""The interface in English, Chinese and Russian: chosen by the account, the footer's switch or
the browser; <html lang> follows; dates in the account's time zone (issue 16)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.i18n import COOKIE
from quizapp.models import Attempt, User
from tests.conftest import AuthActions, csrf_token
from tests.quiz_actions import QuizActions

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
RU = {"Accept-Language": "ru-RU,ru;q=0.9"}


def page(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.any_database
@pytest.mark.parametrize(
    ("headers", "lang", "words"),
    [
        ({}, "en", ["Log in", "Username"]),
        ({"Accept-Language": "en-GB,en;q=0.9"}, "en", ["Log in", "Username"]),
        (ZH, "zh-Hans", ["登录", "用户名", "跳到正文"]),
        (RU, "ru", ["Войти", "Имя пользователя", "Перейти к содержимому"]),
        ({"Accept-Language": "de-DE,ru;q=0.5"}, "ru", ["Войти"]),
        ({"Accept-Language": "fr-FR,de;q=0.8"}, "en", ["Log in"]),
    ],
)
def test_the_browser_language_chooses_the_page_language(
    client: FlaskClient, headers: dict[str, str], lang: str, words: list[str]
) -> None:
    html = page(client, "/auth/login", **headers)
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html


@pytest.mark.any_database
def test_flash_messages_and_form_errors_are_translated(client: FlaskClient) -> None:
    login = page(client, "/auth/login", **RU)
    response = client.post(
        "/auth/login",
        data={"csrf_token": csrf_token(login), "username": "nobody", "password": "wrong one 1"},
        headers=RU,
    )
    assert response.status_code == 400
    assert "Такое имя пользователя и пароль не подходят" in response.get_data(as_text=True)

    register = page(client, "/auth/register", **ZH)
    response = client.post(
        "/auth/register",
        data={"csrf_token": csrf_token(register), "username": "", "password": ""},
        headers=ZH,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请输入用户名。" in html and "请输入密码。" in html


@pytest.mark.any_database
def test_the_footer_switch_sets_the_language_for_a_visitor(client: FlaskClient) -> None:
    html = page(client, "/auth/login", **ZH)
    assert 'value="ru" lang="ru"' in html and "Русский" in html
    response = client.post(
        "/language",
        data={"csrf_token": csrf_token(html), "language": "ru", "next": "/auth/login"},
        headers=ZH,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert client.get_cookie(COOKIE).value == "ru"
    # The switch outranks the browser's own language from now on.
    html = page(client, "/auth/login", **ZH)
    assert '<html lang="ru">' in html and "Войти" in html
    assert '<button type="submit" name="language" value="ru" lang="ru"' in html


@pytest.mark.any_database
@pytest.mark.parametrize("bad", ["de", "", "zh-Hans", "../en"])
def test_the_switch_refuses_a_language_it_does_not_ship(client: FlaskClient, bad: str) -> None:
    html = page(client, "/auth/login")
    response = client.post(
        "/language", data={"csrf_token": csrf_token(html), "language": bad, "next": "/"}
    )
    assert response.status_code == 400
    assert client.get_cookie(COOKIE) is None
    assert '<html lang="en">' in page(client, "/auth/login")


@pytest.mark.any_database
def test_the_switch_returns_only_to_this_site(client: FlaskClient) -> None:
    html = page(client, "/auth/login")
    response = client.post(
        "/language",
        data={"csrf_token": csrf_token(html), "language": "zh", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def _save_preferences(client: FlaskClient, language: str, time_zone: str, **headers: str):
    account = page(client, "/auth/account", **headers)
    return client.post(
        "/auth/account/preferences",
        data={
            "preferences-csrf_token": csrf_token(account),
            "preferences-language": language,
            "preferences-time_zone": time_zone,
        },
        headers=headers,
    )


def test_the_account_language_outranks_the_browser_and_the_cookie(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register("mei")
    response = _save_preferences(client, "zh", "Asia/Shanghai", **RU)
    assert response.status_code == 302
    client.set_cookie(COOKIE, "ru")
    html = page(client, "/auth/account", **RU)
    assert '<html lang="zh-Hans">' in html and "你的语言和时区已保存。" in html
    assert '<option selected value="zh">' in html
    assert '<option selected value="Asia/Shanghai">' in html
    with app.app_context():
        mei = db.session.scalar(select(User).where(User.username == "mei"))
        assert mei is not None and (mei.language, mei.time_zone) == ("zh", "Asia/Shanghai")
    # Back to following the browser.
    assert _save_preferences(client, "", "", **RU).status_code == 302
    client.delete_cookie(COOKIE)
    assert '<html lang="ru">' in page(client, "/auth/account", **RU)


@pytest.mark.parametrize(("language", "time_zone"), [("de", ""), ("", "Mars/Olympus"), ("", "")])
def test_bad_preferences_are_refused_and_change_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, language: str, time_zone: str
) -> None:
    auth.register("mei")
    assert _save_preferences(client, "ru", "Europe/Minsk").status_code == 302
    if not language and not time_zone:
        # A form without its token is refused too.
        response = client.post("/auth/account/preferences", data={"preferences-language": "zh"})
    else:
        response = _save_preferences(client, language, time_zone)
    assert response.status_code == 400
    with app.app_context():
        mei = db.session.scalar(select(User).where(User.username == "mei"))
        assert mei is not None and (mei.language, mei.time_zone) == ("ru", "Europe/Minsk")


def test_dates_are_shown_in_the_account_time_zone_and_language(
    demo_app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register("mei")
    actions = QuizActions(demo_app, client)
    attempt_id = actions.start()
    actions.submit(attempt_id, actions.right_answers(attempt_id))
    with demo_app.app_context():
        started = db.session.get(Attempt, attempt_id).started_at  # type: ignore[union-attr]
    english = page(client, "/history")
    assert started.strftime("%d %b %Y, %H:%M") in english and "Started (UTC)" in english

    assert _save_preferences(client, "zh", "Asia/Shanghai").status_code == 302
    shanghai = started.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Shanghai"))
    assert shanghai.utcoffset() == timedelta(hours=8)
    chinese = page(client, "/history")
    expected = f"{shanghai.year}年{shanghai.month}月{shanghai.day}日 {shanghai:%H:%M}"
    assert expected in chinese
    assert "开始（Asia/Shanghai）" in chinese
    # The machine-readable time stays UTC.
    assert started.strftime('datetime="%Y-%m-%dT%H:%M:%SZ"') in chinese

    assert _save_preferences(client, "ru", "Europe/Minsk").status_code == 302
    russian = page(client, "/history")
    assert '<html lang="ru">' in russian and "Моя история" in russian
    assert "Начата (Europe/Minsk)" in russian


@pytest.mark.parametrize(("headers", "lang"), [(ZH, "zh-Hans"), (RU, "ru")])
def test_student_pages_are_translated_through_and_through(
    demo_app: Flask, client: FlaskClient, auth: AuthActions, headers: dict[str, str], lang: str
) -> None:
    auth.register("mei")
    actions = QuizActions(demo_app, client)
    attempt_id = actions.start()
    for url in [
        "/",
        "/history",
        "/practice",
        "/auth/account",
        f"/attempts/{attempt_id}",
        f"/attempts/{attempt_id}/summary",
    ]:
        html = page(client, url, **headers)
        assert f'<html lang="{lang}">' in html, url
        for english in ["Skip to content", "My history", "Account", "Log out", "Score over time"]:
            assert english not in html, (url, english)


@pytest.mark.parametrize(
    ("language", "words"),
    [("", "No .yaml banks found in"), ("ru", "не найдено банков .yaml"), ("zh", "没有找到")],
)
def test_the_command_line_speaks_quizapp_language(
    runner, tmp_path, monkeypatch: pytest.MonkeyPatch, language: str, words: str
) -> None:
    if language:
        monkeypatch.setenv("QUIZAPP_LANGUAGE", language)
    else:
        monkeypatch.delenv("QUIZAPP_LANGUAGE", raising=False)
    result = runner.invoke(args=["quiz", "validate", str(tmp_path)])
    assert result.exit_code != 0
    assert words in result.output


def test_without_compiled_catalogues_the_pages_are_english(tmp_path) -> None:
    """A bare ``pip install -e .`` has no .mo files (make builds them): pages still work."""
    from quizapp import create_app

    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "tests-only",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.sqlite'}",
            "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "no-catalogues"),
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    html = page(app.test_client(), "/auth/login", **ZH)
    assert "Log in" in html and "登录" not in html
