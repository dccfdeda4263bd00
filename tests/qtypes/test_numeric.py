from __future__ import annotations

from typing import Any

import pytest

from quizapp.bank.scalars import PlainFloat, PlainInt
from quizapp.qtypes import InvalidResponse
from quizapp.qtypes.numeric import NumericAnswer, format_number, parse_number, read_number

from .helpers import answer, refused, view

DATA: dict[str, Any] = {"id": "trade", "type": "numeric", "text": "Trade in 2014?", "answer": 4}


def make(**changes: Any) -> NumericAnswer:
    data = {**DATA, **changes}
    return NumericAnswer.model_validate({k: v for k, v in data.items() if v is not None})


def fraction(question: NumericAnswer, typed: str) -> float:
    return question.grade(answer(question, answer=typed)).fraction


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("4", 4.0),
        ("4.0", 4.0),
        (" 4,5 ", 4.5),
        ("-4", -4.0),
        ("\u22124", -4.0),  # a typographic minus
        ("+4", 4.0),
        (".5", 0.5),
        ("4.", 4.0),
        ("1e3", 1000.0),
        ("1,000", 1000.0),
        ("12,345,678.5", 12345678.5),
        ("1,500", 1500.0),  # three digits after the comma: thousands
        ("1,50", 1.5),
        ("0,001", 0.001),  # a leading 0 starts no thousands group
        ("1,0000", 1.0),  # four digits: a decimal comma
        ("1 000", 1000.0),
        ("1\u00a0000,5", 1000.5),
        ("４", 4.0),  # full-width digit
    ],
)
def test_parse_number(typed: str, number: float) -> None:
    assert parse_number(typed) == pytest.approx(number)


@pytest.mark.parametrize(
    "typed",
    ["abc", "", "4 5", "0 001", "12,34,567", "1.000,5", "4..0", "--4", "1e999", "nan", "inf"],
)
def test_parse_not_a_number(typed: str) -> None:
    assert parse_number(typed) is None


def test_parse_strips_the_unit() -> None:
    assert parse_number("23 years", unit="years") == 23.0
    assert parse_number("23YEARS", unit="years") == 23.0
    assert parse_number("23 years", unit="") is None


def test_format_number() -> None:
    assert [format_number(x) for x in (56.0, 3.9, -2.0, 0.001, 1e20)] == [
        "56",
        "3.9",
        "-2",
        "0.001",
        "1e+20",
    ]


def test_yaml_numbers() -> None:
    question = make(answer=PlainFloat("3.90"), tolerance=PlainInt("0"))
    assert question.answer == 3.9
    assert fraction(question, "3.9") == 1.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"answer": None}, "needs 'answer: <number>' (with an optional 'tolerance') or 'range"),
        ({"range": [1, 2]}, "either 'answer' (with an optional 'tolerance') or 'range', not both"),
        ({"answer": None, "range": [5, 3]}, "the range [5, 3] runs backwards"),
        ({"answer": None, "range": [1, 2], "tolerance": 1}, "remove 'tolerance'"),
        ({"answer": None, "range": [1]}, "range"),
        ({"tolerance": -1}, "cannot be negative"),
        ({"tolerance": "ten"}, "'ten' is not a tolerance"),
        ({"tolerance": "-5%"}, "is not a tolerance"),
        ({"tolerance": True}, "cannot be true or false"),
        ({"answer": True}, "not true or false"),
        ({"answer": "four"}, "answer"),
        ({"answer": float("inf")}, "answer"),
    ],
)
def test_invalid(changes: dict[str, Any], message: str) -> None:
    data = {k: v for k, v in {**DATA, **changes}.items() if v is not None}
    assert message in refused(NumericAnswer, data)


def test_exact_by_default() -> None:
    question = make(answer=56)
    assert question.tolerance is None
    assert fraction(question, "56") == 1.0
    assert fraction(question, "56.0001") == 0.0
    assert question.correct_answer() == "56"


def test_absolute_tolerance_is_inclusive() -> None:
    question = make(tolerance=0.5)
    for typed, expected in [("3.5", 1.0), ("4.5", 1.0), ("3.49", 0.0), ("4.51", 0.0)]:
        assert fraction(question, typed) == expected, typed
    assert question.correct_answer() == "4 (± 0.5)"


def test_relative_tolerance() -> None:
    question = make(answer=-200, tolerance="10%")
    assert question.tolerance == "10%"
    assert question.bounds() == pytest.approx((-220, -180))
    for typed, expected in [("-220", 1.0), ("-180", 1.0), ("-179", 0.0), ("200", 0.0)]:
        assert fraction(question, typed) == expected, typed
    assert question.correct_answer() == "-200 (± 10%)"
    assert make(tolerance=" 2.5 %").tolerance == "2.5%"
    assert make(tolerance="0.5").tolerance == 0.5


def test_float_rounding_does_not_cost_marks() -> None:
    question = make(answer=4, tolerance="10%")  # 4 * 10 / 100 is not exactly 0.4
    assert fraction(question, "4.4") == 1.0
    assert fraction(question, "3.6") == 1.0
    assert fraction(make(answer=0.3), "0.3") == 1.0


def test_range_bounds_are_inclusive() -> None:
    question = make(answer=None, range=[3.9, 4], unit="billion US$")
    for typed, expected in [("3.9", 1.0), ("4", 1.0), ("3,95", 1.0), ("3.89", 0.0), ("4.01", 0.0)]:
        assert fraction(question, typed) == expected, typed
    assert question.correct_answer() == "between 3.9 and 4 billion US$"


def test_unit_and_view() -> None:
    question = make(answer=23, unit="years")
    shown = view(question)
    assert shown == {"text": "Trade in 2014?", "unit": "years"}
    assert fraction(question, "23 years") == 1.0
    assert question.correct_answer() == "23 years"
    assert "23" not in str(view(make(answer=23, tolerance=1)))


def test_not_a_number_is_stored_and_graded_wrong() -> None:
    question = make()
    response = answer(question, answer="abc")
    assert response == {"answer": "abc"}
    grade = question.grade(response)
    assert grade.fraction == 0.0
    assert grade.feedback == ["'abc' is not a number"]
    assert question.summarize(response) == "abc"


def test_separators_are_explained() -> None:
    question = make(answer=1000)
    assert question.grade(answer(question, answer="1,000")).feedback == ["Read as 1000."]
    assert question.grade(answer(question, answer="1000")).feedback == []


def test_empty_and_malformed() -> None:
    question = make()
    assert answer(question) == {}
    assert answer(question, answer=" ") == {}
    assert question.grade({}).feedback == ["Not answered."]
    with pytest.raises(InvalidResponse, match="at most 100"):
        answer(question, answer="4" * 101)
    with pytest.raises(InvalidResponse):
        answer(question, answer=["4", "5"])


TRADE_UNITS: dict[str, Any] = {"million": 1000, "US dollars": 1, "dollars": 1, "bn": 1}


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        # thousands separators in each student's style, and a decimal comma
        ("2,000", 2000.0),
        ("2 000", 2000.0),
        ("2\u00a0000", 2000.0),  # a no-break space
        ("2\u202f000", 2000.0),  # a narrow no-break space, as French typists write
        ("2\u2009000", 2000.0),  # a thin space
        ("2'000", 2000.0),  # Swiss style
        ("3,9", 3.9),
        # ordinals
        ("70th", 70.0),
        ("5th", 5.0),
        ("1st", 1.0),
        ("22nd", 22.0),
        ("3rd", 3.0),
        ("70TH", 70.0),
        # the words of the question's unit, before or after, and declared units
        ("4 billion", 4.0),
        ("US$4 billion", 4.0),
        ("US$ 4 billion", 4.0),
        ("4 billion US$", 4.0),
        ("4 Billion US$.", 4.0),
        ("4bn", 4.0),
        ("4 billion US dollars", 4.0),
        ("400 million", 0.4),
        ("4,000 million dollars", 4.0),
        ("-4 billion", -4.0),
        ("3,9 billion", 3.9),
    ],
)
def test_read_number_as_people_write(typed: str, number: float) -> None:
    reading = read_number(typed, unit="billion US$", units=TRADE_UNITS)
    assert reading.number == pytest.approx(number), reading.problem


@pytest.mark.parametrize(
    ("typed", "unit", "message"),
    [
        ("4 trillion", "billion US$", "'trillion' is not a unit this question knows"),
        ("nearly 4", "billion US$", "'nearly' is not a unit this question knows"),
        ("4 billion billion", "billion US$", "'billion' is not a unit"),
        ("23 years", "", "'years' is not understood; write only the number"),
        ("70 th", "", "'th' is not understood"),
    ],
)
def test_unknown_unit_is_named(typed: str, unit: str, message: str) -> None:
    reading = read_number(typed, unit=unit, units=TRADE_UNITS if unit else None)
    assert reading.number is None
    assert message in reading.problem


def test_unknown_unit_message_reaches_the_student() -> None:
    question = make(unit="billion US$", units={"million": 1000})
    grade = question.grade(answer(question, answer="4 trillion"))
    assert grade.fraction == 0.0
    assert grade.feedback == [
        "'trillion' is not a unit this question knows (billion, million, us$); "
        "write the number in billion US$"
    ]


def test_declared_units_grade() -> None:
    question = make(answer=400, unit="million US$", units={"billion": 0.001})
    for typed, expected in [("400", 1.0), ("US$400 million", 1.0), ("0.4 billion", 1.0)]:
        assert fraction(question, typed) == expected, typed
    assert fraction(question, "440 million") == 0.0
    ordinal = make(answer=70)
    assert fraction(ordinal, "70th") == 1.0
    assert fraction(ordinal, "71st") == 0.0


@pytest.mark.parametrize(
    ("units", "message"),
    [({"million": 0}, "greater than 0"), ({"million": True}, "not true or false")],
)
def test_invalid_units(units: dict[str, Any], message: str) -> None:
    assert message in refused(NumericAnswer, {**DATA, "units": units})


def test_no_units_keeps_the_old_content_hash() -> None:
    """A question without the new keys hashes as before: importing an unchanged bank makes
    no new version."""
    assert "units" not in make().model_dump_json(exclude_none=True)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("１２３", 123.0),  # full-width digits
        ("３．９", 3.9),  # full-width point
        ("3。9", 3.9),  # a Chinese full stop between digits
        ("５。５", 5.5),
        ("－４", -4.0),  # full-width minus sign
        ("1，000", 1000.0),  # full-width comma as a thousands separator
    ],
)
def test_numbers_typed_with_chinese_input_are_read(typed: str, number: float) -> None:
    assert parse_number(typed) == number


def test_a_unit_in_every_language_is_known() -> None:
    question = NumericAnswer.model_validate(
        {
            "id": "years",
            "type": "numeric",
            "text": "How many years?",
            "answer": 23,
            "unit": {"en": "years", "zh": "年", "ru": "лет"},
        }
    )
    for typed in ("23 years", "23 年", "23 лет", "２３年"):
        assert question.grade({"answer": typed}).fraction == 1.0, typed
