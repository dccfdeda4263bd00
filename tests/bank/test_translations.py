"""`validate` on banks in several languages: translations that do not line up are reported
at their line, and both forms of text load."""

from __future__ import annotations

import textwrap

import pytest

from quizapp.bank.errors import BankError
from quizapp.bank.loader import load_bank_bytes
from quizapp.bank.schema import bank_json_schema

HEAD = "bank: b\ntitle: B\nlanguage: en\nlanguages: [en, zh, ru]\nquestions:\n"

GOOD = textwrap.dedent(
    """\
      - id: capital
        type: single
        text: {en: Capital?, zh: 首都？, ru: Столица?}
        choices:
          - {text: {en: Minsk, zh: 明斯克, ru: Минск}, correct: true}
          - {en: Brest, zh: 布列斯特, ru: Брест}
          - "42"
      - id: order
        type: ordering
        text: {en: Order., zh: 排序。, ru: По порядку.}
        items:
          - {en: one, zh: 一, ru: один}
          - {en: two, zh: 二, ru: два}
      - id: pairs
        type: matching
        text: {en: Match., zh: 配对。, ru: Сопоставьте.}
        pairs:
          - {prompt: {en: a, zh: 甲, ru: а}, answer: "1"}
          - {prompt: {en: b, zh: 乙, ru: б}, answer: "2"}
      - id: gap
        type: cloze
        text: {en: "The capital is [[city]].", zh: "首都是[[city]]。", ru: "Столица — [[city]]."}
        blanks:
          city: {type: short, accept: [{en: Minsk, zh: 明斯克, ru: Минск}]}
    """
)


def problems(text: str) -> list[str]:
    with pytest.raises(BankError) as error:
        load_bank_bytes(text.encode("utf-8"), "b.yaml")
    return [str(problem) for problem in error.value.problems]


def test_a_bank_in_three_languages_loads() -> None:
    bank = load_bank_bytes((HEAD + GOOD).encode("utf-8"), "b.yaml")
    assert bank.language == "en" and bank.languages == ["en", "zh", "ru"]
    assert bank.question("capital").text == "Capital?"


def test_a_choice_missing_in_one_language_is_reported_at_its_line() -> None:
    found = problems(
        HEAD + GOOD.replace("{en: Brest, zh: 布列斯特, ru: Брест}", "{en: Brest, zh: 布列斯特}")
    )
    assert found == [
        "b.yaml:11:7: question 'capital': this text has no 'ru' version, though the question "
        "is written in en, zh, ru; translate every choice, item and pair into each language "
        "(a student would see this one missing)"
    ]


def test_items_and_pairs_missing_in_one_language_are_reported() -> None:
    found = problems(
        HEAD
        + GOOD.replace("{en: two, zh: 二, ru: два}", "{en: two, ru: два}").replace(
            "{en: b, zh: 乙, ru: б}", "{en: b, zh: 乙}"
        )
    )
    assert [line.split(": ", 1)[0] for line in found] == ["b.yaml:18:7", "b.yaml:24:16"]
    assert "no 'zh' version" in found[0] and "no 'ru' version" in found[1]


def test_two_choices_that_read_the_same_in_one_language_are_reported() -> None:
    found = problems(
        HEAD
        + GOOD.replace("{en: Brest, zh: 布列斯特, ru: Брест}", "{en: Brest, zh: 明斯克, ru: Брест}")
    )
    assert found == [
        "b.yaml:11:7: question 'capital': in 'zh' this reads '明斯克', like '明斯克'; make every "
        "choice different in every language"
    ]


def test_different_blanks_in_one_language_are_reported() -> None:
    found = problems(HEAD + GOOD.replace("首都是[[city]]。", "首都是[[town]]。"))
    assert found == [
        "b.yaml:27:9: question 'gap': the 'zh' text has the blanks [[town]], the 'en' text "
        "[[city]]; give every language the same [[blanks]]"
    ]


def test_a_language_not_declared_is_reported() -> None:
    found = problems(HEAD.replace("[en, zh, ru]", "[en, zh]") + GOOD)
    assert len(found) >= 1
    assert found[0].startswith("b.yaml:8:9: question 'capital' has text in 'ru', which the bank")
    assert "add it to 'languages: [en, zh]'" in found[0]


def test_a_missing_default_language_text_is_reported() -> None:
    found = problems(
        HEAD
        + GOOD.replace("{en: Capital?, zh: 首都？, ru: Столица?}", "{zh: 首都？, ru: Столица?}")
    )
    assert len(found) == 1
    assert found[0].startswith("b.yaml:8:9: ")
    assert "no text in the bank's language 'en'" in found[0]


def test_the_bank_language_must_be_among_its_languages() -> None:
    plain = "  - {id: plain, type: true_false, text: Minsk is a capital., answer: true}\n"
    found = problems(HEAD.replace("language: en", "language: be") + plain)
    assert found == ["b.yaml:4:1: 'languages' must include the bank's language 'be'; add it"]


def test_the_schema_allows_plain_text_and_text_by_language() -> None:
    schema = bank_json_schema()
    text = str(schema["$defs"]["Choice"]["properties"]["text"])
    assert "'type': ['string', 'number']" in text and "propertyNames" in text
    assert schema["properties"]["languages"]
