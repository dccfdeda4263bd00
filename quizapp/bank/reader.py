"""Strict YAML reading, with the source position of every value.

PyYAML's own constructors follow YAML 1.1 (``no`` is false, ``12:30`` is 750, tags build Python
objects, aliases can expand a small file into gigabytes). Teachers write banks by hand, so this
reader refuses whatever can surprise or harm, before anything is built:

1. size, encoding and tabs are checked on the raw text;
2. the token stream is scanned: tags, anchors and aliases are refused, nesting depth is capped
   (so an alias bomb or a deeply nested document costs nothing);
3. the document is composed into nodes and converted to Python by our own rules (YAML 1.2 core
   scalars, duplicate keys refused), recording where each value was written.

A file of the size allowed can still be built to make the later steps slow: a 5,000-digit
number (Python refuses to convert it), a mapping of 100,000 keys, or one question holding
100,000 values, each of which would become a validation error. Those are refused here, at their
line, with the bound in the message: numbers have at most ``MAX_NUMBER_CHARS`` characters, a
mapping at most ``MAX_KEYS`` keys, an item of a top-level list (a question, a quiz) at most
``MAX_ITEM_VALUES`` values. Each step keeps the first ``MAX_PROBLEMS`` problems and counts the
rest (``BankError.total``).

Recording where every value was written costs more than parsing the file, and it is only
needed to point at a mistake. So a bank is first read by ``read_plain``: one pass over
libyaml's events, building the values by the same rules and making the same checks, but with
no positions and no messages. At the first doubt (a tag, a duplicate key, a syntax error, a
bound reached...) it gives up, and the caller reads the file again with ``read_yaml``, which
finds and places every problem. A valid bank of 10,000 questions reads about three times
faster this way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from quizapp.bank.errors import MAX_PROBLEMS, BankError, Problem
from quizapp.bank.scalars import PlainFloat, PlainInt
from quizapp.translatable import Msg

MAX_BANK_BYTES = 1_000_000
"""Bigger files are refused: a bank is hand-written text, not a data dump."""

MAX_DEPTH = 20
"""Deepest nesting of mappings and lists; a bank needs about six levels."""

MAX_NUMBER_CHARS = 50
"""Longest unquoted number: more digits than any measure needs (Python itself refuses to read
integers of more than 4,300 digits)."""

MAX_KEYS = 200
"""Most keys in one mapping: a question has about ten, a cloze one per blank."""

MAX_ITEM_VALUES = 10_000
"""Most values (keys, list items, texts) in one item of a top-level list, such as a question
or a quiz: a question holds a few dozen, a quiz listing thousands of question ids a few
thousand. It bounds how many validation errors one item can cause."""

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml when PyYAML was built with it: about ten times faster than the pure-Python parser
(a 1 MB bank reads in well under a second). Only its scanner and composer are used, never a
constructor, so both behave alike here."""

try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml
    _Parser = yaml.SafeLoader  # type: ignore[misc,assignment]


class _Composer(_Parser):  # type: ignore[misc]
    """libyaml's composer without PyYAML's tag resolver, which matches every scalar against
    YAML 1.1's regular expressions in Python, for tags that ``scalar`` never looks at."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return "tag:yaml.org,2002:str"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


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
    for check in (_character_problems, _tab_problems, _token_problems):
        problems, total = check(text, filename)
        if total:
            raise BankError(problems, total)
    root = _compose(text, filename)
    positions = PositionMap()
    if root is None:
        return None, positions
    converter = _Converter(filename, positions)
    value = converter.convert(root, ())
    if converter.total:
        raise BankError(converter.problems, converter.total)
    return value, positions


def size_problem(size: int, filename: str, max_bytes: int = MAX_BANK_BYTES) -> Problem:
    return Problem(
        filename,
        1,
        1,
        Msg(
            "the file is %(size)s bytes, more than the limit of %(limit)s; "
            "split the bank into several smaller files",
            size=format(size, ","),
            limit=format(max_bytes, ","),
        ),
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
                    Msg(
                        "this byte (0x%(byte)s) is not UTF-8 text; save the file as UTF-8",
                        byte=format(data[error.start], "02x"),
                    ),
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


Found = tuple[list[Problem], int]
"""The first problems found (at most ``MAX_PROBLEMS``) and how many there are in all."""


def _character_problems(text: str, filename: str) -> Found:
    """Invisible control characters (often pasted from a PDF or a word processor)."""
    problems = []
    total = 0
    line, line_start = 1, 0
    for match in _FORBIDDEN.finditer(text):
        total += 1
        if len(problems) >= MAX_PROBLEMS:
            continue
        # Count lines from the previous match only: each character of the file is looked at once.
        line += text.count("\n", line_start, match.start())
        line_start = text.rfind("\n", 0, match.start()) + 1
        problems.append(
            Problem(
                filename,
                line,
                match.start() - line_start + 1,
                f"the character U+{ord(match.group()):04X} (an invisible control character) "
                "is not allowed in YAML; delete it",
            )
        )
    return problems, total


def _tab_problems(text: str, filename: str) -> Found:
    """Tabs in indentation: YAML forbids them, and editors show them at different widths."""
    problems = []
    total = 0
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            total += 1
            if len(problems) < MAX_PROBLEMS:
                problems.append(
                    Problem(
                        filename,
                        number,
                        indent.index("\t") + 1,
                        Msg("a tab character in the indentation; use spaces, not tabs"),
                    )
                )
    return problems, total


_OPENERS = {
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
}
_CLOSERS = {yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken}
_REFUSED = {
    yaml.TagToken: Msg(
        "tags (such as !!str or !name) are not allowed; remove the tag, "
        "and put the value in quotes if it should stay text"
    ),
    yaml.AnchorToken: Msg("anchors (&) and aliases (*) are not allowed; repeat the text instead"),
    yaml.AliasToken: Msg("anchors (&) and aliases (*) are not allowed; repeat the text instead"),
}


def _token_problems(text: str, filename: str) -> Found:
    """Refuse tags, anchors, aliases and deep nesting before any node is built."""
    problems: list[Problem] = []
    total = 0
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
                            Msg(
                                "nesting deeper than %(most)s levels; "
                                "a bank needs far fewer, check the indentation",
                                most=MAX_DEPTH,
                            ),
                        )
                    )
                    return problems, total + 1
            elif kind in _CLOSERS:
                depth -= 1
            elif kind in _REFUSED:
                total += 1
                if len(problems) < MAX_PROBLEMS:
                    problems.append(_token_problem(token, filename, _REFUSED[kind]))
    except yaml.YAMLError as error:
        problems.append(_syntax_problem(error, text, filename))
        total += 1
    return problems, total


def _token_problem(token: yaml.Token, filename: str, message: str) -> Problem:
    return Problem(filename, token.start_mark.line + 1, token.start_mark.column + 1, message)


def _compose(text: str, filename: str) -> yaml.Node | None:
    """The single document's node tree; a second document in the file is a mistake."""
    try:
        documents = yaml.compose_all(text, Loader=_Composer)
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
                    Msg(
                        "a second YAML document starts here (after '---'); "
                        "keep one bank per file, or remove the '---' line"
                    ),
                )
            ]
        )
    return root


def _syntax_problem(error: yaml.YAMLError, text: str, filename: str) -> Problem:
    """A YAML error as a Problem: where it was noticed and what the parser expected."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        parts = [part for part in (error.context, error.problem) if part]
        # The parser's own words ("expected <block end>") stay English: they name YAML tokens.
        message = Msg("YAML syntax: %(detail)s", detail=", ".join(parts))
        if mark is None:
            return Problem(filename, 1, 1, message)
        return Problem(filename, mark.line + 1, mark.column + 1, message)
    return Problem(filename, 1, 1, Msg("YAML syntax: %(detail)s", detail=str(error)))


class _Converter:
    """Nodes to plain Python values, by our own rules, recording positions on the way."""

    def __init__(self, filename: str, positions: PositionMap) -> None:
        self.filename = filename
        self.positions = positions
        self.problems: list[Problem] = []
        self.total = 0
        self.item_values: dict[Path, int] = {}

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problem_at((node.start_mark.line + 1, node.start_mark.column + 1), message)

    def problem_at(self, position: Position, message: str) -> None:
        """Keep the first problems; count them all."""
        self.total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.filename, *position, message))

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self.positions.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if len(path) > MAX_DEPTH:
            self.problem(
                node,
                Msg("nesting deeper than %(most)s levels; check the indentation", most=MAX_DEPTH),
            )
            return None
        if len(path) >= 2 and isinstance(path[1], int) and not self.item_fits(path):
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        if not node.style and len(node.value) > MAX_NUMBER_CHARS and _is_number(node.value):
            self.problem(
                node,
                Msg(
                    "this number is %(length)s characters long; a number in a bank has "
                    "at most %(most)s; put it in quotes if it is text",
                    length=format(len(node.value), ","),
                    most=MAX_NUMBER_CHARS,
                ),
            )
            return None
        return scalar(node)

    def item_fits(self, path: Path) -> bool:
        """Whether the item of a top-level list that ``path`` lies in is still within bounds."""
        item = path[:2]
        count = self.item_values.get(item, 0) + 1
        self.item_values[item] = count
        if count == MAX_ITEM_VALUES + 1:
            first = self.positions.values.get(item, (1, 1))
            self.problem_at(
                first,
                Msg(
                    "item %(number)s of '%(key)s' (from line %(line)s) holds more than "
                    "%(most)s values (keys, list items and texts); a question or a "
                    "quiz needs far fewer: check for a runaway list, or split it",
                    number=item[1] + 1,
                    key=item[0],
                    line=first[0],
                    most=format(MAX_ITEM_VALUES, ","),
                ),
            )
        return count <= MAX_ITEM_VALUES

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        if len(node.value) > MAX_KEYS:
            self.problem(
                node,
                Msg(
                    "this mapping has %(keys)s keys; no part of a bank takes more than "
                    "%(most)s: check for a runaway list of 'key: value' lines",
                    keys=format(len(node.value), ","),
                    most=MAX_KEYS,
                ),
            )
            return result
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, Msg("a key must be plain text, not a list or a mapping"))
                continue
            key = key_node.value
            if key in first_line:
                self.problem(
                    key_node,
                    Msg(
                        "duplicate key '%(key)s' (first at line %(line)s); keep one of them",
                        key=key,
                        line=first_line[key],
                    ),
                )
                continue
            first_line[key] = key_node.start_mark.line + 1
            self.positions.keys[(*path, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = self.convert(value_node, (*path, key))
        return result


def _is_number(raw: str) -> bool:
    return bool(_INT.fullmatch(raw) or _FLOAT.fullmatch(raw))


def scalar(node: yaml.ScalarNode) -> Any:
    """A scalar by YAML 1.2's core rules; quoted and block scalars are always text."""
    return _scalar(node.value, node.style)


def _scalar(raw: str, style: str | None) -> Any:
    if style:  # quoted or block; plain is None (PyYAML) or "" (libyaml)
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


# -- the fast reader -------------------------------------------------------------------------

UNCLEAR = object()
"""What ``read_plain`` returns when the file must be read by ``read_yaml`` instead."""

# A tab in a line's indentation, after any line break ``str.splitlines`` knows (as
# ``_tab_problems`` splits lines).
_TAB_IN_INDENT = re.compile(r"(?:\A|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]) *\t")


class _Unclear(Exception):
    """Raised inside ``read_plain`` at the first thing ``read_yaml`` would have to judge."""


def read_plain(data: bytes, max_bytes: int = MAX_BANK_BYTES) -> Any:
    """The document of a file that ``read_yaml`` would accept, read faster and without
    positions; ``UNCLEAR`` when the file breaks (or comes near) any of its rules.

    For every file it does not give up on, the value is equal to ``read_yaml``'s. It may give
    up on a file that ``read_yaml`` accepts (its bounds are a little stricter), never the other
    way round: it checks the same things, only earlier.
    """
    if len(data) > max_bytes:
        return UNCLEAR
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return UNCLEAR
    if _FORBIDDEN.search(text) or _TAB_IN_INDENT.search(text):
        return UNCLEAR
    parser = _Parser(text)
    try:
        return _plain_document(parser)
    except (_Unclear, yaml.YAMLError):
        return UNCLEAR
    finally:
        parser.dispose()


_NO_KEY = object()


def _plain_document(parser: Any) -> Any:
    """Build the one document from libyaml's events, with an explicit stack (no recursion,
    so nesting costs nothing before the depth check)."""
    get_event = parser.get_event
    # Local names: this loop runs once per event of the file.
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, mapping_end = yaml.MappingStartEvent, yaml.MappingEndEvent
    sequence_start, sequence_end = yaml.SequenceStartEvent, yaml.SequenceEndEvent
    plain_scalar, no_key = _plain_scalar, _NO_KEY
    root: Any = UNCLEAR
    containers: list[Any] = []
    """The mappings and lists being filled, outermost first."""
    keys: list[Any] = []
    """For each container: the key whose value comes next (``_NO_KEY`` between entries)."""
    documents = 0
    item_values = 0
    """Nodes (keys included) in the current item of a top-level list, as ``item_fits``."""
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            if event.anchor is not None or event.tag is not None:
                raise _Unclear
            raw = event.value
            depth = len(containers)
            if depth >= 2:
                item_values = 1 if depth == 2 else item_values + 1
                if item_values > MAX_ITEM_VALUES:
                    raise _Unclear
            if not depth:
                root = raw if event.style else plain_scalar(raw)
                continue
            top = containers[-1]
            if type(top) is list:
                top.append(raw if event.style else plain_scalar(raw))
                continue
            key = keys[-1]
            if key is no_key:
                if raw in top or len(top) >= MAX_KEYS:
                    raise _Unclear
                keys[-1] = raw
            else:
                top[key] = raw if event.style else plain_scalar(raw)
                keys[-1] = no_key
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor is not None or event.tag is not None:
                raise _Unclear
            depth = len(containers)
            if depth >= MAX_DEPTH:
                raise _Unclear
            if depth >= 2:
                item_values = 1 if depth == 2 else item_values + 1
                if item_values > MAX_ITEM_VALUES:
                    raise _Unclear
            container: Any = {} if kind is mapping_start else []
            if not depth:
                root = container
            else:
                top = containers[-1]
                if type(top) is list:
                    top.append(container)
                else:
                    key = keys[-1]
                    if key is no_key:  # a mapping or a list as a key
                        raise _Unclear
                    top[key] = container
                    keys[-1] = no_key
            containers.append(container)
            keys.append(no_key)
        elif kind is mapping_end or kind is sequence_end:
            containers.pop()
            keys.pop()
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unclear
        elif kind is yaml.StreamEndEvent:
            return root
        elif kind is alias_event:
            raise _Unclear


_CONSTANTS: dict[str, Any] = {
    **dict.fromkeys(_TRUE, True),
    **dict.fromkeys(_FALSE, False),
    **dict.fromkeys(_NULL, None),
}
_NUMBER_STARTS = frozenset("0123456789+-.")
"""How a number (``_INT``, ``_FLOAT``) can begin: most plain scalars are words, and skip
the regular expressions."""


def _plain_scalar(raw: str) -> Any:
    """A plain (unquoted) scalar, as ``_scalar`` reads it."""
    if raw in _CONSTANTS:
        return _CONSTANTS[raw]
    if raw[0] not in _NUMBER_STARTS:
        return raw
    if len(raw) > MAX_NUMBER_CHARS and _is_number(raw):
        raise _Unclear
    return _scalar(raw, None)


__all__ = [
    "MAX_BANK_BYTES",
    "MAX_DEPTH",
    "MAX_ITEM_VALUES",
    "MAX_KEYS",
    "MAX_NUMBER_CHARS",
    "UNCLEAR",
    "Path",
    "Position",
    "PositionMap",
    "read_plain",
    "read_yaml",
]
