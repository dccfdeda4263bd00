"""Questions in several languages (the pure layer): one question carries every translation,
``in_language`` shows it in one, and identity, grading and versions ignore the language."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pydantic import TypeAdapter

from quizapp.qtypes import AnyQuestion, QuestionBase
from quizapp.qtypes.languages import (
    LANGUAGE,
    Localized,
    default_language_only,
    in_language,
    languages_of,
)

from .helpers import answer, layout

ADAPTER: TypeAdapter[QuestionBase] = TypeAdapter(AnyQuestion)

SINGLE: dict[str, Any] = {
    "id": "capital",
    "type": "single",
    "text": {
        "en": "What is the capital of Belarus?",
        "zh": "白俄罗斯的首都是哪里？",
        "ru": "Какой город — столица Беларуси?",
    },
    "choices": [
        {
            "text": {"en": "Minsk", "zh": "明斯克", "ru": "Минск"},
            "correct": True,
            "feedback": {"en": "Yes.", "zh": "对。"},
        },
        {"en": "Brest", "zh": "布列斯特", "ru": "Брест"},
        "Grodno",
    ],
    "explanation": {"en": "Minsk is the capital.", "ru": "Минск — столица."},
}


def make(data: dict[str, Any], language: str = "en") -> QuestionBase:
    return ADAPTER.validate_python(data, context={LANGUAGE: language})


def test_plain_text_stays_plain_and_keeps_its_hash() -> None:
    plain = make({"id": "q", "type": "true_false", "text": "Minsk is a capital.", "answer": True})
    assert type(plain.text) is str
    assert languages_of(plain) == []
    assert in_language(plain, "zh") is plain
    assert plain.model_dump(mode="json")["text"] == "Minsk is a capital."


def test_a_question_carries_every_translation_and_shows_one() -> None:
    question = make(SINGLE)
    assert isinstance(question.text, Localized)
    assert question.text == "What is the capital of Belarus?"  # the default language
    assert languages_of(question) == ["en", "zh", "ru"]
    chinese = in_language(question, "zh")
    assert chinese.text == "白俄罗斯的首都是哪里？"
    assert [choice.text for choice in chinese.choices] == ["明斯克", "布列斯特", "Grodno"]
    # a field without a translation falls back to the default language
    assert chinese.explanation == "Minsk is the capital."
    assert in_language(question, "ru").explanation == "Минск — столица."
    assert in_language(question, "de").text == "What is the capital of Belarus?"


def test_choice_keys_layouts_and_grades_do_not_depend_on_the_language() -> None:
    question = make(SINGLE)
    russian = in_language(question, "ru")
    assert question.choices_by_key().keys() == russian.choices_by_key().keys()
    assert layout(question, seed=3) == layout(russian, seed=3)
    picked = answer(question, seed=3, choice=question.option_key(question.choices[0].text))
    assert russian.grade(picked).fraction == question.grade(picked).fraction == 1.0
    assert russian.grade(picked).feedback == ["Yes."]  # no Russian feedback: the default
    assert in_language(question, "zh").grade(picked).feedback == ["对。"]
    shown = russian.public_view(layout(russian, seed=3))
    assert {option["text"] for option in shown["options"]} == {"Минск", "Брест", "Grodno"}


def test_the_version_hash_covers_every_translation() -> None:
    question = make(SINGLE)
    edited = {**SINGLE, "text": {**SINGLE["text"], "ru": "Столица Беларуси?"}}
    assert make(edited).content_hash() != question.content_hash()
    assert make(SINGLE).content_hash() == question.content_hash()


def test_the_stored_form_reads_back_equal_without_the_bank() -> None:
    """Stored versions are read back with no bank at hand: the default language comes
    first in the stored mapping, so it is known again."""
    question = make({**SINGLE, "text": {"zh": "首都？", "en": "Capital?"}}, language="en")
    stored = question.model_dump(mode="json")
    assert list(stored["text"]) == ["en", "zh"]
    again = ADAPTER.validate_python(stored)
    assert again == question and again.text == "Capital?"
    assert again.content_hash() == question.content_hash()


def test_a_text_without_the_default_language_is_refused() -> None:
    data = {**SINGLE, "text": {"zh": "首都？", "ru": "Столица?"}}
    with pytest.raises(ValueError, match="no text in the bank's language 'en'"):
        make(data)


def test_language_codes_are_checked() -> None:
    with pytest.raises(ValueError, match="'English' is not a language code"):
        make({**SINGLE, "text": {"en": "Capital?", "English": "Capital?"}})


def test_short_answers_in_every_language_are_right_in_any_language() -> None:
    question = make(
        {
            "id": "capital-short",
            "type": "short",
            "text": {
                "en": "Capital of Belarus?",
                "zh": "白俄罗斯的首都？",
                "ru": "Столица Беларуси?",
            },
            "accept": [{"en": "Minsk", "zh": "明斯克", "ru": "Минск"}],
        }
    )
    for shown in (question, in_language(question, "zh"), in_language(question, "ru")):
        for typed in ("Minsk", "明斯克", "Минск", "МИНСК", "ＭＩＮＳＫ", "明斯克。"):
            assert shown.grade({"answer": typed}).fraction == 1.0, typed
        assert shown.grade({"answer": "Brest"}).fraction == 0.0
    assert in_language(question, "zh").correct_answer() == "明斯克"


def test_ordering_and_matching_show_their_items_in_the_language() -> None:
    ordering = make(
        {
            "id": "order",
            "type": "ordering",
            "text": {"en": "Order them.", "zh": "排序。"},
            "items": [{"en": "first", "zh": "第一"}, {"en": "second", "zh": "第二"}],
        }
    )
    chinese = in_language(ordering, "zh")
    assert layout(chinese) == layout(ordering)
    assert sorted(layout(ordering)["order"]) == sorted(
        ordering.option_key(item) for item in ordering.items
    )
    assert "第一" in chinese.correct_answer() and "first" not in chinese.correct_answer()


def test_exports_get_plain_default_language_text() -> None:
    plain = default_language_only(make(SINGLE))
    assert type(plain.text) is str and plain.text == "What is the capital of Belarus?"
    assert plain.model_dump(mode="json")["choices"][1]["text"] == "Brest"
    assert plain.options() == make(SINGLE).options()


def test_cloze_blanks_in_another_language() -> None:
    cloze = make(
        {
            "id": "cloze",
            "type": "cloze",
            "text": {"en": "The capital is [[city]].", "zh": "首都是[[city]]。"},
            "blanks": {
                "city": {
                    "type": "choice",
                    "choices": [{"en": "Minsk", "zh": "明斯克"}, {"en": "Brest", "zh": "布列斯特"}],
                    "answer": {"en": "Minsk", "zh": "明斯克"},
                },
            },
        }
    )
    chinese = in_language(cloze, "zh")
    right = cloze.option_key(cloze.blanks["city"].choices[0])
    assert chinese.grade(answer(chinese, **{"blank-city": right})).fraction == 1.0
    view = chinese.public_view(layout(chinese))
    assert "明斯克" in str(view) and "Minsk" not in str(view)


def test_a_layout_made_in_one_language_serves_another() -> None:
    question = make(SINGLE)
    rng = random.Random(7)
    made = question.new_layout(rng)
    assert in_language(question, "zh").public_view(made)["options"][0]["key"] in made["order"]
