"""What the story branch added, in Chinese and Russian (branch i18n-more): the plain words of
an unreadable number or date, the inline error of a per-row form, the share form's message,
and the column names that report tables show as cards on a phone (``data-label``)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.i18n import COOKIE
from quizapp.models import Bank
from tests.class_actions import Teacher, join, post_form, student_actions, teacher_client
from tests.test_form_errors import _quiz_id, _user_id, assert_refused

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def teacher(demo_app: Flask) -> Teacher:
    return Teacher(demo_app, teacher_client(demo_app))


def data_labels(html: str) -> list[str]:
    return re.findall(r'data-label="([^"]*)"', html)


def test_unreadable_numbers_and_dates_are_refused_in_russian(demo_app: Flask, teacher: Teacher):
    class_id, _code = teacher.create_class()
    assignment_id = teacher.assign(class_id, _quiz_id(demo_app))
    teacher.client.set_cookie(COOKIE, "ru")
    url = f"/teach/classes/{class_id}/assignments/{assignment_id}"
    response = post_form(teacher.client, url, url, time_limit="ten", closes="next week")
    html = assert_refused(response, "time_limit", "Введите целое число, например 30.")
    assert_refused(response, "closes", "Введите дату и время, например 2026-09-01T09:00.")
    assert "Type a" not in html


def test_an_accommodation_error_and_the_share_form_are_in_chinese(
    demo_app: Flask, teacher: Teacher
):
    class_id, code = teacher.create_class()
    join(student_actions(demo_app, "ana"), code)
    assignment_id = teacher.assign(class_id, _quiz_id(demo_app))
    teacher.client.set_cookie(COOKIE, "zh")
    ana_id = _user_id(demo_app, "ana")
    response = teacher.override(class_id, assignment_id, ana_id, extra_minutes="many")
    html = assert_refused(response, f"extra_minutes-{ana_id}", "请输入一个整数，例如 30。")
    inline = re.search(rf'<small id="extra_minutes-{ana_id}-errors"[^>]*>(.*?)</small>', html)
    assert inline and '<span class="visually-hidden">错误： </span>' in inline.group(1)

    with demo_app.app_context():
        bank = db.session.scalar(select(Bank).order_by(Bank.id))
        assert bank is not None
        bank.owner_id = _user_id(demo_app, "ms-lee")
        db.session.commit()
        page = f"/teach/banks/{bank.id}"
    shared = post_form(teacher.client, page, f"{page}/share", username="")
    assert_refused(shared, "share-username", "请填写教师的用户名。")


def test_report_tables_name_their_columns_in_the_page_language(demo_app: Flask, teacher: Teacher):
    class_id, _code = teacher.create_class()
    teacher.assign(class_id, _quiz_id(demo_app))
    for language, script in (("ru", CYRILLIC), ("zh", HAN)):
        teacher.client.set_cookie(COOKIE, language)
        for url in (f"/teach/classes/{class_id}", "/teach/"):
            labels = data_labels(teacher.client.get(url).get_data(as_text=True))
            assert labels, url
            assert all(script.search(label) for label in labels), (language, url, labels)
