"""From what an importer read to a bank in our format: each question checked on its own (one
that our types refuse is left out and reported, not the whole file), ids made unique, and the
YAML written for people: block scalars for long text, a comment above each question that lost
something on the way.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from quizapp.bank.models import Bank
from quizapp.interop.common import ConversionError, Report, finish_question, joined
from quizapp.qtypes import AnyQuestion
from quizapp.translatable import Msg

_QUESTION = TypeAdapter(AnyQuestion)
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def slug(text: str, fallback: str = "bank") -> str:
    """A bank or question id from a name: lower-case letters, digits and hyphens."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return value or fallback


def question_id(candidates: list[str], taken: set[str], number: int) -> str:
    """The first usable id among ``candidates`` (an LMS's id number, then its name), else
    ``q<number>``; made unique by a suffix."""
    base = ""
    for candidate in candidates:
        candidate = (candidate or "").strip()
        if candidate and ID_PATTERN.fullmatch(candidate) and len(candidate) <= 80:
            base = candidate
            break
        if candidate:
            base = slug(candidate, "")
            if base:
                break
    base = base or f"q{number}"
    unique, suffix = base, 2
    while unique in taken:
        unique = f"{base[:75]}-{suffix}"
        suffix += 1
    taken.add(unique)
    return unique


def build_document(
    bank_id: str, title: str, questions: list[dict[str, Any]], report: Report
) -> dict[str, Any]:
    """A bank document of the questions our types accept; the others go to the report."""
    kept: list[dict[str, Any]] = []
    for question in questions:
        finish_question(question)
        try:
            _QUESTION.validate_python(question)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"][1:]) or "question"
            report.add(
                str(question.get("id", "?")),
                Msg(
                    "left out: it does not make a valid %(type)s question (%(where)s: %(problem)s)",
                    type=str(question.get("type")),
                    where=where,
                    problem=first["msg"],  # Pydantic's words, in English
                ),
            )
            continue
        kept.append(question)
    if not kept:
        raise ConversionError(
            Msg(
                "no question could be carried over; %(notes)s",
                notes=joined(report.lines()[:5], Msg("empty")),
            )
        )
    document = {"bank": slug(bank_id), "title": title.strip() or bank_id, "questions": kept}
    try:
        Bank.model_validate(document)  # the cross-checks too: a bank that will pass `validate`
    except ValidationError as error:
        raise ConversionError(
            Msg("the converted bank does not validate: %(error)s", error=str(error))
        ) from None
    return document


# -- writing YAML for people -----------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block scalars for long or multi-line text, so a converted bank reads like a written one."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if len(value) > 80:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    """Short lists of short words (tags, accepted answers) on one line, as people write them."""
    flow = (
        all(isinstance(item, str) and "\n" not in item for item in value)
        and sum(len(item) + 2 for item in value) < 60
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(list, _list)

KEY_ORDER = ("id", "type", "text", "points", "unit")
LAST_KEYS = ("explanation", "tags", "objectives", "difficulty", "source")


def _dump(value: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96, indent=2)


def _compact(question: dict[str, Any]) -> dict[str, Any]:
    """Keys in the order teachers write them; a choice with nothing but its text as bare text."""
    first = [key for key in KEY_ORDER if key in question]
    last = [key for key in LAST_KEYS if key in question]
    middle = [key for key in question if key not in first and key not in last]
    question = {key: question[key] for key in first + middle + last}
    if "choices" in question and question.get("type") in ("single", "multiple"):
        question = dict(question)
        question["choices"] = [
            choice["text"] if set(choice) == {"text"} else choice for choice in question["choices"]
        ]
    return question


def _whole_numbers(value: Any) -> Any:
    """2.0 written as 2, as a teacher would."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


def _comment(lines: list[str], indent: str) -> str:
    out = []
    for line in lines:
        for part in line.splitlines() or [""]:
            out.append(f"{indent}# {part}".rstrip())
    return "\n".join(out) + "\n" if out else ""


def to_yaml(document: dict[str, Any], report: Report, origin: str) -> str:
    """The bank as YAML text, with the report as comments (at the top and per question).

    The comments are English whatever the language of the page that converted the file: the
    file is shared between teachers, and the notes' ``Msg`` are English as ``str``."""
    ids = {question["id"] for question in document["questions"]}
    general = [f"{where}: {line}" for where, line in report.notes if where not in ids]
    header = [
        f"Converted from {origin} by `flask --app quizapp quiz convert`.",
        "Check it with `flask --app quizapp quiz validate` before importing it.",
    ]
    if report:
        header.append(
            f"{len(report.notes)} thing(s) could not be carried over; each is noted below, "
            "above its question."
        )
        header += [f"  {line}" for line in general]
    text = _comment(header, "")
    document = _whole_numbers(document)
    top = {key: value for key, value in document.items() if key != "questions"}
    text += _dump(top)
    text += "questions:\n"
    for question in document["questions"]:
        notes = report.for_question(question["id"])
        text += "\n" + _comment([f"Not carried over: {note}" for note in notes], "  ")
        body = _dump([_compact(question)])
        text += "".join(f"  {line}\n" if line else "\n" for line in body.splitlines())
    return text
