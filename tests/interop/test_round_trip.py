"""Ours -> format -> ours gives the same questions, for every question of the demo bank and the
article bank, in each of the four formats."""

from __future__ import annotations

import pytest

from quizapp.bank.loader import load_bank_file
from quizapp.bank.models import Bank
from quizapp.interop import convert, export_bank
from quizapp.qtypes.languages import default_language_only
from tests.interop.conftest import BANK_FILES, FORMATS, IMPORT_FROM, comparable


@pytest.mark.parametrize("format_name", FORMATS)
def test_every_question_comes_back_the_same(bank: Bank, format_name: str) -> None:
    data, _ = export_bank(bank, format_name)
    back = convert(data, f"bank.{format_name}", IMPORT_FROM[format_name]).bank

    assert (back.bank, back.title) == (bank.bank, bank.title)
    assert [q.id for q in back.questions] == [q.id for q in bank.questions]
    for original, returned in zip(bank.questions, back.questions, strict=True):
        # The formats carry one language: a translated question comes back in its default one.
        expected = default_language_only(original)
        assert comparable(returned) == comparable(expected), original.id


@pytest.mark.parametrize("format_name", FORMATS)
def test_keys_choices_feedback_and_points_survive(format_name: str) -> None:
    """The same check spelt out for what a teacher looks at first, on the demo bank (one
    question of each type) with points other than 1, which neither shipped bank has."""
    bank = load_bank_file(BANK_FILES["demo"])
    edited = bank.model_copy(
        update={
            "questions": [
                q.model_copy(update={"points": 2.5}) if n % 3 == 0 else q
                for n, q in enumerate(bank.questions)
            ]
        }
    )
    data, _ = export_bank(Bank.model_validate(edited.model_dump()), format_name)
    back = convert(data, "bank", IMPORT_FROM[format_name]).bank
    for original, returned in zip(edited.questions, back.questions, strict=True):
        assert returned.points == original.points
        assert returned.type == original.type
        for field in ("choices", "answer", "accept", "pairs", "items", "range"):
            assert getattr(returned, field, None) == getattr(original, field, None)
        assert comparable(returned).get("blanks") == comparable(original).get("blanks")
        assert returned.explanation == original.explanation
        if original.type in ("single", "multiple"):
            assert [c.feedback for c in returned.choices] == [c.feedback for c in original.choices]
        if original.type == "true_false":
            assert (returned.feedback_true, returned.feedback_false) == (
                original.feedback_true,
                original.feedback_false,
            )
