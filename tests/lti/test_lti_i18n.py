"""The LTI pages in Chinese and Russian (branch i18n-more): the admin page with its form
errors and flash messages, refused launches in the browser's language, and a course page for
a teacher who launched from the LMS. The English texts stay as tests/lti assert them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.i18n import COOKIE
from quizapp.models import LtiAccount, User
from quizapp.people import set_disabled
from tests.conftest import csrf_token
from tests.lti import test_lti
from tests.lti.platform import INSTRUCTOR, Launch, TestPlatform
from tests.lti.test_lti_admin import GOOD, admin

# The fixtures of an LTI launch: the test platform, a bank, the platform registered.
served, lms, app_config = test_lti.served, test_lti.lms, test_lti.app_config
bank_path, quiz_id, registered = test_lti.bank_path, test_lti.quiz_id, test_lti.registered
launch = test_lti.launch

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
RU = {"Accept-Language": "ru-RU,ru;q=0.9"}


def test_the_admin_page_its_form_errors_and_flashes_are_in_russian(app: Flask) -> None:
    client = admin(app)
    client.set_cookie(COOKIE, "ru")
    html = client.get("/lti/admin").get_data(as_text=True)
    for text in (
        "Платформы LMS (LTI 1.3)",
        "URL инициации входа",
        "Зарегистрировать платформу",
        "Полный URL с https:// со страницы этого инструмента в LMS.",
        "Ни одна LMS пока не зарегистрирована.",
    ):
        assert text in html

    token = csrf_token(html)
    missing = client.post("/lti/admin", data={**GOOD, "issuer": "", "csrf_token": token})
    assert missing.status_code == 400
    assert "Укажите издателя (issuer)." in missing.get_data(as_text=True)
    bad = client.post(
        "/lti/admin", data={**GOOD, "auth_login_url": "moodle/auth", "csrf_token": token}
    )
    assert bad.status_code == 400
    assert (
        "URL запроса аутентификации: укажите полный URL, начинающийся с https://"
        in bad.get_data(as_text=True)
    )

    good = client.post("/lti/admin", data={**GOOD, "csrf_token": token})
    assert good.status_code == 302
    assert "Платформа School Moodle зарегистрирована." in client.get("/lti/admin").get_data(
        as_text=True
    )
    again = client.post("/lti/admin", data={**GOOD, "csrf_token": token})
    assert "уже зарегистрирован" in again.get_data(as_text=True)

    rotated = client.post("/lti/admin/rotate-key", data={"rotate-csrf_token": token})
    assert rotated.status_code == 302
    assert "Новый ключ подписи" in client.get("/lti/admin").get_data(as_text=True)


def test_refused_logins_and_launches_speak_the_browsers_language(client: FlaskClient) -> None:
    unknown = client.get(
        "/lti/login?iss=https://unknown.example&login_hint=x"
        "&target_link_uri=http://localhost/lti/launch",
        headers=ZH,
    )
    assert unknown.status_code == 403
    page = unknown.get_data(as_text=True)
    assert "来自你的 LMS 的此次启动被拒绝" in page
    assert "此 LMS（其颁发者和客户端 ID）尚未在 Quizapp 注册。" in page

    malformed = client.post("/lti/launch", data={"state": "state-x"}, headers=RU)
    assert malformed.status_code == 400
    assert "Запуск из LMS неполон или искажён" in malformed.get_data(as_text=True)


def test_a_disabled_accounts_launch_is_a_403_in_any_language(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    """The view took the status from the English message ("disabled" in it): translated, a
    disabled account's refusal became a 400. The refusal now carries its status."""
    assert launch(client, lms).status_code == 302
    with app.app_context():
        admin_id = create_user("principal", "quiet garden lamp 77", is_admin=True).id
        user_id = db.session.scalar(select(LtiAccount.user_id))
        assert user_id is not None
        set_disabled(user_id, True, actor_id=admin_id)

    for language, says in (
        ("ru", "Ваша учётная запись Quizapp отключена."),
        ("zh", "你的 Quizapp 账户已停用。"),
        ("en", "Your Quizapp account is disabled."),
    ):
        browser = app.test_client()
        browser.set_cookie(COOKIE, language)
        refused = launch(browser, lms)
        assert refused.status_code == 403, language
        assert says in refused.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None and user.disabled_at is not None


def test_a_teachers_course_page_and_its_roster_flash_are_in_chinese(
    app: Flask, lms: TestPlatform, registered: int
) -> None:
    teacher = app.test_client()
    teacher.set_cookie(COOKIE, "zh")
    lms.launch = Launch(
        sub="teacher-1", name="Ms Lee", roles=[INSTRUCTOR], custom=lms.launch.custom
    )
    landed = launch(teacher, lms)
    assert "/lti/courses/" in landed.headers["Location"]
    page = teacher.get(landed.headers["Location"]).get_data(as_text=True)
    for text in ("History 101（LMS 课程）", "从 LMS 更新名单", "所有成绩都已送达 LMS。"):
        assert text in page

    lms.members = [{"user_id": "teacher-1", "name": "Ms Lee", "roles": [INSTRUCTOR]}]
    synced = teacher.post(
        landed.headers["Location"] + "/roster", data={"csrf_token": csrf_token(page)}
    )
    assert synced.status_code == 302
    assert "已从 LMS 更新名单：学生 0 人，教师 1 人" in teacher.get(
        synced.headers["Location"]
    ).get_data(as_text=True)
