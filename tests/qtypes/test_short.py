from __future__ import annotations

from typing import Any

import pytest

from quizapp.bank.scalars import PlainFloat, PlainInt
from quizapp.qtypes import InvalidResponse
from quizapp.qtypes.short import MAX_ANSWER_LENGTH, ShortAnswer, normalize_answer

from .helpers import answer, refused, view

DATA: dict[str, Any] = {
    "id": "inviter",
    "type": "short",
    "text": "Who invited Xi?",
    "accept": ["Lukashenko", "Łukashenka", "Alexander Lukashenko"],
}


def make(**changes: Any) -> ShortAnswer:
    return ShortAnswer.model_validate({**DATA, **changes})


def fraction(question: ShortAnswer, typed: str) -> float:
    return question.grade(answer(question, answer=typed)).fraction


def test_defaults_and_plain_numbers() -> None:
    assert make().case_sensitive is False
    question = make(accept=[PlainInt("2014"), PlainFloat("1.10")])
    assert question.accept == ["2014", "1.10"]
    assert fraction(question, "1.10") == 1.0
    assert fraction(question, "1.1") == 0.0


@pytest.mark.parametrize(
    ("accept", "message"),
    [
        ([], "a short-answer question needs at least one accepted answer under 'accept'"),
        ([""], "at least 1 character"),
        ([" . "], "empty once spaces and final full stops are removed"),
        ([True], "accept"),
    ],
)
def test_invalid_accept(accept: list[Any], message: str) -> None:
    assert message in refused(ShortAnswer, {**DATA, "accept": accept})


def test_accept_is_required() -> None:
    data = {key: value for key, value in DATA.items() if key != "accept"}
    assert "accept" in refused(ShortAnswer, data)


def test_case_sensitive_must_be_boolean() -> None:
    assert "case_sensitive" in refused(ShortAnswer, {**DATA, "case_sensitive": "yes"})


@pytest.mark.parametrize(
    "typed",
    [
        "Lukashenko",
        "lukashenko",
        "  LUKASHENKO.  ",
        "Alexander   Lukashenko",
        "Alexander\u00a0Lukashenko",  # no-break space
        "Ｌｕｋａｓｈｅｎｋｏ",  # full-width letters (NFKC)
        "łukashenka",  # case-folded Polish Ł
        "ŁUKASHENKA",
    ],
)
def test_accepted_variants(typed: str) -> None:
    assert fraction(make(), typed) == 1.0


@pytest.mark.parametrize("typed", ["Lukashenk", "Lukashenka", "Putin", "Lukashenko Alexander"])
def test_rejected(typed: str) -> None:
    assert fraction(make(), typed) == 0.0


def test_composed_and_decomposed_accents_are_equal() -> None:
    question = make(accept=["Café"])  # é as one code point
    assert fraction(question, "Cafe\u0301") == 1.0  # e + combining acute
    assert fraction(question, "Cafe") == 0.0


def test_case_sensitive() -> None:
    question = make(accept=["pH"], case_sensitive=True)
    assert fraction(question, "pH") == 1.0
    assert fraction(question, "pH.") == 1.0
    assert fraction(question, "PH") == 0.0
    assert fraction(make(accept=["pH"]), "PH") == 1.0


def test_normalize_answer() -> None:
    assert normalize_answer("  The  Black\tSea.. ") == "the black sea"
    assert normalize_answer("ﬁne", case_sensitive=True) == "fine"
    assert normalize_answer("Straße") == normalize_answer("STRASSE")


def test_empty_response() -> None:
    question = make()
    assert answer(question) == {}
    assert answer(question, answer="   ") == {}
    assert question.grade({}).feedback == ["Not answered."]
    assert question.grade({"answer": 5}).fraction == 0.0  # a corrupt stored value


def test_stores_what_was_typed() -> None:
    question = make()
    response = answer(question, answer=" lukashenko. ")
    assert response == {"answer": " lukashenko. "}
    assert question.summarize(response) == "lukashenko."


def test_malformed_form_is_refused() -> None:
    question = make()
    with pytest.raises(InvalidResponse, match="at most 500"):
        answer(question, answer="x" * (MAX_ANSWER_LENGTH + 1))
    assert answer(question, answer="x" * MAX_ANSWER_LENGTH)
    with pytest.raises(InvalidResponse, match="sent 2 times"):
        answer(question, answer=["a", "b"])
    with pytest.raises(InvalidResponse, match="NUL"):
        answer(question, answer="a\x00b")


def test_view_hides_the_answer() -> None:
    shown = str(view(make()))
    assert "ukashenk" not in shown.replace(DATA["text"], "")
    assert "accept" not in shown


def test_correct_answer_lists_the_alternatives() -> None:
    assert make().correct_answer() == "Lukashenko (also accepted: Łukashenka, Alexander Lukashenko)"
    assert make(accept=["Mars"]).correct_answer() == "Mars"


@pytest.mark.parametrize(
    ("accept", "typed", "expected"),
    [
        (["Black Sea"], "Black", 1.0),
        (["Black Sea"], "black sea", 1.0),
        (["Black"], "Black Sea", 1.0),
        (["Black Sea"], "Sea", 0.0),
        (["Black Sea"], "Red", 0.0),
        (["Black Sea"], "Black Sea Sea", 0.0),
    ],
)
def test_optional_ending(accept: list[str], typed: str, expected: float) -> None:
    question = make(accept=accept, optional_ending="Sea")
    assert question.optional_ending == ["Sea"]
    assert fraction(question, typed) == expected


def test_without_optional_ending_the_word_counts() -> None:
    question = make(accept=["Black Sea"])
    assert fraction(question, "Black") == 0.0
    assert "optional_ending" not in question.model_dump_json(exclude_none=True)


@pytest.mark.parametrize(
    ("accepted", "typed"),
    [
        ("Minsk", "ＭＩＮＳＫ"),  # full-width letters
        ("Minsk", "Ｍｉｎｓｋ。"),  # and a Chinese full stop
        ("明斯克", "明斯克"),
        ("明斯克", " 明斯克。 "),
        ("Минск", "МИНСК"),  # Cyrillic case folding
        ("Минск", "минск."),
        ("«Великий камень»", '"великий камень"'),  # Russian quotation marks
        ("《中白工业园》", '"中白工业园"'),  # Chinese title marks
        ("中白工业园，明斯克", "中白工业园,明斯克"),  # full-width comma
        ("A,B", "A、B"),  # ideographic comma
        ("Xi Jinping", "Xi   Jinping"),
        ("2014", "２０１４"),  # full-width digits
    ],
)
def test_answers_in_other_scripts_and_widths_match(accepted: str, typed: str) -> None:
    assert normalize_answer(typed) == normalize_answer(accepted)
    assert fraction(make(accept=[accepted]), typed) == 1.0


def test_other_scripts_are_not_transliterated() -> None:
    question = make(accept=["Minsk"])
    assert fraction(question, "Минск") == 0.0
    assert fraction(question, "明斯克") == 0.0


def test_a_chinese_optional_ending_needs_no_space() -> None:
    question = make(accept=["黑海"], optional_ending=["海"])
    assert fraction(question, "黑") == 1.0
    assert fraction(question, "黑海") == 1.0
    assert fraction(question, "红海") == 0.0
