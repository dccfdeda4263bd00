"""An attempt ends on time and no stale page overwrites newer answers.

- An open attempt ends at the quiz's close (Moodle's overdue handling), graded with the answers
  saved before then; answers sent after the close never count.
- Overdue attempts are finished at their end time by ``quiz close-overdue`` and before every
  read that counts them, even if the student never returns.
- Every save and submit carries the attempt's save count as its page showed it (Moodle's
  ``sequencecheck``); one built from an older page is refused with 409 and loses nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, Quiz, now_utc
from tests.conftest import AuthActions, csrf_token
from tests.quiz_actions import QuizActions


def close_quiz(app: Flask, at: datetime) -> None:
    """The teacher moves the quiz's close date (as a re-import with a new ``closes`` would)."""
    with app.app_context():
        quiz = db.session.scalar(select(Quiz))
        quiz.settings = {**quiz.settings, "closes": at.isoformat(timespec="seconds")}
        db.session.commit()


def attempt_row(app: Flask, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        db.session.expunge(attempt)
        return attempt


def soon() -> str:
    return (now_utc() + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")


def test_answers_sent_after_the_close_never_count(take, app, client):
    actions = take(
        f"- id: quiz\n  title: Quiz\n  closes: {soon()}\n  show_answers: after_close\n", count=2
    )
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)
    actions.save(attempt_id, {k: v for k, v in right.items() if k.startswith("q1-")})

    closed_at = (now_utc() - timedelta(minutes=5)).replace(microsecond=0)
    close_quiz(app, closed_at)
    response = actions.submit(attempt_id, right)  # every answer right, but after the close
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The quiz closed on" in page
    assert "answers sent after the close do not count" in page

    attempt = attempt_row(app, attempt_id)
    assert attempt.is_submitted
    assert attempt.score_percent == 50, "only the answer saved before the close counts"
    assert attempt.submitted_at == closed_at, "it ended at the close, not when it was noticed"


def test_a_save_after_the_close_changes_nothing_and_ends_the_attempt(take, app, client):
    actions = take(f"- id: quiz\n  title: Quiz\n  closes: {soon()}\n", count=2)
    attempt_id = actions.start("quiz")
    close_quiz(app, now_utc() - timedelta(minutes=1))
    response = actions.save(attempt_id, actions.right_answers(attempt_id))
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    attempt = attempt_row(app, attempt_id)
    assert attempt.is_submitted and attempt.marks == 0


def test_the_attempt_page_counts_down_to_the_close(take, app, client):
    actions = take(f"- id: quiz\n  title: Quiz\n  closes: {soon()}\n", count=2)
    attempt_id = actions.start("quiz")
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    match = re.search(r'data-seconds-left="(\d+)"', page)
    assert match and 3500 <= int(match.group(1)) <= 3600
    assert "Time is up at" in page


def test_close_overdue_finishes_attempts_at_their_end_time(take, app, runner, client):
    actions = take(f"- id: quiz\n  title: Quiz\n  closes: {soon()}\n  time_limit: 30m\n", count=2)
    first = actions.start("quiz")
    actions.save(first, actions.right_answers(first))
    other = app.test_client()
    AuthActions(other).register("bea")
    second = QuizActions(app, other).start("quiz")

    deadline = (now_utc() - timedelta(minutes=3)).replace(microsecond=0)
    closed_at = (now_utc() - timedelta(minutes=2)).replace(microsecond=0)
    with app.app_context():
        db.session.get(Attempt, first).deadline = deadline  # its time limit ran out first
        db.session.commit()
    close_quiz(app, closed_at)

    result = runner.invoke(args=["quiz", "close-overdue"])
    assert result.exit_code == 0, result.output
    assert "2 overdue attempt(s) finished" in result.output
    assert attempt_row(app, first).submitted_at == deadline
    assert attempt_row(app, first).score_percent == 100
    assert attempt_row(app, second).submitted_at == closed_at
    assert runner.invoke(args=["quiz", "close-overdue"]).output.startswith("0 overdue")


def test_reports_count_an_overdue_attempt_without_cron_or_a_visit(take, app, runner):
    from quizapp.accounts import create_user

    actions = take("- id: quiz\n  title: Quiz\n  time_limit: 10m\n", count=2)
    attempt_id = actions.start("quiz")
    actions.save(attempt_id, actions.right_answers(attempt_id))
    deadline = (now_utc() - timedelta(minutes=1)).replace(microsecond=0)
    with app.app_context():
        db.session.get(Attempt, attempt_id).deadline = deadline
        db.session.commit()
        create_user("tina", "a teacher's password", is_teacher=True)
        quiz_id = db.session.scalar(select(Quiz.id))

    teacher = app.test_client()
    AuthActions(teacher).login("tina", "a teacher's password")
    answers = teacher.get(f"/teach/reports/quizzes/{quiz_id}/attempts.csv").get_data(as_text=True)
    assert len(answers.strip().splitlines()) == 2, answers
    assert deadline.strftime("%Y-%m-%d %H:%M:%S") in answers
    assert attempt_row(app, attempt_id).score_percent == 100


# -- stale pages ----------------------------------------------------------------------------


def two_devices(app: Flask, actions: QuizActions, attempt_id: int):
    """A second logged-in client of the same student, with the attempt page open."""
    device = app.test_client()
    AuthActions(device).login()
    page = device.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    return device, page


def page_sequence(page: str) -> str:
    match = re.search(r'name="sequence" value="(\d+)"', page)
    assert match, "the attempt form carries its save count"
    return match.group(1)


def test_a_stale_page_cannot_wipe_answers_saved_on_another_device(take, app, client):
    actions = take("- id: quiz\n  title: Quiz\n", count=5)
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)
    device2, old_page = two_devices(app, actions, attempt_id)

    # Device 1 saves all five answers and is told so.
    assert actions.save(attempt_id, right).status_code == 302
    # Device 2, opened earlier, submits with only question 3 answered (differently).
    stale = {
        "csrf_token": csrf_token(old_page),
        "sequence": page_sequence(old_page),
        "submit": "1",
        "q3-choice": next(
            key
            for key in re.findall(r'name="q3-choice" value="([^"]+)"', old_page)
            if key not in right["q3-choice"]
        ),
    }
    response = device2.post(f"/attempts/{attempt_id}", data=stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Your answers changed on another page" in page
    assert "you answered question 3 differently" in page
    attempt = attempt_row(app, attempt_id)
    assert not attempt.is_submitted, "the stale submit was refused"

    # What the refusal shows is what is saved now: all five answers, checked.
    for name, values in right.items():
        assert re.search(rf'name="{name}" value="{values[0]}"[^>]*checked', page), name

    # Without a click, the page's own submit of what is saved grades 5 of 5.
    fresh = device2.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert page_sequence(fresh) == "1"
    response = device2.post(
        f"/attempts/{attempt_id}",
        data={"csrf_token": csrf_token(fresh), "sequence": "1", "submit": "1", **right},
    )
    assert response.status_code == 302
    assert attempt_row(app, attempt_id).score_percent == 100


def test_put_back_applies_the_stale_page_answers_on_top_of_what_is_saved(take, app, client):
    actions = take("- id: quiz\n  title: Quiz\n", count=3)
    attempt_id = actions.start("quiz")
    right = actions.right_answers(attempt_id)
    device2, old_page = two_devices(app, actions, attempt_id)
    actions.save(attempt_id, {k: v for k, v in right.items() if not k.startswith("q3-")})

    conflict = device2.post(
        f"/attempts/{attempt_id}",
        data={
            "csrf_token": csrf_token(old_page),
            "sequence": page_sequence(old_page),
            "save": "1",
            "q3-choice": right["q3-choice"],
        },
    ).get_data(as_text=True)
    form = re.search(r'<form method="post">(.*?)</form>', conflict, re.S)
    assert form and 'name="reapply"' in form.group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))
    assert fields["sequence"] == "1" and fields["q3-choice"] == right["q3-choice"][0]
    assert "q1-choice" not in fields, "only the answers that differ are put back"

    response = device2.post(f"/attempts/{attempt_id}", data={**fields, "save": "1"})
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        saved = {slot.position: slot.answer.response for slot in attempt.slots}
        assert all(saved.values()), "all three answers are saved: two kept, one put back"
        assert attempt.sequence == 2


@pytest.mark.parametrize("sequence", [None, "", "abc", "-1", "99999999999999999999", "²"])
def test_a_save_without_a_valid_save_count_is_refused_and_changes_nothing(
    take, app, client, sequence
):
    actions = take("- id: quiz\n  title: Quiz\n", count=2)
    attempt_id = actions.start("quiz")
    data = {"csrf_token": actions.token, "save": "1", **actions.right_answers(attempt_id)}
    if sequence is not None:
        data["sequence"] = sequence
    response = client.post(f"/attempts/{attempt_id}", data=data)
    assert response.status_code == 409
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.sequence == 0
        assert all(slot.answer is None for slot in attempt.slots)


def test_a_head_request_is_the_page_without_its_body_and_saves_nothing(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    """A HEAD (a link checker, an LMS's preview) is answered as the page's GET, without a body;
    it went down the save's path before and was answered 409, a stale save."""
    auth.register()
    attempt_id = quiz.start()
    assert quiz.save(attempt_id, quiz.right_answers(attempt_id)).status_code == 302
    before = attempt_row(demo_app, attempt_id)
    page = quiz.client.get(f"/attempts/{attempt_id}")
    head = quiz.client.head(f"/attempts/{attempt_id}")
    assert head.status_code == page.status_code == 200
    assert head.get_data() == b"" and head.headers["Content-Type"] == page.headers["Content-Type"]
    after = attempt_row(demo_app, attempt_id)
    assert (after.sequence, after.submitted_at) == (before.sequence, before.submitted_at)
