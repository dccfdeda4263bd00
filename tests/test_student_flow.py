"""The student's whole path through the real app: register, take the demo quiz, review, history."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptSlot
from quizapp.questions import question_from_version


class FormAudit(HTMLParser):
    """Collects fieldsets, legends, inputs and labels of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.fieldsets = 0
        self.legends = 0
        self.inputs: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "fieldset":
            self.fieldsets += 1
        elif tag == "legend":
            self.legends += 1
        elif tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"] or "")
        elif tag in ("input", "select", "textarea"):
            self.inputs.append(attributes)


def test_register_logs_in_and_lists_quizzes(demo_app, client, auth):
    response = auth.register("ada")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, ada" in page
    assert "A tour of the question types" in page


def test_attempt_page_is_accessible_and_gives_nothing_away(demo_app, client, auth, quiz):
    auth.register()
    attempt_id = quiz.start()
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    audit = FormAudit()
    audit.feed(page)
    assert audit.fieldsets == audit.legends == 8
    # The page without its CSRF tokens, whose random letters may spell a secret ("…F56j0").
    page = re.sub(r'name="csrf_token"( type="hidden")? value="[^"]*"', "", page)
    assert "csrf_token" in page and not re.search(r'name="csrf_token"[^>]*value=', page)
    for field in audit.inputs:
        if field.get("type") in ("hidden", "submit") or field.get("name") in ("save", "submit"):
            continue
        assert field.get("id") in audit.label_for, f"unlabelled input {field}"
    with demo_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        for slot in attempt.slots:
            question = question_from_version(slot.question_version)
            if question.explanation:
                assert question.explanation not in page
            assert "correct" not in page.lower().replace("submit", "")
    for secret in ("Pacific", "56", "Jupiter is more than twice", "planet Mars"):
        assert secret not in page


def test_saved_answers_survive_a_reload(demo_app, client, auth, quiz):
    auth.register()
    attempt_id = quiz.start()
    right = quiz.right_answers(attempt_id)
    short = {name: value for name, value in right.items() if name.endswith("-answer")}
    response = quiz.save(attempt_id, short)
    assert response.status_code == 302
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Your answers are saved" in page
    assert 'value="Mars"' in page
    assert quiz.start() == attempt_id, "starting again resumes the unfinished attempt"


def test_submit_scores_and_shows_review_and_history(demo_app, client, auth, quiz):
    auth.register()
    attempt_id = quiz.start()
    response = quiz.submit(attempt_id, quiz.right_answers(attempt_id))
    assert response.status_code == 302
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "100%" in review
    assert "Jupiter&#39;s diameter" in review or "Jupiter's diameter" in review
    history = client.get("/history").get_data(as_text=True)
    assert "A tour of the question types" in history
    assert f"/attempts/{attempt_id}/review" in history


def test_wrong_and_partial_answers_are_marked(demo_app, client, auth, quiz):
    auth.register()
    attempt_id = quiz.start()
    right = quiz.right_answers(attempt_id)
    answers = {n: v for n, v in right.items() if n.endswith("-answer")}
    quiz.submit(attempt_id, answers)
    with demo_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        states = {
            question_from_version(s.question_version).type: s.answer.state for s in attempt.slots
        }
        assert states["short"] == "right"
        assert states["single"] == "wrong"
        assert 0 < attempt.score_percent < 100
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Wrong" in review and "Right" in review


def test_second_submit_changes_nothing(demo_app, client, auth, quiz):
    auth.register()
    attempt_id = quiz.start()
    quiz.submit(attempt_id, {})
    with demo_app.app_context():
        before = db.session.get(Attempt, attempt_id).marks
    response = quiz.submit(attempt_id, quiz.right_answers(attempt_id))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already submitted" in page
    with demo_app.app_context():
        assert db.session.get(Attempt, attempt_id).marks == before == 0


def test_another_students_attempt_is_not_found(demo_app, client, auth, quiz):
    auth.register("ada")
    attempt_id = quiz.start()
    auth.logout()
    auth.register("grace")
    quiz.token = None  # grace's own session and token
    assert client.get(f"/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/attempts/{attempt_id}/review").status_code == 404
    response = quiz.submit(attempt_id, {})
    assert response.status_code == 404
    with demo_app.app_context():
        assert db.session.get(Attempt, attempt_id).submitted_at is None


def test_post_without_csrf_token_is_refused(demo_app, client, auth, quiz):
    auth.register()
    attempt_id = quiz.start()
    response = client.post(f"/attempts/{attempt_id}", data={"submit": "1"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.get(Attempt, attempt_id).submitted_at is None


def test_forged_choice_is_a_400_and_saves_nothing(demo_app, client, auth, quiz):
    auth.register()
    attempt_id = quiz.start()
    with demo_app.app_context():
        slot = db.session.scalar(
            select(AttemptSlot).where(AttemptSlot.attempt_id == attempt_id).limit(1)
        )
        position = slot.position
    response = quiz.submit(attempt_id, {f"q{position}-choice": ["forged-id"], **{}})
    assert response.status_code == 400
    assert f"Question {position}" in response.get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.get(Attempt, attempt_id).submitted_at is None
        assert db.session.scalar(select(Answer).limit(1)) is None


def test_pages_need_login(demo_app, client):
    response = client.get("/history")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_errors_are_json_for_clients_that_ask(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "Page not found"


def test_an_unexpected_error_is_a_friendly_500_page(app, client):
    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)


def test_review_of_the_article_bank_says_where_to_read(app, runner, client, auth):
    from tests.quiz_actions import QuizActions

    bank = Path(__file__).resolve().parents[1] / "questions" / "china-belarus-2015"
    assert runner.invoke(args=["quiz", "import", str(bank)]).exit_code == 0
    auth.register()
    actions = QuizActions(app, client)
    attempt_id = actions.start("overview")
    actions.submit(attempt_id, {})
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert review.count("Where to read:</strong> paragraph ") == 10
