"""Problems found in a bank file, shaped for the person who has to fix them.

Every problem names a place (file:line:column, 1-based, as editors count) and says what is wrong
and what to do. A ``BankError`` carries them all at once, so one run shows every mistake; but a
hostile or badly broken file can have a hundred thousand, which nobody reads and which would
cost the time and memory the size limit protects. So a ``BankError`` keeps the first
``MAX_PROBLEMS`` in file order and the ``total`` count, and the code that finds problems stops
building messages once it has enough (it still counts the rest).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

MAX_PROBLEMS = 50
"""How many problems a ``BankError`` keeps (the first, in file order); the rest are counted."""


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a bank file, at a place an editor can jump to."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


def _place(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.file, problem.line, problem.column, problem.message)


def first_problems(problems: Iterable[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """The first ``limit`` problems in file order, without sorting them all."""
    return heapq.nsmallest(limit, problems, key=_place)


class BankError(Exception):
    """A bank could not be read.

    ``problems`` lists the first ``MAX_PROBLEMS`` mistakes in file order; ``total`` counts every
    mistake found (at least ``len(problems)``), so a report can say how many more there are.
    """

    def __init__(self, problems: Iterable[Problem], total: int | None = None) -> None:
        found = list(problems)
        self.problems: list[Problem] = first_problems(found)
        self.total: int = max(total or 0, len(found))
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def more(self) -> int:
        """How many problems were counted but not kept."""
        return self.total - len(self.problems)


__all__ = ["MAX_PROBLEMS", "BankError", "Problem", "first_problems"]
