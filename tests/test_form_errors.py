"""Every form refuses bad input the GOV.UK way (issue 12): the page comes back with a 4xx, an
error summary at the top (role="alert", focused) that links to each field in trouble, the
message next to the field, and the field marked aria-invalid and described by the message.
Each test posts one bad form through the real app and checks all of that, and that nothing
changed."""

from __future__ import annotations

import html as html_lib
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp import password_links
from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Bank,
    BankShare,
    Classroom,
    ClassTeacher,
    Override,
    Quiz,
    User,
)
from tests.class_actions import (
    PASSWORD,
    Teacher,
    join,
    post_form,
    student_actions,
    teacher_client,
)
from tests.conftest import AuthActions, csrf_token

# A refused form is refused before any write, whatever the database (the PostgreSQL run
# skips these).
pytestmark = pytest.mark.any_database


def assert_refused(response, field_id: str, message: str, status: int = 400) -> str:
    """The response is the GOV.UK error page for ``field_id``; its HTML."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:2000]
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary, "an error summary"
    assert 'tabindex="-1"' in summary.group(0) and "autofocus" in summary.group(0)
    link = re.search(rf'<a href="#{re.escape(field_id)}">([^<]*)</a>', summary.group(1))
    assert link, f"the summary links to #{field_id}: {summary.group(1)}"
    assert message in html_lib.unescape(link.group(1)), link.group(1)
    control = re.search(
        rf'<(?:input|textarea|select)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html
    )
    assert control, f"a control with id {field_id}"
    assert html.index('class="error-summary"') < control.start(), "the summary comes first"
    assert 'aria-invalid="true"' in control.group(0), control.group(0)
    assert f'aria-describedby="{field_id}-errors"' in control.group(0), control.group(0)
    inline = re.search(rf'<small id="{re.escape(field_id)}-errors"[^>]*>(.*?)</small>', html, re.S)
    assert inline and message in html_lib.unescape(inline.group(1)), "the message by the field"
    return html


@pytest.fixture
def teacher(demo_app: Flask) -> Teacher:
    return Teacher(demo_app, teacher_client(demo_app))


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def _quiz_id(app: Flask) -> int:
    with app.app_context():
        quiz_id = db.session.scalar(select(Quiz.id).order_by(Quiz.id))
    assert quiz_id is not None
    return quiz_id


def _user_id(app: Flask, username: str) -> int:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
    assert user_id is not None
    return user_id


# -- teacher: banks --------------------------------------------------------------------------


def test_an_upload_of_another_kind_of_file_comes_back_with_the_error(demo_app, teacher):
    page = teacher.client.get("/teach/").get_data(as_text=True)
    banks = _count(demo_app, Bank)
    response = teacher.client.post(
        "/teach/banks/upload",
        data={"csrf_token": csrf_token(page), "bank_file": (io.BytesIO(b"hello"), "notes.txt")},
        content_type="multipart/form-data",
    )
    assert_refused(response, "bank_file", "Upload a .yaml or .yml file.")
    assert _count(demo_app, Bank) == banks


def test_an_upload_without_a_file_says_to_choose_one(demo_app, teacher):
    response = post_form(teacher.client, "/teach/", "/teach/banks/upload")
    assert_refused(response, "bank_file", "Choose a YAML file to upload.")


def test_sharing_with_no_such_teacher_comes_back_with_the_error(demo_app, teacher):
    with demo_app.app_context():
        bank = db.session.scalar(select(Bank).order_by(Bank.id))
        assert bank is not None
        bank.owner_id = _user_id(demo_app, "ms-lee")
        db.session.commit()
        bank_id = bank.id
    page = f"/teach/banks/{bank_id}"
    response = post_form(teacher.client, page, f"{page}/share", username="nobody")
    assert_refused(response, "share-username", "No teacher is called 'nobody'.")
    response = post_form(teacher.client, page, f"{page}/share", username="")
    assert_refused(response, "share-username", "Give the teacher's username.")
    assert _count(demo_app, BankShare) == 0


# -- teacher: classes ------------------------------------------------------------------------


def test_a_class_without_a_name_comes_back_with_the_error(demo_app, teacher):
    response = post_form(teacher.client, "/teach/classes", "/teach/classes", name="  ")
    assert_refused(response, "name", "Give the class a name.")
    assert _count(demo_app, Classroom) == 0


def test_adding_no_students_or_unknown_teacher_comes_back_on_the_class_page(demo_app, teacher):
    class_id, _code = teacher.create_class()
    student_actions(demo_app, "ana")
    page = f"/teach/classes/{class_id}"
    html = assert_refused(
        post_form(teacher.client, page, f"{page}/students", usernames=""),
        "usernames",
        "Give at least one username.",
    )
    assert "<h1>Year 9 history</h1>" in html
    assert_refused(
        post_form(teacher.client, page, f"{page}/teachers", username="ana"),
        "username",
        "ana is not a teacher",
    )
    assert _count(demo_app, ClassTeacher) == 1


def test_a_bad_class_list_comes_back_by_the_file_field(demo_app, teacher):
    class_id, _code = teacher.create_class()
    page = teacher.client.get(f"/teach/classes/{class_id}").get_data(as_text=True)
    response = teacher.client.post(
        f"/teach/classes/{class_id}/students/upload",
        data={
            "csrf_token": csrf_token(page),
            "roster_file": (io.BytesIO(b"username\nno spaces allowed\n"), "class.csv"),
        },
        content_type="multipart/form-data",
    )
    assert_refused(response, "roster_file", "row 2", status=422)
    response = post_form(
        teacher.client, f"/teach/classes/{class_id}", f"/teach/classes/{class_id}/students/upload"
    )
    assert_refused(response, "roster_file", "Choose the class list to upload.", status=422)


def test_a_bad_assignment_and_a_bad_accommodation_come_back_by_their_fields(demo_app, teacher):
    class_id, code = teacher.create_class()
    ana = student_actions(demo_app, "ana")
    join(ana, code)
    assignment_id = teacher.assign(class_id, _quiz_id(demo_app))
    url = f"/teach/classes/{class_id}/assignments/{assignment_id}"
    response = post_form(teacher.client, url, url, time_limit="0", attempts="")
    assert_refused(response, "time_limit", "From 1 to 10,000 minutes.")
    ana_id = _user_id(demo_app, "ana")
    response = teacher.override(class_id, assignment_id, ana_id, extra_minutes="-5")
    html = assert_refused(response, f"extra_minutes-{ana_id}", "From 0 to 10,000.")
    assert re.search(r'<input[^>]*name="extra_minutes"[^>]*value="-5"', html), "kept as typed"
    assert _count(demo_app, Override) == 0
    with demo_app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        assert assignment is not None and assignment.time_limit is None


def test_a_wrong_class_code_comes_back_by_the_code_field(demo_app):
    ana = student_actions(demo_app, "ana")
    assert_refused(join(ana, ""), "code", "Type the class code your teacher gave you.")
    response = join(ana, "NOPE123")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and '<a href="#code">' in html


def test_a_mark_out_of_range_comes_back_by_the_mark_field(demo_app):
    student = demo_app.test_client()
    AuthActions(student).register("student-1")
    from tests.quiz_actions import QuizActions

    actions = QuizActions(demo_app, student)
    attempt_id = actions.start()
    actions.submit(attempt_id, {})
    teacher = teacher_client(demo_app)
    url = f"/teach/attempts/{attempt_id}/questions/1"
    response = post_form(teacher, url, url, mark="7", comment="")
    assert_refused(response, "mark", "The mark must be between 0 and 1.")


def test_a_source_text_with_nothing_in_it_comes_back_with_the_error(demo_app, teacher):
    with demo_app.app_context():
        bank_id = db.session.scalar(select(Bank.id).order_by(Bank.id))
    url = f"/teach/texts/{bank_id}"
    response = post_form(teacher.client, url, url, title="A text", pasted="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:1000]
    field_id = re.search(r'<div class="error-summary".*?<a href="#([a-z_]+)">', html, re.S)
    assert field_id, "the summary links to a field"
    assert_refused(response, field_id[1], "", status=422)


def test_an_interop_import_without_a_file_comes_back_with_the_error(demo_app, teacher):
    url = "/teach/interop/import"
    response = post_form(teacher.client, url, url)
    assert_refused(response, "source_file", "", status=response.status_code)
    assert 400 <= response.status_code < 500


# -- accounts and the admin's page -----------------------------------------------------------


def test_a_wrong_current_password_comes_back_by_its_field(client: FlaskClient, auth):
    auth.register()
    response = post_form(
        client,
        "/auth/account",
        "/auth/account",
        current_password="not my password",
        new_password="another horse 2",
        confirm="another horse 2",
    )
    assert_refused(response, "current_password", "")


def test_a_password_link_with_two_different_passwords_comes_back_with_the_error(
    app: Flask, client: FlaskClient
):
    with app.app_context():
        user = create_user("ana", PASSWORD)
        path = password_links.issue_link(user.id, user.id, "reset")
    response = post_form(client, path, path, password="a new horse 3", confirm="another one")
    assert_refused(response, "confirm", "The passwords differ")
    assert client.get(path).status_code == 200, "the link still works"


@pytest.fixture
def mail_app_config() -> dict[str, object]:
    return {
        "OPEN_QUIZZES": True,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,
        "SITE_URL": "http://school.example",
    }


class TestWithMail:
    @pytest.fixture
    def app_config(self, mail_app_config):
        return mail_app_config

    def test_a_bad_e_mail_address_comes_back_by_its_field(self, app: Flask, client, auth):
        auth.register()
        page = client.get("/auth/account").get_data(as_text=True)
        assert 'id="email-email"' in page
        response = post_form(
            client, "/auth/account", "/auth/account/email", **{"email-email": "not an address"}
        )
        assert_refused(response, "email-email", "")

    def test_a_forgotten_password_with_nothing_typed_comes_back_with_the_error(
        self, client: FlaskClient
    ):
        response = post_form(client, "/auth/forgot", "/auth/forgot", identifier="")
        assert_refused(response, "identifier", "")


def test_a_too_long_user_search_comes_back_by_the_search_box(app: Flask, client, auth):
    with app.app_context():
        create_user("head", PASSWORD, is_admin=True)
    auth.login("head", PASSWORD)
    response = client.get("/admin/users?q=" + "x" * 81)
    assert_refused(response, "people-q", "Search for at most 80 characters of a username.")
    assert client.get("/admin/users?q=hea").status_code == 200


def test_unreadable_numbers_and_dates_are_refused_in_plain_words(demo_app, teacher):
    class_id, _code = teacher.create_class()
    assignment_id = teacher.assign(class_id, _quiz_id(demo_app))
    url = f"/teach/classes/{class_id}/assignments/{assignment_id}"
    response = post_form(teacher.client, url, url, time_limit="ten", closes="next week")
    html = assert_refused(response, "time_limit", "Type a whole number, e.g. 30.")
    assert_refused(response, "closes", "Type a date and time, e.g. 2026-09-01T09:00.")
    assert "Not a valid" not in html
