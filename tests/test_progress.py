"""My history: attempts with their figures, the quiz filter, the score chart and its table, and
mastery by tag, on a small bank of single-choice questions taken through the real pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.history import MAX_CHART_POINTS, mastery_by_tag, score_history
from quizapp.models import Attempt, Quiz, User
from quizapp.questions import question_from_version
from tests.quiz_actions import QuizActions

BANK = """\
bank: progress-test
title: A bank for progress tests
quizzes:
  - id: trade
    title: Trade quiz
    questions: {tags: [trade]}
    attempts: 3
    pass_mark: 50%
  - id: geo
    title: Geography quiz
    questions: {tags: [geography]}
questions:
  - id: t1
    type: single
    text: Which park was the template for the industrial park?
    choices:
      - {text: Suzhou, correct: true}
      - Tianjin
    tags: [trade]
  - id: t2
    type: single
    text: Which railway links the two countries' trade routes?
    choices:
      - {text: The New Silk Road, correct: true}
      - The Trans-Siberian only
    tags: [trade, geography]
  - id: g1
    type: single
    text: Which capital is Minsk?
    choices:
      - {text: Belarus, correct: true}
      - Lithuania
    tags: [geography]
  - id: g2
    type: single
    text: Which country lies between them?
    choices:
      - {text: Kazakhstan, correct: true}
      - Portugal
    tags: [geography]
"""


@pytest.fixture
def bank_app(app: Flask, runner, tmp_path: Path) -> Flask:  # type: ignore[no-untyped-def]
    """The app with the small test bank imported through the CLI."""
    path = tmp_path / "progress.yaml"
    path.write_text(BANK, encoding="utf-8")
    result = runner.invoke(args=["quiz", "import", str(path)])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def quiz(bank_app: Flask, client: FlaskClient) -> QuizActions:
    return QuizActions(bank_app, client)


def outcome_fields(app: Flask, attempt_id: int, right: Mapping[str, bool]) -> dict[str, list[str]]:
    """Form fields answering each question of the attempt right or wrong (unlisted: wrong)."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        fields: dict[str, list[str]] = {}
        for slot in attempt.slots:
            question = question_from_version(slot.question_version)
            wanted = right.get(question.id, False)
            choice = next(c for c in question.choices if c.correct == wanted)
            fields[f"q{slot.position}-choice"] = [question.option_key(choice.text)]
        return fields


def take(quiz: QuizActions, key: str, right: Mapping[str, bool]) -> int:
    """Start and submit an attempt at quiz ``key``, answering as ``right`` says."""
    attempt_id = quiz.start(key)
    response = quiz.submit(attempt_id, outcome_fields(quiz.app, attempt_id, right))
    assert response.status_code == 302, response.get_data(as_text=True)
    return attempt_id


def set_times(app: Flask, attempt_id: int, started: datetime, seconds: int) -> None:
    """Move a submitted attempt in time (test data: the app only ever writes 'now')."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        attempt.started_at = started
        attempt.submitted_at = started + timedelta(seconds=seconds)
        db.session.commit()


def svg_text(page: str) -> str:
    """The text the chart's SVG shows (its axis labels)."""
    svg = re.search(r"<svg .*?</svg>", page, re.DOTALL)
    assert svg
    return " ".join(re.findall(r">([^<>]+)<", svg.group(0)))


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.username == username))
        assert found is not None
        return found


def quiz_id(app: Flask, key: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Quiz.id).where(Quiz.key == key))
        assert found is not None
        return found


def add_daily_attempts(
    app: Flask,
    user: int,
    quiz: int,
    days: int,
    *,
    marks: Callable[[int], float],
    max_marks: float,
    minutes: int = 0,
) -> None:
    """One submitted attempt a day from Monday 1 January 2024, stored directly (the history
    reads attempts only; these have no answers)."""
    start = datetime(2024, 1, 1)
    with app.app_context():
        for day in range(days):
            when = start + timedelta(days=day)
            db.session.add(
                Attempt(
                    user_id=user,
                    quiz_id=quiz,
                    seed=day,
                    started_at=when,
                    submitted_at=when + timedelta(minutes=minutes),
                    marks=marks(day),
                    max_marks=max_marks,
                )
            )
        db.session.commit()


def rows(page: str, table_class: str) -> list[list[str]]:
    """The text of each body row's cells in the table of that class."""
    table = re.search(
        rf'<table class="(?:[^"]* )?{table_class}(?: [^"]*)?">(.*?)</table>', page, re.DOTALL
    )
    assert table, f"no table .{table_class}"
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.DOTALL)
    assert body
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.DOTALL)
    ]


# -- the attempts table -------------------------------------------------------------------------


def test_history_lists_each_attempt_with_date_duration_score_and_result(
    bank_app, client, auth, quiz
):
    auth.register("ada")
    passed = take(quiz, "trade", {"t1": True, "t2": True})
    failed = take(quiz, "trade", {})
    geo = take(quiz, "geo", {"g1": True})
    set_times(bank_app, passed, datetime(2025, 3, 1, 9, 0), 125)
    set_times(bank_app, failed, datetime(2025, 3, 2, 10, 30), 40)
    set_times(bank_app, geo, datetime(2025, 3, 3, 8, 15), 3725)

    page = client.get("/history").get_data(as_text=True)

    assert rows(page, "progress-attempts") == [
        [
            "Geography quiz",
            "03 Mar 2025, 08:15",
            "1 h 2 min",
            "33%",
            "–",
            f"Review attempt {geo}",
        ],
        [
            "Trade quiz",
            "02 Mar 2025, 10:30",
            "40 s",
            "0%",
            "Not passed",
            f"Review attempt {failed}",
        ],
        [
            "Trade quiz",
            "01 Mar 2025, 09:00",
            "2 min 5 s",
            "100%",
            "Passed",
            f"Review attempt {passed}",
        ],
    ]
    assert f'href="/attempts/{passed}/review"' in page


def test_unfinished_attempt_shows_in_progress_with_a_continue_link(bank_app, client, auth, quiz):
    auth.register("ada")
    attempt_id = quiz.start("trade")
    page = client.get("/history").get_data(as_text=True)
    assert rows(page, "progress-attempts") == [
        ["Trade quiz", rows(page, "progress-attempts")[0][1], "–", "in progress", "–", "Continue"]
    ]
    assert f'href="/attempts/{attempt_id}"' in page


def test_filter_by_quiz_shows_only_that_quizs_attempts(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {"t1": True})
    take(quiz, "geo", {"g1": True})
    geo_id = quiz_id(bank_app, "geo")

    page = client.get("/history").get_data(as_text=True)
    assert '<label for="progress-quiz">' in page
    assert '<select id="progress-quiz" name="quiz">' in page
    assert [row[0] for row in rows(page, "progress-attempts")] == ["Geography quiz", "Trade quiz"]

    page = client.get(f"/history?quiz={geo_id}").get_data(as_text=True)
    assert [row[0] for row in rows(page, "progress-attempts")] == ["Geography quiz"]
    assert f'<option value="{geo_id}" selected>' in page

    page = client.get("/history?quiz=").get_data(as_text=True)
    assert len(rows(page, "progress-attempts")) == 2


@pytest.mark.parametrize("value", ["abc", "99999", "-1", "1.5"])
def test_a_filter_that_is_not_one_of_the_students_quizzes_is_a_clear_400(
    bank_app, client, auth, quiz, value
):
    auth.register("ada")
    take(quiz, "trade", {})
    response = client.get(f"/history?quiz={value}")
    assert response.status_code == 400
    assert f"There is no quiz &#39;{value}&#39; among your attempts" in response.get_data(
        as_text=True
    )


def test_a_quiz_the_student_never_attempted_is_not_a_filter(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {})
    assert client.get(f"/history?quiz={quiz_id(bank_app, 'geo')}").status_code == 400


def test_pages_of_fifty_keep_the_filter_in_their_links(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "geo", {})
    trade = quiz_id(bank_app, "trade")
    ada = user_id(bank_app, "ada")
    add_daily_attempts(bank_app, ada, trade, 55, minutes=5, marks=lambda day: 1, max_marks=2)

    first = client.get(f"/history?quiz={trade}").get_data(as_text=True)
    assert len(rows(first, "progress-attempts")) == 50
    assert "Page 1 of 2" in first
    assert f'href="/history?quiz={trade}&amp;page=2"' in first

    second = client.get(f"/history?quiz={trade}&page=2").get_data(as_text=True)
    assert [row[1] for row in rows(second, "progress-attempts")] == [
        f"0{day} Jan 2024, 00:00" for day in range(5, 0, -1)
    ]
    assert f'href="/history?quiz={trade}&amp;page=1"' in second

    beyond = client.get("/history?page=40")
    assert beyond.status_code == 200
    assert "No attempts on this page" in beyond.get_data(as_text=True)


# -- the chart and its table --------------------------------------------------------------------


def test_chart_is_inline_svg_with_the_same_figures_in_a_table(bank_app, client, auth, quiz):
    auth.register("ada")
    first = take(quiz, "trade", {"t1": True})  # 50%
    second = take(quiz, "trade", {"t1": True, "t2": True})  # 100%
    third = take(quiz, "trade", {})  # 0%
    geo = take(quiz, "geo", {"t2": True, "g1": True, "g2": True})  # 100%
    set_times(bank_app, first, datetime(2025, 5, 1, 9), 60)
    set_times(bank_app, second, datetime(2025, 5, 1, 17), 60)
    set_times(bank_app, third, datetime(2025, 5, 4, 9), 60)
    set_times(bank_app, geo, datetime(2025, 5, 2, 9), 60)

    page = client.get("/history").get_data(as_text=True)

    svg = re.search(r"<svg [^>]*>", page)
    assert svg, "no inline SVG chart"
    assert 'role="img"' in svg.group(0)
    assert 'aria-label="Score over time, by quiz"' in svg.group(0)
    assert "<script" not in page, "the chart must not need JavaScript"
    assert "Trade quiz" in page and "Geography quiz" in page
    # Each attempt, as the chart draws it: the two attempts of 1 May are not one 75%.
    figures = rows(page, "progress-figures-table")
    assert figures == [
        ["Geography quiz", "02 May 2025, 09:00", "100%"],
        ["Trade quiz", "01 May 2025, 09:00", "50%"],
        ["Trade quiz", "01 May 2025, 17:00", "100%"],
        ["Trade quiz", "04 May 2025, 09:00", "0%"],
    ]
    assert "01 May 09:00" in svg_text(page) and "01 May 17:00" in svg_text(page)

    filtered = client.get(f"/history?quiz={quiz_id(bank_app, 'geo')}").get_data(as_text=True)
    assert 'aria-label="Score over time, Geography quiz"' in filtered
    assert [row[0] for row in rows(filtered, "progress-figures-table")] == ["Geography quiz"]


def test_many_days_are_merged_into_weeks_to_keep_the_chart_readable(bank_app, client, auth, quiz):
    auth.register("ada")
    trade = quiz_id(bank_app, "trade")
    ada = user_id(bank_app, "ada")
    add_daily_attempts(
        bank_app, ada, trade, MAX_CHART_POINTS + 10, marks=lambda day: day % 2, max_marks=1
    )
    with bank_app.app_context():
        history = score_history(ada)
    assert history.period == "week"
    points = history.series[0].points
    assert len(points) == 10
    first = points[0]
    assert (first.start.isoformat(), first.attempts, first.best) == ("2024-01-01", 7, 100.0)
    assert first.average == pytest.approx(300 / 7)
    assert client.get("/history").status_code == 200


def test_no_submitted_attempt_means_no_chart_yet(bank_app, client, auth, quiz):
    auth.register("ada")
    quiz.start("trade")
    page = client.get("/history").get_data(as_text=True)
    assert "<svg" not in page
    assert "Your scores appear here once you submit an attempt" in page


def test_history_without_attempts_points_to_the_quizzes(bank_app, client, auth):
    auth.register("ada")
    page = client.get("/history").get_data(as_text=True)
    assert "You have not attempted a quiz yet" in page


# -- mastery by tag -----------------------------------------------------------------------------


def test_mastery_by_tag_uses_the_latest_graded_answer_to_each_question(
    bank_app, client, auth, quiz
):
    auth.register("ada")
    take(quiz, "trade", {"t1": True, "t2": False})
    take(quiz, "geo", {"t2": True, "g1": False, "g2": True})
    take(quiz, "trade", {"t1": False, "t2": True})
    # Latest answers: t1 wrong, t2 right, g1 wrong, g2 right.
    # trade = (t1 0 + t2 1) / 2 = 50%; geography = (t2 1 + g1 0 + g2 1) / 3 = 67%.
    # (Averaging every answer instead would give trade 3/5 = 60%.)
    ada = user_id(bank_app, "ada")
    with bank_app.app_context():
        mastery = [(m.tag, round(m.percent, 2), m.questions) for m in mastery_by_tag(ada)]
    assert mastery == [("geography", 66.67, 3), ("trade", 50.0, 2)]

    page = client.get("/mastery").get_data(as_text=True)
    assert "<h1>Mastery by tag</h1>" in page
    assert rows(page, "progress-mastery") == [["geography", "67%", "3"], ["trade", "50%", "2"]]
    assert 'value="67"' in page


# -- privacy ------------------------------------------------------------------------------------


def test_another_students_attempts_and_mastery_never_show(bank_app, client, auth, quiz):
    auth.register("ada")
    take(quiz, "trade", {"t1": True, "t2": True})
    auth.logout()
    auth.register("grace")
    take(quiz, "geo", {})

    page = client.get("/history").get_data(as_text=True)
    assert [row[0] for row in rows(page, "progress-attempts")] == ["Geography quiz"]
    mastery = client.get("/mastery").get_data(as_text=True)
    assert rows(mastery, "progress-mastery") == [["geography", "0%", "3"], ["trade", "0%", "1"]]
    assert "Trade quiz" not in page
    assert client.get(f"/history?quiz={quiz_id(bank_app, 'trade')}").status_code == 400

    auth.logout()
    auth.login("ada")
    page = client.get("/history").get_data(as_text=True)
    assert [row[0] for row in rows(page, "progress-attempts")] == ["Trade quiz"]
    mastery = client.get("/mastery").get_data(as_text=True)
    assert rows(mastery, "progress-mastery") == [
        ["geography", "100%", "1"],
        ["trade", "100%", "2"],
    ]
    assert client.get(f"/history?quiz={quiz_id(bank_app, 'geo')}").status_code == 400


def test_mastery_before_any_quiz_points_to_the_quizzes(bank_app, client, auth):
    auth.register("ada")
    page = client.get("/mastery").get_data(as_text=True)
    assert "appears once you submit a quiz" in page
    assert "progress-mastery" not in page


@pytest.mark.parametrize("path", ["/history", "/mastery"])
def test_progress_pages_need_login(bank_app, client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
