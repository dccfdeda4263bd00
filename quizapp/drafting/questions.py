"""Draft questions from the facts of a text, in the bank's own YAML shape.

Each kind of fact gives one kind of question (see ``docs/authoring.md``, "Drafts from a text"):

- a figure ("nearly US$5.5 billion", "23 projects") gives a numeric question whose stem keeps the
  hedge and the unit; money figures of the same currency give a single-choice question instead
  when the text has at least two others to offer as distractors;
- a year gives a numeric year question; the dated events of the text give one ordering question;
- a name gives a short-answer question (people), or a single choice among other names of the same
  kind (places, organisations, documents, events) when the text has enough of them;
- a list gives a multiple-choice question whose distractors are items of the text's other lists.

Every draft is marked ``draft: true`` (never served to students until a teacher accepts it) and
cites ``source: {paragraph, quote}`` from the sentence it came from, so ``check-sources`` holds.
The same text always gives the same drafts: no randomness but a seed made of the draft's id.

Pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from quizapp.bank.sources import MAX_QUOTE_WORDS, find_figures, normalise
from quizapp.drafting.facts import MONTHS, Fact, byline, facts, sentences
from quizapp.qtypes import AnyQuestion

BLANK = "____"
MAX_STEM_WORDS = 28
MAX_ITEM_WORDS = 16
MAX_EVENTS = 5
MAX_CORRECT_ITEMS = 4
MAX_DISTRACTORS = 3
COMMON_NAME_SHARE = 0.2
"""A name in more than this share of the sentences is what the text is about ("Belarus"):
blanking it tests nothing."""

Draft = dict[str, Any]


# -- pieces of a question --------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _excerpt(fact: Fact, replacement: str) -> str:
    """The fact's sentence with the fact replaced, cut to at most ``MAX_STEM_WORDS`` words
    around it, with an ellipsis where it was cut."""
    text = fact.sentence.text
    before = text[: fact.start].split()
    after = text[fact.end :].split()
    room = MAX_STEM_WORDS - len(replacement.split())
    keep_before = min(len(before), max(room // 2, room - len(after)))
    keep_after = min(len(after), room - keep_before)
    head = before[len(before) - keep_before :]
    tail = after[:keep_after]
    left = " ".join(head)
    right = " ".join(tail)
    excerpt = (left + " " if left else "") + replacement
    if right:
        excerpt += ("" if text[fact.end : fact.end + 1] != " " else " ") + right
    if keep_before < len(before):
        excerpt = "…" + excerpt
    if keep_after < len(after):
        excerpt = excerpt.rstrip(",;:") + "…"
    return excerpt


def _quote(fact: Fact) -> str:
    """At most ``MAX_QUOTE_WORDS`` words of the sentence, from just before the fact."""
    text = fact.sentence.text
    words = text.split()
    offset = 0
    at = 0
    for at, word in enumerate(words):  # noqa: B007 (``at`` is used after the loop)
        offset = text.find(word, offset)
        if offset + len(word) > fact.start:
            break
        offset += len(word)
    first = max(0, at - 2)
    chosen = words[first : first + MAX_QUOTE_WORDS]
    chosen[-1] = chosen[-1].rstrip(",;:.")
    return " ".join(chosen)


def _source(fact: Fact) -> dict[str, Any]:
    return {"paragraph": fact.sentence.paragraph, "quote": _quote(fact)}


def _shuffled(items: list[Any], seed: str) -> list[Any]:
    """A fixed order that depends on the draft only: the right choice is not always first."""
    rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())
    items = list(items)
    rng.shuffle(items)
    return items


class _Ids:
    """Draft ids: readable, unique in the bank, the same for the same text."""

    def __init__(self, taken: Collection[str]) -> None:
        self.taken = set(taken)

    def new(self, kind: str, fact: Fact, what: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", what.casefold()).strip("-")[:30] or "x"
        return self.fresh(f"draft-{kind}-p{fact.sentence.paragraph}-{slug}")

    def fresh(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        return candidate


# -- the kinds of drafts ---------------------------------------------------------------------


def _figure_written(fact: Fact) -> str:
    value = _number(fact.value or Decimal(0))
    if fact.currency:
        return f"{fact.currency}{value:,} {fact.unit}".strip()
    return fact.written


def _figure_draft(fact: Fact, ids: _Ids, money: list[Fact]) -> Draft:
    value = _number(fact.value or Decimal(0))
    if fact.currency:
        blank = f"{fact.currency}{BLANK} {fact.unit}".strip()
    elif fact.ordinal:
        blank = BLANK + re.sub(r"^\d+", "", fact.written) if fact.written[0].isdigit() else BLANK
    else:
        blank = BLANK
    hedge = f' The text says "{fact.hedge}": keep the hedge in mind.' if fact.hedge else ""
    draft: Draft = {"id": ids.new("figure", fact, f"{value}-{fact.unit}"), "draft": True}
    others = _distinct(
        (_figure_written(other) for other in money if other.currency == fact.currency),
        exclude={_figure_written(fact)},
    )
    if fact.currency and len(others) >= 2:
        correct = _figure_written(fact)
        choices = [{"text": correct, "correct": True}] + [
            {"text": other, "feedback": "The text gives this figure for something else."}
            for other in others[:MAX_DISTRACTORS]
        ]
        draft |= {
            "type": "single",
            "text": f'Which figure completes this statement of the text? "{_excerpt(fact, BLANK)}"',
            "choices": _shuffled(choices, draft["id"]),
        }
    else:
        excerpt = _excerpt(fact, blank)
        unit = fact.unit if not fact.currency else f"{fact.currency} {fact.unit}".strip()
        asked = "Which number" if fact.ordinal else "Which figure"
        draft |= {
            "type": "numeric",
            "text": f'{asked} does the text give here? "{excerpt}" Give the number.{hedge}',
            "answer": value,
            "tolerance": 0,
        }
        if fact.unit and not fact.currency:
            draft["unit"] = unit
    draft |= {
        "explanation": f'The text gives "{fact.written}" (paragraph {fact.sentence.paragraph}).',
        "tags": ["figures"],
        "source": _source(fact),
    }
    return draft


def _year_draft(fact: Fact, ids: _Ids) -> Draft:
    blank = f"{fact.month} {BLANK}" if fact.month else BLANK
    draft_id = ids.new("year", fact, f"{fact.month}-{fact.value}")
    return {
        "id": draft_id,
        "draft": True,
        "type": "numeric",
        "text": f'In which year, according to the text? "{_excerpt(fact, blank)}"',
        "answer": _number(fact.value or Decimal(0)),
        "tolerance": 0,
        "explanation": f"The text dates this to {fact.written} (paragraph "
        f"{fact.sentence.paragraph}).",
        "tags": ["dates"],
        "source": _source(fact),
    }


def _event(fact: Fact) -> str:
    """What happened at a date: its sentence without the date phrase, shortened."""
    text = fact.sentence.text
    start = fact.start
    lead = re.search(r"\b(?:in|since|from|by|until|of)\s*$", text[:start], re.IGNORECASE)
    if lead:
        start = lead.start()
    event = (text[:start] + text[fact.end :]).strip()
    event = re.sub(r"^,\s*", "", event)
    event = re.sub(r"\s+([,.;])", r"\1", event)
    event = re.sub(r"\s{2,}", " ", event).rstrip(".")
    words = event.split()
    if len(words) > MAX_ITEM_WORDS:
        event = " ".join(words[:MAX_ITEM_WORDS]).rstrip(",;:") + "…"
    return event[:1].upper() + event[1:]


def _ordering_draft(dated: list[Fact], ids: _Ids) -> Draft | None:
    """One ordering question over events at distinct dates, earliest first."""
    month = {name: number for number, name in enumerate(MONTHS, 1)}
    chosen: list[tuple[tuple[int, int], Fact, str]] = []
    seen_years: set[int] = set()
    for fact in dated:
        year = int(fact.value or 0)
        if year in seen_years:
            continue
        event = _event(fact)
        if find_figures(event) or len(event.split()) < 4:
            continue  # an item with its own figures would give away or muddle the order
        seen_years.add(year)
        chosen.append(((year, month.get(fact.month, 0)), fact, event))
    if len(chosen) < 3:
        return None
    chosen = sorted(chosen, key=lambda entry: entry[0])[:MAX_EVENTS]
    first = min(chosen, key=lambda entry: (entry[1].sentence.paragraph, entry[1].start))[1]
    items = [event for _, _, event in chosen]
    dates = ", ".join(fact.written for _, fact, _ in chosen)
    return {
        "id": ids.new("order", first, "events"),
        "draft": True,
        "type": "ordering",
        "text": "Put these events of the text in the order they happened, earliest first.",
        "items": items,
        "explanation": f"The text dates them {dates}.",
        "tags": ["dates"],
        "source": _source(first),
    }


def _distinct(texts: Iterable[str], exclude: Collection[str]) -> list[str]:
    seen = {text.casefold() for text in exclude}
    result: list[str] = []
    for text in texts:
        if text.casefold() not in seen:
            seen.add(text.casefold())
            result.append(text)
    return result


def _name_draft(fact: Fact, ids: _Ids, same_kind: list[str]) -> Draft:
    name = fact.written
    excerpt = _excerpt(fact, BLANK)
    others = [other for other in same_kind if other.casefold() not in excerpt.casefold()]
    draft: Draft = {"id": ids.new("name", fact, name), "draft": True}
    if fact.name_kind != "person" and len(others) >= MAX_DISTRACTORS:
        choices = [{"text": name, "correct": True}] + [
            {"text": other, "feedback": f"The text names {other} in another place."}
            for other in others[:MAX_DISTRACTORS]
        ]
        draft |= {
            "type": "single",
            "text": f'Which {_kind_word(fact)} completes this statement of the text? "{excerpt}"',
            "choices": _shuffled(choices, draft["id"]),
        }
    else:
        # Only the name as written: which part is the surname depends on the language
        # ("Xi Jinping" against "Alexander Lukashenko"); the teacher adds other forms.
        accept = [name]
        draft |= {
            "type": "short",
            "text": f'Which {_kind_word(fact)} is missing? "{excerpt}"',
            "accept": accept,
            "case_sensitive": False,
        }
    draft |= {
        "explanation": f"The text names {name} here (paragraph {fact.sentence.paragraph}).",
        "tags": ["names"],
        "source": _source(fact),
    }
    return draft


def _kind_word(fact: Fact) -> str:
    return {"person": "person", "place": "place", "event": "event", "document": "document"}.get(
        fact.name_kind, "name"
    )


def _list_draft(fact: Fact, ids: _Ids, other_items: list[str]) -> Draft | None:
    correct = list(fact.items[:MAX_CORRECT_ITEMS])
    distractors = [
        item
        for item in _distinct(other_items, exclude=fact.items)
        if not find_figures(item)
        if not any(
            item.casefold() in mine.casefold() or mine.casefold() in item.casefold()
            for mine in fact.items
        )
    ][:MAX_DISTRACTORS]
    if len(distractors) < 2:
        return None
    draft_id = ids.new("list", fact, fact.items[0])
    choices = [{"text": item[:1].upper() + item[1:], "correct": True} for item in correct] + [
        {
            "text": item[:1].upper() + item[1:],
            "feedback": "The text lists this in another place, not here.",
        }
        for item in distractors
    ]
    return {
        "id": draft_id,
        "draft": True,
        "type": "multiple",
        "scoring": "partial",
        "text": "Which of these does the text list here? "
        f'"{_excerpt(fact, BLANK)}" Select all that apply.',
        "choices": _shuffled(choices, draft_id),
        "explanation": f"The text lists {', '.join(fact.items)} (paragraph "
        f"{fact.sentence.paragraph}).",
        "tags": ["lists"],
        "source": _source(fact),
    }


def _author_draft(text: str, ids: _Ids) -> Draft | None:
    found = byline(text)
    if found is None:
        return None
    paragraph, name, _line = found
    quote = " ".join(f"By {name}".split()[:MAX_QUOTE_WORDS])
    return {
        "id": ids.fresh("draft-author"),
        "draft": True,
        "type": "short",
        "text": "Who wrote the text?",
        "accept": [name],
        "case_sensitive": False,
        "explanation": f"The byline names {name} (paragraph {paragraph}).",
        "tags": ["names"],
        "source": {"paragraph": paragraph, "quote": quote},
    }


# -- the whole text --------------------------------------------------------------------------


def draft_questions(text: str, taken_ids: Collection[str] = ()) -> list[Draft]:
    """Draft questions from ``text``, each valid in the bank format; ids avoid ``taken_ids``."""
    ids = _Ids(taken_ids)
    found = facts(text)
    sentence_count = max(1, len(sentences(text)))
    name_counts = Counter(fact.written for fact in found if fact.kind == "name")
    drafts: list[Draft] = []
    author = _author_draft(text, ids)
    if author:
        drafts.append(author)

    money = [fact for fact in found if fact.kind == "figure" and fact.currency]
    names_by_kind: dict[str, list[str]] = {}
    for fact in found:
        if fact.kind == "name":
            names_by_kind.setdefault(fact.name_kind, [])
            if fact.written not in names_by_kind[fact.name_kind]:
                names_by_kind[fact.name_kind].append(fact.written)
    list_items = [item for fact in found if fact.kind == "list" for item in fact.items]

    asked_names: set[str] = set()
    asked_figures: set[tuple[int, str]] = set()
    for fact in found:
        if fact.kind == "figure":
            key = (fact.sentence.paragraph, fact.written)
            if key not in asked_figures:
                asked_figures.add(key)
                drafts.append(_figure_draft(fact, ids, money))
        elif fact.kind == "year":
            drafts.append(_year_draft(fact, ids))
        elif fact.kind == "name":
            if fact.written in asked_names:
                continue
            if name_counts[fact.written] > COMMON_NAME_SHARE * sentence_count:
                continue
            asked_names.add(fact.written)
            same_kind = [n for n in names_by_kind[fact.name_kind] if n != fact.written]
            drafts.append(_name_draft(fact, ids, same_kind))
        elif fact.kind == "list":
            mine = set(fact.items)
            others = [item for item in list_items if item not in mine]
            draft = _list_draft(fact, ids, others)
            if draft:
                drafts.append(draft)
    ordering = _ordering_draft([fact for fact in found if fact.kind == "year"], ids)
    if ordering:
        drafts.append(ordering)
    return [draft for draft in drafts if _valid(draft) and _quote_holds(draft, text)]


_QUESTION = TypeAdapter(AnyQuestion)


def _valid(draft: Draft) -> bool:
    try:
        _QUESTION.validate_python(draft)
    except ValidationError:
        return False
    return True


def _quote_holds(draft: Draft, text: str) -> bool:
    from quizapp.bank.sources import split_paragraphs

    paragraphs = split_paragraphs(text)
    source = draft["source"]
    return normalise(source["quote"]) in normalise(paragraphs[source["paragraph"] - 1])
