"""Drafting questions from a text (``flask --app quizapp quiz draft``, the bank's "Draft
questions" page): facts found by plain rules (``facts``), questions built from them
(``questions``), written as the bank's own YAML (``drafts_yaml``). Deterministic and offline."""

from __future__ import annotations

from collections.abc import Collection

from quizapp.bank.writer import bank_yaml
from quizapp.drafting.questions import Draft, draft_questions

MAX_TEXT_BYTES = 1_000_000
"""A source text larger than this (about 150,000 words) is refused: drafting is per sentence and
a teacher cannot review more drafts than that anyway."""

HEADER = """\
# Drafts from {name}: {count} question(s), each marked `draft: true` and citing the sentence it
# came from. A draft is never served to students. Check each against the text, reword it in
# your own words, then remove `draft: true` (or accept it on the bank's page) and import.
"""


def drafts_yaml(drafts: list[Draft], name: str) -> str:
    """The drafts as a YAML document with a ``questions:`` list, ready to paste into a bank."""
    body = bank_yaml({"questions": drafts})
    return HEADER.format(name=name, count=len(drafts)) + body


def draft_text(text: str, taken_ids: Collection[str] = ()) -> list[Draft]:
    """Draft questions from a whole text (see ``quizapp.drafting.questions``)."""
    return draft_questions(text, taken_ids)


__all__ = ["MAX_TEXT_BYTES", "Draft", "draft_text", "drafts_yaml"]
