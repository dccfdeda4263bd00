"""A bank's problems as a person reads them: the first few, each line of a sensible width.

The command line (``quiz validate``) and the teacher's problems page show the same report: at
most ``MAX_SHOWN`` problems in file order, then "and N more (M in all)"; each message cut to
``MESSAGE_WIDTH`` characters, and the offending line of the file cut to a window of
``LINE_WIDTH`` characters around the column at fault, with the caret under it. A bank written
on one 1 MB line then shows 50 short excerpts, not 50 copies of the megabyte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from quizapp.bank.errors import MAX_PROBLEMS, BankError, Problem
from quizapp.translatable import Msg

MAX_SHOWN = MAX_PROBLEMS
"""Problems shown at most; the rest are counted."""

MESSAGE_WIDTH = 400
"""Longest message line shown (messages are short; a long file name could make one long)."""

LINE_WIDTH = 100
"""Widest excerpt of a line of the file."""

ELLIPSIS = "…"


def cut(text: str, width: int = MESSAGE_WIDTH) -> str:
    """``text``, or its start and an ellipsis when longer than ``width``."""
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


@dataclass(frozen=True)
class Excerpt:
    """A window of one line of the file, and where the caret goes in it (0-based)."""

    text: str
    caret: int

    @property
    def caret_line(self) -> str:
        return " " * self.caret + "^"


def excerpt(line: str, column: int, width: int = LINE_WIDTH) -> Excerpt:
    """The part of ``line`` around ``column`` (1-based), at most ``width`` characters and an
    ellipsis at each end that was cut."""
    at = max(column - 1, 0)
    if len(line) <= width:
        return Excerpt(line, at)
    start = max(0, min(at - width // 2, len(line) - width))
    end = start + width
    text = line[start:end]
    caret = at - start
    if start > 0:
        text = ELLIPSIS + text
        caret += 1
    if end < len(line):
        text += ELLIPSIS
    return Excerpt(text, caret)


def more_line(shown: int, total: int) -> str | None:
    """ "and N more (M in all)" when some problems are not shown, else None."""
    if total <= shown:
        return None
    return Msg(
        "and %(more)s more (%(total)s in all)",
        more=format(total - shown, ","),
        total=format(total, ","),
    )


def report_lines(error: BankError, say: Callable[[str], str] = str) -> list[str]:
    """The problems of ``error`` as lines of text, for the command line; ``say`` renders each
    message (English by default; the command line passes its translator, ``i18n.translate``)."""
    shown = error.problems[:MAX_SHOWN]
    lines = [cut(f"{p.file}:{p.line}:{p.column}: {say(p.message)}") for p in shown]
    more = more_line(len(shown), error.total)
    if more:
        lines.append(say(more))
    return lines


def shown_problems(error: BankError) -> list[Problem]:
    """The problems a report shows (the first ``MAX_SHOWN``)."""
    return error.problems[:MAX_SHOWN]


__all__ = [
    "LINE_WIDTH",
    "MAX_SHOWN",
    "MESSAGE_WIDTH",
    "Excerpt",
    "cut",
    "excerpt",
    "more_line",
    "report_lines",
    "shown_problems",
]
