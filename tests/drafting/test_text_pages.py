"""A bank's source text and drafts through the teacher's pages, and the student's links to it."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Attempt, Bank, Question, SourceText
from tests.conftest import REPO, AuthActions, csrf_token
from tests.quiz_actions import QuizActions

ARTICLE = REPO.parent / "shared" / "article" / "china-belarus-2015.txt"
BANK_DIR = REPO / "questions" / "china-belarus-2015"
pytestmark = pytest.mark.skipif(not ARTICLE.exists(), reason="the article is beside the repo")


@pytest.fixture
def teacher(app: Flask, client: FlaskClient, runner: FlaskCliRunner) -> FlaskClient:
    result = runner.invoke(args=["quiz", "import", str(BANK_DIR)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    AuthActions(client).login("ms-lee", "teacher password")
    return client


def bank_id(app: Flask, slug: str = "china-belarus-2015") -> int:
    with app.app_context():
        return db.session.scalar(select(Bank.id).where(Bank.slug == slug))


def attach(client: FlaskClient, bank: int, **fields: object) -> object:
    page = client.get(f"/teach/texts/{bank}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "title": "The article", **fields}
    return client.post(f"/teach/texts/{bank}", data=data, content_type="multipart/form-data")


def confirm(client: FlaskClient, page: str) -> object:
    """Post the confirm form of a "what importing would change" page, as the browser would."""
    form = re.search(r'<form method="post" action="([^"]*confirm[^"]*)">(.*?)</form>', page, re.S)
    assert form, "the diff page has a form to confirm"
    fields = dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', form.group(2)))
    fields = {name: html.unescape(value) for name, value in fields.items()}
    return client.post(form.group(1), data=fields)


def test_attach_by_upload_numbers_paragraphs_as_check_sources(app, teacher) -> None:
    bank = bank_id(app)
    response = attach(teacher, bank, text_file=(io.BytesIO(ARTICLE.read_bytes()), "article.txt"))
    assert response.status_code == 303
    page = teacher.get(f"/teach/texts/{bank}").get_data(as_text=True)
    assert ('id="p10"' in page and 'id="p18"' not in page) or 'id="p17"' in page
    assert "Every live question&#39;s citation holds" in page or "citation holds" in page
    with app.app_context():
        stored = db.session.scalar(select(SourceText))
        assert stored.body.count("\n\n") + 1 == len(
            [p for p in ARTICLE.read_text().split("\n\n") if p.strip()]
        )


def test_citation_problems_show_with_the_cli_messages(app, teacher) -> None:
    bank = bank_id(app)
    text = ARTICLE.read_text().replace("nearly US$5.5 billion", "nearly US$6 billion")
    attach(teacher, bank, pasted=text)
    page = html.unescape(teacher.get(f"/teach/texts/{bank}").get_data(as_text=True))
    assert "problem" in page and "5.5" in page and "is not in paragraph 10" in page


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("article.pdf", b"%PDF-1.4", "upload a .txt, .md or .html file"),
        ("article.txt", b"\xff\xfe\xfa bad", "not UTF-8"),
        ("article.txt", b"   \n\n  ", "empty"),
    ],
)
def test_bad_texts_are_refused_with_a_reason(app, teacher, filename, data, message) -> None:
    bank = bank_id(app)
    response = attach(teacher, bank, text_file=(io.BytesIO(data), filename))
    assert response.status_code == 422
    assert message.casefold() in html.unescape(response.get_data(as_text=True)).casefold()
    with app.app_context():
        assert db.session.scalar(select(func.count(SourceText.id))) == 0


def test_an_html_page_is_reduced_to_its_paragraphs(app, teacher) -> None:
    bank = bank_id(app)
    page = (
        "<html><head><title>T</title><style>p{}</style><script>alert(1)</script></head><body>"
        "<h1>Heading</h1><p>First <b>paragraph</b>.</p><div>Second<br>line</div></body></html>"
    )
    attach(teacher, bank, text_file=(io.BytesIO(page.encode()), "page.html"))
    with app.app_context():
        body = db.session.scalar(select(SourceText.body))
    assert "alert" not in body and "<" not in body
    assert body.split("\n\n") == ["Heading", "First paragraph.", "Second", "line"]


def test_drafts_generate_confirm_and_are_never_served(app, teacher) -> None:
    bank = bank_id(app)
    attach(teacher, bank, pasted=ARTICLE.read_text())
    drafts_page = teacher.get(f"/teach/texts/{bank}/drafts").get_data(as_text=True)
    assert "This bank has no drafts" in drafts_page
    diff = teacher.post(
        f"/teach/texts/{bank}/drafts/generate", data={"csrf_token": csrf_token(drafts_page)}
    )
    page = diff.get_data(as_text=True)
    assert diff.status_code == 200 and "What importing would change" in page
    assert re.search(r"<strong>\d\d+</strong> questions added", page)
    assert "<strong>0</strong> changed" in page and "<strong>0</strong> removed" in page
    assert confirm(teacher, page).status_code == 303
    with app.app_context():
        drafts = db.session.scalar(
            select(func.count(Question.id)).where(Question.key.like("draft-%"))
        )
    assert drafts > 30
    listed = teacher.get(f"/teach/texts/{bank}/drafts").get_data(as_text=True)
    assert listed.count('class="draft"') == drafts
    # quiz lint runs over the bank with its drafts, and the page shows a draft's warnings by it
    assert "item-writing warning" in listed and "(<code>quiz lint</code>)" in listed

    # a student taking every quiz of the bank never meets a draft
    student = app.test_client()
    AuthActions(student).register("student-1")
    actions = QuizActions(app, student)
    attempt_id = actions.start("exam")
    page = student.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "draft-" not in page and "Which figure does the text give here" not in page


def _first_draft(client: FlaskClient, bank: int) -> tuple[str, str]:
    page = client.get(f"/teach/texts/{bank}/drafts").get_data(as_text=True)
    key = re.search(r"/drafts/(draft-[^/]+)/accept", page).group(1)
    return key, page


@pytest.fixture
def drafted(app, teacher) -> int:
    bank = bank_id(app)
    attach(teacher, bank, pasted=ARTICLE.read_text())
    page = teacher.get(f"/teach/texts/{bank}/drafts").get_data(as_text=True)
    diff = teacher.post(
        f"/teach/texts/{bank}/drafts/generate", data={"csrf_token": csrf_token(page)}
    )
    confirm(teacher, diff.get_data(as_text=True))
    return bank


def test_accept_removes_the_mark_after_the_diff(app, teacher, drafted) -> None:
    key, page = _first_draft(teacher, drafted)
    diff = teacher.post(
        f"/teach/texts/{drafted}/drafts/{key}/accept", data={"csrf_token": csrf_token(page)}
    )
    text = diff.get_data(as_text=True)
    assert "<strong>1</strong> changed" in text and key in text
    confirm(teacher, text)
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == key))
        current = next(v for v in question.versions if v.version == question.current_version)
        assert "draft" not in current.data or not current.data["draft"]
    assert key not in teacher.get(f"/teach/texts/{drafted}/drafts").get_data(as_text=True)


def test_edit_checks_the_typed_yaml_and_keeps_the_draft_mark(app, teacher, drafted) -> None:
    key, page = _first_draft(teacher, drafted)
    token = csrf_token(page)
    broken = teacher.post(
        f"/teach/texts/{drafted}/drafts/{key}/edit",
        data={"csrf_token": token, "yaml_text": f"id: {key}\ntype: short\ntext: [unclosed\n"},
    )
    assert broken.status_code == 422
    assert re.search(r"\.yaml:\d+:\d+", html.unescape(broken.get_data(as_text=True)))

    edited = teacher.post(
        f"/teach/texts/{drafted}/drafts/{key}/edit",
        data={
            "csrf_token": token,
            "yaml_text": f"id: {key}\ntype: short\ntext: Who wrote the article?\n"
            "accept: [Han Lu]\nsource: {paragraph: 5, quote: By Han Lu}\n",
        },
    )
    text = edited.get_data(as_text=True)
    assert edited.status_code == 200 and "<strong>1</strong> changed" in text
    confirm(teacher, text)
    listed = teacher.get(f"/teach/texts/{drafted}/drafts").get_data(as_text=True)
    assert "Who wrote the article?" in listed, "still a draft, with the new wording"


def test_an_empty_edit_comes_back_on_the_drafts_page_by_its_box(app, teacher, drafted) -> None:
    """The GOV.UK pattern (tests/test_form_errors.py): the drafts page again, with the summary
    linking to the refused draft's box, the message by it; the stored draft unchanged."""
    from tests.test_form_errors import assert_refused

    key, page = _first_draft(teacher, drafted)
    with app.app_context():
        before = db.session.scalar(select(func.count(Question.id)))
    refused = teacher.post(
        f"/teach/texts/{drafted}/drafts/{key}/edit",
        data={"csrf_token": csrf_token(page), "yaml_text": ""},
    )
    text = assert_refused(refused, "yaml_text", "The question is empty; discard the draft instead.")
    assert text.count('id="yaml_text"') == 1, "only the refused draft's box has the field's id"
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == before


def test_discard_retires_and_unknown_or_accepted_keys_are_404(app, teacher, drafted) -> None:
    key, page = _first_draft(teacher, drafted)
    token = csrf_token(page)
    diff = teacher.post(f"/teach/texts/{drafted}/drafts/{key}/discard", data={"csrf_token": token})
    assert "<strong>1</strong> removed" in diff.get_data(as_text=True)
    confirm(teacher, diff.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(Question.retired).where(Question.key == key))
    for wrong in (key, "amounts-ordering", "x" * 81):
        response = teacher.post(
            f"/teach/texts/{drafted}/drafts/{wrong}/accept", data={"csrf_token": token}
        )
        assert response.status_code == 404, wrong
    missing = teacher.post(f"/teach/texts/{drafted}/drafts/generate", data={})
    assert missing.status_code == 400


def test_download_is_the_bank_that_imports_unchanged(app, teacher, runner, tmp_path) -> None:
    bank = bank_id(app)
    response = teacher.get(f"/teach/texts/{bank}/bank.yaml")
    assert response.status_code == 200
    path = tmp_path / "china-belarus-2015.yaml"
    path.write_bytes(response.data)
    result = runner.invoke(args=["quiz", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"china-belarus-2015: unchanged \(\d+ questions\)\n", result.output)


def _submitted_attempt(app: Flask, show: str) -> tuple[FlaskClient, int]:
    student = app.test_client()
    AuthActions(student).register(f"student-{show}")
    actions = QuizActions(app, student)
    attempt_id = actions.start(show)
    actions.submit(attempt_id, actions.right_answers(attempt_id))
    return student, attempt_id


def test_review_links_to_the_cited_paragraph_only_where_answers_show(app, teacher) -> None:
    bank = bank_id(app)
    attach(teacher, bank, pasted=ARTICLE.read_text())
    student, attempt_id = _submitted_attempt(app, "overview")
    review = student.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    link = re.search(rf'href="(/attempts/{attempt_id}/source/(\d+)#p(\d+))"', review)
    assert link, "Where to read links to the paragraph"
    passage = student.get(link.group(1).split("#")[0])
    text = passage.get_data(as_text=True)
    assert passage.status_code == 200
    assert f'id="p{link.group(3)}" value="{link.group(3)}" class="cited"' in text
    assert "<mark>" in text

    # someone else's attempt, a position it does not have, an unsubmitted attempt: 404
    other = app.test_client()
    AuthActions(other).register("someone-else")
    assert other.get(link.group(1).split("#")[0]).status_code == 404
    assert student.get(f"/attempts/{attempt_id}/source/999").status_code == 404
    open_id = QuizActions(app, student).start("overview")
    assert student.get(f"/attempts/{open_id}/source/1").status_code == 404


def test_no_passage_where_the_quiz_does_not_show_answers(app, teacher) -> None:
    bank = bank_id(app)
    attach(teacher, bank, pasted=ARTICLE.read_text())
    student, attempt_id = _submitted_attempt(app, "overview")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.quiz.settings = {**attempt.quiz.settings, "show_answers": "never"}
        db.session.commit()
    review = student.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert f"/attempts/{attempt_id}/source/" not in review
    assert student.get(f"/attempts/{attempt_id}/source/1").status_code == 404


def test_open_book_is_the_teachers_choice(app, teacher) -> None:
    bank = bank_id(app)
    attach(teacher, bank, pasted=ARTICLE.read_text())
    student = app.test_client()
    AuthActions(student).register("reader")
    assert student.get(f"/texts/{bank}").status_code == 404
    quiz_page = student.get(f"/quizzes/{QuizActions(app, student).quiz_id('overview')}")
    assert "read the text" not in quiz_page.get_data(as_text=True)
    attempt_id = QuizActions(app, student).start("overview")
    assert f'href="/texts/{bank}"' not in student.get(f"/attempts/{attempt_id}").get_data(True)

    page = teacher.get(f"/teach/texts/{bank}").get_data(as_text=True)
    teacher.post(
        f"/teach/texts/{bank}/open-book", data={"csrf_token": csrf_token(page), "open_book": "yes"}
    )
    assert student.get(f"/texts/{bank}").status_code == 200
    # The same attempt, opened again: its page reads the teacher's choice as it is now.
    assert QuizActions(app, student).start("overview") == attempt_id
    attempt_page = student.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f'href="/texts/{bank}"' in attempt_page
    bad = teacher.post(
        f"/teach/texts/{bank}/open-book", data={"csrf_token": csrf_token(page), "open_book": "?"}
    )
    assert bad.status_code == 400


def test_students_cannot_reach_the_teachers_pages(app, teacher) -> None:
    bank = bank_id(app)
    student = app.test_client()
    AuthActions(student).register("curious")
    for path in (
        f"/teach/texts/{bank}",
        f"/teach/texts/{bank}/drafts",
        f"/teach/texts/{bank}/bank.yaml",
    ):
        assert student.get(path).status_code == 403
    assert teacher.get("/teach/texts/999999").status_code == 404


def test_the_upgrade_adds_the_table_with_nothing_lost(tmp_path: Path) -> None:
    """Migration 0008_drafts on the previous release's database (attempts, grades kept)."""
    from tests.test_upgrade import (
        RELEASE_0_2,
        test_previous_release_database_upgrades_with_nothing_lost,
    )

    test_previous_release_database_upgrades_with_nothing_lost(tmp_path, RELEASE_0_2)
    import sqlite3

    with sqlite3.connect(tmp_path / "quizapp.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM source_texts").fetchone() == (0,)
