"""The answer-marker scan: no page or response a student can reach shows an answer early.

The test writes a bank in which every correct answer, accepted answer, number, feedback,
explanation, citation and misconception is a unique marker string, with one quiz of each
``show_answers`` rule over the same questions. A student takes the ``never`` and the
``after_close`` quizzes (closing in a month) with wrong answers that pick the choices with
feedback, practises, and walks everything: every GET route of the app with every id it could
try (its own and another student's attempts, teachers' pages and exports), the links found on
those pages, as HTML and as JSON, the saved attempt, the reviews, practice, history, mastery,
and the error pages of bad submissions. No marker may appear. Another student takes the
``after_submit`` quiz with the same answers: its review shows the markers, so the scan can fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from itertools import product
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, Bank, Classroom, Quiz, User, now_utc
from quizapp.questions import question_from_version
from tests.conftest import AuthActions, csrf_token
from tests.quiz_actions import QuizActions

# What the pages render before the answers are due is decided by the app, whatever
# database it reads (the PostgreSQL run skips them).
pytestmark = pytest.mark.any_database

CLOSES = (now_utc() + timedelta(days=30)).strftime("%Y-%m-%d %H:%M")


class Markers:
    """Unique marker strings, remembered by what they stand for."""

    def __init__(self) -> None:
        self.all: dict[str, str] = {}

    def __call__(self, what: str) -> str:
        marker = f"zqm{len(self.all):03d}x"
        self.all[marker] = what
        return marker


def marked_bank() -> tuple[str, dict[str, str], dict[str, list[str]]]:
    """The bank's YAML, every marker (-> what it marks), and the markers an ``after_submit``
    review must show for the wrong answers of ``wrong_fields`` (per question id)."""
    m = Markers()
    due: dict[str, list[str]] = {}

    def choice(correct: bool, label: str) -> dict[str, Any]:
        return {
            "text": f"{label} option",
            "correct": correct,
            "feedback": m(f"feedback of {label}"),
            **({} if correct else {"misconception": m(f"misconception of {label}")}),
        }

    def common(qid: str) -> dict[str, Any]:
        explanation = m(f"explanation of {qid}")
        due[qid] = [explanation]
        return {
            "id": qid,
            "explanation": explanation,
            "source": {"paragraph": 1, "quote": m(f"citation of {qid}")},
        }

    questions: list[dict[str, Any]] = []
    single = {"type": "single", "text": "Pick one.", **common("single")}
    single["choices"] = [choice(True, "s-right"), choice(False, "s-wrong"), "s-plain"]
    due["single"].append(single["choices"][1]["feedback"])  # the wrong choice picked
    questions.append(single)

    multiple = {"type": "multiple", "text": "Pick some.", **common("multiple")}
    multiple["choices"] = [
        choice(True, "m-right-1"),
        choice(True, "m-right-2"),
        choice(False, "m-wrong"),
    ]
    due["multiple"].append(multiple["choices"][2]["feedback"])
    questions.append(multiple)

    true_false = {"type": "true_false", "text": "Say so.", **common("tf"), "answer": True}
    true_false["feedback_true"] = m("feedback of true")
    true_false["feedback_false"] = m("feedback of false")
    due["tf"].append(true_false["feedback_false"])
    questions.append(true_false)

    short = {"type": "short", "text": "Type it.", **common("short")}
    short["accept"] = [m("accepted answer"), m("other accepted answer")]
    due["short"] += short["accept"]
    questions.append(short)

    numeric = {"type": "numeric", "text": "Count it.", **common("numeric")}
    numeric["answer"] = 8675309.25
    due["numeric"].append("8675309.25")
    questions.append(numeric)

    ordering = {"type": "ordering", "text": "Order them.", **common("ordering")}
    ordering["items"] = ["o-first", "o-second", "o-third"]
    due["ordering"].append("1. o-first; 2. o-second; 3. o-third")
    questions.append(ordering)

    matching = {"type": "matching", "text": "Match them.", **common("matching")}
    matching["pairs"] = [
        {"prompt": "p-one", "answer": "a-one"},
        {"prompt": "p-two", "answer": "a-two"},
    ]
    matching["distractors"] = ["a-none"]
    due["matching"].append("p-one → a-one; p-two → a-two")
    questions.append(matching)

    cloze_accept = m("accepted blank")
    cloze = {
        "type": "cloze",
        "text": "Fill [[pick]], [[count]] and [[word]].",
        **common("cloze"),
        "blanks": {
            "pick": {"type": "choice", "choices": ["c-right", "c-wrong"], "answer": "c-right"},
            "count": {"type": "numeric", "answer": 7654321.5},
            "word": {"type": "short", "accept": [cloze_accept, m("other accepted blank")]},
        },
    }
    due["cloze"] += [cloze_accept, "7654321.5"]
    questions.append(cloze)

    markers = dict(m.all)
    markers["8675309.25"] = "numeric answer"
    markers["7654321.5"] = "numeric blank answer"
    for qid in ("multiple", "ordering", "matching"):
        markers[due[qid][-1]] = f"correct answer of {qid}"
    markers["[c-right]"] = "cloze choice blank answer, as the review writes it"

    quizzes = [
        {"id": "keyed", "title": "Keyed", "show_answers": "after_submit"},
        {"id": "sealed", "title": "Sealed", "show_answers": "never"},
        {"id": "later", "title": "Later", "show_answers": "after_close", "closes": CLOSES},
    ]
    text = (
        "bank: markers\ntitle: Markers\nquizzes:\n"
        + "".join(f"  - {json.dumps(quiz)}\n" for quiz in quizzes)
        + "questions:\n"
        + "".join(f"  - {json.dumps(question)}\n" for question in questions)
    )
    return text, markers, due


BANK, MARKERS, DUE = marked_bank()
LABELS = ("Correct answer:", "Why:", "Where to read:")
"""What the review writes before an answer: none of it may show before the answers are due."""


def wrong_fields(question: Any, prefix: str) -> dict[str, list[str]]:
    """Wrong answers that pick the options with feedback (test knowledge, never in pages)."""
    kind = question.type
    if kind in ("single", "multiple"):
        wrong = [
            question.option_key(c.text) for c in question.choices if c.feedback and not c.correct
        ]
        return {f"{prefix}choice": wrong[:1]}
    if kind == "true_false":
        return {f"{prefix}answer": ["false" if question.answer else "true"]}
    if kind in ("short", "numeric"):
        return {f"{prefix}answer": ["12"]}
    if kind == "ordering":
        count = len(question.items)
        return {
            f"{prefix}pos-{key}": [str(count - index)] for index, key in enumerate(question.keys())
        }
    if kind == "matching":
        none = question.option_key("a-none")
        return {f"{prefix}match-{key}": [none] for key in question.prompt_texts()}
    if kind == "cloze":
        return {
            f"{prefix}blank-pick": [question.option_key("c-wrong")],
            f"{prefix}blank-count": ["3"],
            f"{prefix}blank-word": ["nothing like it"],
        }
    raise AssertionError(f"no wrong answer known for type {kind}")


TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"|("csrf_token":\s*")[^"]*"')


class Scan:
    """Every response body the student saw, by what was asked, checked for markers."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.seen: dict[str, int] = {}

    def check(self, what: str, response: TestResponse) -> str:
        body = response.get_data(as_text=True)
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        text = TOKEN.sub(r"\1\2", body) + "\n" + headers
        leaks = [f"{marker} ({MARKERS[marker]})" for marker in MARKERS if marker in text]
        leaks += [label for label in LABELS if label in text]
        assert not leaks, f"{what} ({response.status_code}) shows {leaks}"
        self.seen[what] = response.status_code
        return body

    def get(self, url: str, json: bool = False) -> str:
        headers = {"Accept": "application/json"} if json else {}
        response = self.client.get(url, headers=headers)
        return self.check(f"GET {url}{' as JSON' if json else ''}", response)

    def post(self, url: str, data: dict[str, Any], label: str, json: bool = False) -> str:
        """POST a form; ``label`` names the case in ``seen`` (with the status it got)."""
        headers = {"Accept": "application/json"} if json else {}
        response = self.client.post(url, data=data, headers=headers)
        body = self.check(f"POST {url} {label}", response)
        if response.status_code in (301, 302, 303):
            # The page it leads to, with the flash message of what happened.
            self.get(response.headers["Location"])
        return body

    def form(self, url: str) -> dict[str, str]:
        """The hidden fields of the page's attempt form (its token, and whatever else the
        page carries for a save), or just the token on a page without one."""
        page = self.get(url)
        match = re.search(r'<form[^>]*class="attempt-form".*?</form>', page, flags=re.S)
        fields = {
            name: value
            for tag in re.findall(r"<input[^>]*>", match.group(0) if match else "")
            if 'type="hidden"' in tag
            for name, value in re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', tag)
        }
        return fields or {"csrf_token": csrf_token(page)}

    def crawl(self, start: str) -> None:
        """Follow every same-site link (GET) from ``start``, each page once."""
        queue, visited = [start], set()
        while queue:
            url = queue.pop()
            if url in visited:
                continue
            visited.add(url)
            for href in re.findall(r'href="([^"#]+)', self.get(url)):
                link = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(link)
                if parts.netloc or parts.path.startswith("/static/"):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def route_urls(app: Flask, ids: dict[str, list[int]]) -> Iterator[str]:
    """Every GET route of the app, with every id the student could try in each argument."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        for values in product(*(ids[name] for name in names)):
            with app.test_request_context():
                yield url_for(rule.endpoint, **dict(zip(names, values, strict=True)))


@pytest.fixture
def marked_app(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> Flask:
    path = tmp_path / "markers.yaml"
    path.write_text(BANK, encoding="utf-8")
    result = runner.invoke(args=["quiz", "import", str(path)])
    assert result.exit_code == 0, result.output
    return app


def student(app: Flask, username: str) -> QuizActions:
    client = app.test_client()
    AuthActions(client).register(username)
    return QuizActions(app, client)


def wrong_answers(app: Flask, attempt_id: int) -> dict[str, list[str]]:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        fields: dict[str, list[str]] = {}
        for slot in attempt.slots:
            question = question_from_version(slot.question_version)
            fields.update(wrong_fields(question, f"q{slot.position}-"))
        return fields


def test_the_markers_show_on_an_after_submit_review(marked_app):
    # The control: with the rule's permission, the same walk finds the markers, so the scan
    # below can fail.
    bea = student(marked_app, "bea")
    attempt_id = bea.start("keyed")
    bea.submit(attempt_id, wrong_answers(marked_app, attempt_id))
    page = bea.client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    missing = {qid: [m for m in due if m not in page] for qid, due in DUE.items()}
    assert not any(missing.values()), missing
    assert all(label in page for label in LABELS)
    # Practice after a quiz that shows its answers shows them too.
    practice_page = bea.client.get("/practice").get_data(as_text=True)
    response = bea.client.post("/practice", data={"csrf_token": csrf_token(practice_page)})
    practice_id = int(response.headers["Location"].rsplit("/", 1)[1])
    bea.submit(practice_id, wrong_answers(marked_app, practice_id))
    page = bea.client.get(f"/attempts/{practice_id}/review").get_data(as_text=True)
    assert all(m in page for due in DUE.values() for m in due)


def test_no_page_or_response_shows_a_marker_before_the_answers_are_due(marked_app):
    app = marked_app
    bea = student(app, "bea")  # another student, whose attempt at the keyed quiz is open
    bea_attempt = bea.start("keyed")
    bea.submit(bea_attempt, wrong_answers(app, bea_attempt))
    bea_unfinished = bea.start("keyed")

    ada = student(app, "ada")
    scan = Scan(ada.client)
    scan.crawl("/")
    token = csrf_token(scan.get("/"))
    attempts: dict[str, int] = {}
    for key in ("sealed", "later"):
        quiz_id = ada.quiz_id(key)
        scan.get(f"/quizzes/{quiz_id}")
        scan.post(f"/quizzes/{quiz_id}/start", {"csrf_token": token}, "start")
        attempt_id = attempts[key] = ada.start(key)
        fields = wrong_answers(app, attempt_id)
        url = f"/attempts/{attempt_id}"
        scan.post(url, {**scan.form(url), "save": "1", **fields}, "save")
        scan.get(url)  # the saved attempt
        # Bad submissions: a value never offered, no token, as HTML and JSON.
        forged = {name: ["not-an-option"] for name in fields}
        scan.post(url, {**scan.form(url), "save": "1", **forged}, "forged save")
        scan.post(url, {**scan.form(url), "submit": "1", **forged}, "forged submit", json=True)
        untokened = {k: v for k, v in scan.form(url).items() if k != "csrf_token"}
        scan.post(url, {**untokened, "save": "1", **fields}, "save without token")
        for case in ("forged save", "forged submit", "save without token"):
            assert scan.seen[f"POST {url} {case}"] == 400
        form = scan.form(url)
        scan.post(url, {**form, "submit": "1", **fields}, "submit")
        assert scan.seen[f"GET {url}/review"] == 200, "submitted"
        # After the submission, a page built before it: saves and submits are refused.
        scan.post(url, {**form, "submit": "1", **fields}, "submit again")
        scan.post(url, {**form, "save": "1", **fields}, "save after submit")
        scan.get(f"{url}/review", json=True)

    # Practice: the page, a practice attempt saved and submitted, and its review.
    scan.get("/practice")
    scan.post("/practice", {"csrf_token": token}, "start practice")
    with app.app_context():
        practice_id = db.session.scalar(
            select(Attempt.id).where(Attempt.is_practice.is_(True), Attempt.quiz_id.is_(None))
        )
    assert practice_id is not None
    fields = wrong_answers(app, practice_id)
    url = f"/attempts/{practice_id}"
    scan.post(url, {**scan.form(url), "save": "1", **fields}, "save")
    scan.get(url)
    forged = {name: ["forged"] for name in fields}
    scan.post(url, {**scan.form(url), "submit": "1", **forged}, "forged submit")
    assert scan.seen[f"POST {url} forged submit"] == 400
    scan.post(url, {**scan.form(url), "submit": "1", **fields}, "submit")
    assert scan.seen[f"GET {url}/review"] == 200, "submitted"
    scan.post("/practice", {"csrf_token": token}, "practise again")  # what is due again

    # Every GET route with every id, the student's own and others'; then every link again.
    with app.app_context():
        ids = {
            "quiz_id": [*db.session.scalars(select(Quiz.id)), 999],
            "attempt_id": [*db.session.scalars(select(Attempt.id)), 999],
            "bank_id": [*db.session.scalars(select(Bank.id)), 999],
            "user_id": list(db.session.scalars(select(User.id))),
            "position": [1, 2, 3, 999],
            "class_id": [*db.session.scalars(select(Classroom.id)), 999],
            "assignment_id": [*db.session.scalars(select(Assignment.id)), 999],
            "token": ["not-a-password-link"],
        }
    assert bea_attempt in ids["attempt_id"] and bea_unfinished in ids["attempt_id"]
    for route in route_urls(app, ids):
        scan.get(route)
        scan.get(route, json=True)
    for quiz_id in ids["quiz_id"]:
        scan.get(f"/teach/quizzes/{quiz_id}/preview?answers=1")
        scan.get(f"/history?quiz={quiz_id}")
    for extra in ("/history?quiz=nope", "/history?page=2", "/history?page=-1"):
        scan.get(extra)
    scan.crawl("/")

    # The walk reached what it meant to: reviews of both quizzes and of practice, practice,
    # history, mastery, the teachers' pages and exports (refused), and the error pages.
    codes = scan.seen
    for attempt_id in (*attempts.values(), practice_id):
        assert codes[f"GET /attempts/{attempt_id}/review"] == 200
    for page in ("/", "/history", "/mastery", "/practice"):
        assert codes[f"GET {page}"] == 200
    assert codes[f"GET /attempts/{bea_attempt}/review"] == 404
    assert codes[f"GET /attempts/{bea_unfinished}"] == 404
    quiz_id = ada.quiz_id("keyed")
    for url in (
        f"/teach/reports/quizzes/{quiz_id}/answers.csv",
        f"/teach/reports/quizzes/{quiz_id}/attempts.csv",
        f"/teach/quizzes/{quiz_id}/preview?answers=1",
    ):
        assert codes[f"GET {url}"] == 403
    assert 400 in codes.values() and 404 in codes.values()
    assert len(codes) > 100, len(codes)
