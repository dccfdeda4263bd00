"""Assignments and overrides feed the real rules: visibility, opening and closing, the time
limit, the attempt limit, the end of open attempts and when answers show (``after_close``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.attempts import close_overdue
from quizapp.extensions import db
from quizapp.models import Attempt, User, now_utc
from tests.class_actions import Teacher, join, student_actions, teacher_client
from tests.quiz_banks import make_bank

QUIZ = """\
- id: essay
  title: The essay quiz
  time_limit: 20m
  attempts: 2
  show_answers: after_close
  closes: 2099-01-01T00:00:00Z
"""
EXPLANATION = "Because q1."
"""Shown on a review only when the answers are."""


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"OPEN_QUIZZES": False}


@pytest.fixture
def school(app, runner, tmp_path):
    """A teacher with a class (ana and ben in it) and a bank whose quiz is not assigned yet;
    cyd is a student outside the class."""
    result = runner.invoke(args=["quiz", "import", make_bank(tmp_path, QUIZ, 3)])
    assert result.exit_code == 0, result.output
    teacher = Teacher(app, teacher_client(app))
    class_id, code = teacher.create_class()
    students = {name: student_actions(app, name) for name in ("ana", "ben", "cyd")}
    for name in ("ana", "ben"):
        assert join(students[name], code).status_code == 303
    quiz_id = students["ana"].quiz_id("essay")
    return {"app": app, "teacher": teacher, "class_id": class_id, "quiz_id": quiz_id, **students}


def user_id(app, name: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.username == name))
        assert found is not None
        return found


def when(delta: timedelta) -> str:
    return (now_utc() + delta).strftime("%Y-%m-%dT%H:%M")


def deadline_minutes(app, attempt_id: int) -> float:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.deadline is not None
        return (attempt.deadline - attempt.started_at).total_seconds() / 60


def test_an_unassigned_quiz_is_only_for_teachers_unless_quizzes_are_open(school):
    ana, quiz_id, teacher = school["ana"], school["quiz_id"], school["teacher"]
    assert "The essay quiz" not in ana.client.get("/").get_data(as_text=True)
    assert ana.client.get(f"/quizzes/{quiz_id}").status_code == 404
    assert teacher.client.get(f"/quizzes/{quiz_id}").status_code == 200
    assert teacher.client.get(f"/teach/quizzes/{quiz_id}/preview").status_code == 200
    school["app"].config["OPEN_QUIZZES"] = True
    assert ana.client.get(f"/quizzes/{quiz_id}").status_code == 200
    assert "The essay quiz" in ana.client.get("/").get_data(as_text=True)


def test_a_student_outside_the_class_gets_404_on_its_quiz_start_and_attempt(school):
    teacher, class_id, quiz_id = school["teacher"], school["class_id"], school["quiz_id"]
    teacher.assign(class_id, quiz_id)
    ana, cyd = school["ana"], school["cyd"]
    page = ana.client.get("/").get_data(as_text=True)
    assert "Year 9 history" in page and "The essay quiz" in page
    attempt_id = ana.start("essay")

    assert "The essay quiz" not in cyd.client.get("/").get_data(as_text=True)
    assert cyd.client.get(f"/quizzes/{quiz_id}").status_code == 404
    token = ana.token
    cyd_page = cyd.client.get("/").get_data(as_text=True)
    from tests.conftest import csrf_token

    response = cyd.client.post(
        f"/quizzes/{quiz_id}/start", data={"csrf_token": csrf_token(cyd_page)}
    )
    assert response.status_code == 404
    assert cyd.client.get(f"/attempts/{attempt_id}").status_code == 404
    with school["app"].app_context():
        assert (
            db.session.scalar(
                select(Attempt.id).where(Attempt.user_id == user_id(school["app"], "cyd"))
            )
            is None
        )
    assert token


def test_the_assignment_s_time_limit_close_and_attempts_apply(school):
    teacher, class_id, quiz_id = school["teacher"], school["class_id"], school["quiz_id"]
    closes = when(timedelta(days=2))
    assignment_id = teacher.assign(class_id, quiz_id, time_limit="45", attempts="1", closes=closes)
    ana = school["ana"]
    page = ana.client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert "45 min" in page and "Attempts allowed: 1" in page
    attempt_id = ana.start("essay")
    assert deadline_minutes(school["app"], attempt_id) == pytest.approx(45, abs=0.1)
    ana.submit(attempt_id, ana.right_answers(attempt_id))
    from tests.conftest import csrf_token

    token = csrf_token(ana.client.get(f"/quizzes/{quiz_id}").get_data(as_text=True))
    response = ana.client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/quizzes/{quiz_id}"
    )
    assert "You have used every attempt" in ana.client.get(f"/quizzes/{quiz_id}").get_data(
        as_text=True
    )
    # A close in the past closes it for the class.
    teacher.set_values(class_id, assignment_id, closes=when(-timedelta(minutes=5)), attempts="")
    page = school["ben"].client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert "This quiz closed on" in page


def test_an_override_changes_only_that_student(school):
    app, teacher = school["app"], school["teacher"]
    class_id, quiz_id = school["class_id"], school["quiz_id"]
    assignment_id = teacher.assign(class_id, quiz_id, time_limit="20", attempts="1")
    response = teacher.override(
        class_id, assignment_id, user_id(app, "ana"), extra_minutes="30", extra_attempts="1"
    )
    assert response.status_code == 303
    ana, ben = school["ana"], school["ben"]
    ana_page = ana.client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    ben_page = ben.client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert "You have 30 extra minutes." in ana_page
    assert "You have 1 more attempt." in ana_page
    assert "extra minutes" not in ben_page and "Attempts allowed: 1" in ben_page
    assert "Attempts allowed: 2" in ana_page
    assert "You have 30 extra minutes." in ana.client.get("/").get_data(as_text=True)
    ana_attempt = ana.start("essay")
    ben_attempt = ben.start("essay")
    assert "You have 30 extra minutes." in ana.client.get(f"/attempts/{ana_attempt}").get_data(
        as_text=True
    )
    assert deadline_minutes(app, ana_attempt) == pytest.approx(50, abs=0.1)
    assert deadline_minutes(app, ben_attempt) == pytest.approx(20, abs=0.1)


def test_an_override_for_a_student_outside_the_class_is_refused(school):
    app, teacher = school["app"], school["teacher"]
    assignment_id = teacher.assign(school["class_id"], school["quiz_id"])
    response = teacher.override(
        school["class_id"], assignment_id, user_id(app, "cyd"), extra_minutes="30"
    )
    assert response.status_code == 303
    page = teacher.client.get(
        f"/teach/classes/{school['class_id']}/assignments/{assignment_id}"
    ).get_data(as_text=True)
    assert "That student is not in this class." in page
    cyd_page = school["cyd"].client.get(f"/quizzes/{school['quiz_id']}")
    assert cyd_page.status_code == 404


def test_closing_now_ends_open_attempts_but_not_one_with_a_later_close(school):
    app, teacher = school["app"], school["teacher"]
    class_id, quiz_id = school["class_id"], school["quiz_id"]
    assignment_id = teacher.assign(class_id, quiz_id, time_limit="", closes="")
    teacher.override(class_id, assignment_id, user_id(app, "ben"), closes=when(timedelta(days=1)))
    ana_attempt = school["ana"].start("essay")
    ben_attempt = school["ben"].start("essay")
    page = teacher.client.get(f"/teach/classes/{class_id}").get_data(as_text=True)
    assert "ana" in page.split("Taking it now")[-1] and "ben" in page.split("Taking it now")[-1]
    assert teacher.action(class_id, assignment_id, "close").status_code == 303
    with app.app_context():
        close_overdue(now=now_utc() + timedelta(seconds=30))
        ana_row = db.session.get(Attempt, ana_attempt)
        ben_row = db.session.get(Attempt, ben_attempt)
        assert ana_row is not None and ana_row.submitted_at is not None
        assert ben_row is not None and ben_row.submitted_at is None
    page = teacher.client.get(f"/teach/classes/{class_id}").get_data(as_text=True)
    taking = page.split("Taking it now")[-1].split("</table>")[0]
    assert "ben" in taking and "ana" not in taking


def test_after_close_reads_the_close_that_applies_to_the_student(school):
    app, teacher = school["app"], school["teacher"]
    class_id, quiz_id = school["class_id"], school["quiz_id"]
    assignment_id = teacher.assign(class_id, quiz_id, time_limit="")
    ana, ben = school["ana"], school["ben"]
    attempts = {}
    for name, student in (("ana", ana), ("ben", ben)):
        attempt_id = student.start("essay")
        student.submit(attempt_id, student.right_answers(attempt_id))
        attempts[name] = attempt_id
    # The bank closes in 2099; the class's close passes now; ben's is tomorrow.
    teacher.set_values(class_id, assignment_id, closes=when(-timedelta(minutes=1)))
    teacher.override(class_id, assignment_id, user_id(app, "ben"), closes=when(timedelta(days=1)))
    ana_review = ana.client.get(f"/attempts/{attempts['ana']}/review").get_data(as_text=True)
    ben_review = ben.client.get(f"/attempts/{attempts['ben']}/review").get_data(as_text=True)
    assert EXPLANATION in ana_review
    assert EXPLANATION not in ben_review


def test_withdraw_hides_the_quiz_and_open_shows_it_again(school):
    teacher, class_id, quiz_id = school["teacher"], school["class_id"], school["quiz_id"]
    assignment_id = teacher.assign(class_id, quiz_id, opens=when(timedelta(days=1)))
    ana = school["ana"]
    assert "This quiz opens on" in ana.client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    teacher.action(class_id, assignment_id, "withdraw")
    assert ana.client.get(f"/quizzes/{quiz_id}").status_code == 404
    assert "The essay quiz" not in ana.client.get("/").get_data(as_text=True)
    teacher.action(class_id, assignment_id, "open")
    page = ana.client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert "Start the quiz" in page


def test_bad_assignment_values_are_refused_and_change_nothing(school):
    teacher, class_id, quiz_id = school["teacher"], school["class_id"], school["quiz_id"]
    assignment_id = teacher.assign(class_id, quiz_id, time_limit="15")
    url = f"/teach/classes/{class_id}/assignments/{assignment_id}"
    from tests.conftest import csrf_token

    token = csrf_token(teacher.client.get(url).get_data(as_text=True))
    for data in (
        {"time_limit": "-5"},
        {"time_limit": "abc"},
        {"opens": when(timedelta(days=2)), "closes": when(timedelta(days=1))},
        {"closes": "yesterday"},
    ):
        response = teacher.client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 400, data
    assert 'value="15"' in teacher.client.get(url).get_data(as_text=True)
    assert teacher.client.get(f"{url}9").status_code == 404


def test_students_see_their_classes_quizzes_grouped_with_what_is_due_first(school, tmp_path):
    app, teacher = school["app"], school["teacher"]
    quiz = QUIZ.replace("id: essay", "id: later").replace("The essay quiz", "A later quiz")
    text = Path(make_bank(tmp_path, quiz)).read_text(encoding="utf-8")
    path = tmp_path / "second.yaml"
    path.write_text(text.replace("bank: settings", "bank: second", 1), encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["quiz", "import", str(path)]).exit_code == 0
    ana = school["ana"]
    teacher.assign(school["class_id"], ana.quiz_id("later"), due=when(timedelta(days=1)))
    teacher.assign(school["class_id"], school["quiz_id"], due=when(timedelta(hours=2)))
    page = ana.client.get("/").get_data(as_text=True)
    history = page.split("<h2>Year 9 history</h2>")[1]
    assert history.index("The essay quiz") < history.index("A later quiz")
    assert "Due:" in history


def test_a_student_taken_out_of_the_class_gets_404_on_their_open_attempt(school):
    app, teacher = school["app"], school["teacher"]
    class_id, quiz_id = school["class_id"], school["quiz_id"]
    teacher.assign(class_id, quiz_id)
    ana = school["ana"]
    attempt_id = ana.start("essay")
    assert ana.client.get(f"/attempts/{attempt_id}").status_code == 200
    page = f"/teach/classes/{class_id}"
    from tests.class_actions import post_form

    post_form(teacher.client, page, f"{page}/students/{user_id(app, 'ana')}/remove")
    assert ana.client.get(f"/attempts/{attempt_id}").status_code == 404
    assert ana.save(attempt_id, ana.right_answers(attempt_id)).status_code == 404
    assert ana.client.get(f"/quizzes/{quiz_id}").status_code == 404
