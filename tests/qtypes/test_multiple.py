from __future__ import annotations

from typing import Any

import pytest

from quizapp.qtypes import InvalidResponse
from quizapp.qtypes.multiple import MultipleChoice

from .helpers import answer, refused, view

DATA: dict[str, Any] = {
    "id": "giants",
    "type": "multiple",
    "text": "Which are gas giants?",
    "choices": [
        {"text": "Jupiter", "correct": True},
        {"text": "Saturn", "correct": True, "feedback": "Saturn is one."},
        {"text": "Mars", "feedback": "Mars is rocky."},
        {"text": "Venus", "feedback": "Venus is rocky."},
    ],
}


def make(**changes: Any) -> MultipleChoice:
    return MultipleChoice.model_validate({**DATA, **changes})


def picks(question: MultipleChoice, *texts: str) -> dict[str, Any]:
    return answer(question, choice=[question.option_key(text) for text in texts])


def test_defaults() -> None:
    question = make()
    assert question.scoring == "all_or_nothing"
    assert question.correct_answer() == "Jupiter; Saturn"


def test_needs_a_correct_choice() -> None:
    choices = ["a", "b"]
    assert "at least one choice with 'correct: true'" in refused(
        MultipleChoice, {**DATA, "choices": choices}
    )


def test_unknown_scoring_is_refused() -> None:
    assert "scoring" in refused(MultipleChoice, {**DATA, "scoring": "generous"})


def test_all_or_nothing() -> None:
    question = make()
    assert question.grade(picks(question, "Jupiter", "Saturn")).fraction == 1.0
    assert question.grade(picks(question, "Jupiter")).fraction == 0.0
    assert question.grade(picks(question, "Jupiter", "Saturn", "Mars")).fraction == 0.0


@pytest.mark.parametrize(
    ("texts", "fraction"),
    [
        (("Jupiter", "Saturn"), 1.0),
        (("Jupiter",), 0.5),
        (("Jupiter", "Mars"), 0.0),  # (1 - 1) / 2
        (("Jupiter", "Saturn", "Mars"), 0.5),  # (2 - 1) / 2
        (("Jupiter", "Saturn", "Mars", "Venus"), 0.0),  # ticking everything earns nothing
        (("Mars", "Venus"), 0.0),  # never below zero
    ],
)
def test_partial(texts: tuple[str, ...], fraction: float) -> None:
    question = make(scoring="partial")
    assert question.grade(picks(question, *texts)).fraction == pytest.approx(fraction)


def test_feedback_of_each_picked_choice_in_bank_order() -> None:
    question = make(scoring="partial")
    grade = question.grade(picks(question, "Mars", "Saturn"))
    assert grade.feedback == ["Saturn is one.", "Mars is rocky."]
    assert question.summarize(picks(question, "Mars", "Saturn")) == "Saturn; Mars"


def test_empty_and_duplicates() -> None:
    question = make()
    assert answer(question) == {}
    assert answer(question, choice=["", ""]) == {}
    assert question.grade({}).feedback == ["Not answered."]
    twice = picks(question, "Jupiter", "Jupiter")
    assert twice == {"choices": [question.option_key("Jupiter")]}
    assert question.picked_options(twice) == [question.option_key("Jupiter")]


def test_forged_choice_is_refused() -> None:
    question = make()
    with pytest.raises(InvalidResponse):
        answer(question, choice=[question.option_key("Jupiter"), "nope"])


def test_view_hides_the_answer() -> None:
    shown = str(view(make()))
    assert "correct" not in shown
    assert "True" not in shown
