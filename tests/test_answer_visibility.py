"""One rule decides when a student sees a correct answer (quizapp/review_rules.py), and
practice follows it: a question's answer, feedback and explanation show in practice only once
a quiz of that question that the student has submitted shows them by its own rule."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quizapp import review_rules
from quizapp.extensions import db
from quizapp.models import Attempt, now_utc
from tests.conftest import AuthActions, sql_statements
from tests.quiz_actions import QuizActions
from tests.test_practice import start_practice

CLOSES = (now_utc() + timedelta(days=30)).replace(second=0, microsecond=0)
LATER = CLOSES.strftime("%Y-%m-%d %H:%M")
EARLIER = (now_utc() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")


def question(qid: str) -> str:
    return textwrap.dedent(
        f"""\
          - id: {qid}
            type: single
            text: Question {qid}?
            explanation: Explained {qid}.
            choices:
              - {{text: Right {qid}, correct: true, feedback: Feedback {qid}.}}
              - Wrong {qid}
        """
    )


def bank_text(closes: str = LATER) -> str:
    quizzes = f"""\
        - {{id: open-key, title: Open key, questions: [shared, open-only]}}
        - {{id: secret, title: Secret, questions: [shared, secret-only], show_answers: never}}
        - id: later
          title: Later
          questions: [later-only]
          show_answers: after_close
          closes: {closes}
        - {{id: small, title: Small, questions: [b1]}}
        - {{id: big, title: Big, questions: [b1, b2, b3, b4, b5, b6]}}
        - {{id: small-secret, title: Small secret, questions: [b1], show_answers: never}}
        - {{id: big-secret, title: Big secret, questions: [b1, b2, b3, b4, b5, b6],
            show_answers: never}}
    """
    ids = ["shared", "open-only", "secret-only", "later-only", *(f"b{n}" for n in range(1, 7))]
    return (
        "bank: visibility\ntitle: Visibility\nquizzes:\n"
        + textwrap.indent(textwrap.dedent(quizzes), "  ")
        + "questions:\n"
        + "".join(question(qid) for qid in ids)
    )


def import_bank(runner: FlaskCliRunner, tmp_path: Path, closes: str = LATER) -> None:
    path = tmp_path / "visibility.yaml"
    path.write_text(bank_text(closes), encoding="utf-8")
    result = runner.invoke(args=["quiz", "import", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def bank_app(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> Flask:
    import_bank(runner, tmp_path)
    return app


def new_student(app: Flask, username: str) -> QuizActions:
    client = app.test_client()
    AuthActions(client).register(username)
    return QuizActions(app, client)


def blank_attempt(actions: QuizActions, quiz: str) -> int:
    """Start an attempt at ``quiz`` and submit it with nothing answered."""
    attempt_id = actions.start(quiz)
    assert actions.submit(attempt_id, {}).status_code == 302
    return attempt_id


def blank_practice(actions: QuizActions) -> int:
    attempt_id = start_practice(actions.client)
    assert actions.submit(attempt_id, {}).status_code == 302
    return attempt_id


def review(actions: QuizActions, attempt_id: int) -> str:
    response = actions.client.get(f"/attempts/{attempt_id}/review")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shows_key(page: str, qid: str) -> bool:
    """Whether the page shows the question's correct answer and explanation (the choice texts
    themselves are on the page either way, as the question offered them; a choice's feedback
    shows only when it was picked, and tests/test_answer_markers.py follows it)."""
    found = [
        f"Explained {qid}." in page,
        f"<strong>Correct answer:</strong> Right {qid}" in page,
    ]
    assert all(found) or not any(found), (qid, found)
    return all(found)


def test_practice_hides_the_answers_of_a_quiz_that_never_shows_them(bank_app):
    # The path: a blank attempt at a 'never' quiz, then practice, to read the key.
    ada = new_student(bank_app, "ada")
    quiz_attempt = blank_attempt(ada, "secret")
    assert not shows_key(review(ada, quiz_attempt), "secret-only")
    practice = blank_practice(ada)
    page = review(ada, practice)
    assert "Question shared?" in page and "Question secret-only?" in page
    assert not shows_key(page, "secret-only")
    assert not shows_key(page, "shared")
    assert page.count("badge-wrong") == 2, "practice still says right or wrong"
    assert "it says right or wrong only" in page
    assert page.count("Its quiz does not show this answer yet.") == 2


def test_practice_shows_an_answer_once_a_submitted_quiz_of_it_shows_answers(bank_app):
    ada = new_student(bank_app, "ada")
    blank_attempt(ada, "secret")
    practice = blank_practice(ada)
    assert not shows_key(review(ada, practice), "shared")
    # The 'after_submit' quiz holding 'shared', submitted: its answer is no secret any more.
    blank_attempt(ada, "open-key")
    page = review(ada, practice)
    assert shows_key(page, "shared")
    assert not shows_key(page, "secret-only")
    assert "for the others it says right or wrong only" in page
    # Only a submitted attempt counts: another student's, or an unfinished one, does not.
    bob = new_student(bank_app, "bob")
    blank_attempt(bob, "secret")
    bob.start("open-key")
    assert not shows_key(review(bob, blank_practice(bob)), "shared")


def test_practice_of_an_after_submit_quiz_shows_every_answer(bank_app):
    ada = new_student(bank_app, "ada")
    quiz_attempt = blank_attempt(ada, "open-key")
    assert shows_key(review(ada, quiz_attempt), "open-only")
    page = review(ada, blank_practice(ada))
    assert shows_key(page, "open-only") and shows_key(page, "shared")
    assert "right or wrong only" not in page and "Its quiz does not show" not in page


def test_after_close_answers_show_in_practice_once_the_quiz_closes(bank_app, runner, tmp_path):
    ada = new_student(bank_app, "ada")
    quiz_attempt = blank_attempt(ada, "later")
    practice = blank_practice(ada)
    page = review(ada, quiz_attempt)
    assert not shows_key(page, "later-only")
    assert "shown once the quiz closes" in page
    assert not shows_key(review(ada, practice), "later-only")
    # The teacher moves the close date into the past: the quiz and practice show the answers.
    import_bank(runner, tmp_path, closes=EARLIER)
    assert shows_key(review(ada, quiz_attempt), "later-only")
    assert shows_key(review(ada, practice), "later-only")


def test_the_rule_itself_for_quiz_and_practice_attempts(bank_app):
    ada = new_student(bank_app, "ada")
    later = blank_attempt(ada, "later")
    secret = blank_attempt(ada, "secret")
    open_key = blank_attempt(ada, "open-key")
    practice = blank_practice(ada)
    unfinished = ada.start("small")
    closes = CLOSES
    with bank_app.app_context():

        def attempt(attempt_id: int) -> Attempt:
            found = db.session.get(Attempt, attempt_id)
            assert found is not None
            return found

        before, after = closes - timedelta(seconds=1), closes + timedelta(minutes=1)
        assert not review_rules.may_show_answers(attempt(later), before)
        assert review_rules.may_show_answers(attempt(later), after)
        assert not review_rules.may_show_answers(attempt(secret), after + timedelta(days=999))
        assert review_rules.may_show_answers(attempt(open_key), before)
        assert not review_rules.may_show_answers(attempt(unfinished), after)
        # The old name asks the same rule.
        assert review_rules.may_show_answers(attempt(open_key))
        assert not review_rules.may_show_answers(attempt(secret))

        def shown(now) -> set[str]:
            visibility = review_rules.answer_visibility(attempt(practice), now)
            return {
                slot.question_version.question.key
                for slot in attempt(practice).slots
                if visibility.shows(slot.position)
            }

        assert shown(before) == {"shared", "open-only"}
        assert shown(after) == {"shared", "open-only", "later-only"}


def review_statements(actions: QuizActions, attempt_id: int) -> int:
    review(actions, attempt_id)  # once to warm caches (parsed questions, settings)
    with sql_statements(actions.app) as seen:
        review(actions, attempt_id)
    return len(seen)


@pytest.mark.parametrize(("small", "big"), [("small", "big"), ("small-secret", "big-secret")])
def test_a_review_runs_as_many_statements_for_6_questions_as_for_1(bank_app, small, big):
    one, six = new_student(bank_app, "one"), new_student(bank_app, "six")
    quiz_counts = (
        review_statements(one, blank_attempt(one, small)),
        review_statements(six, blank_attempt(six, big)),
    )
    assert quiz_counts[0] == quiz_counts[1], quiz_counts
    practice_one, practice_six = blank_practice(one), blank_practice(six)
    with bank_app.app_context():
        slots = [len(db.session.get(Attempt, a).slots) for a in (practice_one, practice_six)]
    assert slots == [1, 6]
    practice_counts = (
        review_statements(one, practice_one),
        review_statements(six, practice_six),
    )
    assert practice_counts[0] == practice_counts[1], practice_counts


def test_a_practice_attempt_has_no_lenient_rule_of_its_own(bank_app):
    # A practice attempt's rule comes from the student's quiz attempts, never from the
    # default settings of an attempt without a quiz.
    ada = new_student(bank_app, "ada")
    blank_attempt(ada, "secret")
    practice = blank_practice(ada)
    with bank_app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.id == practice))
        assert attempt is not None and attempt.quiz_id is None
        assert review_rules.answer_visibility(attempt).nothing
        assert not review_rules.may_show_answers(attempt)
