"""Misconceptions on every type where a wrong answer has a shape: the wrong side of a
true/false, a named wrong number, a matching distractor, a cloze choice. Attempts go through
the attempts service (real grading and picks); the reports count them like choices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quizapp import attempts as attempt_service
from quizapp import stats
from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Quiz
from quizapp.qtypes.cloze import Cloze
from quizapp.qtypes.matching import Matching
from quizapp.qtypes.numeric import NumericAnswer
from quizapp.qtypes.true_false import TrueFalse
from quizapp.questions import question_from_version

BANK = """\
bank: shapes
title: Wrong answers with a shape
quizzes:
  - {id: shapes, title: Shapes, shuffle_choices: false}
questions:
  - id: tf
    type: true_false
    text: Trade in 2014 came to about US$4 million.
    answer: false
    misconception: unit-slip
  - id: num
    type: numeric
    text: Trade in 2014, in billion US$?
    answer: 4
    unit: billion US$
    wrong_answers:
      - {answer: 4000, misconception: unit-slip, feedback: "That is millions, not billions."}
      - {range: [40, 41], misconception: start-for-now}
  - id: match
    type: matching
    text: Match each figure to what it measured.
    pairs:
      - {prompt: US$4 billion, answer: trade in 2014}
      - {prompt: US$40 million, answer: trade in 1992}
    distractors: [investment in 2014]
    misconceptions: {investment in 2014: start-for-now}
  - id: cloze
    type: cloze
    text: Trade reached nearly US$4 [[scale]] in 2014.
    blanks:
      scale:
        type: choice
        choices: [billion, million]
        answer: billion
        misconceptions: {million: unit-slip}
"""


def response(question: Any, kind: str) -> dict[str, Any]:
    """A right or a tagged wrong response of each question."""
    if isinstance(question, TrueFalse):
        return {"answer": kind == "wrong"}
    if isinstance(question, NumericAnswer):
        return {"answer": {"right": "4", "wrong": "4,000", "other": "40th"}[kind]}
    if isinstance(question, Matching):
        answer = "trade in 2014" if kind == "right" else "investment in 2014"
        return {
            "matches": {
                question.option_key("US$4 billion"): question.option_key(answer),
                question.option_key("US$40 million"): question.option_key("trade in 1992"),
            }
        }
    assert isinstance(question, Cloze)
    return {"blanks": {"scale": question.option_key("billion" if kind == "right" else "million")}}


def take(app: Flask, username: str, kinds: dict[str, str]) -> list[float]:
    with app.app_context():
        user = create_user(username, "a long password")
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == "shapes"))
        assert quiz is not None
        attempt = attempt_service.start_attempt(user, quiz)
        responses = {}
        for slot in attempt.slots:
            question = question_from_version(slot.question_version)
            responses[slot.position] = response(question, kinds.get(question.id, "right"))
        attempt_service.submit_attempt(attempt, responses, attempt.sequence)
        fractions = [slot.answer.fraction for slot in attempt.slots]
        db.session.remove()
        return fractions


@pytest.fixture
def shapes_app(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> Flask:
    path = tmp_path / "shapes.yaml"
    path.write_text(BANK, encoding="utf-8")
    result = runner.invoke(args=["quiz", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert take(app, "ann", {}) == [1.0, 1.0, 1.0, 1.0]
    wrong = {"tf": "wrong", "num": "wrong", "match": "wrong", "cloze": "wrong"}
    assert take(app, "ben", wrong) == [0.0, 0.0, 0.5, 0.0]
    take(app, "cat", {"num": "other"})
    return app


def test_every_shape_is_counted_as_a_misconception(shapes_app: Flask) -> None:
    with shapes_app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == "shapes"))
        assert quiz is not None
        found = {m.name: m for m in stats.bank_misconceptions(quiz.bank_id)}
        in_quiz = {m.name: m for m in stats.quiz_misconceptions(quiz.id)}
    slip = found["unit-slip"]
    # ben: true for the false statement, 4,000 (millions) and 'million' in the blank
    assert [(h.username, h.picks) for h in slip.holders] == [("ben", 3)]
    assert slip.questions == ("cloze", "num", "tf")
    start = found["start-for-now"]
    # ben's distractor, and cat's "40th", the wrong range of num
    assert sorted((h.username, h.picks) for h in start.holders) == [("ben", 1), ("cat", 1)]
    assert start.questions == ("match", "num")
    assert {name: m.picks for name, m in in_quiz.items()} == {"unit-slip": 3, "start-for-now": 2}


def test_item_analysis_lists_the_shaped_options(shapes_app: Flask) -> None:
    with shapes_app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == "shapes"))
        assert quiz is not None
        items = {item.question_key: item for item in stats.item_analysis(quiz.id)}
    num = {o.text: (o.picks, o.misconception) for o in items["num"].options}
    assert num == {"4000": (1, "unit-slip"), "between 40 and 41": (1, "start-for-now")}
    match = {o.text: (o.picks, o.misconception) for o in items["match"].options}
    assert match == {"investment in 2014": (1, "start-for-now")}
    tf = {o.text: (o.picks, o.misconception) for o in items["tf"].options}
    assert tf == {"True": (1, "unit-slip"), "False": (2, None)}


def test_a_named_wrong_number_gets_its_feedback() -> None:
    question = NumericAnswer.model_validate(
        {
            "id": "n",
            "type": "numeric",
            "text": "Trade?",
            "answer": 4,
            "wrong_answers": [{"answer": 4000, "feedback": "Millions, not billions."}],
        }
    )
    assert question.grade({"answer": "4000"}).feedback == ["Millions, not billions."]
    assert question.grade({"answer": "4,000"}).feedback == [
        "Read as 4000.",
        "Millions, not billions.",
    ]
    assert question.grade({"answer": "4"}).feedback == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "type": "matching",
                "pairs": [{"prompt": "a", "answer": "b"}, {"prompt": "c", "answer": "d"}],
                "distractors": ["e"],
                "misconceptions": {"b": "x"},
            },
            "'misconceptions' names 'b', which is not a distractor",
        ),
        (
            {
                "type": "cloze",
                "text": "[[a]]",
                "blanks": {
                    "a": {
                        "type": "choice",
                        "choices": ["x", "y"],
                        "answer": "x",
                        "misconceptions": {"x": "m"},
                    }
                },
            },
            "'misconceptions' names 'x', which is not a wrong choice",
        ),
    ],
)
def test_a_misconception_must_sit_on_a_wrong_option(data: dict[str, Any], message: str) -> None:
    from pydantic import ValidationError

    cls = Matching if data["type"] == "matching" else Cloze
    with pytest.raises(ValidationError, match=message):
        cls.model_validate({"id": "q", "text": "Q?", **data})
