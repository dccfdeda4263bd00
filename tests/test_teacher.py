"""The teacher's workspace: banks, upload with diff before import, re-import, preview."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, Bank, Question, QuestionVersion
from tests.conftest import DEMO_BANK, csrf_token

DEMO_TEXT = (DEMO_BANK / "demo.yaml").read_text()


def upload(client, text: str, filename: str = "bank.yaml"):
    token = csrf_token(client.get("/teach/").get_data(as_text=True))
    return client.post(
        "/teach/banks/upload",
        data={"csrf_token": token, "bank_file": (io.BytesIO(text.encode()), filename)},
        content_type="multipart/form-data",
    )


def confirm(client, page: str):
    """Confirm the import the diff page offers: by the checked upload's hash, nothing else."""
    return client.post(
        "/teach/banks/upload/confirm",
        data={"csrf_token": csrf_token(page), "upload": upload_reference(page)},
    )


def upload_reference(page: str) -> str:
    import re

    reference = re.search(r'name="upload" type="hidden" value="([0-9a-f]{64})"', page)
    assert reference, "the diff page names the checked upload"
    return reference.group(1)


def test_students_get_403_and_visitors_the_login(app, client, auth):
    assert client.get("/teach/").status_code == 302
    auth.register()
    assert client.get("/teach/").status_code == 403
    response = upload(client, DEMO_TEXT)
    assert response.status_code == 403


def test_upload_shows_the_diff_then_imports_on_confirm(app, client, teacher):
    response = upload(client, DEMO_TEXT)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "8</strong> questions added" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 0, "nothing before confirming"
    response = confirm(client, page)
    assert response.status_code == 303
    listing = client.get("/teach/").get_data(as_text=True)
    assert "Demo bank" in listing
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionVersion.id))) == 8


def test_bad_upload_shows_line_and_caret_and_changes_nothing(app, client, teacher):
    bad = DEMO_TEXT.replace("explanation: Jupiter's", "explaination: Jupiter's")
    response = upload(client, bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "explaination" in page
    assert "did you mean" in page
    assert 'class="caret"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 0


def test_upload_refuses_other_files_and_oversize(app, client, teacher):
    response = upload(client, "hello", filename="notes.txt")
    assert response.status_code == 400
    assert "Upload a .yaml" in response.get_data(as_text=True)
    app.config["MAX_BANK_BYTES"] = 100
    response = upload(client, DEMO_TEXT)
    assert response.status_code == 422
    assert "100" in response.get_data(as_text=True)


def test_changed_question_diff_counts_past_attempts(app, client, teacher, student):
    student.take()
    edited = DEMO_TEXT.replace("What is 7 × 8?", "What is eight times seven?")
    page = upload(client, edited).get_data(as_text=True)
    assert "seven-times-eight" in page
    assert "1 past attempt keeps the old one" in page
    confirm(client, page)
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "seven-times-eight"))
        assert question.current_version == 2
        assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_preview_shows_the_quiz_without_an_attempt_and_answers_on_request(
    demo_app, client, teacher
):
    page = client.get("/teach/").get_data(as_text=True)
    bank_link = page.split('href="/teach/banks/', 1)[1].split('"', 1)[0]
    bank_page = client.get(f"/teach/banks/{bank_link}").get_data(as_text=True)
    assert "Preview" in bank_page
    start = bank_page.index("/teach/quizzes/")
    preview_url = bank_page[start : bank_page.index('"', start)]
    plain = client.get(preview_url).get_data(as_text=True)
    assert plain.count('class="question"') == 8
    assert "Answer:" not in plain
    with_answers = client.get(preview_url + "?answers=1&seed=5").get_data(as_text=True)
    assert "Answer:</strong> Jupiter" in with_answers
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 0


def test_reimport_from_questions_dir_shows_diff(demo_app, client, teacher):
    token = csrf_token(client.get("/teach/").get_data(as_text=True))
    page = client.post("/teach/banks/reimport", data={"csrf_token": token})
    assert page.status_code == 200
    assert "No changes" in page.get_data(as_text=True)
