"""Cross-references inside a bank: the checks no single field can make alone.

Each problem comes with the path of the value at fault (as in the YAML: keys and list
indexes), so the loader can point at its line and column; ``Bank``'s validator uses the same
function and only keeps the messages.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, NamedTuple

from quizapp.bank.reader import Path

if TYPE_CHECKING:
    from quizapp.bank.models import Bank, Quiz, TagSelector


class CrossProblem(NamedTuple):
    """A broken reference at ``path``; ``first`` is the earlier value it clashes with, if any."""

    path: Path
    message: str
    first: Path | None = None

    def text(self, first_line: int | None = None) -> str:
        """The message, saying where the clashing value is when its line is known."""
        where = f" (first at line {first_line})" if first_line else ""
        return self.message.replace("{first}", where)


def cross_check(bank: Bank) -> list[CrossProblem]:
    """Every broken cross-reference in the bank, in file order."""
    problems: list[CrossProblem] = []
    problems += _duplicates([q.id for q in bank.questions], "questions", "question")
    problems += _duplicates([q.id for q in bank.quizzes], "quizzes", "quiz")
    known = [question.id for question in bank.questions]
    tags = {tag for question in bank.questions for tag in question.tags}
    for index, quiz in enumerate(bank.quizzes):
        problems += _check_quiz(bank, quiz, ("quizzes", index), known, tags)
    return problems


def _duplicates(ids: list[str], key: str, what: str) -> list[CrossProblem]:
    first: dict[str, int] = {}
    problems: list[CrossProblem] = []
    for index, item_id in enumerate(ids):
        if item_id in first:
            problems.append(
                CrossProblem(
                    (key, index, "id"),
                    f"duplicate {what} id '{item_id}'{{first}}; give every {what} its own id",
                    (key, first[item_id], "id"),
                )
            )
        else:
            first[item_id] = index
    return problems


def _check_quiz(
    bank: Bank, quiz: Quiz, path: Path, known: list[str], tags: set[str]
) -> list[CrossProblem]:
    from quizapp.bank.models import TagSelector

    problems: list[CrossProblem] = []
    selections = (
        [((*path, "pools", i, "questions"), pool.questions) for i, pool in enumerate(quiz.pools)]
        if quiz.pools is not None
        else [((*path, "questions"), quiz.questions)]
    )
    for where, selector in selections:
        if isinstance(selector, TagSelector):
            problems += _check_tags(quiz, selector, where, tags)
        elif selector is not None:
            problems += _check_ids(quiz, selector, where, known)
    if quiz.pools is not None:
        for index, pool in enumerate(quiz.pools):
            available = len(bank.select(pool.questions))
            if available and pool.draw > available:
                problems.append(
                    CrossProblem(
                        (*path, "pools", index, "draw"),
                        f"quiz '{quiz.id}' draws {pool.draw} questions from pool {index + 1}, "
                        f"which has only {available}; lower 'draw' or add questions",
                    )
                )
    elif quiz.draw is not None:
        available = len(bank.questions_for(quiz))
        if available and quiz.draw > available:
            problems.append(
                CrossProblem(
                    (*path, "draw"),
                    f"quiz '{quiz.id}' draws {quiz.draw} questions but only {available} "
                    "are available; lower 'draw' or select more questions",
                )
            )
    return problems


def _check_tags(
    quiz: Quiz, selector: TagSelector, where: Path, tags: set[str]
) -> list[CrossProblem]:
    problems: list[CrossProblem] = []
    for index, tag in enumerate(selector.tags):
        if tag not in tags:
            problems.append(
                CrossProblem(
                    (*where, "tags", index),
                    f"quiz '{quiz.id}' selects tag '{tag}' but no question has it"
                    + _did_you_mean(tag, sorted(tags)),
                )
            )
    return problems


def _check_ids(quiz: Quiz, ids: list[str], where: Path, known: list[str]) -> list[CrossProblem]:
    problems: list[CrossProblem] = []
    seen: set[str] = set()
    for index, question_id in enumerate(ids):
        if question_id not in known:
            problems.append(
                CrossProblem(
                    (*where, index),
                    f"quiz '{quiz.id}' names question '{question_id}', which is not in this bank"
                    + _did_you_mean(question_id, known),
                )
            )
        elif question_id in seen:
            problems.append(
                CrossProblem(
                    (*where, index),
                    f"quiz '{quiz.id}' names question '{question_id}' twice{{first}}; remove one",
                    (*where, ids.index(question_id)),
                )
            )
        seen.add(question_id)
    return problems


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


__all__ = ["CrossProblem", "cross_check"]
