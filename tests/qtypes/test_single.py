from __future__ import annotations

import random
from typing import Any

import pytest

from quizapp.bank.scalars import PlainFloat, PlainInt
from quizapp.qtypes import InvalidResponse
from quizapp.qtypes.single import SingleChoice

from .helpers import answer, layout, refused, view

DATA: dict[str, Any] = {
    "id": "park",
    "type": "single",
    "text": "Which park was the template?",
    "choices": [
        {"text": "Suzhou Industrial Park", "correct": True, "feedback": "Yes: Suzhou."},
        {"text": "Tianjin Eco-City", "feedback": "Tianjin is another project."},
        "Shenzhen",
    ],
}


@pytest.fixture
def question() -> SingleChoice:
    return SingleChoice.model_validate(DATA)


def key(question: SingleChoice, text: str) -> str:
    return question.option_key(text)


def test_bare_strings_are_wrong_choices(question: SingleChoice) -> None:
    assert [c.correct for c in question.choices] == [True, False, False]
    assert question.correct_answer() == "Suzhou Industrial Park"


def test_plain_numbers_keep_their_text() -> None:
    data = {**DATA, "choices": [{"text": PlainFloat("1.10"), "correct": True}, PlainInt("2014")]}
    question = SingleChoice.model_validate(data)
    assert [c.text for c in question.choices] == ["1.10", "2014"]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (["a", "b"], "exactly one choice with 'correct: true' (found 0)"),
        ([{"text": "a", "correct": True}, {"text": "b", "correct": True}], "(found 2)"),
        ([{"text": "a", "correct": True}, " A "], "two choices have the same text"),
        ([{"text": "a", "correct": True}], "at least 2 items"),
    ],
)
def test_invalid_choices(choices: list[Any], message: str) -> None:
    assert message in refused(SingleChoice, {**DATA, "choices": choices})


def test_correct_must_be_a_real_boolean() -> None:
    data = {**DATA, "choices": [{"text": "a", "correct": "yes"}, "b"]}
    assert "correct" in refused(SingleChoice, data)


def test_view_hides_the_answer(question: SingleChoice) -> None:
    shown = view(question)
    assert "correct" not in str(shown)
    assert "Yes: Suzhou." not in str(shown)
    assert sorted(option["text"] for option in shown["options"]) == sorted(
        c.text for c in question.choices
    )


def test_layout_is_deterministic_per_seed(question: SingleChoice) -> None:
    assert layout(question, 7) == layout(question, 7)
    orders = {tuple(layout(question, seed)["order"]) for seed in range(20)}
    assert len(orders) > 1


def test_no_shuffle_keeps_the_bank_order(question: SingleChoice) -> None:
    order = question.new_layout(random.Random(1), shuffle=False)["order"]
    assert order == [key(question, c.text) for c in question.choices]


def test_right_wrong_and_empty(question: SingleChoice) -> None:
    right = answer(question, choice=key(question, "Suzhou Industrial Park"))
    assert question.grade(right).fraction == 1.0
    assert question.grade(right).feedback == ["Yes: Suzhou."]
    wrong = answer(question, choice=key(question, "Shenzhen"))
    assert question.grade(wrong).fraction == 0.0
    assert question.grade(wrong).state == "wrong"
    assert answer(question) == {}
    assert answer(question, choice="") == {}
    assert question.grade({}).feedback == ["Not answered."]
    assert question.summarize(wrong) == "Shenzhen"
    assert question.picked_options(wrong) == [key(question, "Shenzhen")]


def test_forged_values_are_refused(question: SingleChoice) -> None:
    with pytest.raises(InvalidResponse, match="not one of this question's choices"):
        answer(question, choice="0")
    both = [key(question, "Shenzhen"), key(question, "Tianjin Eco-City")]
    with pytest.raises(InvalidResponse, match="only one choice"):
        answer(question, choice=both)
