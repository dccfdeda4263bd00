"""The text a bank is written from, attached to the bank in the database.

A teacher pastes the text or uploads a .txt, .md or .html file. Whatever came in is reduced to
plain paragraphs separated by blank lines (an HTML page's blocks become paragraphs; no markup,
script or style is kept, so showing it is as safe as showing any text), and stored. From then
on the same numbering serves everywhere: ``check-sources`` in the browser, the citations of the
questions, the drafts, and the student's "Where to read: paragraph 10" link.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from quizapp.bank.sources import SourceProblem, check_sources, normalise, split_paragraphs
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion, SourceText, now_utc
from quizapp.questions import question_from_version

MAX_SOURCE_BYTES = 1_000_000
"""About 150,000 words: a long article or a short book; a bank is written from one text."""
SOURCE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")


class SourceTextError(ValueError):
    """A text that cannot be attached; the message says why, for the teacher."""


# -- reading what the teacher gives ----------------------------------------------------------

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "figcaption",
        "caption",
        "tr",
        "table",
        "ul",
        "ol",
        "dl",
        "br",
        "hr",
        "title",
    ]
)
_SKIPPED = frozenset({"script", "style", "template", "noscript", "head", "svg", "math"})


class _Paragraphs(HTMLParser):
    """An HTML page's text, a paragraph per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


def _from_html(text: str) -> str:
    parser = _Paragraphs()
    parser.feed(text)
    parser.close()
    parser._flush()
    return "\n\n".join(parser.paragraphs)


def _from_markdown(text: str) -> str:
    """Markdown's paragraphs are already blocks between blank lines; headings lose their #."""
    return re.sub(r"(?m)^#{1,6}\s+", "", text)


def _plain(text: str) -> str:
    """Paragraphs as blank-line-separated blocks, each on its lines as given, stripped."""
    return "\n\n".join(split_paragraphs(text))


def read_source(data: bytes, filename: str) -> str:
    """The uploaded or pasted text as plain paragraphs; ``SourceTextError`` says what is wrong."""
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceTextError(
            f"The text is larger than {MAX_SOURCE_BYTES // 1000:,} KB; attach the one text the "
            "bank is written from."
        )
    suffix = "." + filename.rsplit(".", 1)[-1].casefold() if "." in filename else ".txt"
    if suffix not in SOURCE_SUFFIXES:
        raise SourceTextError(
            _(
                "“%(filename)s” is not a text Quizapp reads; upload a .txt, .md or .html file, "
                "or paste the text.",
                filename=filename,
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceTextError(
            _(
                "The file is not UTF-8 text (byte %(byte)s); save it as UTF-8 and try again.",
                byte=format(error.start, ","),
            )
        ) from None
    if "\x00" in text:
        raise SourceTextError(_("The file holds binary data, not text; upload a text file."))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in {".html", ".htm"}:
        text = _from_html(text)
    elif suffix in {".md", ".markdown"}:
        text = _from_markdown(text)
    plain = _plain(text)
    if not plain:
        raise SourceTextError(_("The text is empty; paste or upload the text the bank cites."))
    return plain


# -- stored texts --------------------------------------------------------------------------


def text_of(bank_id: int) -> SourceText | None:
    return db.session.scalar(select(SourceText).where(SourceText.bank_id == bank_id))


def banks_with_text(bank_ids: set[int]) -> set[int]:
    """Which of these banks have a text attached (one query)."""
    if not bank_ids:
        return set()
    return set(
        db.session.scalars(select(SourceText.bank_id).where(SourceText.bank_id.in_(bank_ids)))
    )


_OPEN_BOOK = select(SourceText.open_book).where(SourceText.bank_id == bindparam("bank_id"))
"""Built once: every attempt page asks (see ``attempts._LOAD_ATTEMPT``)."""


def open_book_text(bank_id: int) -> bool:
    """Whether students may read this bank's text during an attempt."""
    return bool(db.session.scalar(_OPEN_BOOK, {"bank_id": bank_id}))


def attach(bank_id: int, title: str, body: str, open_book: bool, user_id: int) -> SourceText:
    """Attach (or replace) the bank's text, in one short transaction."""
    begin_write()
    row = text_of(bank_id)
    if row is None:
        row = SourceText(bank_id=bank_id)
        db.session.add(row)
    row.title = title.strip()[:300] or "Source text"
    row.body = body
    row.open_book = open_book
    row.attached_by_id = user_id
    row.attached_at = now_utc()
    db.session.commit()
    return row


def set_open_book(bank_id: int, open_book: bool) -> None:
    begin_write()
    row = text_of(bank_id)
    if row is not None:
        row.open_book = open_book
    db.session.commit()


def citation_problems(bank_id: int, body: str) -> list[SourceProblem]:
    """``check-sources`` over the bank's live questions, against the attached text."""
    versions = db.session.scalars(
        select(QuestionVersion)
        .join(Question, QuestionVersion.question_id == Question.id)
        .where(
            Question.bank_id == bank_id,
            Question.retired.is_(False),
            QuestionVersion.version == Question.current_version,
        )
        .order_by(Question.id)
    ).all()
    bank = SimpleNamespace(questions=[question_from_version(version) for version in versions])
    return check_sources(bank, body)


# -- showing a text --------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownParagraph:
    """One paragraph as a page shows it: its number, and the cited quote marked, if any."""

    number: int
    before: str
    marked: str
    after: str
    cited: bool


def shown_paragraphs(
    body: str, cited: Collection[int] = (), quotes: Collection[str] = ()
) -> list[ShownParagraph]:
    """The paragraphs, numbered; the cited ones flagged, and in each the first of ``quotes``
    it holds found (case, spacing, quotes and dashes aside, as ``check-sources`` compares) so
    the page can mark it."""
    shown: list[ShownParagraph] = []
    for number, paragraph in enumerate(split_paragraphs(body), 1):
        text = " ".join(paragraph.split())
        before, marked, after = text, "", ""
        if number in cited:
            for quote in quotes:
                span = _find_quote(text, quote) if normalise(quote) in normalise(text) else None
                if span:
                    before, marked, after = (
                        text[: span[0]],
                        text[span[0] : span[1]],
                        text[span[1] :],
                    )
                    break
        shown.append(ShownParagraph(number, before, marked, after, number in cited))
    return shown


def _find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` stands in ``text``, compared as ``normalise`` compares (the plain text
    has the same length as the original: every typographic character maps to one)."""
    plain = normalise(text) if len(normalise(text)) == len(text) else None
    wanted = normalise(quote)
    if plain is None:
        folded = text.casefold()
        start = folded.find(wanted)
    else:
        start = plain.find(wanted)
    if start < 0:
        return None
    return start, start + len(wanted)


__all__ = [
    "MAX_SOURCE_BYTES",
    "ShownParagraph",
    "SourceTextError",
    "attach",
    "banks_with_text",
    "citation_problems",
    "open_book_text",
    "read_source",
    "set_open_book",
    "shown_paragraphs",
    "text_of",
]
