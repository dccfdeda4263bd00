"""The teacher's API: banks, import (the upload page's checks and messages), a quiz's
statistics, a class's gradebook; another teacher's bank or class is a 404. Also the student's
quiz list on a site without open quizzes (class assignments decide, as on the quiz list)."""

from __future__ import annotations

import html
import textwrap

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Bank
from tests.api.api_client import Api, assert_problem, make_token
from tests.class_actions import Teacher, join, student_actions, teacher_client
from tests.people_actions import load
from tests.quiz_banks import single
from tests.test_teacher import upload


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"OPEN_QUIZZES": False}


def bank_text(slug: str = "algebra", questions: int = 3) -> str:
    return (
        f"bank: {slug}\ntitle: {slug.title()}\nquizzes:\n"
        "  - id: basics\n    title: Basics\n    questions: {tags: [t]}\n"
        "questions:\n" + "".join(single(f"q{n}") for n in range(1, questions + 1))
    )


BROKEN = textwrap.dedent(
    """\
    bank: broken
    title: Broken
    questions:
      - id: q1
        type: single
        text: Which?
        choices: [a, b]
    """
)


def quiz_of(app: Flask, slug: str) -> int:
    with app.app_context():
        bank = db.session.scalar(select(Bank).where(Bank.slug == slug))
        assert bank is not None
        return bank.quizzes[0].id


@pytest.fixture
def lee(app: Flask) -> tuple[Teacher, Api]:
    client = teacher_client(app, "ms-lee")
    return Teacher(app, client), Api(app, make_token(client, "lee", ["read", "teach"]))


def test_a_teacher_imports_a_bank_and_lists_it(app: Flask, lee: tuple[Teacher, Api]):
    _, api = lee
    imported = api.post_yaml("/banks?filename=algebra.yaml", bank_text())
    assert imported.status_code == 200, imported.get_data(as_text=True)
    body = imported.get_json()
    assert body["created"] is True and body["slug"] == "algebra"
    assert sorted(body["added"]) == ["q1", "q2", "q3"]
    with app.app_context():
        bank = db.session.scalar(select(Bank).where(Bank.slug == "algebra"))
        assert bank is not None and bank.owner_id == load(app, "ms-lee").id
    banks = api.get("/banks").get_json()["banks"]
    [algebra] = [b for b in banks if b["slug"] == "algebra"]
    assert algebra["owner"] == "ms-lee" and algebra["questions"] == 3
    assert [q["key"] for q in algebra["quizzes"]] == ["basics"]

    again = api.post_yaml("/banks", bank_text(questions=4)).get_json()
    assert again["created"] is False and again["added"] == ["q4"]


def test_a_bank_with_problems_is_a_422_with_the_upload_pages_messages(
    app: Flask, lee: tuple[Teacher, Api]
):
    teacher, api = lee
    response = api.post_yaml("/banks?filename=broken.yaml", BROKEN)
    body = assert_problem(response, 422, "not imported", "broken.yaml:")
    assert body["total"] == len(body["problems"]) >= 1
    page = html.unescape(upload(teacher.client, BROKEN, "broken.yaml").get_data(as_text=True))
    for problem in body["problems"]:
        assert problem["place"] in page and problem["message"] in page
    with app.app_context():
        assert db.session.scalar(select(Bank).where(Bank.slug == "broken")) is None
    wrong_type = api.client.post(
        "/api/v1/banks",
        data=bank_text(),
        headers={"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"},
    )
    assert_problem(wrong_type, 415, "application/yaml")


def test_another_teachers_bank_quiz_and_class_are_404(app: Flask, lee: tuple[Teacher, Api]):
    teacher, api = lee
    api.post_yaml("/banks", bank_text())
    class_id, _ = teacher.create_class()
    quiz_id = quiz_of(app, "algebra")
    assert api.get(f"/quizzes/{quiz_id}/statistics").status_code == 200
    assert api.get(f"/classes/{class_id}/gradebook").status_code == 200

    other = Api(app, make_token(teacher_client(app, "mr-kim"), "kim", ["teach"]))
    assert_problem(other.get(f"/quizzes/{quiz_id}/statistics"), 404)
    assert_problem(other.get(f"/classes/{class_id}/gradebook"), 404)
    assert "algebra" not in [b["slug"] for b in other.get("/banks").get_json()["banks"]]
    assert_problem(other.post_yaml("/banks", bank_text()), 403, "Another teacher's bank")


def test_statistics_and_gradebook_of_a_class_that_took_a_quiz(app: Flask, lee: tuple[Teacher, Api]):
    teacher, api = lee
    api.post_yaml("/banks", bank_text())
    class_id, code = teacher.create_class("Maths 7")
    quiz_id = quiz_of(app, "algebra")
    student = student_actions(app, "sam")
    outsider = Api(app, make_token(student_actions(app, "olly").client, "o", ["read"]))
    sam = Api(app, make_token(student.client, "sam", ["read", "take"]))
    assert sam.get("/quizzes").get_json()["quizzes"] == [], "no class assigns it (no open quizzes)"
    join(student, code)
    teacher.assign(class_id, quiz_id)
    [listed] = sam.get("/quizzes").get_json()["quizzes"]
    assert (listed["id"], listed["class_id"], listed["class_name"]) == (
        quiz_id,
        class_id,
        "Maths 7",
    )
    assert outsider.get("/quizzes").get_json()["quizzes"] == []

    attempt = sam.post(f"/quizzes/{quiz_id}/attempts").get_json()
    sam.post(f"/attempts/{attempt['id']}/submit", {"sequence": 0})

    stats = api.get(f"/quizzes/{quiz_id}/statistics").get_json()
    assert stats["attempts"] == 1 and stats["students"] == 1 and stats["mean"] == 0
    assert [g["username"] for g in stats["grades"]] == ["sam"]
    assert len(stats["items"]) == 3
    book = api.get(f"/classes/{class_id}/gradebook").get_json()
    assert [c["quiz_id"] for c in book["columns"]] == [quiz_id]
    assert [(r["username"], r["cells"][0]["grade"]) for r in book["rows"]] == [("sam", 0)]
    assert_problem(sam.get(f"/quizzes/{quiz_id}/statistics"), 403, "'teach' scope")


def test_statistics_of_one_class(app: Flask, lee: tuple[Teacher, Api]):
    """``?class=``: the students of a class the teacher teaches, as the report page's filter."""
    teacher, api = lee
    api.post_yaml("/banks", bank_text())
    quiz_id = quiz_of(app, "algebra")
    for name, class_name in (("sam", "Maths 7"), ("ann", "Maths 8")):
        class_id, code = teacher.create_class(class_name)
        student = student_actions(app, name)
        join(student, code)
        teacher.assign(class_id, quiz_id)
        taker = Api(app, make_token(student.client, name, ["take"]))
        attempt = taker.post(f"/quizzes/{quiz_id}/attempts").get_json()
        taker.post(f"/attempts/{attempt['id']}/submit", {"sequence": 0})

    everyone = api.get(f"/quizzes/{quiz_id}/statistics").get_json()
    assert sorted(g["username"] for g in everyone["grades"]) == ["ann", "sam"]
    one_class = api.get(f"/quizzes/{quiz_id}/statistics?class={class_id}").get_json()
    assert (one_class["attempts"], [g["username"] for g in one_class["grades"]]) == (1, ["ann"])
    assert one_class["items"][0]["answers"] == 1

    assert_problem(api.get(f"/quizzes/{quiz_id}/statistics?class=x"), 400, "class")
    kim = teacher_client(app, "mr-kim")
    kims_class, _ = Teacher(app, kim).create_class("Kim's")
    assert_problem(api.get(f"/quizzes/{quiz_id}/statistics?class={kims_class}"), 404, "class")
