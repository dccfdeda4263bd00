"""The attempt page without JavaScript, through the test client: paging that keeps every
page's answers, the navigator, review flags, the save that returns to the question changed,
the summary with "Submit all and finish", and the JSON answers the autosave script gets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.paging import LONG_QUIZ_PER_PAGE, Paging, page_size
from tests.conftest import csrf_token
from tests.quiz_actions import QuizActions

JSON = {"Accept": "application/json"}


def saved(app: Flask, attempt_id: int) -> dict[int, dict[str, Any]]:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        return {
            slot.position: slot.answer.response if slot.answer else {} for slot in attempt.slots
        }


def flags(app: Flask, attempt_id: int) -> set[int]:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        return {slot.position for slot in attempt.slots if slot.flagged}


def post_page(
    actions: QuizActions,
    attempt_id: int,
    page: int,
    fields: dict[str, list[str]],
    headers: dict[str, str] | None = None,
    **extra: str,
):
    """Post one page of the attempt as its form would (page number, save count, token)."""
    data: dict[str, Any] = {
        "csrf_token": actions.token or csrf_token(actions.client.get("/").get_data(as_text=True)),
        "sequence": str(actions.sequence(attempt_id)),
        "page": str(page),
        **fields,
        **extra,
    }
    return actions.client.post(f"/attempts/{attempt_id}", data=data, headers=headers)


def on_page(right: dict[str, list[str]], *positions: int) -> dict[str, list[str]]:
    return {k: v for k, v in right.items() if int(k[1:].split("-", 1)[0]) in positions}


def question_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<fieldset class="question" id="question-(\d+)"', html)]


def test_the_page_size_follows_per_page_or_the_length_of_the_quiz():
    assert page_size(None, 8) == 8, "a short quiz stays on one page"
    assert page_size(None, 20) == 20
    assert page_size(None, 21) == LONG_QUIZ_PER_PAGE == 10
    assert page_size(3, 8) == 3
    paging = Paging.of(None, 102)
    assert paging.pages == 11 and list(paging.positions(11)) == [101, 102]
    assert paging.page_of(100) == 10 and paging.clamp(99) == 11 and paging.clamp(0) == 1


def test_per_page_is_validated_where_it_is_written(runner, tmp_path):
    from tests.quiz_banks import make_bank

    path = make_bank(tmp_path, "- {id: quiz, title: Quiz, per_page: 0}\n", count=3)
    result = runner.invoke(args=["quiz", "validate", path])
    assert result.exit_code != 0
    assert "per_page" in result.output and ":4:" in result.output, result.output


def test_paging_keeps_the_answers_of_other_pages(take, app, client):
    actions = take("- {id: quiz, title: Quiz, per_page: 2}\n", count=5)
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)

    first = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert question_numbers(first) == [1, 2]
    assert "Page 1 of 3" in first and 'name="page" value="1"' in first
    # Next page saves this page and moves on.
    response = post_page(actions, attempt_id, 1, on_page(right, 1, 2), goto="2")
    assert response.status_code == 302 and response.headers["Location"].endswith("?page=2")
    second = client.get(response.headers["Location"]).get_data(as_text=True)
    assert question_numbers(second) == [3, 4]
    response = post_page(actions, attempt_id, 2, on_page(right, 3), goto="3")
    assert response.status_code == 302

    answers = saved(app, attempt_id)
    assert all(answers[p] for p in (1, 2, 3)) and not answers[4] and not answers[5]
    # Clearing an answer on page 2 clears only that one; page 1 keeps its answers.
    post_page(actions, attempt_id, 2, {}, save="1")
    answers = saved(app, attempt_id)
    assert answers[1] and answers[2] and not answers[3]
    # The first page shows its saved answers again.
    first = client.get(f"/attempts/{attempt_id}?page=1").get_data(as_text=True)
    for name, (value,) in on_page(right, 1, 2).items():
        assert re.search(rf'name="{name}" value="{value}"[^>]*checked', first), name

    # Submitting from the last page grades every page's answers.
    post_page(actions, attempt_id, 3, on_page(right, 5), submit="1")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.is_submitted and attempt.marks == 3  # questions 1, 2 and 5


def test_a_long_quiz_without_per_page_has_pages_of_ten(take, client):
    actions = take("- {id: quiz, title: Quiz}\n", count=21)
    attempt_id = actions.start("quiz")
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert question_numbers(html) == list(range(1, 11))
    assert "Page 1 of 3" in html
    last = client.get(f"/attempts/{attempt_id}?page=3").get_data(as_text=True)
    assert question_numbers(last) == [21]
    # The navigator lists every question, each with a link to its page.
    assert f'href="/attempts/{attempt_id}?page=3#question-21"' in html
    assert 'href="#question-10"' in html


def test_the_navigator_states_answered_and_flagged_in_words(take, app, client):
    actions = take("- {id: quiz, title: Quiz, per_page: 2}\n", count=4)
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)
    post_page(actions, attempt_id, 1, on_page(right, 1), flagged="2", save="1")
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", html)
    assert "1 of 4 answered, 1 flagged" in " ".join(text.split())
    assert 'aria-label="Question 1, answered">1<' in html
    assert 'aria-label="Question 2, not answered, flagged">2<' in html
    assert 'aria-label="Question 3, not answered">3<' in html


def test_a_flag_persists_until_it_is_cleared(take, app, client):
    actions = take("- {id: quiz, title: Quiz, per_page: 2}\n", count=4)
    attempt_id = actions.start("quiz")
    post_page(actions, attempt_id, 1, {}, flagged="2", save="1")
    assert flags(app, attempt_id) == {2}
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert re.search(r'id="flag-2" name="flagged" value="2" checked', html)
    # Saving another page leaves the flag; the flag's own page without the tick clears it.
    post_page(actions, attempt_id, 2, {}, flagged="4", goto="1")
    assert flags(app, attempt_id) == {2, 4}
    post_page(actions, attempt_id, 1, {}, save="1")
    assert flags(app, attempt_id) == {4}


@pytest.mark.parametrize(
    "extra", [{"flagged": "3"}, {"flagged": "x"}, {"page": "0"}, {"page": "9"}, {"page": "a"}]
)
def test_a_flag_or_page_that_is_not_of_the_attempt_is_refused(take, app, client, extra):
    actions = take("- {id: quiz, title: Quiz, per_page: 2}\n", count=4)
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)
    data = {"csrf_token": actions.token, "sequence": "0", "page": "1", "save": "1"}
    response = client.post(
        f"/attempts/{attempt_id}", data={**data, **on_page(right, 1, 2), **extra}
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True) or (
        "no page" in response.get_data(as_text=True)
    )
    assert saved(app, attempt_id) == {p: {} for p in range(1, 5)} and not flags(app, attempt_id)


def test_saving_without_javascript_returns_to_the_question_changed(take, app, client):
    actions = take("- {id: quiz, title: Quiz, per_page: 3}\n", count=6)
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)
    response = post_page(actions, attempt_id, 2, on_page(right, 5), save="1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}?page=2#question-5")
    assert "Your answers are saved." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    # A flag is a change too; a save that changes nothing returns to the page's buttons.
    response = post_page(actions, attempt_id, 2, on_page(right, 5), flagged="4", save="1")
    assert response.headers["Location"].endswith("?page=2#question-4")
    response = post_page(actions, attempt_id, 2, on_page(right, 5), flagged="4", save="1")
    assert response.headers["Location"].endswith("?page=2#attempt-actions")


def test_the_summary_lists_what_is_not_answered_and_submits_the_saved_answers(take, app, client):
    actions = take("- {id: quiz, title: Quiz, per_page: 2, time_limit: 30m}\n", count=4)
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)
    response = post_page(actions, attempt_id, 2, on_page(right, 3), flagged="4", finish="1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/summary")

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert "1 of 4 questions answered, 1 flagged for review" in text
    assert "3 questions are not answered: question 1, question 2, question 4." in text
    assert f'<a href="/attempts/{attempt_id}?page=1#question-1">question 1</a>' in html
    assert "Flagged for review: question 4." in text
    assert re.search(r'role="timer" data-seconds-left="1[78]\d\d"', html), "time left shows"
    assert "Submit all and finish" in html
    assert "you cannot change any answer afterwards" in text
    assert "the 3 questions not answered score 0" in text
    with app.app_context():
        assert not db.session.get(Attempt, attempt_id).is_submitted, "the summary submits nothing"

    finish = client.post(
        f"/attempts/{attempt_id}/finish",
        data={"csrf_token": csrf_token(html), "sequence": str(actions.sequence(attempt_id))},
    )
    assert finish.status_code == 302 and finish.headers["Location"].endswith("/review")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.is_submitted and attempt.marks == 1
    assert saved(app, attempt_id)[3], "the saved answer was graded, not wiped"


def test_a_summary_older_than_the_last_save_submits_nothing(take, app, client):
    actions = take("- {id: quiz, title: Quiz}\n", count=2)
    attempt_id = actions.start("quiz")
    html = client.get(f"/attempts/{attempt_id}/summary").get_data(as_text=True)
    actions.save(attempt_id, actions.right_answers(attempt_id))  # another tab saves
    response = client.post(
        f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_token(html), "sequence": "0"}
    )
    assert response.status_code == 409
    assert "nothing was submitted" in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(Attempt, attempt_id).is_submitted
    missing_token = client.post(f"/attempts/{attempt_id}/finish", data={"sequence": "1"})
    assert missing_token.status_code == 400


def test_the_attempt_page_no_longer_submits_next_to_save(take, client):
    actions = take("- {id: quiz, title: Quiz}\n", count=2)
    attempt_id = actions.start("quiz")
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'name="submit"' not in html, "submitting is only on the summary"
    assert 'name="finish"' in html and "Finish attempt" in html
    buttons = re.findall(r'<button type="submit" name="(\w+)"', html)
    assert buttons[0] == "save", "Enter in a text box saves (the first button of the form)"


def test_the_autosave_gets_json_with_the_new_save_count(take, app, client):
    actions = take("- {id: quiz, title: Quiz, per_page: 2}\n", count=4)
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)
    response = post_page(
        actions, attempt_id, 1, on_page(right, 1), flagged="2", save="autosave", headers=JSON
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "saved" and body["sequence"] == 1 == actions.sequence(attempt_id)
    assert body["questions"] == [
        {"position": 1, "answered": True, "flagged": False},
        {"position": 2, "answered": False, "flagged": True},
        {"position": 3, "answered": False, "flagged": False},
        {"position": 4, "answered": False, "flagged": False},
    ]
    assert saved(app, attempt_id)[1] and flags(app, attempt_id) == {2}

    # A save from a page older than the last save: 409, as JSON, and nothing changes.
    stale = actions.client.post(
        f"/attempts/{attempt_id}",
        data={"csrf_token": actions.token, "sequence": "0", "page": "1", "save": "autosave"},
        headers=JSON,
    )
    assert stale.status_code == 409 and stale.get_json()["status"] == "stale"
    assert saved(app, attempt_id)[1], "the newer answer is kept"

    # Bad input and a missing token: 400 with a message, as JSON.
    bad = post_page(actions, attempt_id, 1, {"q1-choice": ["nope"]}, save="1", headers=JSON)
    assert bad.status_code == 400 and bad.get_json()["status"] == "invalid"
    assert "Question 1" in bad.get_json()["message"]
    no_token = actions.client.post(
        f"/attempts/{attempt_id}", data={"sequence": "1", "page": "1"}, headers=JSON
    )
    assert no_token.status_code == 400 and "security token" in no_token.get_json()["message"]
    assert actions.sequence(attempt_id) == 1

    # An attempt that ended: the script is told where its review is.
    actions.submit(attempt_id, {})
    ended = post_page(actions, attempt_id, 1, {}, save="autosave", headers=JSON)
    assert ended.status_code == 409 and ended.get_json()["status"] == "ended"
    assert ended.get_json()["location"] == f"/attempts/{attempt_id}/review"


def test_a_timed_attempt_shows_the_time_left_in_the_navigator(take, client):
    actions = take("- {id: quiz, title: Quiz, time_limit: 10m}\n", count=2)
    attempt_id = actions.start("quiz")
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    nav = re.search(r'<nav class="quiz-nav".*?</nav>', html, re.S)
    assert nav and re.search(r'role="timer" data-seconds-left="(59\d|600)"', nav.group(0))
    assert re.search(r"Time left: <strong class=\"time-left\">(9:5\d|10:00)</strong>", nav.group(0))
