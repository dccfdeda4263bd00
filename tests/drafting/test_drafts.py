"""Drafts from a text: on the article, they validate, cite what they draft from, cover the
article's figures, dates and named bodies, and are the same every time; a draft is never served."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quizapp.bank.loader import load_bank_bytes
from quizapp.bank.sources import check_sources, find_figures
from quizapp.drafting import draft_text, drafts_yaml
from quizapp.drafting.facts import facts
from quizapp.extensions import db
from quizapp.models import AttemptSlot, Question, QuestionVersion
from tests.conftest import REPO, AuthActions
from tests.quiz_actions import QuizActions

ARTICLE = REPO.parent / "shared" / "article" / "china-belarus-2015.txt"
pytestmark = pytest.mark.skipif(not ARTICLE.exists(), reason="the article is beside the repo")

#: Every figure the article states in its prose, as (value, how it is written), and every date.
ARTICLE_FIGURES = [
    (23, "23 years"),
    (14, "14 years"),
    (70, "70th anniversary"),
    (5, "five subcommittees"),
    (4, "nearly US$4billion"),
    (100, "100 times"),
    (40, "US$40 million"),
    (5, "fifth-largest"),
    (400, "more than US$400 million"),
    (5.5, "nearly US$5.5 billion"),
    (23, "23 projects"),
    (3, "three Confucius Institutes"),
    (2000, "more than 2,000 Chinese"),
    (6, "six states"),
]
ARTICLE_YEARS = [2010, 2013, 2014, 2015, 2018]
ARTICLE_BODIES = [
    "China-Belarus Intergovernmental Cooperation Committee",
    "China-Belarus Industrial Park",
    "Suzhou Industrial Park",
    "Golden Bee Festival",
    "Confucius Institutes",
    "Silk Road Economic Belt",
    "Eurasian Economic Union",
    "European Union",
    "Alexander Lukashenko",
    "Xi Jinping",
    "Beijing",
    "Han Lu",
]


def _text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


def _keys(draft: dict) -> list[str]:
    """What a draft takes as right, as text (numbers, correct choices, accepted answers, items)."""
    if draft["type"] == "numeric":
        return [str(draft["answer"])]
    if draft["type"] in {"single", "multiple"}:
        return [choice["text"] for choice in draft["choices"] if choice.get("correct")]
    if draft["type"] == "short":
        return list(draft["accept"])
    if draft["type"] == "ordering":
        return list(draft["items"])
    return []


def _bank_of(drafts: list[dict], extra: str = "") -> str:
    return (
        yaml.safe_dump({"bank": "drafts", "title": "Drafts", "questions": drafts}, sort_keys=False)
        + extra
    )


def test_every_draft_validates_is_marked_and_passes_check_sources() -> None:
    drafts = draft_text(_text())
    assert len(drafts) >= 30
    assert all(draft["draft"] is True for draft in drafts)
    bank = load_bank_bytes(_bank_of(drafts).encode(), "drafts.yaml", 1_000_000)
    assert len(bank.questions) == len(drafts)
    assert check_sources(bank, _text()) == []
    assert {draft["type"] for draft in drafts} >= {"numeric", "single", "multiple", "short"}
    assert any(draft["type"] == "ordering" for draft in drafts), "the dated events in order"


@pytest.mark.parametrize(("value", "written"), ARTICLE_FIGURES, ids=[w for _, w in ARTICLE_FIGURES])
def test_each_figure_of_the_article_is_the_key_of_a_draft(value: float, written: str) -> None:
    wanted = Decimal(str(value))
    for draft in draft_text(_text()):
        for key in _keys(draft):
            if any(figure.value == wanted for figure in find_figures(key)):
                return
    pytest.fail(f"no draft has {written} as its key")


def test_each_year_and_named_body_is_the_key_of_a_draft() -> None:
    drafts = draft_text(_text())
    keys = [key for draft in drafts for key in _keys(draft)]
    years = {draft["answer"] for draft in drafts if draft["type"] == "numeric"}
    assert set(ARTICLE_YEARS) <= years
    missing = [name for name in ARTICLE_BODIES if name not in keys]
    assert missing == []


def test_hedges_and_units_stay_in_the_stem() -> None:
    drafts = {draft["id"]: draft for draft in draft_text(_text())}
    money = [d for d in drafts.values() if "5.5" in " ".join(_keys(d))]
    assert money and "nearly" in money[0]["text"]
    students = [d for d in drafts.values() if _keys(d) == ["2000"]]
    assert students and "more than" in students[0]["text"].casefold()
    projects = [
        d for d in drafts.values() if d["type"] == "numeric" and d.get("unit") == "projects"
    ]
    assert projects and projects[0]["answer"] == 23


def test_distractors_come_from_the_text_and_never_repeat_the_key() -> None:
    text = _text()
    for draft in draft_text(text):
        if draft["type"] not in {"single", "multiple"}:
            continue
        texts = [choice["text"].casefold() for choice in draft["choices"]]
        assert len(texts) == len(set(texts)), draft["id"]
        wrong = [choice["text"] for choice in draft["choices"] if not choice.get("correct")]
        assert len(wrong) >= 2, draft["id"]
        for choice in wrong:
            assert choice.casefold().replace("us$", "").split()[0].rstrip(",") in (
                text.casefold().replace(",", "")
            ), (draft["id"], choice)


def test_the_right_choice_is_not_always_first() -> None:
    positions = [
        next(i for i, choice in enumerate(draft["choices"]) if choice.get("correct"))
        for draft in draft_text(_text())
        if draft["type"] == "single"
    ]
    assert len(set(positions)) > 1


def test_the_same_text_gives_the_same_drafts_and_ids_avoid_the_bank() -> None:
    first = draft_text(_text())
    assert draft_text(_text()) == first
    taken = {draft["id"] for draft in first[:5]}
    again = draft_text(_text(), taken_ids=taken)
    assert not taken & {draft["id"] for draft in again}


def test_facts_skip_headings_and_bylines_but_find_the_author() -> None:
    found = facts(_text())
    assert {fact.sentence.paragraph for fact in found} <= set(range(6, 18))
    drafts = draft_text(_text())
    assert any(
        draft["id"].startswith("draft-author") and draft["accept"] == ["Han Lu"] for draft in drafts
    )


def test_quiz_draft_command(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    runner.invoke(args=["quiz", "import", str(REPO / "questions" / "china-belarus-2015")])
    out = tmp_path / "drafts.yaml"
    result = runner.invoke(
        args=["quiz", "draft", str(ARTICLE), "--bank", "china-belarus-2015", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = out.read_text(encoding="utf-8")
    assert document.startswith("# Drafts from china-belarus-2015.txt")
    drafts = yaml.safe_load(document)["questions"]
    assert drafts == draft_text(_text(), taken_ids=set())  # no id of the bank is draft-*
    printed = runner.invoke(args=["quiz", "draft", str(ARTICLE), "--bank", "1"])
    assert printed.exit_code == 0 and printed.output == document

    unknown = runner.invoke(args=["quiz", "draft", str(ARTICLE), "--bank", "nope"])
    assert unknown.exit_code != 0 and "No bank 'nope'" in unknown.output
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00 not text")
    refused = runner.invoke(args=["quiz", "draft", str(binary), "--bank", "1"])
    assert refused.exit_code != 0 and "not UTF-8" in refused.output


def test_a_draft_is_never_served(
    app: Flask, client, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    drafts = draft_text(_text())[:6]
    accepted = copy.deepcopy(drafts[0])
    accepted.pop("draft")
    accepted["id"] = "accepted"
    quiz = "quizzes:\n  - id: drafted\n    title: Drafted\n"
    bank = tmp_path / "drafts.yaml"
    bank.write_text(_bank_of([accepted, *drafts], quiz), encoding="utf-8")
    result = runner.invoke(args=["quiz", "import", str(bank)])
    assert result.exit_code == 0, result.output

    AuthActions(client).register("student")
    actions = QuizActions(app, client)
    for _ in range(3):
        attempt_id = actions.start("drafted")
        page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        assert page.count('class="question') >= 1
        assert _question_keys(app, attempt_id) == ["accepted"]
        actions.submit(attempt_id, {})


def _question_keys(app: Flask, attempt_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Question.key)
                .join(QuestionVersion, QuestionVersion.question_id == Question.id)
                .join(AttemptSlot, AttemptSlot.question_version_id == QuestionVersion.id)
                .where(AttemptSlot.attempt_id == attempt_id)
            )
        )


def test_drafts_yaml_round_trips_without_aliases() -> None:
    drafts = draft_text(_text())[:3]
    drafts[1]["tags"] = drafts[0]["tags"]  # one object twice: a plain dump would alias it
    document = drafts_yaml(drafts, "article.txt")
    assert "&id" not in document and "*id" not in document
    assert yaml.safe_load(document)["questions"] == drafts
