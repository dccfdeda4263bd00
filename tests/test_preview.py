"""An answerable preview: a teacher takes the quiz as a student would, with nothing recorded."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Answer, AnswerPick, Attempt, PracticeCard, Quiz
from quizapp.teaching.preview import draw_preview
from tests.conftest import csrf_token
from tests.quiz_actions import right_fields

SEED = 12345


@pytest.fixture
def teacher_client(demo_app, client, auth, student):
    student.take("student-1", right={1, 2, 3})  # a real attempt, so the statistics have figures
    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    auth.login("ms-lee", "teacher password")
    client.get("/")  # shows (and so uses up) the login's flash message
    return client


def tour_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Quiz.id).where(Quiz.key == "tour"))


def answers(app, right: set[int]) -> dict[str, list[str]]:
    """The preview form's fields answering the positions in ``right`` right."""
    with app.app_context():
        quiz = db.session.get(Quiz, tour_id(app))
        items = draw_preview(quiz, SEED)
        fields: dict[str, list[str]] = {}
        for item in items:
            if item.position in right:
                fields.update(right_fields(item.question, item.prefix))
        return fields


def submit(client, app, fields, **extra):
    url = f"/teach/quizzes/{tour_id(app)}/preview"
    page = client.get(f"{url}?seed={SEED}").get_data(as_text=True)
    versions = re.search(r'name="versions" value="([^"]*)"', page)
    assert versions and f'name="seed" value="{SEED}"' in page
    data = {"csrf_token": csrf_token(page), "seed": str(SEED), "versions": versions.group(1)}
    return client.post(url, data={**data, **fields, **extra})


def recorded(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Attempt, Answer, AnswerPick, PracticeCard)
        )


def statistics(client, app) -> str:
    page = client.get(f"/teach/reports/quizzes/{tour_id(app)}").get_data(as_text=True)
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def test_a_submitted_preview_shows_score_and_feedback_and_records_nothing(demo_app, teacher_client):
    before, stats_before = recorded(demo_app), statistics(teacher_client, demo_app)
    history_before = teacher_client.get("/history").get_data(as_text=True)
    response = submit(teacher_client, demo_app, answers(demo_app, right={1, 2, 3, 4}))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Preview result" in page and "nothing was recorded" in page
    assert page.count('badge badge-right">Right') == 4
    assert page.count("Correct answer:") == 4, "each question not right shows its answer"
    assert re.search(r'<p class="score">\d+%</p>', page)
    assert "Why:" in page
    assert recorded(demo_app) == before
    assert statistics(teacher_client, demo_app) == stats_before
    history_after = teacher_client.get("/history").get_data(as_text=True)
    assert re.sub(r'name="csrf_token"[^>]*>', "", history_after) == re.sub(
        r'name="csrf_token"[^>]*>', "", history_before
    )


def test_all_right_scores_100_percent(demo_app, teacher_client):
    page = submit(teacher_client, demo_app, answers(demo_app, right=set(range(1, 20))))
    assert '<p class="score">100%</p>' in page.get_data(as_text=True)


def test_the_show_answers_switch_stays(demo_app, teacher_client):
    url = f"/teach/quizzes/{tour_id(demo_app)}/preview?seed={SEED}"
    assert "Answer:</strong>" not in teacher_client.get(url).get_data(as_text=True)
    assert "Answer:</strong>" in teacher_client.get(url + "&answers=1").get_data(as_text=True)


def test_a_preview_of_a_quiz_changed_since_its_draw_is_not_graded(demo_app, teacher_client):
    response = submit(teacher_client, demo_app, {}, versions="1,2,3")
    assert response.status_code == 303
    page = teacher_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "changed since this preview was drawn" in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"seed": "x1"}, "seed is not a number"),
        ({"seed": str(2**31)}, "seed is out of range"),
        ({"csrf_token": "forged"}, "security token"),
    ],
)
def test_bad_preview_forms_are_400(demo_app, teacher_client, extra, message):
    before = recorded(demo_app)
    response = submit(teacher_client, demo_app, {}, **extra)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert recorded(demo_app) == before


def test_a_value_the_preview_never_offered_is_400(demo_app, teacher_client):
    fields = answers(demo_app, right={1})
    forged = {name: ["not-offered"] for name in fields}
    response = submit(teacher_client, demo_app, forged)
    assert response.status_code == 400
    assert "Question 1" in response.get_data(as_text=True)


def test_students_cannot_submit_a_preview(demo_app, client, auth):
    auth.register()
    token = csrf_token(client.get("/").get_data(as_text=True))
    url = f"/teach/quizzes/{tour_id(demo_app)}/preview"
    assert client.post(url, data={"csrf_token": token, "seed": "1"}).status_code == 403
