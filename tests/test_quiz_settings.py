"""Quiz settings as a student meets them: draw and pools, shuffling, time limit, attempts,
grading method, open and close dates, and when answers are shown."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, now_utc
from quizapp.questions import question_from_version


def slot_keys(app, attempt_id: int) -> list[str]:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return [question_from_version(s.question_version).id for s in attempt.slots]


def test_draw_takes_a_sample_and_a_reload_shows_the_same(take, app, client):
    actions = take("- id: quiz\n  title: Quiz\n  draw: 3\n  shuffle_questions: true\n")
    attempt_id = actions.start("quiz")
    keys = slot_keys(app, attempt_id)
    assert len(keys) == 3 and len(set(keys)) == 3

    def page_without_tokens() -> str:
        page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        return re.sub(r'name="csrf_token"[^>]*', "", page)  # tokens carry a timestamp

    assert page_without_tokens() == page_without_tokens(), "the layout is frozen at the start"


def test_pools_draw_from_each_tag(take, app):
    actions = take(
        "- id: quiz\n  title: Quiz\n  pools:\n"
        "    - {questions: {tags: [even]}, draw: 2}\n"
        "    - {questions: [q1, q3], draw: 1}\n"
    )
    keys = slot_keys(app, actions.start("quiz"))
    assert len(keys) == 3
    assert sum(int(k[1:]) % 2 == 0 for k in keys) == 2
    assert keys[2] in ("q1", "q3")


def test_tag_selection(take, app):
    actions = take("- id: quiz\n  title: Quiz\n  questions: {tags: [odd]}\n")
    assert slot_keys(app, actions.start("quiz")) == ["q1", "q3", "q5"]


def test_attempt_limit(take, client):
    actions = take("- id: quiz\n  title: Quiz\n  attempts: 1\n", count=2)
    attempt_id = actions.start("quiz")
    actions.submit(attempt_id, {})
    quiz_id = actions.quiz_id("quiz")
    page = client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert "used every attempt" in page
    from tests.conftest import csrf_token

    response = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "used every attempt" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "expected"), [("highest", 100), ("latest", 50), ("first", 0), ("average", 50)]
)
def test_grading_methods(take, app, client, method, expected):
    actions = take(f"- id: quiz\n  title: Quiz\n  grading: {method}\n", count=2)
    for fields in ({}, "all", "half"):
        attempt_id = actions.start("quiz")
        right = actions.right_answers(attempt_id)
        if fields == "all":
            chosen = right
        elif fields == "half":
            chosen = dict([next(iter(right.items()))])
        else:
            chosen = {}
        actions.submit(attempt_id, chosen)
    page = client.get(f"/quizzes/{actions.quiz_id('quiz')}").get_data(as_text=True)
    assert f"Your grade: <strong>{expected}%</strong>" in page


def test_time_limit_submits_what_was_saved_and_refuses_late_answers(take, app, client):
    actions = take("- id: quiz\n  title: Quiz\n  time_limit: 10m\n", count=2)
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)
    first, _second = list(right.items())
    actions.save(attempt_id, dict([first]))
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.deadline is not None
        attempt.deadline = now_utc() - timedelta(minutes=1)
        db.session.commit()
    response = actions.submit(attempt_id, right)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Time was up" in page
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.is_submitted
        assert attempt.score_percent == 50, "only the answer saved in time counts"


def test_an_overdue_attempt_is_submitted_when_the_student_returns(take, app, client):
    actions = take("- id: quiz\n  title: Quiz\n  time_limit: 1m\n", count=2)
    attempt_id = actions.start("quiz")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = now_utc() - timedelta(minutes=1)
        db.session.commit()
    response = client.get(f"/attempts/{attempt_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).is_submitted


def test_closed_and_not_yet_open_quizzes_cannot_start(take, client):
    past = (now_utc() - timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    actions = take(f"- id: quiz\n  title: Quiz\n  closes: {past}\n  show_answers: after_close\n")
    page = client.get(f"/quizzes/{actions.quiz_id('quiz')}").get_data(as_text=True)
    assert "This quiz closed on" in page
    assert "Start the quiz" not in page


def test_show_answers_never_hides_answers_and_explanations(take, app, client):
    actions = take("- id: quiz\n  title: Quiz\n  show_answers: never\n", count=2)
    attempt_id = actions.start("quiz")
    actions.submit(attempt_id, {})
    page = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Wrong" in page
    assert "Because q1" not in page
    assert "Correct answer" not in page
    assert "does not show correct answers" in page


def test_results_in_a_closed_quiz_show_answers_after_close(take, app, client):
    soon = (now_utc() + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    actions = take(f"- id: quiz\n  title: Quiz\n  closes: {soon}\n  show_answers: after_close\n")
    attempt_id = actions.start("quiz")
    actions.submit(attempt_id, {})
    page = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "shown once the quiz closes" in page
    assert "Because q1" not in page
    with app.app_context():
        from quizapp.models import Quiz

        quiz = db.session.scalar(select(Quiz))
        quiz.settings = {**quiz.settings, "closes": "2000-01-01T00:00:00"}
        db.session.commit()
    page = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Because q1" in page
