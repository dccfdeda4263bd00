"""A teacher corrects the mark of one answer, with a comment the student sees."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quizapp import stats
from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptSlot, MarkChange, Quiz
from tests.conftest import AuthActions, csrf_token
from tests.quiz_actions import QuizActions


@pytest.fixture
def setting(demo_app):
    """A student's submitted attempt at the tour (questions 1 and 2 right, the rest blank),
    the student's client, and a logged-in teacher's client."""
    student = demo_app.test_client()
    AuthActions(student).register("student-1")
    actions = QuizActions(demo_app, student)
    attempt_id = actions.start()
    right = {
        name: value
        for name, value in actions.right_answers(attempt_id).items()
        if name.startswith(("q1-", "q2-"))
    }
    actions.submit(attempt_id, right)
    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    teacher = demo_app.test_client()
    AuthActions(teacher).login("ms-lee", "teacher password")
    return attempt_id, student, teacher


def url(attempt_id: int, position: int) -> str:
    return f"/teach/attempts/{attempt_id}/questions/{position}"


def post(client, attempt_id, position, **data):
    page = client.get(url(attempt_id, position)).get_data(as_text=True)
    return client.post(url(attempt_id, position), data={"csrf_token": csrf_token(page), **data})


def state(app, attempt_id: int, position: int):
    with app.app_context():
        answer = db.session.scalar(
            select(Answer)
            .join(AttemptSlot, AttemptSlot.id == Answer.slot_id)
            .where(AttemptSlot.attempt_id == attempt_id, AttemptSlot.position == position)
        )
        attempt = db.session.get(Attempt, attempt_id)
        changes = db.session.scalar(select(func.count(MarkChange.id)))
        return (answer.mark, answer.fraction, answer.state, answer.comment, answer.corrected,
                attempt.marks, changes)  # fmt: skip


def test_a_correction_sets_mark_comment_total_and_history(demo_app, setting):
    attempt_id, _, teacher = setting
    before = state(demo_app, attempt_id, 3)
    assert before[0] == 0 and before[5] == 2 and before[6] == 0
    response = post(teacher, attempt_id, 3, mark="0.5", comment="Your reasoning was right.")
    assert response.status_code == 303
    mark, fraction, answer_state, comment, corrected, total, changes = state(
        demo_app, attempt_id, 3
    )
    assert (mark, fraction, answer_state) == (0.5, 0.5, "partial")
    assert comment == "Your reasoning was right." and corrected
    assert total == 2.5 and changes == 1
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "mark 0 → 0.5; the attempt now has 2.5 of" in page
    history = page.split("History of this attempt", 1)[1]
    assert "ms-lee" in history and "Correction: Your reasoning was right." in history
    with demo_app.app_context():
        change = db.session.scalar(select(MarkChange))
        assert (change.old_mark, change.new_mark, change.regrade_id) == (0, 0.5, None)


def test_the_student_sees_the_comment_and_the_new_mark(demo_app, setting):
    attempt_id, student, teacher = setting
    post(teacher, attempt_id, 3, mark="1", comment="Accepted: a fair reading of the question.")
    page = student.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Your teacher set this mark</strong>: Accepted: a fair reading of the question." in page
    with demo_app.app_context():
        max_marks = db.session.get(Attempt, attempt_id).max_marks
    assert f"3 out of {max_marks:g} marks" in page


def test_statistics_use_the_corrected_mark(demo_app, setting):
    attempt_id, _, teacher = setting
    with demo_app.app_context():
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.key == "tour"))
        before = stats.summary(quiz_id).mean
        max_marks = db.session.get(Attempt, attempt_id).max_marks
    assert before == pytest.approx(100 * 2 / max_marks)
    post(teacher, attempt_id, 3, mark="1", comment="")
    with demo_app.app_context():
        assert stats.summary(quiz_id).mean == pytest.approx(100 * 3 / max_marks)
    # The student's timeline shows the corrected mark, with a link to correct it again.
    timeline = teacher.get(
        f"/teach/reports/quizzes/{quiz_id}/students/{_student_id(demo_app)}"
    ).get_data(as_text=True)
    assert f'href="/teach/attempts/{attempt_id}/questions/3">Correct<span' in timeline


def _student_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Attempt.user_id))


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        ("-1", "between 0 and 1"),
        ("1.5", "between 0 and 1"),
        ("abc", "Type the new mark as a number, e.g. 0.5."),
        ("", "Give the new mark"),
        ("nan", "must be a number"),
    ],
)
def test_a_bad_mark_is_400_and_changes_nothing(demo_app, setting, mark, message):
    attempt_id, _, teacher = setting
    before = state(demo_app, attempt_id, 3)
    response = post(teacher, attempt_id, 3, mark=mark, comment="x")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert state(demo_app, attempt_id, 3) == before


def test_a_too_long_comment_is_400(demo_app, setting):
    attempt_id, _, teacher = setting
    before = state(demo_app, attempt_id, 3)
    response = post(teacher, attempt_id, 3, mark="1", comment="x" * 2001)
    assert response.status_code == 400
    assert "at most 2000 characters" in response.get_data(as_text=True)
    assert state(demo_app, attempt_id, 3) == before


def test_students_and_unknown_attempts_cannot_be_corrected(demo_app, setting):
    attempt_id, student, teacher = setting
    assert student.get(url(attempt_id, 3)).status_code == 403
    assert teacher.get(url(attempt_id + 100, 3)).status_code == 404
    assert teacher.get(url(attempt_id, 99)).status_code == 404


def test_an_unfinished_attempt_cannot_be_corrected(demo_app, setting):
    _, student, teacher = setting
    actions = QuizActions(demo_app, student)
    unfinished = actions.start()
    page = teacher.get(url(unfinished, 1)).get_data(as_text=True)
    assert "not submitted yet" in page
    response = teacher.post(url(unfinished, 1), data={"csrf_token": csrf_token(page), "mark": "1"})
    assert response.status_code == 409
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(MarkChange.id))) == 0
