"""Classes: creating, joining by code, the roster, co-teachers, and who sees which quiz."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quizapp.classes.service import CODE_ALPHABET, CODE_LENGTH
from quizapp.extensions import db
from quizapp.models import Attempt, ClassMember, ClassTeacher, User
from tests.class_actions import Teacher, join, post_form, student_actions, teacher_client
from tests.conftest import csrf_token


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"OPEN_QUIZZES": False}


@pytest.fixture
def teacher(demo_app) -> Teacher:
    return Teacher(demo_app, teacher_client(demo_app))


def members(app, class_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(User.username)
                .join(ClassMember, ClassMember.user_id == User.id)
                .where(ClassMember.class_id == class_id)
                .order_by(User.username)
            )
        )


def test_a_teacher_creates_a_class_and_students_join_with_its_code(demo_app, teacher):
    class_id, code = teacher.create_class("Year 9 history")
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    page = teacher.client.get(f"/teach/classes/{class_id}").get_data(as_text=True)
    assert code in page and f"/join?code={code}" in page

    ana = student_actions(demo_app, "ana")
    # Typed in lower case, with a dash in the middle: still the code.
    response = join(ana, f"{code[:3].lower()}-{code[3:].lower()}")
    assert response.status_code == 303
    assert members(demo_app, class_id) == ["ana"]
    # Joining twice changes nothing.
    assert join(ana, code).status_code == 303
    assert members(demo_app, class_id) == ["ana"]


def test_an_unknown_or_old_code_gets_a_clear_message_and_changes_nothing(demo_app, teacher):
    class_id, old = teacher.create_class()
    post_form(teacher.client, f"/teach/classes/{class_id}", f"/teach/classes/{class_id}/code")
    new = teacher.code(class_id)
    assert new != old
    ben = student_actions(demo_app, "ben")
    for code in (old, "ZZZZZZZ", "   "):
        response = join(ben, code)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "No class has the code" in page or "Type the class code" in page
    assert members(demo_app, class_id) == []
    assert join(ben, new).status_code == 303
    assert members(demo_app, class_id) == ["ben"]


def test_the_join_link_fills_in_the_code_after_logging_in(demo_app, teacher):
    _, code = teacher.create_class()
    visitor = demo_app.test_client()
    response = visitor.get(f"/join?code={code}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    ana = student_actions(demo_app, "ana")
    page = ana.client.get(f"/join?code={code}").get_data(as_text=True)
    assert f'value="{code}"' in page


def test_a_pasted_list_adds_known_students_and_reports_unknown_names(demo_app, teacher):
    class_id, _ = teacher.create_class()
    for name in ("ana", "ben", "cyd"):
        student_actions(demo_app, name)
    page = f"/teach/classes/{class_id}"
    response = post_form(
        teacher.client, page, f"{page}/students", usernames="ana, BEN\nnobody; cyd ghost"
    )
    assert response.status_code == 303
    flashes = teacher.client.get(page).get_data(as_text=True)
    assert "No account is called nobody, ghost" in flashes
    assert members(demo_app, class_id) == ["ana", "ben", "cyd"]
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClassMember)) == 3
    # Again: all already in, nothing added twice.
    post_form(teacher.client, page, f"{page}/students", usernames="ana")
    assert "Already in the class: ana" in teacher.client.get(page).get_data(as_text=True)
    assert members(demo_app, class_id) == ["ana", "ben", "cyd"]


def test_a_class_can_have_a_co_teacher_and_other_teachers_get_404(demo_app, teacher):
    class_id, _ = teacher.create_class()
    other = Teacher(demo_app, teacher_client(demo_app, "mr-wu"))
    stranger = Teacher(demo_app, teacher_client(demo_app, "mx-ode"))
    student_actions(demo_app, "ana")
    urls = [
        f"/teach/classes/{class_id}",
        f"/teach/classes/{class_id}/gradebook",
        f"/teach/classes/{class_id}/gradebook.csv",
        f"/teach/classes/{class_id}/gradebook.xlsx",
    ]
    for url in urls:
        assert other.client.get(url).status_code == 404, url
    # A student is no teacher.
    page = f"/teach/classes/{class_id}"
    response = post_form(teacher.client, page, f"{page}/teachers", username="ana")
    assert response.status_code == 400
    assert "ana is not a teacher" in response.get_data(as_text=True)
    response = post_form(teacher.client, page, f"{page}/teachers", username="mr-wu")
    assert response.status_code == 303
    for url in urls:
        assert other.client.get(url).status_code == 200, url
        assert stranger.client.get(url).status_code == 404, url
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClassTeacher)) == 2
    # The stranger cannot act on the class either.
    response = post_form(stranger.client, "/teach/classes", f"{page}/students", usernames="ana")
    assert response.status_code == 404
    assert members(demo_app, class_id) == []


def test_a_student_cannot_open_the_teachers_class_pages(demo_app, teacher):
    class_id, code = teacher.create_class()
    ana = student_actions(demo_app, "ana")
    join(ana, code)
    assert ana.client.get(f"/teach/classes/{class_id}").status_code == 403
    assert ana.client.get("/teach/classes").status_code == 403


def test_removing_a_student_keeps_their_attempts(demo_app, teacher):
    class_id, code = teacher.create_class()
    ana = student_actions(demo_app, "ana")
    join(ana, code)
    quiz_id = ana.quiz_id("tour")
    teacher.assign(class_id, quiz_id)
    attempt_id = ana.start("tour")
    ana.submit(attempt_id, ana.right_answers(attempt_id))
    with demo_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "ana"))
    page = f"/teach/classes/{class_id}"
    response = post_form(teacher.client, page, f"{page}/students/{user_id}/remove")
    assert response.status_code == 303
    assert members(demo_app, class_id) == []
    with demo_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.marks is not None and attempt.marks > 0
    # The quiz is no longer theirs to take, but their history keeps the attempt.
    assert ana.client.get(f"/quizzes/{quiz_id}").status_code == 404
    assert ana.client.get(f"/attempts/{attempt_id}/review").status_code == 200
    # Removing someone not in the class is a 404.
    response = post_form(teacher.client, page, f"{page}/students/{user_id}/remove")
    assert response.status_code == 404


def test_bad_class_names_are_refused_with_a_message(demo_app, teacher):
    response = post_form(teacher.client, "/teach/classes", "/teach/classes", name="")
    assert response.status_code == 400
    assert "Give the class a name" in response.get_data(as_text=True)
    response = post_form(teacher.client, "/teach/classes", "/teach/classes", name="x" * 121)
    assert response.status_code == 400
    page = teacher.client.get("/teach/classes").get_data(as_text=True)
    assert not re.search(r"/teach/classes/\d+", page)


def test_the_roster_issues_password_links_and_the_account_page_lists_classes(demo_app, teacher):
    class_id, code = teacher.create_class("Year 10 politics")
    ana = student_actions(demo_app, "ana")
    join(ana, code)
    roster = teacher.client.get(f"/teach/classes/{class_id}").get_data(as_text=True)
    with demo_app.app_context():
        ana_id = db.session.scalar(select(User.id).where(User.username == "ana"))
    action = f"/teacher/students/{ana_id}/reset-link"
    assert f'action="{action}"' in roster
    issued = post_form(teacher.client, roster, action)
    assert issued.status_code == 200 and "/auth/password/" in issued.get_data(as_text=True)

    # another teacher, whose classes ana is not in, gets nothing
    other = teacher_client(demo_app, "mr-ode")
    page = other.get("/auth/account").get_data(as_text=True)
    assert post_form(other, page, action).status_code == 404

    account = ana.client.get("/auth/account").get_data(as_text=True)
    assert "Your classes" in account and "Year 10 politics" in account
    mine = teacher.client.get("/auth/account").get_data(as_text=True)
    assert f'href="/teach/classes/{class_id}"' in mine and "(you teach it)" in mine
    assert "You are in no class yet" in other.get("/auth/account").get_data(as_text=True)


def _upload_roster(client, class_id: int, data: bytes, filename: str = "class.csv"):
    import io

    page = client.get(f"/teach/classes/{class_id}").get_data(as_text=True)
    return client.post(
        f"/teach/classes/{class_id}/students/upload",
        data={"csrf_token": csrf_token(page), "roster_file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_a_csv_class_list_makes_missing_accounts_with_set_password_links(demo_app, teacher):
    class_id, _code = teacher.create_class("Year 11")
    student_actions(demo_app, "ana")  # has an account already
    csv_text = "Username,Name\nana,Ana\nboris,Борис\nwang.fang,Wang Fang\n\nboris,again\n"
    response = _upload_roster(teacher.client, class_id, ("\ufeff" + csv_text).encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert members(demo_app, class_id) == sorted(["ana", "boris", "wang.fang"])
    links = re.findall(r"<code>http://localhost(/auth/password/[^<]+)</code>", page)
    assert len(links) == 2 and "boris" in page and "wang.fang" in page
    # each link lets its student choose a password once
    fresh = demo_app.test_client()
    form = fresh.get(links[0])
    assert form.status_code == 200
    chosen = fresh.post(
        links[0],
        data={
            "csrf_token": csrf_token(form.get_data(as_text=True)),
            "password": "correct horse 1",
            "confirm": "correct horse 1",
        },
    )
    assert chosen.status_code == 302
    assert demo_app.test_client().get(links[0]).status_code == 410


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"username\nok-name\nno spaces allowed\n", "row 3"),
        (b"\xff\xfe\x00\x01", "not UTF-8"),
        (b"username\n", "no usernames"),
    ],
)
def test_a_bad_class_list_changes_nothing(demo_app, teacher, data, message):
    class_id, _code = teacher.create_class("Year 12")
    response = _upload_roster(teacher.client, class_id, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert members(demo_app, class_id) == []
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.username == "ok-name")) == 0
