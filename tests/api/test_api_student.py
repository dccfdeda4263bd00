"""The student's API through the test client: quizzes, start, save, submit, result, history;
the same rules as the pages (answers only as the review setting allows, 404 for others')."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptSlot
from quizapp.questions import question_from_version
from tests.api.api_client import ANSWER_FIELDS, Api, assert_problem, keys_in, make_token
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions, right_fields


def right_answers(app: Flask, attempt_id: int) -> dict[str, dict[str, list[str]]]:
    """Every question's right answer as API answers (test knowledge, never sent by the API)."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        return {
            str(slot.position): right_fields(question_from_version(slot.question_version), "")
            for slot in attempt.slots
        }


def saved_answers(app: Flask, attempt_id: int) -> list[tuple[int, Any]]:
    with app.app_context():
        return [
            (position, response)
            for position, response in db.session.execute(
                select(AttemptSlot.position, Answer.response)
                .join(Answer, Answer.slot_id == AttemptSlot.id)
                .where(AttemptSlot.attempt_id == attempt_id)
                .order_by(AttemptSlot.position)
            )
        ]


@pytest.fixture
def api(quiz: QuizActions, auth: AuthActions, client: FlaskClient) -> Api:
    auth.register()
    return Api(quiz.app, make_token(client, "student", ["read", "take"]))


def assert_no_answers(body: Any) -> None:
    found = keys_in(body) & ANSWER_FIELDS
    assert not found, f"answer fields before the review shows them: {found}"


def test_a_student_takes_the_demo_quiz_through_the_api(quiz: QuizActions, api: Api):
    listed = api.get("/quizzes")
    assert listed.status_code == 200 and listed.mimetype == "application/json"
    [tour] = [q for q in listed.get_json()["quizzes"] if q["id"] == quiz.quiz_id("tour")]
    assert tour["attempts_used"] == 0 and tour["grade"] is None and tour["closed"] is None

    started = api.post(f"/quizzes/{tour['id']}/attempts")
    assert started.status_code == 201, started.get_data(as_text=True)
    attempt = started.get_json()
    assert attempt["questions"] and attempt["sequence"] == 0 and attempt["submitted_at"] is None
    assert_no_answers(attempt)
    assert api.post(f"/quizzes/{tour['id']}/attempts").get_json()["id"] == attempt["id"], (
        "starting again resumes the unfinished attempt"
    )
    assert_problem(api.get(f"/attempts/{attempt['id']}/result"), 409, "not submitted")

    right = right_answers(quiz.app, attempt["id"])
    first = {"1": right["1"]}
    saved = api.put(
        f"/attempts/{attempt['id']}/answers", {"sequence": 0, "answers": first, "flagged": [2]}
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    body = saved.get_json()
    assert body["sequence"] == 1
    assert body["questions"][0] == {"position": 1, "answered": True, "flagged": False}
    assert body["questions"][1]["flagged"] is True
    assert_no_answers(body)
    again = api.get(f"/attempts/{attempt['id']}").get_json()
    assert again["sequence"] == 1 and again["questions"][0]["saved"]
    assert again["questions"][1]["flagged"] is True
    assert_no_answers({k: v for k, v in again.items() if k != "questions"})
    for question in again["questions"]:
        assert_no_answers(question["view"])

    # A save from the old state (another device) is refused, and changes nothing.
    before = saved_answers(quiz.app, attempt["id"])
    stale = api.put(f"/attempts/{attempt['id']}/answers", {"sequence": 0, "answers": right})
    assert_problem(stale, 409, "another page or device")
    assert saved_answers(quiz.app, attempt["id"]) == before

    submitted = api.post(f"/attempts/{attempt['id']}/submit", {"sequence": 1, "answers": right})
    assert submitted.status_code == 200, submitted.get_data(as_text=True)
    result = submitted.get_json()
    assert result["score_percent"] == 100
    assert all(q["state"] == "right" for q in result["questions"])
    # The demo quiz shows answers after submission: the review is there, as on the page.
    assert all(q["review"] is not None for q in result["questions"])
    assert any(q["review"]["explanation"] for q in result["questions"])
    assert api.get(f"/attempts/{attempt['id']}/result").get_json() == result

    assert_problem(
        api.post(f"/attempts/{attempt['id']}/submit", {"sequence": 2}), 409, "already submitted"
    )
    assert_problem(
        api.put(f"/attempts/{attempt['id']}/answers", {"sequence": 2}), 409, "already submitted"
    )
    history = api.get("/history").get_json()
    assert [(h["attempt_id"], h["score_percent"]) for h in history["attempts"]] == [
        (attempt["id"], 100)
    ]
    assert history["total"] == 1
    listed_after = api.get("/quizzes").get_json()["quizzes"]
    assert [q["grade"] for q in listed_after if q["id"] == tour["id"]] == [100]


def test_bad_answers_are_a_422_that_names_the_question_and_save_nothing(
    quiz: QuizActions, api: Api
):
    attempt = api.post(f"/quizzes/{quiz.quiz_id('tour')}/attempts").get_json()
    url = f"/attempts/{attempt['id']}/answers"
    assert_problem(
        api.put(url, {"sequence": 0, "answers": {"1": {"choice": ["forged"]}}}), 422, "Question 1"
    )
    assert_problem(api.put(url, {"sequence": 0, "answers": {"99": {}}}), 422, "no question 99")
    body = assert_problem(api.put(url, {"sequence": "zero"}), 422, "sequence")
    assert body["errors"][0]["location"] == "sequence"
    assert_problem(api.put(url, {"sequence": 0, "extra": 1}), 422, "extra")
    assert_problem(api.put(url, {"sequence": 0, "flagged": [99]}), 422, "flagged")
    bad_json = api.client.put(
        f"/api/v1{url}",
        data="{not json",
        headers={"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"},
    )
    assert_problem(bad_json, 400, "not valid JSON")
    as_form = api.client.put(
        f"/api/v1{url}", data={"sequence": "0"}, headers={"Authorization": f"Bearer {api.token}"}
    )
    assert_problem(as_form, 415, "application/json")
    assert saved_answers(quiz.app, attempt["id"]) == []


def test_another_students_attempt_is_a_404(quiz: QuizActions, api: Api, app: Flask):
    attempt = api.post(f"/quizzes/{quiz.quiz_id('tour')}/attempts").get_json()
    other_client = app.test_client()
    AuthActions(other_client).register("bob")
    bob = Api(app, make_token(other_client, "bob", ["read", "take"]))
    for response in (
        bob.get(f"/attempts/{attempt['id']}"),
        bob.get(f"/attempts/{attempt['id']}/result"),
        bob.put(f"/attempts/{attempt['id']}/answers", {"sequence": 0}),
        bob.post(f"/attempts/{attempt['id']}/submit", {"sequence": 0}),
    ):
        assert_problem(response, 404)
    assert bob.get("/history").get_json()["attempts"] == []
    assert_problem(bob.post("/quizzes/999999/attempts"), 404)


@pytest.mark.parametrize("show_answers", ["never", "after_close"])
def test_no_answer_reaches_the_student_before_the_review_setting_shows_it(
    take, app: Flask, client: FlaskClient, show_answers: str
):
    quiz = take(
        f"""\
        - id: quiz
          title: Quiz
          questions: {{tags: [odd, even]}}
          show_answers: {show_answers}
          closes: 2099-01-01 00:00
        """
    )
    api = Api(app, make_token(client, "student", ["read", "take"]))
    attempt = api.post(f"/quizzes/{quiz.quiz_id('quiz')}/attempts").get_json()
    assert_no_answers(attempt)
    right = right_answers(app, attempt["id"])
    result = api.post(
        f"/attempts/{attempt['id']}/submit", {"sequence": 0, "answers": right}
    ).get_json()
    assert result["score_percent"] == 100
    assert result["show_answers"] == show_answers
    assert all(q["review"] is None for q in result["questions"])
    assert_no_answers(result)
    text = api.get(f"/attempts/{attempt['id']}/result").get_data(as_text=True)
    assert "Because q1" not in text, "an explanation reached the student"
    assert "right q1" not in text.replace('"your_answer":"right q1"', "")


def test_a_closed_quiz_or_no_attempts_left_is_refused_as_on_the_quiz_page(
    take, app: Flask, client: FlaskClient
):
    quiz = take(
        """\
        - id: quiz
          title: Quiz
          questions: {tags: [odd]}
          attempts: 1
        - id: gone
          title: Gone
          questions: {tags: [even]}
          closes: 2001-01-01 00:00
        """
    )
    api = Api(app, make_token(client, "student", ["read", "take"]))
    assert_problem(api.post(f"/quizzes/{quiz.quiz_id('gone')}/attempts"), 403, "closed")
    attempt = api.post(f"/quizzes/{quiz.quiz_id('quiz')}/attempts").get_json()
    api.post(f"/attempts/{attempt['id']}/submit", {"sequence": 0})
    assert_problem(api.post(f"/quizzes/{quiz.quiz_id('quiz')}/attempts"), 403, "used every attempt")
