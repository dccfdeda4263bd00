"""Security headers on every route, pages without inline code, ids and query values out of
range, and what gunicorn says about itself."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from http.client import HTTPConnection
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from quizapp.accounts import create_user
from quizapp.classes import service as class_service
from quizapp.extensions import db
from quizapp.models import Bank, Quiz, User
from quizapp.password_links import issue_link
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions

# Route walkers: a response's headers and the status of an id or page number out of
# range are the app's, whatever database it reads (the PostgreSQL run skips them).
pytestmark = pytest.mark.any_database

INLINE_CODE = {
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)", re.IGNORECASE),
    "an event-handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@dataclass
class Site:
    """The demo bank with a student who has a submitted and an unfinished attempt, a teacher,
    a logged-out visitor, and a sample value for every kind of id in the routes."""

    app: Flask
    clients: dict[str, FlaskClient]
    ids: dict[str, int]


@pytest.fixture
def site(demo_app: Flask) -> Site:
    student = demo_app.test_client()
    AuthActions(student).register("sam")
    actions = QuizActions(demo_app, student)
    submitted = actions.start()
    actions.submit(submitted, actions.right_answers(submitted))
    unfinished = actions.start()
    teacher = demo_app.test_client()
    with demo_app.app_context():
        lee = create_user("ms-lee", "teacher password", is_teacher=True)
        tour = db.session.scalar(select(Quiz).where(Quiz.key == "tour"))
        assert tour is not None
        classroom = class_service.create_class(lee, "Year 9")
        assignment = class_service.assign(classroom, tour, lee)
        ids = {
            "quiz_id": tour.id,
            "bank_id": db.session.scalar(select(Bank.id)),
            "user_id": db.session.scalar(select(User.id).where(User.username == "sam")),
            "attempt_id": submitted,
            "position": 1,
            "class_id": classroom.id,
            "assignment_id": assignment.id,
            "action": "open",  # type: ignore[dict-item]  (route arguments that are not ids)
            "question_id": "draft-none",  # type: ignore[dict-item]
            "token_id": 1,  # an API token (none is made: revoking an unknown one is a refusal)
        }
        # A live password link for sam (its page is checked; GETs do not use it up).
        ids["token"] = issue_link(ids["user_id"], None).rsplit("/", 1)[1]  # type: ignore[assignment]
        db.session.remove()
    AuthActions(teacher).login("ms-lee", "teacher password")
    site = Site(demo_app, {"visitor": demo_app.test_client(), "student": student}, ids)
    site.clients["teacher"] = teacher
    site.ids["unfinished_attempt_id"] = unfinished
    return site


def routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def sample_urls(site: Site, rule: Rule) -> list[str]:
    """The rule with sample values; the attempt page both finished and unfinished."""
    if rule.endpoint == "static":
        return ["/static/quizapp.css", "/static/charts.css", "/static/attempt.js"]
    values = [{name: site.ids[name] for name in rule.arguments}]
    if "attempt_id" in rule.arguments:
        values.append({**values[0], "attempt_id": site.ids["unfinished_attempt_id"]})
    with site.app.test_request_context():
        adapter = site.app.url_map.bind("localhost")
        return [adapter.build(rule.endpoint, value) for value in values]


def assert_security_headers(response: TestResponse, where: str, static: bool) -> None:
    from quizapp.security_headers import CONTENT_SECURITY_POLICY

    headers = response.headers
    assert headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, where
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    for directive in ("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in CONTENT_SECURITY_POLICY
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert "Strict-Transport-Security" not in headers, f"{where}: HSTS over plain HTTP"
    if not static:
        assert headers.get("Cache-Control") == "no-store", where


def assert_no_inline_code(response: TestResponse, where: str) -> None:
    if response.mimetype != "text/html":
        return
    html = response.get_data(as_text=True)
    for what, pattern in INLINE_CODE.items():
        match = pattern.search(html)
        assert match is None, f"{where} has {what}: {html[match.start() : match.start() + 80]}"


def test_every_route_sends_the_security_headers_and_no_inline_code(site: Site):
    """Every rule of the URL map, every method, as a visitor, a student and a teacher: GETs
    with real ids (no 5xx, no inline style or script), POSTs without a form (a 400 page)."""
    shown: set[tuple[str, str]] = set()
    for rule, method in routes(site.app):
        for url in sample_urls(site, rule):
            for who, client in site.clients.items():
                response = client.open(url, method=method)
                where = f"{who} {method} {url} ({response.status_code})"
                assert response.status_code < 500, where
                assert_security_headers(response, where, static=rule.endpoint == "static")
                if method == "GET":
                    assert_no_inline_code(response, where)
                    if response.status_code == 200:
                        shown.add((who, url))
                response.close()  # static files are streamed from an open file
    quiz, attempt = site.ids["quiz_id"], site.ids["unfinished_attempt_id"]
    assert {
        ("student", "/history"),
        ("student", f"/attempts/{attempt}"),
        ("student", f"/attempts/{site.ids['attempt_id']}/review"),
        ("teacher", f"/teach/reports/quizzes/{quiz}"),
        ("teacher", f"/teach/quizzes/{quiz}/preview"),
        ("visitor", "/auth/login"),
        ("visitor", f"/auth/password/{site.ids['token']}"),
    } <= shown


def test_logged_in_pages_are_not_stored_and_https_gets_hsts(site: Site):
    student = site.clients["student"]
    history = student.get("/history")
    assert history.status_code == 200
    assert history.headers["Cache-Control"] == "no-store"
    assert 'id="chart-score-history"' in history.get_data(as_text=True)

    secure = student.get("/history", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with student.get("/static/quizapp.css") as static:
        assert static.headers.get("Cache-Control") != "no-store"


def test_the_chart_stylesheet_is_what_pygal_generates():
    """``static/charts.css`` replaces the ``<style>`` pygal puts in each SVG; regenerate it with
    ``python -m quizapp.chart_stylesheet`` when a chart's style or pygal changes."""
    from quizapp import chart_stylesheet

    assert chart_stylesheet.PATH.read_text(encoding="utf-8") == chart_stylesheet.stylesheet()


def test_many_series_reuse_the_chart_palette(app: Flask):
    """Every series of a chart gets a colour class that ``charts.css`` styles."""
    from datetime import date

    from quizapp import chart_stylesheet
    from quizapp.history import ScorePoint, ScoreSeries
    from quizapp.progress import charts

    styled = set(re.findall(r"\.color-(\d+)\b", chart_stylesheet.PATH.read_text()))
    series = []
    for n in range(30):
        point = ScorePoint(start=date(2025, 1, 1 + n % 28), attempts=1, average=50.0, best=50.0)
        series.append(ScoreSeries(quiz_id=n, title=f"Quiz {n}", points=(point,)))
    history = charts.ScoreHistory(period="day", series=tuple(series))
    svg = str(charts.score_chart(history, "Score over time"))
    used = set(re.findall(r"\bcolor-(\d+)\b", svg))
    assert len(used) == len(charts.STYLE.colors)
    assert used <= styled
    assert "<style" not in svg
    assert " style=" not in svg


OUT_OF_RANGE = ["999999999999999999999999999999", str(2**31), str(2**63), "0", "-1"]


def test_ids_out_of_range_in_any_route_are_404(site: Site):
    """A 30-digit id overflowed SQLite's integers (a 500); 2**31 overflows PostgreSQL's."""
    checked = 0
    for rule, method in routes(site.app):
        if rule.endpoint == "static" or not rule.arguments:
            continue
        for value in OUT_OF_RANGE:
            path = re.sub(r"<[^>]+>", value, rule.rule)
            for who in ("student", "teacher"):
                response = site.clients[who].open(path, method=method)
                assert response.status_code == 404, f"{who} {method} {path}"
                checked += 1
    assert checked > 50


def test_page_numbers_out_of_range_are_400(site: Site):
    """Each value in turn on one site (building the site costs more than the requests)."""
    for value in [
        "9223372036854775807",
        "99999999999999999999999999",
        "-1",
        "0",
        "two",
        "9" * 5000,
    ]:
        response = site.clients["student"].get(f"/history?page={value}")
        assert response.status_code == 400, value[:30]
        page = unescape(response.get_data(as_text=True))
        assert "'page' must be a whole number from 1 to" in page, value[:30]


def test_page_numbers_in_range_still_work(site: Site):
    student = site.clients["student"]
    assert student.get("/history?page=1").status_code == 200
    assert student.get("/history?page=2147483647").status_code == 200  # past the end: empty
    assert student.get("/history?page=").status_code == 200


def test_preview_seeds_out_of_range_are_400(site: Site):
    """Each value in turn on one site (building the site costs more than the requests)."""
    preview = f"/teach/quizzes/{site.ids['quiz_id']}/preview?seed="
    message = "'seed' must be a whole number from 0 to 2147483647"
    for value in ["-1", str(2**31), "9" * 40, "seed"]:
        response = site.clients["teacher"].get(preview + value)
        assert response.status_code == 400, value
        assert message in unescape(response.get_data(as_text=True)), value
        assert site.clients["teacher"].get(preview + "5").status_code == 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_gunicorn_names_no_werkzeug_or_python_version(app: Flask, database_url: str, tmp_path):
    """The deployment server, started as the README says, on a temporary database."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.fail("gunicorn is missing: install the dev extras (make install-dev)")
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": database_url,
        "QUIZAPP_SECRET_KEY": "tests-only-secret",
    }
    server = subprocess.Popen(
        [str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}", "quizapp:create_app()"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/auth/login")
                response = connection.getresponse()
                response.read()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.1)
            finally:
                connection.close()
        assert response.status == 200
        assert response.getheader("Server") == "gunicorn"
        assert response.getheader("X-Frame-Options") == "DENY"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()  # type: ignore[union-attr]
