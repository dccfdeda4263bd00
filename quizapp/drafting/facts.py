"""What a text states, found sentence by sentence: figures, dates, names and lists.

Every fact remembers the paragraph (numbered as ``check-sources`` numbers them: blocks between
blank lines, from 1), the sentence it stands in, and where in that sentence it is, so that a
question can blank it out and cite it. Everything here is plain rules over the text: the same
text always gives the same facts, in the same order, with no service and no model behind them.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal

from quizapp.bank.sources import find_figures, split_paragraphs

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = "|".join(MONTHS)

HEDGES = (
    "nearly",
    "almost",
    "about",
    "around",
    "approximately",
    "roughly",
    "more than",
    "over",
    "less than",
    "under",
    "at least",
    "up to",
    "some",
)
_HEDGE = re.compile(r"(?:^|\s)(" + "|".join(HEDGES) + r")\s*$", re.IGNORECASE)
_MONEY = re.compile(
    r"(?P<currency>US\$|\$|€|£|RMB\s?|CNY\s?|¥)\s?(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)\s?"
    r"(?P<scale>trillion|billion|million|thousand)?",
    re.IGNORECASE,
)
_YEAR = re.compile(
    rf"(?:(?:in|since|from|by|until|of)\s+)?(?:(?P<month>{_MONTH})\s+)?(?P<year>(?:19|20)\d\d)\b"
)
_DAYS_AFTER_MONTH = re.compile(rf"\b(?:{_MONTH})\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?\b")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "its",
        "their",
        "his",
        "her",
        "this",
        "that",
        "these",
        "those",
        "it",
        "they",
        "we",
        "which",
        "who",
        "whom",
        "whose",
        "than",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "since",
        "during",
        "between",
        "through",
        "per",
        "also",
        "both",
        "each",
    ]
)
_TITLES = (
    "President",
    "Vice President",
    "Premier",
    "Prime Minister",
    "Minister",
    "Chairman",
    "Ambassador",
    "General Secretary",
    "Mr.",
    "Ms.",
    "Mrs.",
    "Dr.",
    "Professor",
)
_CAPITALISED = r"(?:[A-Z][\w’'.-]*[\w]|[A-Z])"
_NAME = re.compile(
    rf"{_CAPITALISED}(?:\s+(?:(?:of|the|for|on|de|van|von)\s+)?(?!(?:{_MONTH})\b){_CAPITALISED})*"
)
_NAME_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "document",
        re.compile(
            r"\b(Treaty|Declaration|Plan|Agreement|Programme|Program|Charter|Memorandum|"
            r"Strategy|Convention|Act)\b"
        ),
    ),
    ("event", re.compile(r"\b(Festival|War|Week|Games|Expo|Forum|Summit|Olympics)\b")),
    (
        "organisation",
        re.compile(
            r"\b(Committee|Institutes?|Park|Union|Bank|Ministry|Council|Organi[sz]ation|"
            r"University|Group|Company|Corporation|Association|Agency|Secretariat|Belt|Road|"
            r"Party|Parliament|Assembly|Centre|Center|Fund)\b"
        ),
    ),
)
_NOT_NAMES = frozenset(
    [
        *MONTHS,
        "Firstly",
        "Secondly",
        "Thirdly",
        "Finally",
        "Homepage",
        "Edition",
        "Editor",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "I",
        "We",
        "They",
        "It",
        "This",
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "As",
        "With",
        "By",
        "For",
        "From",
        "And",
        "But",
        "Both",
        "Its",
        "Their",
        "His",
        "Her",
        "These",
        "Those",
        "There",
    ]
)
_ADJECTIVES = re.compile(r"^[A-Z][a-z]+(?:ese|ian|ean|ish|ic|an)$")
"""Single capitalised words that are adjectives of nationality ("Chinese", "Belarusian")."""
_TRIVIAL_PAIRS = frozenset(
    [
        "countries",
        "country",
        "sides",
        "heads",
        "governments",
        "nations",
        "presidents",
        "leaders",
        "parties",
    ]
)
_NOT_UNITS = frozenset(
    [
        "higher",
        "lower",
        "larger",
        "smaller",
        "more",
        "less",
        "greater",
        "fewer",
        "bigger",
        "later",
        "earlier",
        "ago",
        "old",
    ]
)

FactKind = Literal["figure", "year", "name", "list"]


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph, and the paragraph's number (from 1)."""

    paragraph: int
    text: str


@dataclass(frozen=True)
class Fact:
    """One thing the text states, at ``start:end`` of its sentence."""

    kind: FactKind
    sentence: Sentence
    start: int
    end: int
    value: Decimal | None = None  # figures and years
    unit: str = ""  # figures: "billion", "projects", ...
    currency: str = ""  # figures: "US$"
    hedge: str = ""  # figures: "nearly", "more than"
    ordinal: bool = False  # figures: "fifth", "70th"
    month: str = ""  # years: "July"
    name_kind: str = ""  # names: person, place, organisation, document, event
    items: tuple[str, ...] = ()  # lists

    @property
    def written(self) -> str:
        """The fact as the sentence writes it."""
        return self.sentence.text[self.start : self.end]


# -- the text ------------------------------------------------------------------------------


def is_prose(paragraph: str) -> bool:
    """A paragraph of running text (not a heading, a menu, a date line or a byline)."""
    return len(paragraph.split()) >= 12 and paragraph.rstrip().endswith((".", "!", "?", '"', "”"))


@cache
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd  # a few hundred ms to import: only when drafting

    return pysbd.Segmenter(language="en", clean=False)


def sentences(text: str) -> list[Sentence]:
    """Every sentence of the text's prose paragraphs, in order."""
    found: list[Sentence] = []
    for number, paragraph in enumerate(split_paragraphs(text), 1):
        if not is_prose(paragraph):
            continue
        flat = " ".join(paragraph.split())
        for piece in _segmenter().segment(flat):
            piece = piece.strip()
            if len(piece.split()) >= 4:
                found.append(Sentence(number, piece))
    return found


def byline(text: str) -> tuple[int, str, str] | None:
    """The author of a text that says "By NAME, role...": (paragraph, name, the whole line)."""
    for number, paragraph in enumerate(split_paragraphs(text)[:12], 1):
        match = re.match(r"By\s+([A-Z][\w.-]+(?:\s+[A-Z][\w.-]+){0,3})\s*,", paragraph)
        if match:
            return number, match.group(1), " ".join(paragraph.split())
    return None


# -- figures and years -----------------------------------------------------------------------


def _locate(sentence: str, written: str, after: int) -> int:
    """Where ``written`` stands as a whole token in the sentence, from ``after``; -1 if not."""
    for match in re.finditer(re.escape(written), sentence[after:]):
        start = after + match.start()
        end = start + len(written)
        if (start == 0 or not sentence[start - 1].isalnum()) and (
            end == len(sentence) or not sentence[end].isalnum()
        ):
            return start
    return -1


def _unit_after(sentence: str, end: int) -> str:
    """The counted noun after a figure: the last of the next few lower-case words."""
    words: list[str] = []
    for word in sentence[end:].split()[:4]:
        bare = word.strip(",.;:()\"'”“’")
        if not bare.isalpha() or not bare.islower() or bare in _SMALL_WORDS | _NOT_UNITS:
            break
        if words and bare.endswith(("ly", "ed")):
            break  # "two nations frequently exchange": an adverb or a verb ends the noun
        words.append(bare)
        if bare != word:
            break
    if not words:
        return ""
    # "23 bilateral cooperation projects": the head noun is the last word
    return words[-1]


def figures_and_years(sentence: Sentence) -> Iterator[Fact]:
    """The figures of a sentence (with unit, currency and hedge) and its years."""
    text = sentence.text
    skip: list[tuple[int, int]] = [m.span() for m in _DAYS_AFTER_MONTH.finditer(text)]
    for match in _YEAR.finditer(text):
        start, end = match.span("year")
        skip.append((start, end))
        if match.group("month"):
            start = match.start("month")
        yield Fact(
            "year",
            sentence,
            start,
            end,
            value=Decimal(match.group("year")),
            month=match.group("month") or "",
        )
    for match in _MONEY.finditer(text):
        start, end = match.span()
        skip.append((start, end))
        hedge = _HEDGE.search(text[:start])
        yield Fact(
            "figure",
            sentence,
            start,
            end,
            value=Decimal(match.group("number").replace(",", "")),
            unit=(match.group("scale") or "").lower(),
            currency=match.group("currency").strip(),
            hedge=hedge.group(1).lower() if hedge else "",
        )
    taken: set[int] = set()
    for figure in find_figures(text):
        start = _locate(text, figure.text, 0)
        while start in taken:
            start = _locate(text, figure.text, start + 1)
        if start < 0:
            continue
        taken.add(start)
        end = start + len(figure.text)
        if any(s <= start < e for s, e in skip):
            continue
        if figure.ordinal and figure.value < 2:
            continue  # "the first meeting": a rank of one is rarely the fact worth asking
        hedge = _HEDGE.search(text[:start])
        # "fifth-largest": the rank's noun follows the hyphen
        unit = "" if figure.ordinal else _unit_after(text, end)
        if figure.value == 2 and (unit in _TRIVIAL_PAIRS or not unit):
            continue  # "the two countries": not a fact worth a question
        yield Fact(
            "figure",
            sentence,
            start,
            end,
            value=figure.value,
            unit=unit,
            hedge=hedge.group(1).lower() if hedge else "",
            ordinal=figure.ordinal,
        )


# -- names -----------------------------------------------------------------------------------


def _name_kind(name: str, before: str) -> str:
    for kind, pattern in _NAME_KINDS:
        if pattern.search(name):
            return kind
    if re.search(r"(?:" + "|".join(re.escape(t) for t in _TITLES) + r")\s*$", before):
        return "person"
    return "place"


def names(sentence: Sentence, proper_words: frozenset[str]) -> Iterator[Fact]:
    """Proper names of a sentence: runs of capitalised words ("China-Belarus Industrial Park"),
    without a sentence's first word when it is only capitalised by position (it is not in
    ``proper_words``, the words the text capitalises mid-sentence), and without a person's title
    ("President Alexander Lukashenko" gives "Alexander Lukashenko")."""
    text = sentence.text
    for match in _NAME.finditer(text):
        start = match.start()
        words = match.group(0).split()
        while words and (
            words[0] in _NOT_NAMES
            or words[0] in _TITLES
            or words[0] == "Vice"
            or (start == 0 and words[0] not in proper_words)
        ):
            if len(words) == 1:
                words = []
                break
            start = text.find(words[1], start + len(words[0]))
            words = words[1:]
        while words and words[-1].lower() in {"of", "the", "for", "on"}:
            words = words[:-1]
        if words:
            words[-1] = re.sub(r"[’']s$", "", words[-1])
        name = " ".join(words)
        end = start + len(name)
        if not name or text[start:end] != name or len(name) < 3:
            continue
        if len(words) == 1 and (name in _NOT_NAMES or _ADJECTIVES.match(name) or "-" in name):
            continue
        yield Fact("name", sentence, start, end, name_kind=_name_kind(name, text[:start]))


def proper_words(all_sentences: list[Sentence]) -> frozenset[str]:
    """Words the text capitalises somewhere other than at the start of a sentence."""
    found: set[str] = set()
    for sentence in all_sentences:
        for word in sentence.text.split()[1:]:
            bare = word.strip(",.;:()\"'”“’")
            if bare[:1].isupper():
                found.add(bare)
    return frozenset(found)


# -- lists -----------------------------------------------------------------------------------

_LIST_HEAD = re.compile(
    r".*\b(?:in|of|on|like|as|including|such as|have|has|the|about|for|with)\s+(?P<first>[^,;:]+)$",
    re.IGNORECASE,
)
_OPEN_ENDS = ("other ", "many ", "various ", "so on", "others", "more")


def _item(text: str) -> str:
    words = text.strip().rstrip(".").split()
    while words and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)


def lists(sentence: Sentence) -> Iterator[Fact]:
    """Enumerations of three or more items ("energy, transportation, telecommunications and
    services"): a head item after a preposition, short comma-separated items, the last one
    split at its "and"; each item at most four words; open ends ("and so on", "other ...")
    dropped."""
    text = sentence.text
    parts = text.split(", ")
    i = 0
    while i < len(parts) - 1:
        head = _LIST_HEAD.match(parts[i])
        if not head or len(head.group("first").split()) > 4:
            i += 1
            continue
        items = [head.group("first")]
        j = i + 1
        while j < len(parts) and len(parts[j].split()) <= (6 if " and " in parts[j] else 4):
            items.append(parts[j])
            j += 1
            if items[-1].rstrip().endswith((".", ";", ":")):
                break
        last = items[-1]
        if len(items) < 2 or " and " not in last:
            i = max(j, i + 1)
            continue
        before, _, after = last.partition(" and ")
        items = [_item(item) for item in [*items[:-1], before, after]]
        kept = tuple(
            item
            for item in items
            if item and len(item.split()) <= 4 and not item.lower().startswith(_OPEN_ENDS)
        )
        if len(kept) >= 3:
            start = text.find(head.group("first"))
            end = text.find(last, start) + len(last.rstrip(".;:"))
            yield Fact("list", sentence, start, end, items=kept)
        i = j


def facts(text: str) -> list[Fact]:
    """Every fact of the text, sentence by sentence, in the order the text gives them."""
    found: list[Fact] = []
    all_sentences = sentences(text)
    proper = proper_words(all_sentences)
    persons: set[str] = set()
    for sentence in all_sentences:
        found.extend(sorted(figures_and_years(sentence), key=lambda fact: fact.start))
        for name in names(sentence, proper):
            found.append(name)
            if name.name_kind == "person":
                persons.add(name.written)
        found.extend(lists(sentence))
    # "Xi Jinping visited": a person where the text gives them a title elsewhere
    return [
        Fact(**{**fact.__dict__, "name_kind": "person"})
        if fact.kind == "name" and fact.name_kind == "place" and fact.written in persons
        else fact
        for fact in found
    ]
