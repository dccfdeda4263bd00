"""Numbers, durations and dates have sane bounds, refused at their place with the bound named.

Before these bounds, a 5,000-digit number raised Python's own ValueError out of the reader, a
time limit of ``1e400`` an OverflowError, a close at 9999-12-31T23:59-05:00 an OverflowError
while converting to UTC, and a time limit of ``1e300`` or a close in year 9999 loaded, to
overflow later when a student started an attempt.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from quizapp.bank.reader import MAX_ITEM_VALUES, MAX_KEYS, MAX_NUMBER_CHARS

HEAD = """
bank: b
title: T
questions:
  - {id: q, type: numeric, text: Q, answer: 1}
"""


def quiz(settings: str) -> str:
    """A bank with one quiz whose settings are on line 6, after ``  - {id: z, title: Z, ``."""
    return HEAD + f"quizzes:\n  - {{id: z, title: Z, {settings}}}\n"


SETTINGS_COLUMN = len("  - {id: z, title: Z, ") + 1


# -- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("digits", [4301, 5000])
def test_a_number_of_thousands_of_digits_is_refused_at_its_place(problem, at, digits) -> None:
    text = HEAD.replace("answer: 1}", "answer: " + "9" * digits + "}")
    found = problem(text)
    at(found, 4, 45, f"{digits:,} characters long", f"at most {MAX_NUMBER_CHARS}", "quotes")


def test_a_long_number_where_text_goes_is_refused_too_and_quoting_it_keeps_it(
    problem, at, load
) -> None:
    digits = "1" * 60
    found = problem(HEAD + f"description: {digits}\n")
    at(found, 5, 14, "60 characters long", "put it in quotes if it is text")
    assert load(HEAD + f"description: '{digits}'\n").description == digits


def test_a_number_at_the_bound_still_reads(load) -> None:
    answer = "1" * MAX_NUMBER_CHARS
    bank = load(HEAD.replace("answer: 1}", f"answer: {answer}}}"))
    assert bank.questions[0].answer == float(answer)


@pytest.mark.parametrize("answer", ["1e400", "-1e400"])
def test_a_number_too_large_for_a_float_is_not_a_finite_answer(problem, at, answer) -> None:
    found = problem(HEAD.replace("answer: 1}", f"answer: {answer}}}"))
    at(found, 4, 45, "finite number")


# -- time limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "time_limit",
    ["1e300", "1e400", "10081", "169h", "99999999999h", "'" + "9" * 5000 + "m'"],
)
def test_a_time_limit_beyond_a_week_is_refused(problem, at, time_limit) -> None:
    found = problem(quiz(f"time_limit: {time_limit}"))
    at(found, 6, SETTINGS_COLUMN + len("time_limit: "), "at most a week", "10080 minutes")
    assert len(found.message) < 300


@pytest.mark.parametrize(("time_limit", "seconds"), [("10080", 604_800), ("168h", 604_800)])
def test_a_time_limit_of_a_week_is_allowed(load, time_limit, seconds) -> None:
    assert load(quiz(f"time_limit: {time_limit}")).quizzes[0].time_limit == seconds


def test_a_stored_time_limit_beyond_a_week_is_refused_too() -> None:
    from pydantic import ValidationError

    from quizapp.bank.models import Quiz

    with pytest.raises(ValidationError):
        Quiz.model_validate({"id": "z", "title": "Z", "time_limit": 604_801})


# -- pass marks and counts -------------------------------------------------------------------


@pytest.mark.parametrize("pass_mark", ["1e400", "'nan%'", "'inf%'", "101", "-5"])
def test_a_pass_mark_outside_0_to_100_is_refused(problem, at, pass_mark) -> None:
    found = problem(quiz(f"pass_mark: {pass_mark}"))
    at(found, 6, SETTINGS_COLUMN + len("pass_mark: "), "percentage from 0 to 100")


@pytest.mark.parametrize("key", ["attempts", "draw"])
def test_counts_have_a_bound(problem, at, key) -> None:
    found = problem(quiz(f"{key}: 99999999999999999999999"))
    at(found, 6, SETTINGS_COLUMN + len(f"{key}: "), "at most 10,000")


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when",
    [
        "9999-12-31",
        "'9999-12-31T23:59-05:00'",  # converting this to UTC overflowed
        "'0001-01-01T00:00+05:00'",  # and this
        "1969-12-31",
        "2100-01-01",
        "'2099-12-31T23:00-05:00'",  # 2100-01-01 04:00 in UTC
    ],
)
def test_a_date_outside_1970_to_2099_is_refused(problem, at, when) -> None:
    found = problem(quiz(f"opens: {when}"))
    at(found, 6, SETTINGS_COLUMN + len("opens: "), "out of range", "1970-01-01 to 2099-12-31")


def test_dates_at_the_bounds_are_allowed(load) -> None:
    settings = load(quiz("opens: 1970-01-01, closes: '2099-12-31T23:59'")).quizzes[0]
    assert settings.opens == datetime(1970, 1, 1)
    assert settings.closes == datetime(2099, 12, 31, 23, 59)


def test_a_year_9999_close_and_a_long_time_limit_are_both_named(problems) -> None:
    found = problems(quiz("time_limit: 1e300, closes: 9999-12-31"))
    assert len(found) == 2
    assert "at most a week" in found[0].message
    assert "out of range" in found[1].message


# -- structure ---------------------------------------------------------------------------------


def test_a_mapping_with_too_many_keys_is_refused_at_its_first_key(problem, at) -> None:
    keys = ", ".join(f"k{i}: 1" for i in range(MAX_KEYS + 1))
    found = problem(HEAD + f"source: {{{keys}}}\n")
    at(found, 5, 9, f"{MAX_KEYS + 1:,} keys", f"more than {MAX_KEYS}")


def test_a_question_holding_too_many_values_is_refused_once(problem, at) -> None:
    tags = ", ".join(f"t{i}" for i in range(MAX_ITEM_VALUES + 10))
    found = problem(HEAD + f"  - {{id: r, type: numeric, text: Q, answer: 1, tags: [{tags}]}}\n")
    at(found, 5, 5, "item 2 of 'questions'", f"more than {MAX_ITEM_VALUES:,} values")


def test_many_tags_within_the_bound_load(load) -> None:
    tags = ", ".join(f"t{i}" for i in range(1000))
    bank = load(HEAD + f"  - {{id: r, type: numeric, text: Q, answer: 1, tags: [{tags}]}}\n")
    assert len(bank.questions[1].tags) == 1000


def test_a_long_value_is_quoted_cut_short_in_the_message(problem) -> None:
    found = problem(HEAD.replace("answer: 1}", "answer: 1, difficulty: " + "x" * 5000 + "}"))
    assert "'xxxxx" in found.message and "…'" in found.message
    assert len(found.message) < 200
