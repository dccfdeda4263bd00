"""What changed in one question, field by field, with the wording's changes word by word.

Pure (no database): two versions' data in (as stored: the question model dumped to JSON),
a list of changed fields out, each with its old and new value as text and a diff of the two
as runs of kept, removed and added words (``difflib.SequenceMatcher`` over words and the
spaces between them), which the diff page marks up as ``<del>`` and ``<ins>``.
Lists (choices, pairs, items) are shown one entry per line, so a moved key reads as one
line losing "correct" and another gaining it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Op = Literal["equal", "delete", "insert"]

_TOKENS = re.compile(r"\s+|[^\s]+")

FIELD_LABELS = {
    "text": "Wording",
    "choices": "Choices",
    "answer": "Answer",
    "accept": "Accepted answers",
    "explanation": "Explanation",
    "points": "Points",
    "tags": "Tags",
    "objectives": "Objectives",
    "type": "Type",
    "tolerance": "Tolerance",
    "range": "Range",
}


@dataclass(frozen=True)
class Run:
    op: Op
    text: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str
    runs: tuple[Run, ...]


def as_text(value: Any) -> str:
    """A field's value as a teacher reads it: text as it is, lists one entry per line,
    mappings as ``key: value`` pairs (leaving out empty and false entries)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            if item in (None, False, "", [], {}):
                continue
            if key == "text":
                parts.insert(0, as_text(item))
            elif item is True:
                parts.append(str(key))
            else:
                parts.append(f"{key}: {as_text(item)}")
        return " · ".join(parts)
    if isinstance(value, list | tuple):
        return "\n".join(as_text(item) for item in value)
    return str(value)


def text_runs(old: str, new: str) -> tuple[Run, ...]:
    """The diff of two texts as runs, adjacent runs of one kind merged: line by line first
    (one choice per line), then word by word within a line that was changed."""
    a, b = old.split("\n"), new.split("\n")
    runs: list[Run] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for line_a, line_b in zip(a[i1:i2], b[j1:j2], strict=True):
                _separate(runs)
                for run in _word_runs(line_a, line_b):
                    _append(runs, run.op, run.text)
            continue
        if tag == "equal":
            for line in a[i1:i2]:
                _separate(runs)
                _append(runs, "equal", line)
            continue
        if tag in ("delete", "replace"):
            for line in a[i1:i2]:
                _separate(runs)
                _append(runs, "delete", line)
        if tag in ("insert", "replace"):
            for line in b[j1:j2]:
                _separate(runs)
                _append(runs, "insert", line)
    return tuple(runs)


def _separate(runs: list[Run]) -> None:
    """A line break before every line but the first."""
    if runs:
        _append(runs, "equal", "\n")


def _word_runs(old: str, new: str) -> list[Run]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[Run] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(runs, "equal", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(runs, "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _append(runs, "insert", "".join(b[j1:j2]))
    return runs


def _append(runs: list[Run], op: Op, text: str) -> None:
    if not text:
        return
    if runs and runs[-1].op == op:
        runs[-1] = Run(op, runs[-1].text + text)
    else:
        runs.append(Run(op, text))


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    """Every field whose value differs between two versions of a question, in the order of
    the new version's fields (fields only the old one had come last)."""
    keys = list(new) + [key for key in old if key not in new]
    changes = []
    for key in keys:
        if key == "id" or old.get(key) == new.get(key):
            continue
        before, after = as_text(old.get(key)), as_text(new.get(key))
        if before == after:
            continue
        label = FIELD_LABELS.get(key, key.replace("_", " ").capitalize())
        changes.append(FieldChange(key, label, before, after, text_runs(before, after)))
    return changes
