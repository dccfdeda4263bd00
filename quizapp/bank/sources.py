"""Checking a bank's citations against the text its questions were written from.

Every question may cite ``source: {paragraph: N, quote: "..."}``. Paragraphs are the blocks of
the source text between blank lines, numbered from 1. ``check_sources`` reports, per question:

- no citation at all (nothing could be checked);
- a paragraph number the text does not have;
- a quote longer than ``MAX_QUOTE_WORDS`` words (a quote is a locator, not a copied sentence);
- a quote that is not in the cited paragraph (compared with whitespace collapsed, case folded,
  and typographic quotes, apostrophes and dashes made plain);
- a figure in the correct answer that the cited paragraph does not contain.

Figures are compared as numbers: ``2,000`` matches ``2,000`` and ``2000``, ``4`` matches
``US$4billion``, ``five`` matches ``5``. What counts as a figure:

- digits: ``4``, ``5.5``, ``2,000``, ``70th`` (a date ``05-11-2015`` gives 5, 11 and 2015);
- cardinal words from two to ninety-nine, hyphenated or not (``twenty-three``). "one" is left
  out on its own, because it is far more often a pronoun ("the one that...") than a figure;
- ordinal words (``first``, ``fifth``, ``twenty-third``) and ordinal digits (``70th``), because
  a rank is a fact ("fifth-largest partner") that an edit can get wrong. An ordinal in an answer
  must meet an ordinal of the same value in the paragraph ("fifth" is not backed by a "5" that
  happens to stand in "US$5.5"); a cardinal is backed by either (``70`` by ``70th``);
- scale words (hundred, thousand, million, billion) are not figures: ``US$4 billion`` gives 4.

The figures checked are those of every correct part of the answer: the correct choices; every
accepted short answer; the answer of a numeric question (for a ``range``, one of its two ends
must be a figure of the paragraph, so "nearly 4" may accept [3.9, 4]); every ordering item;
both sides of every matching pair; a cloze's text and the answer of each blank; and the
statement of a true/false question whose answer is true (a false statement is wrong on
purpose). Other types are checked through ``correct_answer()``.

Pure: no Flask, no database, no files. The bank is any object shaped like
``quizapp.bank.models.Bank`` (``questions``, each with ``id``, ``type`` and ``source``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from quizapp.translatable import Msg

MAX_QUOTE_WORDS = 8

_PLAIN = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
    }
)

_BLANK_LINES = re.compile(r"\n(?:[ \t\f\v\u00a0]*\n)+")
_DIGITS = re.compile(
    r"(?<![\d.,])(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)(?P<ordinal>(?:st|nd|rd|th)(?![a-z]))?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+")
_PLACEHOLDER = re.compile(r"\[\[[^\]]*\]\]")


def _words(text: str) -> list[str]:
    return text.split()


_UNITS = _words("one two three four five six seven eight nine")
_TEENS = _words("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen")
_TENS = _words("twenty thirty forty fifty sixty seventy eighty ninety")
_ORDINAL_UNITS = _words("first second third fourth fifth sixth seventh eighth ninth")
_ORDINAL_TEENS = _words(
    "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
    "nineteenth"
)
_ORDINAL_TENS = _words(
    "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth"
)

_CARDINAL_UNIT = {word: n for n, word in enumerate(_UNITS, 1)}
_ORDINAL_UNIT = {word: n for n, word in enumerate(_ORDINAL_UNITS, 1)}
_TENS_VALUE = {word: 10 * n for n, word in enumerate(_TENS, 2)}
_SINGLE_WORDS: dict[str, tuple[int, bool]] = {
    **{word: (n, False) for word, n in _CARDINAL_UNIT.items() if word != "one"},
    **{word: (n, False) for n, word in enumerate(_TEENS, 10)},
    **{word: (n, False) for word, n in _TENS_VALUE.items()},
    **{word: (n, True) for word, n in _ORDINAL_UNIT.items()},
    **{word: (n, True) for n, word in enumerate(_ORDINAL_TEENS, 10)},
    **{word: (10 * n, True) for n, word in enumerate(_ORDINAL_TENS, 2)},
}


@dataclass(frozen=True)
class SourceProblem:
    """One question whose citation does not hold up against the source text."""

    question_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.question_id}: {self.message}"


class Figure(NamedTuple):
    """A number written in a text: its value, whether it is a rank, and how it was written."""

    value: Decimal
    ordinal: bool
    text: str


def split_paragraphs(text: str) -> list[str]:
    """The blocks of ``text`` between blank lines (one or more), stripped; empty ones dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block.strip() for block in _BLANK_LINES.split(text) if block.strip()]


def normalise(text: str) -> str:
    """Text as quotes are compared: plain quotes and dashes, case folded, whitespace collapsed."""
    return " ".join(text.translate(_PLAIN).casefold().split())


def find_figures(text: str) -> list[Figure]:
    """Every figure written in ``text``, in digits or in words (see the module docstring)."""
    figures: list[Figure] = []
    plain = text.translate(_PLAIN)
    for match in _DIGITS.finditer(plain):
        try:
            value = Decimal(match["number"].replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            continue
        figures.append(Figure(value, match["ordinal"] is not None, match[0]))
    words = [word.casefold() for word in _WORD.findall(plain)]
    index = 0
    while index < len(words):
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in _TENS_VALUE and (following in _CARDINAL_UNIT or following in _ORDINAL_UNIT):
            ordinal = following in _ORDINAL_UNIT
            unit = _ORDINAL_UNIT[following] if ordinal else _CARDINAL_UNIT[following]
            value = _TENS_VALUE[word] + unit
            figures.append(Figure(Decimal(value), ordinal, f"{word}-{following}"))
            index += 2
            continue
        if word in _SINGLE_WORDS:
            value, ordinal = _SINGLE_WORDS[word]
            figures.append(Figure(Decimal(value), ordinal, word))
        index += 1
    return figures


def _backed(figure: Figure, available: Iterable[Figure]) -> bool:
    return any(
        have.value == figure.value and (have.ordinal or not figure.ordinal) for have in available
    )


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool | str):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _text(value: Any) -> str:
    """A part of an answer as text: a string, or an object's ``text``."""
    if isinstance(value, str):
        return value
    return str(getattr(value, "text", value))


# -- what a correct answer claims --------------------------------------------------------------


class Claims(NamedTuple):
    """The parts of a correct answer: texts (their figures), and numbers (one of each tuple)."""

    texts: list[str]
    numbers: list[tuple[Decimal, ...]]


def _numeric_claim(part: Any) -> tuple[Decimal, ...] | None:
    """The number(s) a numeric answer (or numeric cloze blank) stands for, if any."""
    bounds = getattr(part, "range", None)
    if bounds is not None:
        ends = tuple(n for n in (_number(end) for end in bounds) if n is not None)
        return ends or None
    answer = _number(getattr(part, "answer", None))
    return (answer,) if answer is not None else None


def _blank_claims(blank: Any, claims: Claims) -> None:
    accept = getattr(blank, "accept", None)
    if accept:
        claims.texts.extend(_text(item) for item in accept)
        return
    number = _numeric_claim(blank)
    if number is not None:
        claims.numbers.append(number)
        return
    answer = getattr(blank, "answer", None)
    if answer is not None:
        claims.texts.append(_text(answer))


def answer_claims(question: Any) -> Claims:
    """Every correct part of ``question``'s answer, as the source check sees it."""
    claims = Claims([], [])
    kind = getattr(question, "type", None) or getattr(question, "type_name", "")
    if kind in ("single", "multiple"):
        claims.texts.extend(_text(c) for c in question.choices if getattr(c, "correct", False))
    elif kind == "true_false":
        if getattr(question, "answer", None) is True:
            claims.texts.append(question.text)
    elif kind == "short":
        claims.texts.extend(_text(item) for item in question.accept)
    elif kind == "numeric":
        number = _numeric_claim(question)
        if number is not None:
            claims.numbers.append(number)
    elif kind == "ordering":
        claims.texts.extend(_text(item) for item in question.items)
    elif kind == "matching":
        for pair in question.pairs:
            claims.texts.extend([_text(pair.prompt), _text(pair.answer)])
    elif kind == "cloze":
        claims.texts.append(_PLACEHOLDER.sub(" ", question.text))
        blanks = question.blanks
        for blank in blanks.values() if isinstance(blanks, dict) else blanks:
            _blank_claims(blank, claims)
    else:
        claims.texts.append(question.correct_answer())
    return claims


# -- the check ---------------------------------------------------------------------------------


class SourceText(NamedTuple):
    """A source split into paragraphs, with their figures and normalised text worked out once."""

    paragraphs: list[str]
    plain: list[str]
    figures: list[list[Figure]]

    @classmethod
    def of(cls, text: str) -> SourceText:
        paragraphs = split_paragraphs(text)
        return cls(
            paragraphs,
            [normalise(paragraph) for paragraph in paragraphs],
            [find_figures(paragraph) for paragraph in paragraphs],
        )

    def elsewhere(self, numbers: Iterable[int], skip: int) -> str:
        """A hint naming the other paragraphs where the thing was found, or ''."""
        found = [str(number) for number in numbers if number != skip]
        if not found:
            return ""
        more = ", ..." if len(found) > 5 else ""
        return Msg(" (it is in paragraph %(numbers)s)", numbers=", ".join(found[:5]) + more)

    def with_quote(self, wanted: str) -> list[int]:
        return [n for n, plain in enumerate(self.plain, 1) if wanted in plain]

    def with_figure(self, figures: list[Figure]) -> list[int]:
        return [
            n for n, have in enumerate(self.figures, 1) if any(_backed(f, have) for f in figures)
        ]


def check_question(question: Any, source: SourceText) -> Iterator[SourceProblem]:
    """The problems of one question's citations against the source text: each cited
    paragraph must exist, each quote must be in a paragraph its citation names, and every
    figure of the answer must be in one of the cited paragraphs."""
    qid = str(question.id)
    citations = _citations(getattr(question, "source", None))
    if not citations:
        yield SourceProblem(qid, Msg("cites no source; add source: {paragraph: N, quote: '...'}"))
        return
    cited: list[int] = []
    for citation in citations:
        numbers = _numbers(citation)
        bad = [n for n in numbers if not 1 <= n <= len(source.paragraphs)]
        for number in bad:
            yield SourceProblem(
                qid,
                Msg(
                    "cites paragraph %(number)s, but the source text has %(count)s "
                    "paragraphs (blocks between blank lines, counted from 1)",
                    number=number,
                    count=len(source.paragraphs),
                ),
            )
        if bad:
            return
        cited += [n for n in numbers if n not in cited]
        yield from _check_quote(qid, citation.quote, numbers, source)
    yield from _check_figures(question, qid, cited, source)


def _citations(source: Any) -> list[Any]:
    """None, one citation or a list of them, as a list."""
    if source is None:
        return []
    return list(source) if isinstance(source, list) else [source]


def _numbers(citation: Any) -> list[int]:
    """A citation's paragraph numbers: ``paragraphs``, or the one ``paragraph``."""
    several = getattr(citation, "paragraphs", None)
    return list(several) if several else [citation.paragraph]


def _named(numbers: list[int]) -> Msg:
    if len(numbers) == 1:
        return Msg("paragraph %(number)s", number=numbers[0])
    return Msg(
        "paragraphs %(numbers)s and %(last)s",
        numbers=", ".join(map(str, numbers[:-1])),
        last=numbers[-1],
    )


def _check_quote(
    qid: str, quote: str | None, numbers: list[int], source: SourceText
) -> Iterator[SourceProblem]:
    if quote is None:
        return
    words = len(quote.split())
    if words > MAX_QUOTE_WORDS:
        yield SourceProblem(
            qid,
            Msg(
                "quote has %(words)s words; a locator quote may have at most %(most)s",
                words=words,
                most=MAX_QUOTE_WORDS,
            ),
        )
    wanted = normalise(quote)
    if not wanted:
        yield SourceProblem(qid, Msg("quote is empty; copy a few words of the paragraph"))
    elif not any(wanted in source.plain[number - 1] for number in numbers):
        where = source.elsewhere(source.with_quote(wanted), numbers[0])
        yield SourceProblem(
            qid,
            Msg(
                'quote "%(quote)s" is not in %(cited)s%(where)s',
                quote=quote,
                cited=_named(numbers),
                where=where,
            ),
        )


def _check_figures(
    question: Any, qid: str, cited: list[int], source: SourceText
) -> Iterator[SourceProblem]:
    available = [figure for number in cited for figure in source.figures[number - 1]]
    claims = answer_claims(question)
    reported: set[tuple[Decimal, bool]] = set()
    first = cited[0]
    for part in claims.texts:
        for figure in find_figures(part):
            key = (figure.value, figure.ordinal)
            if key in reported or _backed(figure, available):
                continue
            reported.add(key)
            where = source.elsewhere(source.with_figure([figure]), first)
            yield SourceProblem(
                qid,
                Msg(
                    'figure "%(figure)s" in the correct answer ("%(answer)s") '
                    "is not in %(cited)s%(where)s",
                    figure=figure.text,
                    answer=" ".join(part.split()),
                    cited=_named(cited),
                    where=where,
                ),
            )
    for values in claims.numbers:
        figures = [Figure(value, False, _show(value)) for value in values]
        if any(_backed(figure, available) for figure in figures):
            continue
        where = source.elsewhere(source.with_figure(figures), first)
        if len(values) == 1:
            said = Msg(
                "the answer %(answer)s is not a figure of %(cited)s%(where)s",
                answer=_show(values[0]),
                cited=_named(cited),
                where=where,
            )
        else:
            said = Msg(
                "neither end of the range [%(ends)s] is a figure of %(cited)s%(where)s",
                ends=", ".join(map(_show, values)),
                cited=_named(cited),
                where=where,
            )
        yield SourceProblem(qid, said)


def check_sources(bank: Any, source_text: str) -> list[SourceProblem]:
    """Every problem of every question's citation, in bank order; empty when all hold."""
    source = SourceText.of(source_text)
    problems: list[SourceProblem] = []
    for question in bank.questions:
        problems.extend(check_question(question, source))
    return problems


__all__ = [
    "MAX_QUOTE_WORDS",
    "Claims",
    "Figure",
    "SourceProblem",
    "SourceText",
    "answer_claims",
    "check_question",
    "check_sources",
    "find_figures",
    "normalise",
    "split_paragraphs",
]
