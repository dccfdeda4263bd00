from __future__ import annotations

from typing import Any

import pytest

from quizapp.qtypes import InvalidResponse
from quizapp.qtypes.matching import Matching

from .helpers import answer, layout, refused, view

PAIRS = [
    {"prompt": "Titan", "answer": "Saturn"},
    {"prompt": "Europa", "answer": "Jupiter"},
    {"prompt": "Phobos", "answer": "Mars"},
]
DATA: dict[str, Any] = {
    "id": "moons",
    "type": "matching",
    "text": "Match each moon to its planet.",
    "pairs": PAIRS,
    "distractors": ["Venus"],
}


def make(**changes: Any) -> Matching:
    return Matching.model_validate({**DATA, **changes})


def matched(question: Matching, **choices: str) -> dict[str, Any]:
    """The response for prompt text -> answer text (by keys, as the form sends them)."""
    prompts = {text: key for key, text in question.prompt_texts().items()}
    answers = {text: key for key, text in question.answer_texts().items()}
    fields = {f"match-{prompts[p]}": answers[a] for p, a in choices.items()}
    return answer(question, **fields)


def test_defaults() -> None:
    question = make(distractors=[])
    assert question.scoring == "partial"
    assert question.distractors == []
    assert question.correct_answer() == "Titan → Saturn; Europa → Jupiter; Phobos → Mars"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pairs": PAIRS[:1]}, "at least 2 items"),
        ({"pairs": [*PAIRS, {"prompt": "titan ", "answer": "X"}]}, "two prompts have the same"),
        ({"distractors": ["saturn"]}, "the distractor 'saturn' is also the answer of a pair"),
        ({"distractors": ["Venus", "Venus"]}, "listed twice"),
        ({"pairs": [*PAIRS[:2], {"prompt": "Phobos"}]}, "answer"),
        ({"pairs": [*PAIRS[:2], {"prompt": "P", "answer": "M", "x": 1}]}, "x"),
    ],
)
def test_invalid(changes: dict[str, Any], message: str) -> None:
    assert message in refused(Matching, {**DATA, **changes})


def test_shared_answers_are_offered_once() -> None:
    question = make(pairs=[*PAIRS, {"prompt": "Enceladus", "answer": "Saturn"}])
    texts = [option["text"] for option in view(question)["answers"]]
    assert sorted(texts) == ["Jupiter", "Mars", "Saturn", "Venus"]
    both = matched(question, Titan="Saturn", Enceladus="Saturn")
    assert question.grade(both).fraction == pytest.approx(2 / 4)


def test_layout() -> None:
    question = make()
    assert layout(question, 3) == layout(question, 3)
    assert len({tuple(layout(question, seed)["answers"]) for seed in range(20)}) > 1
    fixed = layout(question, 3, shuffle=False)
    assert [question.prompt_texts()[k] for k in fixed["prompts"]] == ["Titan", "Europa", "Phobos"]
    answers = question.answer_texts()
    assert [answers[k] for k in fixed["answers"]] == ["Jupiter", "Mars", "Saturn", "Venus"]


def test_view_hides_the_pairs() -> None:
    question = make()
    shown = view(question)
    assert set(shown) == {"text", "prompts", "answers"}
    assert all(set(option) == {"key", "text"} for option in shown["answers"])
    assert "correct" not in str(shown)
    right_keys = set(question.right_answers().values())
    assert not any(key in str(shown["prompts"]) for key in right_keys)


def test_grading() -> None:
    question = make()
    right = matched(question, Titan="Saturn", Europa="Jupiter", Phobos="Mars")
    assert question.grade(right).fraction == 1.0
    some = matched(question, Titan="Saturn", Europa="Venus", Phobos="Jupiter")
    grade = question.grade(some)
    assert grade.fraction == pytest.approx(1 / 3)
    assert grade.feedback == ["1 of 3 matched right."]
    assert question.summarize(some) == "Titan → Saturn; Europa → Venus; Phobos → Jupiter"
    partly_blank = matched(question, Titan="Saturn")
    assert question.grade(partly_blank).fraction == pytest.approx(1 / 3)
    strict = make(scoring="all_or_nothing")
    assert strict.grade(matched(strict, Titan="Saturn", Europa="Jupiter")).fraction == 0.0


def test_empty_and_forged() -> None:
    question = make()
    assert answer(question) == {}
    assert question.grade({}).feedback == ["Not answered."]
    prompt = next(iter(question.prompt_texts()))
    assert answer(question, **{f"match-{prompt}": ""}) == {}
    with pytest.raises(InvalidResponse, match="not one of this question's answers"):
        answer(question, **{f"match-{prompt}": "Saturn"})
    with pytest.raises(InvalidResponse):
        answer(question, **{f"match-{prompt}": list(question.answer_texts())[:2]})
