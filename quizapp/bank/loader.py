"""Load banks from YAML files: strict reading, validation, cross-checks, all errors at once.

A bank either loads whole or not at all: ``BankError`` lists the problems found (each with
file:line:column and what to do; the first ``MAX_PROBLEMS`` in file order, and how many in
all), and no partial ``Bank`` is ever returned. The caller decides what to do with the file (the
catalog imports nothing of it).

Time and memory stay bounded for any file under the size limit: a message (with its "did you
mean" hint) is written only for problems that will be shown. When pydantic finds more than
``ERROR_BUDGET`` errors, listing them all would itself take seconds and hundreds of megabytes,
so the questions and quizzes are validated one by one instead, in file order: errors are
described until enough problems are found, and only counted after that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache, partial
from pathlib import Path as FilePath
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from quizapp.bank.checks import cross_check
from quizapp.bank.errors import MAX_PROBLEMS, BankError, Problem, first_problems
from quizapp.bank.messages import describe
from quizapp.bank.models import DEFER_CROSS_CHECKS, Bank, Quiz, bank_language
from quizapp.bank.reader import (
    MAX_BANK_BYTES,
    Path,
    PositionMap,
    read_plain,
    read_yaml,
    size_problem,
)
from quizapp.qtypes.languages import LANGUAGE
from quizapp.translatable import Msg

ERROR_BUDGET = 1_000
"""Most pydantic errors listed at once (see the module docstring)."""

_CONTEXT = {DEFER_CROSS_CHECKS: True}


def _context(document: Any) -> dict[str, Any]:
    """The validation context of a bank: defer the cross-checks, and the bank's default
    language, which texts by language must have (``quizapp.qtypes.languages``)."""
    return {**_CONTEXT, LANGUAGE: bank_language(document)}


BANK_SUFFIXES = (".yaml", ".yml")


def find_bank_files(paths: Iterable[str | FilePath]) -> list[FilePath]:
    """Bank files among ``paths``: files as given, directories searched for *.yaml / *.yml.

    Hidden files and directories (``.git``, editor backups) are skipped in directories; a
    missing path is an error rather than a silent nothing.
    """
    found: list[FilePath] = []
    for entry in map(FilePath, paths):
        if entry.is_dir():
            found += sorted(
                path
                for path in entry.rglob("*")
                if path.is_file()
                and path.suffix.lower() in BANK_SUFFIXES
                and not path.name.endswith(".schema.json")
                and not any(part.startswith(".") for part in path.relative_to(entry).parts)
            )
        elif entry.is_file():
            found.append(entry)
        else:
            raise BankError([Problem(str(entry), 1, 1, Msg("no such file or directory"))])
    return list(dict.fromkeys(found))


def load_bank_file(path: str | FilePath, max_bytes: int = MAX_BANK_BYTES) -> Bank:
    """Load one bank file; problems are reported under the path as given."""
    path = FilePath(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            # Refuse before reading: the size check must not cost the memory it protects.
            raise BankError([size_problem(size, str(path), max_bytes)])
        data = path.read_bytes()
    except OSError as error:
        raise BankError(
            [Problem(str(path), 1, 1, f"cannot read the file: {error.strerror}")]
        ) from None
    return load_bank_bytes(data, str(path), max_bytes)


def load_bank_files(
    paths: Iterable[str | FilePath], max_bytes: int = MAX_BANK_BYTES
) -> list[tuple[Bank, FilePath]]:
    """Load several banks, each with its file, reporting the problems of all files together.

    Two files declaring the same ``bank:`` id is an error too: the second would replace the
    first in the catalog.
    """
    banks: list[tuple[Bank, FilePath]] = []
    problems: list[Problem] = []
    total = 0
    first_file: dict[str, str] = {}
    for path in find_bank_files(paths):
        try:
            bank = load_bank_file(path, max_bytes)
        except BankError as error:
            problems = first_problems([*problems, *error.problems])
            total += error.total
            continue
        if bank.bank in first_file:
            total += 1
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    Msg(
                        "bank id '%(bank)s' is already used by %(file)s; "
                        "give every bank its own id",
                        bank=bank.bank,
                        file=first_file[bank.bank],
                    ),
                )
            )
            continue
        first_file[bank.bank] = str(path)
        banks.append((bank, path))
    if problems:
        raise BankError(problems, total)
    return banks


def load_bank_bytes(data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES) -> Bank:
    """Read, validate and cross-check one bank; ``BankError`` lists every problem.

    A valid bank is read without positions (``read_plain``), validated and cross-checked;
    only a file with a problem is read again with the position of every value, to say where
    each problem is. The problems found are the same either way."""
    document = read_plain(data, max_bytes)
    if isinstance(document, dict):
        try:
            bank = Bank.model_validate(document, context=_context(document))
        except ValidationError:
            pass
        else:
            if not cross_check(bank):
                return bank
    return _load_with_positions(data, filename, max_bytes)


def _load_with_positions(data: bytes, filename: str, max_bytes: int) -> Bank:
    document, positions = read_yaml(data, filename, max_bytes)
    if not isinstance(document, dict):
        if document is None:
            message = Msg(
                "the file is empty; a bank starts with 'bank: <id>', 'title: ...' "
                "and a list of 'questions:'"
            )
        else:
            message = Msg(
                "the file is not a set of keys; a bank starts with 'bank: <id>', 'title: ...' "
                "and a list of 'questions:'"
            )
        raise BankError([Problem(filename, 1, 1, message)])
    try:
        bank = Bank.model_validate(document, context=_context(document))
    except ValidationError as error:
        if error.error_count() <= ERROR_BUDGET:
            details = error.errors(include_url=False)
            raise BankError(_validation_problems(details, document, positions, filename)) from None
        raise _part_by_part(document, positions, filename) from None
    cross = cross_check(bank)
    if cross:
        # Order by place first: only the problems shown get a message (and its hint).
        placed = first_problems(
            (
                Problem(filename, *positions.nearest(problem.path), str(index))
                for index, problem in enumerate(cross)
            ),
        )
        problems = [
            Problem(
                filename,
                found.line,
                found.column,
                cross[int(found.message)].text(_line(positions, cross[int(found.message)].first)),
            )
            for found in placed
        ]
        raise BankError(problems, len(cross))
    return bank


def _line(positions: PositionMap, path: Any) -> int | None:
    position = positions.value(path) if path is not None else None
    return position[0] if position else None


def _validation_problems(
    errors: Iterable[ErrorDetails],
    document: dict[str, Any],
    positions: PositionMap,
    filename: str,
) -> list[Problem]:
    problems: dict[Problem, None] = {}
    types = _question_types()
    for details in errors:
        path, at_key, message = describe(details, document, Bank, types)
        line, column = positions.nearest(path, prefer_key=at_key)
        problems[Problem(filename, line, column, message)] = None
    return list(problems)


@cache
def _question_adapter() -> TypeAdapter[Any]:
    from quizapp.qtypes import AnyQuestion

    return TypeAdapter(AnyQuestion)


def _part_by_part(document: dict[str, Any], positions: PositionMap, filename: str) -> BankError:
    """The first problems and the count of all, validating questions and quizzes one by one.

    The rest of the bank (its id, title, source) is validated with a stand-in for the lists,
    so that it reports only its own problems. The reader bounds the size of one question or
    quiz (``MAX_ITEM_VALUES``), so listing the errors of one part stays cheap.
    """
    lists = {
        key: document[key]
        for key in ("questions", "quizzes")
        if isinstance(document.get(key), list)
    }
    head = {**document, **{key: [] for key in lists}}
    if "questions" in lists:
        head["questions"] = [{"id": "stand-in", "type": "true_false", "text": "-", "answer": True}]
    parts: list[tuple[tuple[int, int], Path, Callable[[Any], Any], Any]] = [
        ((0, 0), (), _validate_bank, head)
    ]
    for key, items in lists.items():
        validate = (
            partial(_question_adapter().validate_python, context=_context(document))
            if key == "questions"
            else _validate_quiz
        )
        parts += [
            (positions.nearest((key, index)), (key, index), validate, item)
            for index, item in enumerate(items)
        ]
    parts.sort(key=lambda part: part[0])
    problems: list[Problem] = []
    counted = 0
    for _, prefix, validate, value in parts:
        try:
            validate(value)
        except ValidationError as error:
            if len(problems) >= MAX_PROBLEMS:
                counted += error.error_count()
                continue
            details: list[Any] = [
                {**detail, "loc": (*prefix, *detail["loc"])}
                for detail in error.errors(include_url=False)
            ]
            problems += _validation_problems(details, document, positions, filename)
    return BankError(problems, len(problems) + counted)


def _validate_bank(value: Any) -> Any:
    return Bank.model_validate(value, context=_context(value))


def _validate_quiz(value: Any) -> Any:
    return Quiz.model_validate(value)


def _question_types() -> list[str]:
    from quizapp.qtypes import QUESTION_TYPES

    return sorted(QUESTION_TYPES)


__all__ = [
    "BANK_SUFFIXES",
    "find_bank_files",
    "load_bank_bytes",
    "load_bank_file",
    "load_bank_files",
]
