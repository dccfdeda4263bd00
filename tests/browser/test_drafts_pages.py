"""From a text to a bank, in a real browser: a teacher attaches the article to the bank, drafts
questions from it, edits one draft and accepts it through the import diff; a student who takes
a quiz with it follows "Where to read" to the cited paragraph, the quote marked. Screenshots at
phone and laptop widths in tests/artifacts; axe finds no violations."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Question
from tests.browser import page_checks
from tests.conftest import REPO

ARTICLE = REPO.parent / "shared" / "article" / "china-belarus-2015.txt"
BANK_DIR = REPO / "questions" / "china-belarus-2015"
QUIZ = """\
bank: drafted
title: Drafted from the article
quizzes:
  - id: drafted
    title: The drafted quiz
questions:
  - id: seed
    type: true_false
    text: The article was published on CCTV.com.
    answer: true
    source: {paragraph: 3, quote: "CCTV.com"}
"""


def _with_text(yaml_text: str, new_text: str) -> str:
    """The question's YAML with its ``text`` (which may run over several lines) replaced."""
    kept: list[str] = []
    lines = iter(yaml_text.split("\n"))
    for line in lines:
        if line.startswith("text:"):
            kept.append(f"text: '{new_text}'")
            for line in lines:  # the text's continuation lines are skipped
                if not line.startswith(" "):
                    kept.append(line)
                    break
        else:
            kept.append(line)
    return "\n".join(kept)


def _axe_clean(page: Page) -> None:
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()


def _log_in(page: Page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url("/auth/login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article is beside the repo")
def test_text_to_draft_to_review(app, runner, live_server, page: Page, artifacts: Path, tmp_path):
    bank_file = tmp_path / "drafted.yaml"
    bank_file.write_text(QUIZ, encoding="utf-8")
    assert runner.invoke(args=["quiz", "import", str(bank_file)]).exit_code == 0
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
        bank_id = db.session.scalar(select(Question.bank_id))

    _log_in(page, live_server, "ms-lee", "teacher password")
    page.goto(live_server.url(f"/teach/banks/{bank_id}"))
    page.get_by_role("link", name="Source text").click()
    page.get_by_label("Title of the text").fill("Further developing China-Belarus relations")
    page.get_by_label("or upload it (.txt, .md or .html)").set_input_files(ARTICLE)
    page.get_by_role("button", name="Attach the text").click()
    expect(page.get_by_text("paragraphs", exact=False).first).to_be_visible()
    expect(page.locator("#p10")).to_contain_text("US$5.5 billion")
    page_checks.screenshot(page, artifacts / "source-text-laptop.png", full_page=False)
    _axe_clean(page)

    page.get_by_role("button", name="Drafts from this text").click()
    page.get_by_role("button", name="Draft questions from the text").click()
    expect(page.get_by_role("heading", name="What importing would change")).to_be_visible()
    page.get_by_role("button", name="Import these changes").click()
    expect(page.get_by_text("Imported ", exact=False).first).to_be_visible()
    page.goto(live_server.url(f"/teach/texts/{bank_id}/drafts"))
    drafts = page.locator("article.draft")
    assert drafts.count() > 30
    page.set_viewport_size({"width": 1280, "height": 900})
    page_checks.screenshot(page, artifacts / "drafts-laptop.png")
    _axe_clean(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page_checks.screenshot(page, artifacts / "drafts-phone.png")
    _axe_clean(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # edit the "more than 2,000 students" draft into the teacher's own words, then accept it
    draft = drafts.filter(has_text="more than").filter(has_text="Chinese study").first
    key = draft.locator("h3 code").inner_text()
    editor = draft.get_by_label("The question in YAML")
    yaml_text = _with_text(
        editor.input_value(),
        "How many Chinese students were studying at Belarusian universities? The article says"
        ' "more than" this many.',
    )
    assert yaml_text.startswith(f"id: {key}")
    editor.fill(yaml_text)
    draft.get_by_role("button", name=f"Check my changes to {key}").click()
    expect(page.get_by_text(f"{key}: a new version")).to_be_visible()
    page.get_by_role("button", name="Import these changes").click()
    expect(page.get_by_text("Imported ", exact=False).first).to_be_visible()
    page.goto(live_server.url(f"/teach/texts/{bank_id}/drafts"))
    edited = page.locator("article.draft").filter(has_text="How many Chinese students")
    edited.get_by_role("button", name=f"Accept {key}").click()
    page.get_by_role("button", name="Import these changes").click()
    expect(page.get_by_text("Imported ", exact=False).first).to_be_visible()
    page.goto(live_server.url(f"/teach/texts/{bank_id}/drafts"))
    expect(
        page.locator("article.draft").filter(has_text="How many Chinese students")
    ).to_have_count(0)

    # a student: the quiz now holds the seed and the accepted question, and no draft
    page.get_by_role("button", name="Log out ms-lee").click()
    with app.app_context():
        create_user("student-1", "correct horse 1")
    _log_in(page, live_server, "student-1", "correct horse 1")
    page.get_by_role("link", name="The drafted quiz").first.click()
    page.get_by_role("button", name="Start the quiz").click()
    questions = page.locator("article.question, .question")
    expect(page.get_by_text("How many Chinese students")).to_be_visible()
    assert "Which figure does the text give here" not in page.content()
    assert questions.count() >= 2
    page.get_by_label("True").check()
    page.locator("input[type=text], input[inputmode=decimal]").last.fill("2000")
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit all and finish").click()
    page.get_by_role("link", name="paragraph 11").click()
    expect(page.locator("li.cited mark")).to_contain_text("More than 2,000")
    page_checks.screenshot(page, artifacts / "cited-paragraph-laptop.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.url)  # the fragment (#p11) again, at the phone's width
    page_checks.screenshot(page, artifacts / "cited-paragraph-phone.png")
    _axe_clean(page)
