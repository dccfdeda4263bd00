"""Helpers for the bank tests: load inline YAML and look at the problems it gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from quizapp.bank.errors import BankError, Problem
from quizapp.bank.loader import load_bank_bytes
from quizapp.bank.models import Bank

DATA = Path(__file__).parent / "data"


def as_bytes(text: str) -> bytes:
    """Inline YAML as a file holds it: dedented, line 1 being the first line of text."""
    return dedent(text).lstrip("\n").encode()


@pytest.fixture
def load() -> Callable[[str], Bank]:
    def load(text: str) -> Bank:
        return load_bank_bytes(as_bytes(text), "bank.yaml")

    return load


@pytest.fixture
def problems() -> Callable[[str], list[Problem]]:
    """Every problem the loader reports for a YAML text (it must refuse it)."""

    def problems(text: str) -> list[Problem]:
        with pytest.raises(BankError) as caught:
            load_bank_bytes(as_bytes(text), "bank.yaml")
        assert caught.value.problems, "a BankError must carry problems"
        return caught.value.problems

    return problems


@pytest.fixture
def problem(problems: Callable[[str], list[Problem]]) -> Callable[[str], Problem]:
    """The one problem the loader reports for a YAML text."""

    def problem(text: str) -> Problem:
        found = problems(text)
        assert len(found) == 1, "\n".join(map(str, found))
        return found[0]

    return problem


def _at(found: Problem, line: int, column: int, *words: str) -> None:
    assert (found.file, found.line, found.column) == ("bank.yaml", line, column), str(found)
    for word in words:
        assert word in found.message, str(found)


@pytest.fixture
def at() -> Callable[..., None]:
    """``at(problem, line, column, *words)``: its place, and the words its message says."""
    return _at
