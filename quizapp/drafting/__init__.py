"""Drafting questions from a text (``flask --app quizapp quiz draft``, the bank's "Draft
questions" page): facts found by plain rules (``facts``), questions built from them
(``questions``), written as the bank's own YAML (``drafts_yaml``). Deterministic and offline."""

from __future__ import annotations

from collections.abc import Collection

import yaml

from quizapp.drafting.questions import Draft, draft_questions

MAX_TEXT_BYTES = 1_000_000
"""A source text larger than this (about 150,000 words) is refused: drafting is per sentence and
a teacher cannot review more drafts than that anyway."""

HEADER = """\
# Drafts from {name}: {count} question(s), each marked `draft: true` and citing the sentence it
# came from. A draft is never served to students. Check each against the text, reword it in
# your own words, then remove `draft: true` (or accept it on the bank's page) and import.
"""


class _PlainDumper(yaml.SafeDumper):
    """Never writes anchors and aliases (``&id001``): banks refuse them, and a teacher reads
    every draft on its own."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def drafts_yaml(drafts: list[Draft], name: str) -> str:
    """The drafts as a YAML document with a ``questions:`` list, ready to paste into a bank."""
    body = yaml.dump(
        {"questions": drafts}, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100
    )
    return HEADER.format(name=name, count=len(drafts)) + body


def draft_text(text: str, taken_ids: Collection[str] = ()) -> list[Draft]:
    """Draft questions from a whole text (see ``quizapp.drafting.questions``)."""
    return draft_questions(text, taken_ids)


__all__ = ["MAX_TEXT_BYTES", "Draft", "draft_text", "drafts_yaml"]
