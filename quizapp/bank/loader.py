"""Load banks from YAML files: strict reading, validation, cross-checks, all errors at once.

A bank either loads whole or not at all: ``BankError`` lists every problem found (each with
file:line:column and what to do), and no partial ``Bank`` is ever returned. The caller decides
what to do with the file (the catalog imports nothing of it).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError

from quizapp.bank.checks import cross_check
from quizapp.bank.errors import BankError, Problem
from quizapp.bank.messages import describe
from quizapp.bank.models import DEFER_CROSS_CHECKS, Bank
from quizapp.bank.reader import MAX_BANK_BYTES, PositionMap, read_yaml, size_problem

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
            raise BankError([Problem(str(entry), 1, 1, "no such file or directory")])
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
    first_file: dict[str, str] = {}
    for path in find_bank_files(paths):
        try:
            bank = load_bank_file(path, max_bytes)
        except BankError as error:
            problems += error.problems
            continue
        if bank.bank in first_file:
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    f"bank id '{bank.bank}' is already used by {first_file[bank.bank]}; "
                    "give every bank its own id",
                )
            )
            continue
        first_file[bank.bank] = str(path)
        banks.append((bank, path))
    if problems:
        raise BankError(problems)
    return banks


def load_bank_bytes(data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES) -> Bank:
    """Read, validate and cross-check one bank; ``BankError`` lists every problem."""
    document, positions = read_yaml(data, filename, max_bytes)
    if not isinstance(document, dict):
        what = "empty" if document is None else "not a set of keys"
        raise BankError(
            [
                Problem(
                    filename,
                    1,
                    1,
                    f"the file is {what}; a bank starts with 'bank: <id>', 'title: ...' "
                    "and a list of 'questions:'",
                )
            ]
        )
    try:
        bank = Bank.model_validate(document, context={DEFER_CROSS_CHECKS: True})
    except ValidationError as error:
        raise BankError(_validation_problems(error, document, positions, filename)) from None
    problems = [
        Problem(
            filename,
            *positions.nearest(problem.path),
            problem.text(_line(positions, problem.first)),
        )
        for problem in cross_check(bank)
    ]
    if problems:
        raise BankError(problems)
    return bank


def _line(positions: PositionMap, path: Any) -> int | None:
    position = positions.value(path) if path is not None else None
    return position[0] if position else None


def _validation_problems(
    error: ValidationError, document: dict[str, Any], positions: PositionMap, filename: str
) -> list[Problem]:
    problems: dict[Problem, None] = {}
    types = _question_types()
    for details in error.errors():
        path, at_key, message = describe(details, document, Bank, types)
        line, column = positions.nearest(path, prefer_key=at_key)
        problems[Problem(filename, line, column, message)] = None
    return list(problems)


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
