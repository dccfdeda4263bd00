"""Practice: missed questions become Leitner cards, practised through the real pages; practice
attempts are kept apart from graded ones (grade, history, attempt limit, mastery)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, select, text

from quizapp import attempts as attempt_service
from quizapp.extensions import db
from quizapp.models import Attempt, PracticeCard, Question, Quiz, User, now_utc
from quizapp.practice import BOX_INTERVALS, TOP_BOX
from quizapp.questions import quiz_settings
from tests import test_progress
from tests.conftest import TEST_DATABASE_URL, csrf_token, sql_statements
from tests.quiz_actions import QuizActions
from tests.test_progress import outcome_fields, rows, take

# The same small bank, test client and quiz actions as the history tests.
bank_app = test_progress.bank_app
quiz = test_progress.quiz


def cards(app: Flask, username: str) -> dict[str, tuple[int, float]]:
    """The user's cards: question key -> (box, hours until due, from now)."""
    with app.app_context():
        found = db.session.execute(
            select(Question.key, PracticeCard.box, PracticeCard.due_at)
            .join(Question, Question.id == PracticeCard.question_id)
            .join(User, User.id == PracticeCard.user_id)
            .where(User.username == username)
        ).all()
        now = now_utc()
        return {key: (box, round((due - now).total_seconds() / 3600, 1)) for key, box, due in found}


def start_practice(client: FlaskClient) -> int:
    """Press "Practise what I missed"; the id of the attempt it leads to."""
    page = client.get("/practice").get_data(as_text=True)
    response = client.post("/practice", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def practise(actions: QuizActions, right: dict[str, bool]) -> int:
    """Practise what is due, answering as ``right`` says; the practice attempt's id."""
    attempt_id = start_practice(actions.client)
    response = actions.submit(attempt_id, outcome_fields(actions.app, attempt_id, right))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    return attempt_id


def make_due(app: Flask, username: str) -> None:
    """Let time pass: every card of the user is due now (test data, as a calendar would)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        for card in db.session.scalars(select(PracticeCard).where(PracticeCard.user_id == user.id)):
            card.due_at = now_utc() - timedelta(minutes=1)
        db.session.commit()


def test_wrong_answers_become_cards_due_now(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {"t1": True, "t2": False})
    assert cards(bank_app, "ada") == {"t2": (1, 0.0)}

    page = client.get("/practice").get_data(as_text=True)
    assert "<h1>Practice</h1>" in page
    assert "<strong>1</strong> question due now" in page
    assert "Practise what I missed" in page
    assert rows(page, "progress-boxes")[0] == ["Box 1", "at once", "1"]


def test_a_practice_attempt_uses_the_attempt_and_review_pages(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {"t1": True, "t2": False})
    attempt_id = start_practice(client)
    with bank_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.is_practice and attempt.quiz_id is None
        assert [slot.question_version.question.key for slot in attempt.slots] == ["t2"]

    page = client.get(f"/attempts/{attempt_id}")
    assert page.status_code == 200
    assert "<h1>Practice</h1>" in page.get_data(as_text=True)
    assert start_practice(client) == attempt_id, "pressing again resumes the same practice"
    assert "Resume your practice" in client.get("/practice").get_data(as_text=True)

    quiz.submit(attempt_id, outcome_fields(bank_app, attempt_id, {"t2": True}))
    review = client.get(f"/attempts/{attempt_id}/review")
    assert review.status_code == 200
    text = review.get_data(as_text=True)
    assert "Your result: Practice" in text and "100%" in text

    page = client.get("/practice").get_data(as_text=True)
    assert f'href="/attempts/{attempt_id}/review"' in page


def test_a_right_practice_answer_moves_the_card_to_box_2_due_in_a_day(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {"t1": True, "t2": False})
    practise(quiz, {"t2": True})
    assert cards(bank_app, "ada") == {"t2": (2, 24.0)}

    page = client.get("/practice").get_data(as_text=True)
    assert "Nothing is due now. Your next question is due on" in page
    assert rows(page, "progress-boxes")[:2] == [
        ["Box 1", "at once", "0"],
        ["Box 2", "after a day", "1"],
    ]
    response = client.post("/practice", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "Nothing is due for practice right now" in client.get("/practice").get_data(as_text=True)


def test_a_wrong_practice_answer_brings_the_card_back_to_box_1(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {"t1": True, "t2": False})
    practise(quiz, {"t2": True})
    make_due(bank_app, "ada")
    practise(quiz, {"t2": False})
    assert cards(bank_app, "ada") == {"t2": (1, 0.0)}


def test_a_right_answer_in_the_top_box_retires_the_card(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {"t1": True, "t2": False})
    for box in range(2, TOP_BOX + 1):
        make_due(bank_app, "ada")
        practise(quiz, {"t2": True})
        # Moved up a box, due after that box's interval (1, 3, 7 and 21 days).
        hours = BOX_INTERVALS[box].total_seconds() / 3600
        assert cards(bank_app, "ada")["t2"] == (box, hours)
    make_due(bank_app, "ada")
    practise(quiz, {"t2": True})
    assert cards(bank_app, "ada") == {}


def test_practice_never_counts_as_a_graded_attempt(bank_app, client, auth, quiz):
    auth.register("ada")
    graded = take(quiz, "trade", {"t1": True, "t2": False})  # 50%
    practice = practise(quiz, {"t2": True})  # 100%
    with bank_app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ada"))
        trade = db.session.scalar(select(Quiz).where(Quiz.key == "trade"))
        attempts = attempt_service.attempts_of(user, trade)
        assert [a.id for a in attempts] == [graded]
        assert attempt_service.quiz_grade(attempts, quiz_settings(trade).grading) == 50
        assert attempt_service.attempts_left(user, trade) == 2  # of 3
        trade_id = trade.id

    quiz_page = client.get(f"/quizzes/{trade_id}").get_data(as_text=True)
    assert "(2 left)" in quiz_page
    history = client.get("/history").get_data(as_text=True)
    assert len(rows(history, "progress-attempts")) == 1
    assert f"/attempts/{practice}/review" not in history
    assert [row[-1] for row in rows(history, "progress-figures-table")] == ["50%"]
    # Mastery counts graded answers only: t2 stays wrong though practice got it right.
    mastery = client.get("/mastery").get_data(as_text=True)
    assert rows(mastery, "progress-mastery") == [["geography", "0%", "1"], ["trade", "50%", "2"]]


def test_nothing_to_practise_yet(bank_app, client, auth):
    auth.register("ada")
    page = client.get("/practice").get_data(as_text=True)
    assert "Nothing to practise yet" in page
    assert "Practise what I missed" not in page
    response = client.post("/practice", data={"csrf_token": csrf_token(page)})
    assert response.headers["Location"].endswith("/practice")


def test_practice_needs_the_csrf_token(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {})
    assert client.post("/practice").status_code == 400
    with bank_app.app_context():
        assert db.session.scalar(select(Attempt).where(Attempt.is_practice.is_(True))) is None


def test_another_students_cards_and_practice_never_show(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {})
    ada_practice = start_practice(client)
    auth.logout()
    auth.register("grace")
    page = client.get("/practice").get_data(as_text=True)
    assert "Nothing to practise yet" in page
    assert [row[2] for row in rows(page, "progress-boxes")] == ["0"] * TOP_BOX
    assert client.get(f"/attempts/{ada_practice}").status_code == 404
    response = client.post("/practice", data={"csrf_token": csrf_token(page)})
    assert response.headers["Location"].endswith("/practice")
    assert cards(bank_app, "grace") == {}
    assert set(cards(bank_app, "ada")) == {"t1", "t2"}


def test_practice_needs_login(bank_app, client):
    response = client.get("/practice")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_a_practice_attempt_is_titled_in_the_readers_language(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {"t1": True, "t2": False})
    attempt_id = start_practice(client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "<h1>练习</h1>" in page and "<title>练习" in page
    quiz.submit(attempt_id, outcome_fields(bank_app, attempt_id, {"t2": True}))
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "练习" in review and "Practice" not in review
    history = client.get("/history").get_data(as_text=True)
    assert "Practice" not in history


@pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="SQLite takes its single write lock at BEGIN: two submits never interleave there",
)
def test_a_card_made_by_a_submit_running_alongside_fails_no_submit(bank_app, client, auth, quiz):
    """On PostgreSQL two submits of one student run side by side: both may find no card for a
    question they missed. Here the other one inserts its card just before the statement of this
    submit that inserts its own (from a second connection, committed; on PostgreSQL that
    statement is the submit's one, ``postgres_submit``): this submit still lands, with one
    card."""
    auth.register("ada")
    attempt_id = quiz.start("trade")
    fields = outcome_fields(bank_app, attempt_id, {"t1": True, "t2": False})
    with bank_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "ada"))
        question_id = db.session.scalar(select(Question.id).where(Question.key == "t2"))
        engine = db.engine
    other = create_engine(TEST_DATABASE_URL)
    raced: list[str] = []

    def the_other_submit_first(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "INSERT INTO practice_cards" in statement and not raced:
            raced.append(statement)
            with other.begin() as connection:
                connection.execute(
                    PracticeCard.__table__.insert().values(
                        user_id=user_id,
                        question_id=question_id,
                        box=1,
                        due_at=now_utc(),
                        updated_at=now_utc(),
                    )
                )

    event.listen(engine, "before_cursor_execute", the_other_submit_first)
    try:
        response = quiz.submit(attempt_id, fields)
    finally:
        event.remove(engine, "before_cursor_execute", the_other_submit_first)
        other.dispose()
    assert raced, "the submit inserted no card"
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    assert cards(bank_app, "ada") == {"t2": (1, 0.0)}
    with bank_app.app_context():
        assert db.session.get(Attempt, attempt_id).is_submitted


@pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="SQLite's upsert takes every answer's row (and its DELETE drops those of right ones)",
)
def test_on_postgresql_a_right_answer_with_no_card_writes_no_card_row(bank_app, auth, quiz):
    """On PostgreSQL the cards' upsert takes only the rows of cards to move
    (``practice.CARDS_TO_MOVE``): a right answer to a question with no card used to insert a
    row (its foreign keys checked) for the DELETE after it to remove. An insert takes an id
    from the cards' sequence even when its row is then deleted, or updated instead (ON
    CONFLICT): so the sequence stands still while only right answers without cards come, and
    moves for a missed question's card."""
    auth.register("ada")

    def ids_taken() -> tuple[int, bool]:
        with bank_app.app_context():
            row = db.session.execute(
                text("SELECT last_value, is_called FROM practice_cards_id_seq")
            ).one()
            return row[0], row[1]

    before = ids_taken()
    take(quiz, "trade", {"t1": True, "t2": True})
    assert cards(bank_app, "ada") == {}
    assert ids_taken() == before
    take(quiz, "trade", {"t1": True, "t2": False})
    assert cards(bank_app, "ada") == {"t2": (1, 0.0)}
    assert ids_taken() != before


@pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="SQLite's upsert takes every answer's row, so its DELETE follows every right answer",
)
def test_on_postgresql_the_cards_delete_is_sent_only_when_a_card_retires(bank_app, auth, quiz):
    """On PostgreSQL a submit's one statement (``postgres_submit``) says whether its cards'
    upsert left a row for the DELETE to remove (``cards_to_drop``): a card retired from the top
    box. Moving cards up the boxes, or right answers without cards, send no DELETE; the
    retiring answer does, and the card is gone."""
    auth.register("ada")

    def deletes_sent(act: Callable[[], object]) -> int:
        with sql_statements(bank_app) as seen:
            act()
        return sum(statement.startswith("DELETE FROM practice_cards") for statement in seen)

    assert deletes_sent(lambda: take(quiz, "trade", {"t1": True, "t2": False})) == 0
    for box in range(2, TOP_BOX + 1):
        make_due(bank_app, "ada")
        assert deletes_sent(lambda: practise(quiz, {"t2": True})) == 0
        assert cards(bank_app, "ada")["t2"][0] == box
    make_due(bank_app, "ada")
    assert deletes_sent(lambda: practise(quiz, {"t2": True})) == 1
    assert cards(bank_app, "ada") == {}
