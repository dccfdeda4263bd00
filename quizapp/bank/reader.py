"""Strict YAML reading, with the source position of every value.

PyYAML's own constructors follow YAML 1.1 (``no`` is false, ``12:30`` is 750, tags build Python
objects, aliases can expand a small file into gigabytes). Teachers write banks by hand, so this
reader refuses whatever can surprise or harm, before anything is built:

1. size, encoding and tabs are checked on the raw text;
2. the token stream is scanned: tags, anchors and aliases are refused, nesting depth is capped
   (so an alias bomb or a deeply nested document costs nothing);
3. the document is composed into nodes and converted to Python by our own rules (YAML 1.2 core
   scalars, duplicate keys refused), recording where each value was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from quizapp.bank.errors import BankError, Problem
from quizapp.bank.scalars import PlainFloat, PlainInt

MAX_BANK_BYTES = 1_000_000
"""Bigger files are refused: a bank is hand-written text, not a data dump."""

MAX_DEPTH = 20
"""Deepest nesting of mappings and lists; a bank needs about six levels."""

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml when PyYAML was built with it: about ten times faster than the pure-Python parser
(a 1 MB bank reads in well under a second). Only its scanner and composer are used, never a
constructor, so both behave alike here."""

# What YAML forbids in a stream (C0/C1 controls except tab and line breaks, surrogates,
# non-characters). Checked up front to name the exact line and column.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

Path = tuple[str | int, ...]
"""Where a value sits in the document: keys and list indexes from the top."""

Position = tuple[int, int]
"""A 1-based (line, column)."""

_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
# YAML 1.2 core floats, except that the integer part may not have a leading zero: `010` and
# `007.5` stay text (zip codes, ids), as a teacher expects.
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|(0|[1-9][0-9]*)(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


@dataclass
class PositionMap:
    """Where each value (and each mapping key) was written, by path."""

    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def value(self, path: Path) -> Position | None:
        return self.values.get(tuple(path))

    def key(self, path: Path) -> Position | None:
        """The position of the key of a mapping entry, else of the value."""
        path = tuple(path)
        return self.keys.get(path) or self.values.get(path)

    def nearest(self, path: Path, prefer_key: bool = False) -> Position:
        """The position of the deepest known ancestor of ``path`` (itself included)."""
        path = tuple(path)
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            found = self.key(prefix) if prefer_key and end == len(path) else self.value(prefix)
            if found is not None:
                return found
        return (1, 1)


def read_yaml(
    data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES
) -> tuple[Any, PositionMap]:
    """Read one YAML document strictly; raise ``BankError`` listing every problem found."""
    if len(data) > max_bytes:
        raise BankError([size_problem(len(data), filename, max_bytes)])
    text = _decode(data, filename)
    # Tabs come first and alone: they also derail the parser, whose messages would only confuse.
    problems = (
        _character_problems(text, filename)
        or _tab_problems(text, filename)
        or _token_problems(text, filename)
    )
    if problems:
        raise BankError(problems)
    root = _compose(text, filename)
    positions = PositionMap()
    if root is None:
        return None, positions
    converter = _Converter(filename, positions)
    value = converter.convert(root, ())
    if converter.problems:
        raise BankError(converter.problems)
    return value, positions


def size_problem(size: int, filename: str, max_bytes: int = MAX_BANK_BYTES) -> Problem:
    return Problem(
        filename,
        1,
        1,
        f"the file is {size:,} bytes, more than the limit of {max_bytes:,}; "
        "split the bank into several smaller files",
    )


def _decode(data: bytes, filename: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8")) + 1
        raise BankError(
            [
                Problem(
                    filename,
                    before.count(b"\n") + 1,
                    column,
                    f"this byte (0x{data[error.start]:02x}) is not UTF-8 text; "
                    "save the file as UTF-8",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def _character_problems(text: str, filename: str) -> list[Problem]:
    """Invisible control characters (often pasted from a PDF or a word processor)."""
    problems = []
    for match in _FORBIDDEN.finditer(text):
        before = text[: match.start()]
        problems.append(
            Problem(
                filename,
                before.count("\n") + 1,
                match.start() - (before.rfind("\n") + 1) + 1,
                f"the character U+{ord(match.group()):04X} (an invisible control character) "
                "is not allowed in YAML; delete it",
            )
        )
        if len(problems) >= 20:
            break
    return problems


def _tab_problems(text: str, filename: str) -> list[Problem]:
    """Tabs in indentation: YAML forbids them, and editors show them at different widths."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                Problem(
                    filename,
                    number,
                    indent.index("\t") + 1,
                    "a tab character in the indentation; use spaces, not tabs",
                )
            )
    return problems


_OPENERS = {
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
}
_CLOSERS = {yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken}
_REFUSED = {
    yaml.TagToken: (
        "tags (such as !!str or !name) are not allowed; remove the tag, "
        "and put the value in quotes if it should stay text"
    ),
    yaml.AnchorToken: "anchors (&) and aliases (*) are not allowed; repeat the text instead",
    yaml.AliasToken: "anchors (&) and aliases (*) are not allowed; repeat the text instead",
}


def _token_problems(text: str, filename: str) -> list[Problem]:
    """Refuse tags, anchors, aliases and deep nesting before any node is built."""
    problems: list[Problem] = []
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_LOADER):
            kind = type(token)  # exact classes: this loop runs once per token of the file
            if kind in _OPENERS:
                depth += 1
                if depth > MAX_DEPTH:
                    problems.append(
                        _token_problem(
                            token,
                            filename,
                            f"nesting deeper than {MAX_DEPTH} levels; "
                            "a bank needs far fewer, check the indentation",
                        )
                    )
                    return problems
            elif kind in _CLOSERS:
                depth -= 1
            elif kind in _REFUSED:
                problems.append(_token_problem(token, filename, _REFUSED[kind]))
    except yaml.YAMLError as error:
        problems.append(_syntax_problem(error, text, filename))
    return problems


def _token_problem(token: yaml.Token, filename: str, message: str) -> Problem:
    return Problem(filename, token.start_mark.line + 1, token.start_mark.column + 1, message)


def _compose(text: str, filename: str) -> yaml.Node | None:
    """The single document's node tree; a second document in the file is a mistake."""
    try:
        documents = yaml.compose_all(text, Loader=_LOADER)
        root = next(documents, None)
        second = next(documents, None)
    except yaml.YAMLError as error:
        raise BankError([_syntax_problem(error, text, filename)]) from None
    if second is not None:
        raise BankError(
            [
                Problem(
                    filename,
                    second.start_mark.line + 1,
                    second.start_mark.column + 1,
                    "a second YAML document starts here (after '---'); "
                    "keep one bank per file, or remove the '---' line",
                )
            ]
        )
    return root


def _syntax_problem(error: yaml.YAMLError, text: str, filename: str) -> Problem:
    """A YAML error as a Problem: where it was noticed and what the parser expected."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        parts = [part for part in (error.context, error.problem) if part]
        message = "YAML syntax: " + ", ".join(parts)
        if mark is None:
            return Problem(filename, 1, 1, message)
        return Problem(filename, mark.line + 1, mark.column + 1, message)
    return Problem(filename, 1, 1, f"YAML syntax: {error}")


class _Converter:
    """Nodes to plain Python values, by our own rules, recording positions on the way."""

    def __init__(self, filename: str, positions: PositionMap) -> None:
        self.filename = filename
        self.positions = positions
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(
            Problem(self.filename, node.start_mark.line + 1, node.start_mark.column + 1, message)
        )

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self.positions.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if len(path) > MAX_DEPTH:
            self.problem(node, f"nesting deeper than {MAX_DEPTH} levels; check the indentation")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        return scalar(node)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "a key must be plain text, not a list or a mapping")
                continue
            key = key_node.value
            if key in first_line:
                self.problem(
                    key_node,
                    f"duplicate key '{key}' (first at line {first_line[key]}); keep one of them",
                )
                continue
            first_line[key] = key_node.start_mark.line + 1
            self.positions.keys[(*path, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = self.convert(value_node, (*path, key))
        return result


def scalar(node: yaml.ScalarNode) -> Any:
    """A scalar by YAML 1.2's core rules; quoted and block scalars are always text."""
    raw = node.value
    if node.style:  # quoted or block; plain is None (PyYAML) or "" (libyaml)
        return raw
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    if raw in _NULL:
        return None
    if _INT.fullmatch(raw):
        return PlainInt(raw)
    if _FLOAT.fullmatch(raw):
        return PlainFloat(raw)
    return raw


__all__ = ["MAX_BANK_BYTES", "MAX_DEPTH", "Path", "Position", "PositionMap", "read_yaml"]
