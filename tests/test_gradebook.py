"""The gradebook of a class: grades by the quiz's method, statuses, the class mean, the CSV
(UTF-8 with a BOM) and .xlsx exports, a fixed number of statements; reports by class."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.classes import service
from quizapp.extensions import db
from quizapp.models import Classroom, Quiz, User, now_utc
from tests.class_actions import Teacher, join, student_actions, teacher_client
from tests.conftest import sql_statements
from tests.quiz_banks import make_bank


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"OPEN_QUIZZES": False}


@pytest.fixture
def book(demo_app, tmp_path):
    """A class with three students: ana scores 100% on the tour, ben has one in progress,
    Юлия (a Cyrillic name, for the CSV's byte-order mark) has not started; a second quiz
    closed yesterday."""
    teacher = Teacher(demo_app, teacher_client(demo_app))
    class_id, code = teacher.create_class()
    students = {name: student_actions(demo_app, name) for name in ("ana", "ben")}
    for student in students.values():
        assert join(student, code).status_code == 303
    # A name in Cyrillic (an account made by an administrator), added by the teacher.
    with demo_app.app_context():
        create_user("Юлия", "correct horse 1")
        classroom = db.session.get(Classroom, class_id)
        assert classroom is not None
        assert service.add_students(classroom, "Юлия").added == ["Юлия"]
    tour = students["ana"].quiz_id("tour")
    second = make_bank(tmp_path, "- id: second\n  title: The second quiz\n", 3)
    assert demo_app.test_cli_runner().invoke(args=["quiz", "import", second]).exit_code == 0
    with demo_app.app_context():
        other = db.session.scalar(select(Quiz.id).where(Quiz.key == "second"))
    teacher.assign(class_id, tour, closes="")
    yesterday = (now_utc() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    teacher.assign(class_id, other, opens="", closes=yesterday)
    attempt = students["ana"].start("tour")
    students["ana"].submit(attempt, students["ana"].right_answers(attempt))
    students["ben"].start("tour")
    return {"teacher": teacher, "class_id": class_id, "tour": tour, "other": other, **students}


def test_the_gradebook_shows_grades_statuses_and_the_class_mean(demo_app, book):
    page = book["teacher"].client.get(f"/teach/classes/{book['class_id']}/gradebook")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = {
        name: html.split(f'<th scope="row">{name}</th>')[1].split("</tr>")[0]
        for name in ("ana", "ben", "Юлия")
    }
    assert "100%" in rows["ana"] and "overdue" in rows["ana"]
    assert "in progress" in rows["ben"] and "overdue" in rows["ben"]
    assert "not attempted" in rows["Юлия"] and "overdue" in rows["Юлия"]
    # Ana's cell opens her timeline of the quiz.
    with demo_app.app_context():
        ana_id = db.session.scalar(select(User.id).where(User.username == "ana"))
    assert f"/teach/reports/quizzes/{book['tour']}/students/{ana_id}" in rows["ana"]
    mean = html.split("Class mean</th>")[1].split("</tr>")[0]
    assert "100%" in mean


def test_csv_has_a_bom_and_every_name(demo_app, book):
    response = book["teacher"].client.get(f"/teach/classes/{book['class_id']}/gradebook.csv")
    assert response.status_code == 200
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Student" and len(rows[0]) == 3
    # What is due first comes first: the quiz that closed yesterday, then the tour.
    assert rows[0][1:] == ["The second quiz", "A tour of the question types"]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["ana"] == ["overdue", "100.0"]
    assert by_name["ben"] == ["overdue", "in progress"]
    assert by_name["Юлия"] == ["overdue", "not attempted"]
    assert by_name["Class mean"] == ["", "100.0"]


def test_xlsx_opens_with_the_same_table(demo_app, book):
    response = book["teacher"].client.get(f"/teach/classes/{book['class_id']}/gradebook.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Student"
    by_name = {row[0]: row[1:] for row in values[1:]}
    assert by_name["ana"] == ["overdue", 100.0]
    assert by_name["Юлия"] == ["overdue", "not attempted"]


def statements_for(app, class_id: int, client) -> int:
    client.get(f"/teach/classes/{class_id}/gradebook")  # warm: overdue attempts, caches
    with sql_statements(app) as seen:
        response = client.get(f"/teach/classes/{class_id}/gradebook")
    assert response.status_code == 200
    return len(seen)


def test_the_gradebook_reads_a_fixed_number_of_statements(demo_app, book):
    small = statements_for(demo_app, book["class_id"], book["teacher"].client)
    with demo_app.app_context():
        classroom = db.session.get(Classroom, book["class_id"])
        assert classroom is not None
        names = [f"student-{n:02d}" for n in range(27)]
        for name in names:
            create_user(name, "correct horse 1")
        service.add_students(classroom, "\n".join(names))
    assert len(service_students(demo_app, book["class_id"])) == 30
    assert statements_for(demo_app, book["class_id"], book["teacher"].client) == small


def service_students(app, class_id: int) -> list[User]:
    with app.app_context():
        return service.students_of(class_id)


def test_statistics_filter_by_class(demo_app, book):
    teacher = book["teacher"]
    cyd = student_actions(demo_app, "cyd")  # outside the class, on an open quiz
    demo_app.config["OPEN_QUIZZES"] = True
    attempt = cyd.start("tour")
    cyd.submit(attempt, {})
    url = f"/teach/reports/quizzes/{book['tour']}"
    everyone = teacher.client.get(url).get_data(as_text=True)
    assert "cyd" in everyone and "ana" in everyone
    by_class = teacher.client.get(f"{url}?class={book['class_id']}").get_data(as_text=True)
    assert "ana" in by_class and ">cyd<" not in by_class and "cyd:" not in by_class
    csv_text = teacher.client.get(f"{url}/attempts.csv?class={book['class_id']}").get_data(
        as_text=True
    )
    assert "ana" in csv_text and "cyd" not in csv_text
    assert teacher.client.get(f"{url}?class=999").status_code == 404
    assert teacher.client.get(f"{url}?class=abc").status_code == 400
    assert teacher.client.get(f"{url}?class=99999999999999999999999").status_code == 400
    other = Teacher(demo_app, teacher_client(demo_app, "mr-wu"))
    assert other.client.get(url).status_code == 200  # a site bank: every teacher's
    assert other.client.get(f"{url}?class={book['class_id']}").status_code == 404
