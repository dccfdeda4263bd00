"""The bank models: parsed values, rules between fields, JSON round trips, helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from pydantic import ValidationError

from quizapp.bank.models import Bank, Quiz, TagSelector, parse_percent, parse_time_limit
from quizapp.bank.scalars import PlainFloat, PlainInt


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        (PlainInt("15"), 900),
        (PlainFloat("1.5"), 90),
        ("15", 900),
        ("15m", 900),
        ("45 min", 2700),
        ("1h30m", 5400),
        ("1h 30 minutes", 5400),
        ("90s", 90),
        ("2 hours", 7200),
        (900, 900),  # a plain int is already seconds (the stored JSON)
    ],
)
def test_time_limit_forms(written: object, seconds: int) -> None:
    assert parse_time_limit(written) == seconds


@pytest.mark.parametrize("written", ["a while", "15 mins 3", "", "m", True, "0m"])
def test_time_limit_refusals_show_the_accepted_forms(written: object) -> None:
    with pytest.raises(ValueError, match=r"15m|at least 1s"):
        parse_time_limit(written)


@pytest.mark.parametrize(
    ("written", "percent"),
    [("70%", 70.0), ("72.5 %", 72.5), (PlainInt("70"), 70), ("70", 70.0), (0, 0), (100, 100)],
)
def test_pass_mark_forms(written: object, percent: float) -> None:
    assert parse_percent(written) == percent


def test_pass_mark_as_a_fraction_is_refused() -> None:
    with pytest.raises(ValueError, match=r"write percent, e\.g\. 70%"):
        parse_percent(PlainFloat("0.7"))


def quiz(**settings: object) -> Quiz:
    return Quiz.model_validate({"id": "trade", "title": "Trade", **settings})


def test_quiz_settings_round_trip_through_json() -> None:
    original = quiz(
        questions={"tags": ["trade"]},
        draw=PlainInt("3"),
        time_limit="1h30m",
        attempts=PlainInt("2"),
        pass_mark="70%",
        opens="2025-03-01 09:00",
        closes="2025-03-08T09:00+02:00",
        show_answers="after_close",
        grading="average",
    )
    assert original.time_limit == 5400
    assert original.closes == datetime(2025, 3, 8, 7, 0)  # naive UTC, as the app compares
    stored = original.model_dump(mode="json")
    assert Quiz.model_validate(stored) == original
    assert Quiz.model_validate_json(original.model_dump_json()) == original


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"questions": ["a"], "pools": [{"questions": ["a"], "draw": 1}]}, "not both"),
        ({"pools": [{"questions": ["a"], "draw": 1}], "draw": 1}, "give each pool its own"),
        ({"opens": "2025-03-02", "closes": "2025-03-01"}, "later than 'opens'"),
        ({"show_answers": "after_close"}, "needs a 'closes' date"),
        ({"attempts": True}, "not true or false"),
        ({"shuffle_questions": "yes"}, "valid boolean"),
        ({"pools": []}, "at least 1"),
    ],
)
def test_quiz_rules(settings: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        quiz(**settings)


def test_quiz_is_frozen() -> None:
    with pytest.raises(ValidationError):
        quiz().title = "Other"  # type: ignore[misc]


CHOICES = [{"text": "a", "correct": True}, "b"]


def bank_data(**extra: object) -> dict[str, object]:
    return {
        "bank": "b",
        "title": "T",
        "questions": [
            {"id": "q1", "type": "single", "text": "One", "choices": CHOICES, "tags": ["x"]},
            {"id": "q2", "type": "single", "text": "Two", "choices": CHOICES, "tags": ["y"]},
            {"id": "q3", "type": "single", "text": "Three", "choices": CHOICES, "tags": ["x", "y"]},
        ],
        **extra,
    }


def test_bank_helpers() -> None:
    bank = Bank.model_validate(
        bank_data(
            quizzes=[
                {"id": "all", "title": "All"},
                {"id": "ids", "title": "Ids", "questions": ["q3", "q1"]},
                {"id": "tags", "title": "Tags", "questions": {"tags": ["y"]}},
                {
                    "id": "pools",
                    "title": "Pools",
                    "pools": [
                        {"questions": {"tags": ["x"]}, "draw": 1},
                        {"questions": ["q2", "q3"], "draw": 1},
                    ],
                },
            ]
        )
    )
    ids: Callable[[str], list[str]] = lambda quiz_id: [  # noqa: E731
        question.id for question in bank.questions_for(bank.quiz(quiz_id))
    ]
    assert ids("all") == ["q1", "q2", "q3"]
    assert ids("ids") == ["q3", "q1"]
    assert ids("tags") == ["q2", "q3"]
    assert ids("pools") == ["q1", "q3", "q2"]
    assert bank.question("q2").text == "Two"
    with pytest.raises(KeyError):
        bank.question("nope")
    assert isinstance(bank.quiz("tags").questions, TagSelector)
    assert Bank.model_validate(bank.model_dump(mode="json")) == bank


def test_bank_validated_directly_still_runs_the_cross_checks() -> None:
    with pytest.raises(ValidationError, match="duplicate question id 'q1'"):
        Bank.model_validate(
            bank_data(
                questions=[{"id": "q1", "type": "single", "text": "A", "choices": CHOICES}] * 2
            )
        )
    with pytest.raises(ValidationError, match="selects tag 'z' but no question has it"):
        Bank.model_validate(
            bank_data(quizzes=[{"id": "z", "title": "Z", "questions": {"tags": ["z"]}}])
        )
