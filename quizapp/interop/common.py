"""What every format shares: the report of what was not carried, the metadata tags that carry
what a format has no field for, safe reading of XML and zip packages, and text <-> HTML.

Pure: no Flask, no database. Everything here works on ``Bank`` models and on plain dicts in the
shape of our YAML (the importers build such dicts, then ``Bank`` validates them).
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _safe_fromstring

from quizapp.bank.reader import MAX_BANK_BYTES
from quizapp.qtypes.base import QuestionBase
from quizapp.translatable import Msg

MAX_ZIP_RATIO = 100
"""A member that inflates more than this many times is refused (a zip bomb, not a quiz)."""

MAX_ZIP_MEMBERS = 5000
"""More files than any quiz package holds."""

ZIP_TOTAL_FACTOR = 8
"""All members together may inflate to this many times the largest bank (XML is verbose)."""


UNREADABLE = (ValueError, KeyError, IndexError, TypeError, AttributeError, StopIteration)
"""What reading one question of a damaged file can raise: that question is left out and
reported, the rest of the file is still read."""


class ConversionError(ValueError):
    """Input this format cannot be read from, or that is refused as hostile: the message (a
    ``Msg``: the pages show it in the teacher's language, ``i18n.reason``) says what is wrong
    and where; nothing is written."""


@dataclass
class Report:
    """What a conversion could not carry, question by question, for the teacher to read.

    Each message is a ``Msg``: English where it is written into a file (the converted bank's
    YAML comments, shared between teachers) and on the command line, and in the teacher's
    language where a page shows it."""

    notes: list[tuple[str, Msg]] = field(default_factory=list)

    def add(self, where: str, message: Msg) -> None:
        if (where, message) not in self.notes:
            self.notes.append((where, message))

    def for_question(self, question_id: str) -> list[Msg]:
        return [message for where, message in self.notes if where == question_id]

    def lines(self) -> list[Msg]:
        return [
            Msg("%(where)s: %(note)s", where=where, note=message) for where, message in self.notes
        ]

    def __bool__(self) -> bool:
        return bool(self.notes)


def joined(messages: list[Msg], empty: Msg) -> Msg:
    """Messages one after the other ("a; b; c") as one ``Msg`` that each language joins its
    own way (Chinese with "；"); ``empty`` when there are none."""
    if not messages:
        return empty
    together = messages[0]
    for message in messages[1:]:
        together = Msg("%(earlier)s; %(later)s", earlier=together, later=message)
    return together


def left_out(error: BaseException | None) -> Msg:
    """The note for a question a reader could not read: the reader's own reason (a ``Msg``
    raised as ``ValueError(Msg(...))``, else Python's text), or "it could not be read"."""
    first = error.args[0] if error is not None and len(error.args) == 1 else None
    if isinstance(first, Msg):
        reason: str = first
    else:
        reason = str(error or "") or Msg("it could not be read")
    return Msg("left out: %(reason)s", reason=reason)


# -- metadata tags ----------------------------------------------------------------------------
#
# What a format has no field for travels as tags ("difficulty:easy", "objective:recall-planets",
# "misconception:2:ringed-means-largest", ...): Moodle shows them as tags, QTI keeps them as
# metadata keywords, GIFT in Moodle's `// [tag:...]` comments. A teacher reading them in another
# system understands them; Quizapp reads them back. Plain tags travel unchanged.

META_KEYS = (
    "objective",
    "difficulty",
    "source",
    "quote",
    "misconception",
    "scoring",
    "shuffle",
    "case-sensitive",
    "tolerance",
    "range",
    "blanks",
    "blank-range",
    "points",
    "unit",
    "type",
    "quizapp",
)

# Newer keys no format has a field for (named wrong numbers, declared units, misconceptions
# on true/false, matching and cloze choices, optional endings, citations of several
# paragraphs) travel together in one tag, "quizapp:<base64url of JSON>": the characters of
# base64url pass through every format's tags unchanged.
_CARRIED = ("wrong_answers", "units", "misconception", "misconceptions", "optional_ending")
_BLANK_CARRIED = ("units", "misconceptions", "optional_ending")


def _carried(question: QuestionBase, data: dict[str, Any]) -> dict[str, Any]:
    carried = {key: data[key] for key in _CARRIED if data.get(key) is not None}
    if isinstance(question.source, list) or any(c.paragraphs for c in question.citations()):
        carried["source"] = data["source"]
    blanks = {
        name: {key: blank[key] for key in _BLANK_CARRIED if blank.get(key) is not None}
        for name, blank in (data.get("blanks") or {}).items()
    }
    if any(blanks.values()):
        carried["blanks"] = {name: extra for name, extra in blanks.items() if extra}
    return carried


def _restore(question: dict[str, Any], encoded: str) -> None:
    try:
        carried = json.loads(base64.urlsafe_b64decode(encoded.encode() + b"==="))
    except ValueError:
        return  # a damaged tag: the question keeps what its format carried
    if not isinstance(carried, dict):
        return
    blanks = carried.pop("blanks", None)
    question.update({k: v for k, v in carried.items() if k in (*_CARRIED, "source")})
    if isinstance(blanks, dict):
        question[PENDING_BLANKS] = blanks  # the format reads its blanks later


PENDING_BLANKS = "_quizapp_blanks"
"""Where carried blank keys wait until the format has read the blanks (``finish_question``)."""


def finish_question(question: dict[str, Any]) -> dict[str, Any]:
    """Merge the carried blank keys into the blanks the format has read by now."""
    pending = question.pop(PENDING_BLANKS, None)
    if isinstance(pending, dict) and isinstance(question.get("blanks"), dict):
        for name, extra in pending.items():
            if isinstance(question["blanks"].get(name), dict) and isinstance(extra, dict):
                question["blanks"][name].update(extra)
    return question


def meta_tags(question: QuestionBase, extra: dict[str, Any] | None = None) -> list[str]:
    """The question's tags, then the metadata tags of what formats have no field for.

    ``extra`` adds format-specific entries (e.g. ``points`` for GIFT), as key -> value or
    key -> list of values.
    """
    data = question.model_dump(mode="json")
    tags = list(question.tags)
    tags += [f"objective:{objective}" for objective in question.objectives]
    if question.difficulty:
        tags.append(f"difficulty:{question.difficulty}")
    for citation in question.citations():
        tags += [f"source:{number}" for number in citation.numbers()]
        if citation.quote:
            tags.append(f"quote:{citation.quote}")
    for number, choice in enumerate(data.get("choices") or [], start=1):
        if choice.get("misconception"):
            tags.append(f"misconception:{number}:{choice['misconception']}")
    default_scoring = {"multiple": "partial", "ordering": "partial", "matching": "partial"}
    if "scoring" in data and data["scoring"] != default_scoring.get(question.type):
        tags.append(f"scoring:{data['scoring']}")
    if data.get("shuffle") is False:
        tags.append("shuffle:false")
    for key, value in (extra or {}).items():
        for one in value if isinstance(value, list) else [value]:
            tags.append(f"{key}:{one}")
    carried = _carried(question, data)
    if carried:
        packed = json.dumps(carried, separators=(",", ":"), sort_keys=True).encode()
        tags.append("quizapp:" + base64.urlsafe_b64encode(packed).decode().rstrip("="))
    return tags


def split_meta(tags: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Plain tags, and metadata tags by key (values in order)."""
    plain: list[str] = []
    meta: dict[str, list[str]] = {}
    for tag in tags:
        key, sep, value = tag.partition(":")
        if sep and key in META_KEYS:
            meta.setdefault(key, []).append(value)
        else:
            plain.append(tag)
    return plain, meta


def apply_meta(question: dict[str, Any], tags: list[str]) -> dict[str, list[str]]:
    """Put the tags and the common metadata back on a question dict; returns the metadata for
    the format's own keys (``tolerance``, ``range``, ``blanks``, ...)."""
    plain, meta = split_meta(tags)
    if plain:
        question["tags"] = plain
    if meta.get("objective"):
        question["objectives"] = meta["objective"]
    if meta.get("difficulty"):
        question["difficulty"] = meta["difficulty"][0]
    numbers = list(dict.fromkeys(int(n) for n in meta.get("source", []) if n.isdigit()))
    if numbers:
        # Several citations come back as one that names every paragraph (first quote kept).
        cited = {"paragraph": numbers[0]} if len(numbers) == 1 else {"paragraphs": numbers}
        question["source"] = cited
        if meta.get("quote"):
            question["source"]["quote"] = meta["quote"][0]
    for entry in meta.get("misconception", []):
        number, _, name = entry.partition(":")
        choices = question.get("choices") or []
        if number.isdigit() and 1 <= int(number) <= len(choices) and name:
            choices[int(number) - 1]["misconception"] = name
    if meta.get("scoring") and meta["scoring"][0] in ("partial", "all_or_nothing"):
        question["scoring"] = meta["scoring"][0]
    if meta.get("shuffle") == ["false"]:
        question["shuffle"] = False
    if meta.get("case-sensitive") == ["true"]:
        question["case_sensitive"] = True
    if meta.get("points"):
        number = parse_float(meta["points"][0])
        if number is not None:
            question["points"] = number
    if meta.get("unit"):
        question["unit"] = meta["unit"][0]
    for encoded in meta.get("quizapp", []):
        _restore(question, encoded)
    return meta


# -- numbers ----------------------------------------------------------------------------------


def parse_float(text: str | None) -> float | None:
    try:
        number = float((text or "").strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def clean_number(number: float) -> float | int:
    """Undo float noise from midpoint arithmetic (3.95 - 0.05 is 3.9000000000000004)."""
    number = float(f"{number:.12g}")
    return int(number) if number.is_integer() else number


def number_text(number: float) -> str:
    """A number written the way a person would (``56``, ``3.95``)."""
    number = float(f"{number:.12g}")
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def midpoint(low: float, high: float) -> tuple[float, float]:
    """A range as answer ± tolerance, for formats that only know tolerances."""
    return clean_number((low + high) / 2), clean_number((high - low) / 2)


def tolerance_of(question: Any) -> float:
    """An absolute tolerance (a percentage of the answer made absolute)."""
    tolerance = question.tolerance
    if isinstance(tolerance, str):
        return clean_number(abs(question.answer) * float(tolerance[:-1]) / 100)
    return float(tolerance or 0)


def numeric_target(meta_tolerance: list[str], is_range: bool, answer: float, tolerance: float):
    """Our ``answer``/``tolerance``/``range`` keys from an answer ± tolerance read back."""
    if is_range:
        return {"range": [clean_number(answer - tolerance), clean_number(answer + tolerance)]}
    target: dict[str, Any] = {"answer": clean_number(answer)}
    if meta_tolerance and re.fullmatch(r"\d+(\.\d+)?%", meta_tolerance[0]):
        target["tolerance"] = meta_tolerance[0]
    elif tolerance:
        target["tolerance"] = clean_number(tolerance)
    return target


# -- text and HTML ----------------------------------------------------------------------------


def text_to_html(text: str) -> str:
    """Our plain text as HTML: paragraphs at blank lines, line breaks kept, all escaped."""
    paragraphs = re.split(r"\n\s*\n", text.strip("\n"))
    return "".join(
        "<p>" + html.escape(paragraph, quote=False).replace("\n", "<br>") + "</p>"
        for paragraph in paragraphs
    )


class _TextExtractor(HTMLParser):
    """HTML to plain text: block elements become line breaks, tags go, entities are decoded."""

    BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        # In HTML a line break in the source is a space; breaks come from <br> and blocks.
        self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment (or of plain text, which passes unchanged)."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = "".join(extractor.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text.replace("\xa0", " "))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# -- hostile input ----------------------------------------------------------------------------


def _count(number: int) -> str:
    """A byte count as the messages write it, in groups of three ("1,048,576")."""
    return f"{number:,}"


def check_size(data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES) -> None:
    if len(data) > max_bytes:
        raise ConversionError(
            Msg(
                "%(file)s: the file is %(size)s bytes; the largest accepted is %(limit)s "
                "(MAX_BANK_BYTES). Split the bank, or raise the limit.",
                file=filename,
                size=_count(len(data)),
                limit=_count(max_bytes),
            )
        )


def parse_xml(data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES) -> Element:
    """Parse XML refusing DTDs, entity declarations and external references (defusedxml):
    a file with any of them is refused whole rather than half-trusted."""
    check_size(data, filename, max_bytes)
    try:
        return _safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ConversionError(
            Msg(
                "%(file)s: refused: the XML declares a DTD, entities or external references "
                "(%(kind)s); quiz files need none of them. Export the file again from the "
                "LMS, or remove the <!DOCTYPE ...> part.",
                file=filename,
                kind=type(error).__name__,
            )
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (1, 0))
        raise ConversionError(
            Msg(
                "%(place)s: not well-formed XML (%(error)s); is this the exported file?",
                place=":".join((filename, str(line), str(column + 1))),
                error=str(error),
            )
        ) from None


def local(element: Element) -> str:
    """An element's name without its namespace."""
    return element.tag.rsplit("}", 1)[-1]


def children(element: Element | None, name: str) -> list[Element]:
    """Direct children with this local name, whatever their namespace."""
    if element is None:
        return []
    return [child for child in element if local(child) == name]


def child(element: Element | None, name: str) -> Element | None:
    found = children(element, name)
    return found[0] if found else None


def descendants(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [node for node in element.iter() if local(node) == name]


def text_of(element: Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


def read_zip(data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES) -> dict[str, bytes]:
    """The members of a QTI package, read in memory after refusing zip bombs, path traversal
    and oversized members. Nothing is ever extracted to disk."""
    check_size(data, filename, max_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ConversionError(
            Msg("%(file)s: not a zip file; a QTI package is a .zip", file=filename)
        ) from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ConversionError(
            Msg(
                "%(file)s: refused: %(count)s files in the package",
                file=filename,
                count=len(infos),
            )
        )
    total_limit = max_bytes * ZIP_TOTAL_FACTOR
    declared = 0
    for info in infos:
        name = info.filename
        path = PurePosixPath(name)
        if (
            name.startswith(("/", "\\"))
            or "\\" in name
            or re.match(r"^[A-Za-z]:", name)
            or ".." in path.parts
        ):
            raise ConversionError(
                Msg(
                    "%(file)s: refused: the package holds a file named '%(member)s', which "
                    "points outside the package (path traversal)",
                    file=filename,
                    member=name[:80],
                )
            )
        declared += info.file_size
        if info.file_size > max_bytes:
            raise ConversionError(
                Msg(
                    "%(file)s: refused: '%(member)s' inflates to %(size)s bytes; the largest "
                    "accepted is %(limit)s (MAX_BANK_BYTES)",
                    file=filename,
                    member=name[:80],
                    size=_count(info.file_size),
                    limit=_count(max_bytes),
                )
            )
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
            raise ConversionError(
                Msg(
                    "%(file)s: refused: '%(member)s' inflates %(ratio)s times (a zip bomb?); "
                    "at most %(limit)s times is accepted",
                    file=filename,
                    member=name[:80],
                    ratio=info.file_size // info.compress_size,
                    limit=MAX_ZIP_RATIO,
                )
            )
    if declared > total_limit:
        raise ConversionError(
            Msg(
                "%(file)s: refused: the package inflates to %(size)s bytes; at most "
                "%(limit)s are accepted",
                file=filename,
                size=_count(declared),
                limit=_count(total_limit),
            )
        )
    members: dict[str, bytes] = {}
    read = 0
    for info in infos:
        if info.is_dir():
            continue
        # The sizes in the header can lie: read at most one byte past the limit and check.
        with archive.open(info) as stream:
            content = stream.read(max_bytes + 1)
        if len(content) > max_bytes or len(content) > info.file_size:
            raise ConversionError(
                Msg(
                    "%(file)s: refused: '%(member)s' is larger than its header says",
                    file=filename,
                    member=info.filename[:80],
                )
            )
        read += len(content)
        if read > total_limit:
            raise ConversionError(
                Msg("%(file)s: refused: the package inflates too much", file=filename)
            )
        members[info.filename] = content
    return members
