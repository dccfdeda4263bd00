from __future__ import annotations

import random
from typing import Any

import pytest

from quizapp.qtypes import InvalidResponse
from quizapp.qtypes.true_false import TrueFalse

from .helpers import answer, refused, view

DATA: dict[str, Any] = {
    "id": "visit",
    "type": "true_false",
    "text": "Xi came as vice president in 2015.",
    "answer": False,
    "feedback_true": "That was 2010.",
    "feedback_false": "Right: he was president by then.",
}


@pytest.fixture
def question() -> TrueFalse:
    return TrueFalse.model_validate(DATA)


def test_minimal() -> None:
    question = TrueFalse.model_validate({**DATA, "feedback_true": "", "feedback_false": ""})
    assert question.grade({"answer": False}).feedback == []


@pytest.mark.parametrize("value", ["false", "no", 0, None])
def test_answer_must_be_true_or_false(value: Any) -> None:
    assert "answer" in refused(TrueFalse, {**DATA, "answer": value})


def test_grading(question: TrueFalse) -> None:
    right = answer(question, answer="false")
    assert right == {"answer": False}
    assert question.grade(right).fraction == 1.0
    assert question.grade(right).feedback == ["Right: he was president by then."]
    wrong = answer(question, answer="true")
    assert question.grade(wrong).fraction == 0.0
    assert question.grade(wrong).feedback == ["That was 2010."]
    assert question.summarize(wrong) == "True"
    assert question.correct_answer() == "False"
    assert question.picked_options(wrong) == ["true"]


def test_empty(question: TrueFalse) -> None:
    assert answer(question) == {}
    assert answer(question, answer="") == {}
    assert question.grade({}).fraction == 0.0
    assert question.grade({}).feedback == ["Not answered."]
    assert question.summarize({}) == ""
    assert question.picked_options({}) == []


@pytest.mark.parametrize("forged", ["True", "1", "yes", ["true", "false"]])
def test_forged(question: TrueFalse, forged: str | list[str]) -> None:
    with pytest.raises(InvalidResponse):
        answer(question, answer=forged)


def test_view_hides_the_answer(question: TrueFalse) -> None:
    shown = view(question)
    assert "president by then" not in str(shown)
    assert "2010" not in str(shown)
    assert [option["key"] for option in shown["options"]] == ["true", "false"]
    assert question.new_layout(random.Random(1)) == {}
