from __future__ import annotations

from typing import Any

import pytest

from quizapp.bank.scalars import PlainInt
from quizapp.qtypes import InvalidResponse
from quizapp.qtypes.cloze import Cloze

from .helpers import answer, layout, refused, view

DATA: dict[str, Any] = {
    "id": "earth",
    "type": "cloze",
    "text": "Earth is the [[position]] planet, has [[moons]] moon and the [[ocean]] Ocean.",
    "blanks": {
        "position": {"type": "choice", "choices": ["second", "third", "fourth"], "answer": "third"},
        "moons": {"type": "numeric", "answer": 1},
        "ocean": {"type": "short", "accept": ["Pacific"]},
    },
}


def make(**changes: Any) -> Cloze:
    return Cloze.model_validate({**DATA, **changes})


def fill(question: Cloze, **values: str) -> dict[str, Any]:
    """The response for blank -> typed text (choice blanks take the choice's text)."""
    fields: dict[str, str] = {}
    for name, value in values.items():
        if question.blanks[name].type == "choice":
            value = {text: key for key, text in question.choice_keys(name).items()}[value]
        fields[f"blank-{name}"] = value
    return answer(question, **fields)


def with_blanks(**blanks: Any) -> dict[str, Any]:
    return {**DATA, "blanks": {**DATA["blanks"], **blanks}}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**DATA, "text": DATA["text"] + " [[extra]]"}, "no entry under 'blanks' for [[extra]]"),
        (
            with_blanks(spare={"type": "short", "accept": ["x"]}),
            "'blanks' describes 'spare', which 'text' never uses",
        ),
        ({**DATA, "text": DATA["text"] + " [[moons]]"}, "[[moons]] appears twice"),
        ({**DATA, "text": DATA["text"] + " [[two words]]"}, "[[two words]] is not a blank name"),
        (with_blanks(position={"type": "choice", "choices": ["a", "b"], "answer": "c"}), "'c'"),
        (with_blanks(position={"type": "choice", "choices": ["a"], "answer": "a"}), "2 items"),
        (with_blanks(ocean={"type": "short", "accept": []}), "a short blank needs at least one"),
        (with_blanks(moons={"type": "numeric"}), "a numeric blank needs 'answer: <number>'"),
        (with_blanks(moons={"type": "numeric", "range": [2, 1]}), "runs backwards"),
        (with_blanks(moons={"type": "essay"}), "essay"),
        (with_blanks(moons={"type": "numeric", "answer": 1, "unit": "x"}), "unit"),
        ({**DATA, "blanks": {}}, "blanks"),
    ],
)
def test_invalid(data: dict[str, Any], message: str) -> None:
    assert message in refused(Cloze, data)


def test_numbers_as_text_and_numeric_ranges() -> None:
    question = make(
        text="In [[year]] trade was [[trade]].",
        blanks={
            "year": {
                "type": "choice",
                "choices": [PlainInt("2013"), PlainInt("2014")],
                "answer": PlainInt("2014"),
            },
            "trade": {"type": "numeric", "range": [3.9, 4]},
        },
    )
    assert question.correct_answer() == "In [2014] trade was [between 3.9 and 4]."
    assert question.grade(fill(question, year="2014", trade="3,95")).fraction == 1.0


def test_view_parts() -> None:
    question = make()
    shown = view(question, 4)
    parts = shown["parts"]
    assert [part.get("blank") for part in parts] == [
        None,
        "position",
        None,
        "moons",
        None,
        "ocean",
        None,
    ]
    assert parts[0] == {"text": "Earth is the "}
    assert parts[1]["kind"] == "choice" and parts[1]["number"] == 1
    assert [o["key"] for o in parts[1]["options"]] == layout(question, 4)["choices"]["position"]
    assert parts[3] == {"blank": "moons", "kind": "numeric", "number": 2}
    assert parts[5] == {"blank": "ocean", "kind": "short", "number": 3}
    assert shown["text"] == "Earth is the ____ planet, has ____ moon and the ____ Ocean."


def test_view_hides_the_answers() -> None:
    shown = str(view(make()))
    assert "Pacific" not in shown
    assert "correct" not in shown and "answer" not in shown and "accept" not in shown
    for part in view(make())["parts"]:
        assert set(part) <= {"text", "blank", "kind", "number", "options"}


def test_layout() -> None:
    question = make()
    assert layout(question, 9) == layout(question, 9)
    orders = {tuple(layout(question, seed)["choices"]["position"]) for seed in range(20)}
    assert len(orders) > 1
    fixed = layout(question, 0, shuffle=False)["choices"]["position"]
    assert [question.choice_keys("position")[k] for k in fixed] == ["second", "third", "fourth"]


def test_all_right() -> None:
    question = make()
    response = fill(question, position="third", moons="1", ocean="pacific.")
    grade = question.grade(response)
    assert grade.fraction == 1.0
    assert grade.feedback == ["Blank 1: right.", "Blank 2: right.", "Blank 3: right."]
    assert question.summarize(response) == "third | 1 | pacific."


def test_partly_right_is_the_mean() -> None:
    question = make()
    response = fill(question, position="second", moons="one", ocean=" PACIFIC ")
    grade = question.grade(response)
    assert grade.fraction == pytest.approx(1 / 3)
    assert grade.feedback == [
        "Blank 1: wrong.",
        "Blank 2: wrong. 'one' is not a number",
        "Blank 3: right.",
    ]
    blank_left = fill(question, position="third")
    assert question.grade(blank_left).fraction == pytest.approx(1 / 3)
    assert question.grade(blank_left).feedback[1] == "Blank 2: not answered."
    assert question.summarize(blank_left) == "third | – | –"


def test_short_blank_case_sensitive() -> None:
    question = make(
        blanks={
            **DATA["blanks"],
            "ocean": {"type": "short", "accept": ["Pacific"], "case_sensitive": True},
        }
    )
    assert question.grade(fill(question, ocean="pacific")).fraction == 0.0
    assert question.grade(fill(question, ocean="Pacific")).fraction == pytest.approx(1 / 3)


def test_empty_and_forged() -> None:
    question = make()
    assert answer(question) == {}
    assert answer(question, **{"blank-ocean": "  ", "blank-position": ""}) == {}
    assert question.grade({}).feedback == ["Not answered."]
    with pytest.raises(InvalidResponse, match="not one of the choices"):
        answer(question, **{"blank-position": "third"})
    with pytest.raises(InvalidResponse, match="at most 200"):
        answer(question, **{"blank-ocean": "x" * 201})
    with pytest.raises(InvalidResponse):
        answer(question, **{"blank-moons": ["1", "2"]})


def test_correct_answer() -> None:
    assert make().correct_answer() == (
        "Earth is the [third] planet, has [1] moon and the [Pacific] Ocean."
    )


def test_blank_optional_ending_and_units() -> None:
    question = Cloze.model_validate(
        with_blanks(
            ocean={"type": "short", "accept": ["Pacific Ocean"], "optional_ending": "Ocean"},
            moons={"type": "numeric", "answer": 1, "units": {"moon": 1}},
        )
    )
    grade = question.grade(fill(question, position="third", moons="1 moon", ocean="Pacific"))
    assert grade.fraction == 1.0
    grade = question.grade(fill(question, position="third", moons="1st", ocean="Pacific Ocean"))
    assert grade.fraction == 1.0
    grade = question.grade(fill(question, position="third", moons="1 planet", ocean="Pacific"))
    assert grade.fraction == pytest.approx(2 / 3)
    assert "Blank 2: wrong. 'planet' is not a unit this question knows (moon)" in grade.feedback[1]
