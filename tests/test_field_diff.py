"""The diff before an import shows what changed in each question, field by field."""

from __future__ import annotations

import pytest

from quizapp.accounts import create_user
from quizapp.catalog.field_diff import Run, as_text, field_changes, text_runs
from tests.conftest import DEMO_BANK
from tests.test_teacher import upload

DEMO_TEXT = (DEMO_BANK / "demo.yaml").read_text()


def test_text_runs_mark_removed_and_added_words():
    assert text_runs("Which planet is the largest?", "Which planet is the smallest?") == (
        Run("equal", "Which planet is the "),
        Run("delete", "largest?"),
        Run("insert", "smallest?"),
    )
    assert text_runs("same", "same") == (Run("equal", "same"),)


def test_only_changed_fields_are_listed_with_a_moved_key_line_by_line():
    old = {
        "id": "q",
        "type": "single",
        "text": "Which is largest?",
        "points": 1,
        "choices": [{"text": "Jupiter", "correct": True}, {"text": "Saturn", "correct": False}],
        "tags": ["a"],
    }
    new = {**old, "choices": [{"text": "Jupiter"}, {"text": "Saturn", "correct": True}]}
    [change] = field_changes(old, new)
    assert change.label == "Choices"
    assert change.old == "Jupiter · correct\nSaturn" and change.new == "Jupiter\nSaturn · correct"
    assert Run("delete", " · correct") in change.runs
    assert Run("insert", " · correct") in change.runs
    assert as_text(2.5) == "2.5" and as_text(None) == ""
    assert [c.field for c in field_changes(old, {**old, "points": 2, "explanation": "x"})] == [
        "points",
        "explanation",
    ]


@pytest.fixture
def teacher_client(demo_app, client, auth):
    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    auth.login("ms-lee", "teacher password")
    return client


def test_the_import_page_shows_each_changed_field_with_ins_and_del(teacher_client):
    edited = DEMO_TEXT.replace(
        "text: Which planet is the largest in the solar system?",
        "text: Which planet is the biggest in the solar system?",
    ).replace("explanation: Jupiter's diameter is about", "explanation: Jupiter's width is about")
    assert edited.count("biggest") == 1 and "width is about" in edited
    response = upload(teacher_client, edited)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    change = page.split("<code>largest-planet</code>", 1)[1].split("</li>", 1)[0]
    assert "<dt>Wording</dt>" in change and "<dt>Explanation</dt>" in change
    assert (
        '<del><span class="visually-hidden">[removed: </span>largest<span class="visually-hidden">]'
        "</span></del>" in change
    )
    assert '<ins><span class="visually-hidden">[added: </span>biggest' in change
    assert "Which planet is the " in change
    assert "<dt>Choices</dt>" not in change, "unchanged fields are not listed"


def test_the_wording_is_escaped_in_the_diff(teacher_client):
    edited = DEMO_TEXT.replace(
        "text: Which planet is the largest in the solar system?",
        "text: Which planet is the <b>largest</b> in the solar system?",
    )
    page = upload(teacher_client, edited).get_data(as_text=True)
    assert "&lt;b&gt;" in page and "<b>largest" not in page
