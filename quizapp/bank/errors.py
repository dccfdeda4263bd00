"""Problems found in a bank file, shaped for the person who has to fix them.

Every problem names a place (file:line:column, 1-based, as editors count) and says what is wrong
and what to do. A ``BankError`` carries all of them at once, so one run shows every mistake.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a bank file, at a place an editor can jump to."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class BankError(Exception):
    """A bank could not be read; ``problems`` lists every mistake found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


__all__ = ["BankError", "Problem"]
