"""The teachers' report pages: who may see them, and what they show for the fixed data set of
tests/test_stats.py (the figures themselves are checked there, against hand-computed values)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from quizapp.accounts import find_user
from quizapp.extensions import db
from quizapp.models import Quiz
from tests.conftest import AuthActions
from tests.test_stats import build_fixed, import_bank, login_teacher, quiz_id, take


@pytest.fixture
def fixed_app(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> Flask:
    return build_fixed(app, runner, tmp_path)


@pytest.fixture
def teacher(app: Flask, auth: AuthActions) -> AuthActions:
    return login_teacher(app, auth)


def urls(app: Flask) -> list[str]:
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == "fixed"))
        eve = find_user("eve")
        assert quiz is not None and eve is not None
        base = f"/teach/reports/quizzes/{quiz.id}"
        return [
            base,
            f"{base}/students/{eve.id}",
            f"{base}/attempts.csv",
            f"{base}/answers.csv",
            f"/teach/reports/banks/{quiz.bank_id}/misconceptions",
        ]


def test_visitors_log_in_and_students_get_403(
    fixed_app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    pages = urls(fixed_app)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login("eve", "a long password")
    for url in pages:
        assert client.get(url).status_code == 403, url


def test_statistics_page_shows_every_section(
    fixed_app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    url = urls(fixed_app)[0]
    page = client.get(url).get_data(as_text=True)
    assert "<title>Statistics: The fixed quiz · Quizapp</title>" in page
    assert "<h1>Statistics: The fixed quiz</h1>" in page
    assert 'aria-label="breadcrumb"' in page and "A bank for statistics" in page
    # summary: mean 54.2%, median 62.5%, SD 36.8, pass rate 4 of 5, alpha 27.7%
    for figure in ("54.2%", "62.5%", "36.8 pts", "80%", "(4 of 5)", "27.7%"):
        assert figure in page, figure
    # the histogram: inline SVG named for screen readers, no script, and its table
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="report-histogram-title"' in svg
    assert (
        '<title id="report-histogram-title">Scores of 6 attempts at The fixed quiz</title>' in svg
    )
    assert '<desc id="report-histogram-desc">Attempts per score band: 0–9%: 1' in svg
    assert "<script" not in page and "cdn" not in page.lower()
    assert '<th scope="row">70–79%</th><td>2</td>' in page
    # the class table links each student to their timeline
    assert len(re.findall(rf'href="{url}/students/\d+"', page)) >= 5
    assert "Not passed" in page
    # item analysis, flags, picks per choice, misconceptions, objectives, weekly mean, exports
    assert "negative discrimination" in page
    assert page.count('<details class="report-choices">') == 3
    assert "bigger-is-heavier" in page and "confuses-dates" in page
    assert "<code>recall</code>" in page and "not enough data" in page
    assert "The class&#39;s mean score per week" in page or "The class's mean score" in page
    assert f'href="{url}/attempts.csv"' in page and f'href="{url}/answers.csv"' in page


def test_statistics_page_of_a_quiz_without_attempts(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, teacher: AuthActions, tmp_path: Path
) -> None:
    import_bank(runner, tmp_path)
    response = client.get(f"/teach/reports/quizzes/{quiz_id(app)}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No one has submitted an attempt" in page
    assert "<svg" not in page


def test_one_attempt_shows_not_enough_data(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, teacher: AuthActions, tmp_path: Path
) -> None:
    import_bank(runner, tmp_path)
    take(app, "solo", {"q1": "Jupiter", "q2": "Lead", "q3": "1969"})
    page = client.get(f"/teach/reports/quizzes/{quiz_id(app)}").get_data(as_text=True)
    assert page.count("not enough data") >= 3
    assert "75.0%" in page


def test_student_timeline(fixed_app: Flask, client: FlaskClient, teacher: AuthActions) -> None:
    response = client.get(urls(fixed_app)[1])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>eve: The fixed quiz</h1>" in page
    assert "2 attempts, oldest first" in page and "25% → 75%" in page
    assert "Attempt 1" in page and "Attempt 2" in page
    assert "Saturn" in page and "1959" in page and "Lead" in page
    assert 'href="/teach/reports/quizzes/' in page, "the breadcrumb leads back to the statistics"


def test_timeline_of_someone_without_attempts_is_404(
    fixed_app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    with fixed_app.app_context():
        teacher_user = find_user("ms-lee")
        assert teacher_user is not None
        teacher_id = teacher_user.id
    base = urls(fixed_app)[0]
    assert client.get(f"{base}/students/{teacher_id}").status_code == 404
    assert client.get(f"{base}/students/99999").status_code == 404
    assert client.get("/teach/reports/quizzes/99999").status_code == 404
    assert client.get("/teach/reports/banks/99999/misconceptions").status_code == 404


def test_bank_misconceptions_page(
    fixed_app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    page = client.get(urls(fixed_app)[4]).get_data(as_text=True)
    assert "<h1>Misconceptions: A bank for statistics</h1>" in page
    assert "from 5 students" in page
    row = page[page.index("<code>bigger-is-heavier</code>") :]
    assert "3 <small" in row[:200]
    assert "dan" in page and "(2 picks)" in page


def test_bank_page_links_to_statistics(
    fixed_app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    with fixed_app.app_context():
        quiz = db.session.get(Quiz, quiz_id(fixed_app))
        assert quiz is not None
        bank_id = quiz.bank_id
    page = client.get(f"/teach/banks/{bank_id}").get_data(as_text=True)
    assert f'href="/teach/reports/quizzes/{quiz_id(fixed_app)}">Statistics' in page
