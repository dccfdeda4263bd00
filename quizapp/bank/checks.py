"""Cross-references inside a bank: the checks no single field can make alone.

Each problem comes with the path of the value at fault (as in the YAML: keys and list
indexes), so the loader can point at its line and column; ``Bank``'s validator uses the same
function and only keeps the messages.

A bank can name tens of thousands of unknown question ids; finding them stays linear (sets and
first-index maps, never ``list.index`` in a loop), and the "did you mean" hint, which compares
a word with every id, is worked out only when a message is asked for (``CrossProblem.text``):
the loader asks only for the problems it shows.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, NamedTuple

from quizapp.bank.reader import Path
from quizapp.translatable import Msg

if TYPE_CHECKING:
    from quizapp.bank.models import Bank, Quiz, TagSelector


class CrossProblem(NamedTuple):
    """A broken reference at ``path``; ``first`` is the earlier value it clashes with, if any;
    ``suggest`` is a word and the known words to suggest a close one from."""

    path: Path
    message: str
    first: Path | None = None
    suggest: tuple[str, list[str]] | None = None

    def text(self, first_line: int | None = None) -> str:
        """The message (a ``Msg``), saying where the clashing value is when its line is known:
        a message with a ``first`` value gets " (first at line N)" there."""
        message = self.message
        if isinstance(message, Msg) and "first" in message.params:
            where = Msg(" (first at line %(line)s)", line=first_line) if first_line else ""
            message = Msg(message.msgid, **{**message.params, "first": where})
        hint = _did_you_mean(*self.suggest) if self.suggest else ""
        return Msg("%(message)s%(hint)s", message=message, hint=hint) if hint else message


def cross_check(bank: Bank) -> list[CrossProblem]:
    """Every broken cross-reference in the bank, in file order."""
    problems: list[CrossProblem] = []
    problems += _duplicates([q.id for q in bank.questions], "questions", "question")
    problems += _duplicates([q.id for q in bank.quizzes], "quizzes", "quiz")
    known = _Known(bank)
    for index, quiz in enumerate(bank.quizzes):
        problems += _check_quiz(quiz, ("quizzes", index), known)
    from quizapp.bank.translations import translation_problems

    problems += translation_problems(bank)
    return problems


class _Known:
    """The bank's question ids and tags, indexed once for every quiz to check against."""

    def __init__(self, bank: Bank) -> None:
        self.ids = [question.id for question in bank.questions]
        self.id_set = set(self.ids)
        by_tag: dict[str, set[int]] = {}
        for position, question in enumerate(bank.questions):
            for tag in question.tags:
                by_tag.setdefault(tag, set()).add(position)
        self.by_tag = by_tag
        self.tags = sorted(by_tag)
        self.count = len(self.ids)

    def available(self, selector: list[str] | TagSelector | None) -> int:
        """How many questions a selector picks (as ``Bank.select``, without building them)."""
        from quizapp.bank.models import TagSelector

        if selector is None:
            return self.count
        if isinstance(selector, TagSelector):
            return len(set().union(*(self.by_tag.get(tag, ()) for tag in selector.tags)))
        return sum(1 for question_id in selector if question_id in self.id_set)

    def members(self, selector: list[str] | TagSelector | None) -> set[int]:
        """The positions of the questions a selector picks."""
        from quizapp.bank.models import TagSelector

        if selector is None:
            return set(range(self.count))
        if isinstance(selector, TagSelector):
            return set().union(*(self.by_tag.get(tag, ()) for tag in selector.tags))
        first = {question_id: index for index, question_id in enumerate(self.ids)}
        return {first[question_id] for question_id in selector if question_id in first}


def _duplicate(what: str, item_id: str) -> Msg:
    if what == "question":
        return Msg(
            "duplicate question id '%(id)s'%(first)s; give every question its own id",
            id=item_id,
            first="",
        )
    return Msg(
        "duplicate quiz id '%(id)s'%(first)s; give every quiz its own id", id=item_id, first=""
    )


def _duplicates(ids: list[str], key: str, what: str) -> list[CrossProblem]:
    first: dict[str, int] = {}
    problems: list[CrossProblem] = []
    for index, item_id in enumerate(ids):
        if item_id in first:
            problems.append(
                CrossProblem(
                    (key, index, "id"),
                    _duplicate(what, item_id),
                    (key, first[item_id], "id"),
                )
            )
        else:
            first[item_id] = index
    return problems


def _check_quiz(quiz: Quiz, path: Path, known: _Known) -> list[CrossProblem]:
    from quizapp.bank.models import TagSelector

    problems: list[CrossProblem] = []
    selections = (
        [((*path, "pools", i, "questions"), pool.questions) for i, pool in enumerate(quiz.pools)]
        if quiz.pools is not None
        else [((*path, "questions"), quiz.questions)]
    )
    selections += [((*path, "exclusive", i), group) for i, group in enumerate(quiz.exclusive or [])]
    for where, selector in selections:
        if isinstance(selector, TagSelector):
            problems += _check_tags(quiz, selector, where, known)
        elif selector is not None:
            problems += _check_ids(quiz, selector, where, known)
    if quiz.pools is not None:
        for index, pool in enumerate(quiz.pools):
            available = known.available(pool.questions)
            if available and pool.draw > available:
                problems.append(
                    CrossProblem(
                        (*path, "pools", index, "draw"),
                        Msg(
                            "quiz '%(quiz)s' draws %(draw)s questions from pool %(pool)s, "
                            "which has only %(available)s; lower 'draw' or add questions",
                            quiz=quiz.id,
                            draw=pool.draw,
                            pool=index + 1,
                            available=available,
                        ),
                    )
                )
    elif quiz.draw is not None:
        available = known.available(quiz.questions)
        if available and quiz.draw > available:
            problems.append(
                CrossProblem(
                    (*path, "draw"),
                    Msg(
                        "quiz '%(quiz)s' draws %(draw)s questions but only %(available)s "
                        "are available; lower 'draw' or select more questions",
                        quiz=quiz.id,
                        draw=quiz.draw,
                        available=available,
                    ),
                )
            )
    if quiz.exclusive and not problems:
        problems += _check_exclusive(quiz, path, known)
    return problems


def _components(groups: list[set[int]]) -> dict[int, int]:
    """Question position -> a representative of its linked exclusive groups (union-find):
    an attempt can surely hold one question per component, maybe no more."""
    parent: dict[int, int] = {}

    def root(item: int) -> int:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for group in groups:
        members = sorted(group)
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    return {item: root(item) for item in list(parent)}


def _check_exclusive(quiz: Quiz, path: Path, known: _Known) -> list[CrossProblem]:
    """Every group names two questions or more, and every draw can be made without two
    questions of one group (a sufficient check: a question taken in one pool may use up a
    group shared with another pool)."""
    problems: list[CrossProblem] = []
    groups = [known.members(group) for group in quiz.exclusive or []]
    for index, group in enumerate(groups):
        if len(group) < 2:
            problems.append(
                CrossProblem(
                    (*path, "exclusive", index),
                    Msg(
                        "quiz '%(quiz)s' has an exclusive group of %(count)s question; "
                        "a group names at least two questions that give each other away",
                        quiz=quiz.id,
                        count=len(group),
                    ),
                )
            )
    if problems:
        return problems
    component = _components(groups)

    def units(members: set[int]) -> set[int]:
        return {component.get(member, -1 - member) for member in members}

    if quiz.pools is None:
        if quiz.draw is not None:
            offered = len(units(known.members(quiz.questions)))
            if quiz.draw > offered:
                problems.append(
                    CrossProblem(
                        (*path, "draw"),
                        Msg(
                            "quiz '%(quiz)s' draws %(draw)s questions, but with its exclusive "
                            "groups an attempt can hold only %(offered)s; lower 'draw' or add "
                            "questions",
                            quiz=quiz.id,
                            draw=quiz.draw,
                            offered=offered,
                        ),
                    )
                )
        return problems
    pools = [units(known.members(pool.questions)) for pool in quiz.pools]
    for index, pool in enumerate(quiz.pools):
        others = set().union(*(units_ for i, units_ in enumerate(pools) if i != index))
        shared = len(pools[index] & others)
        drawn_elsewhere = sum(p.draw for i, p in enumerate(quiz.pools) if i != index)
        sure = len(pools[index]) - min(shared, drawn_elsewhere)
        if pool.draw > sure:
            problems.append(
                CrossProblem(
                    (*path, "pools", index, "draw"),
                    Msg(
                        "quiz '%(quiz)s' draws %(draw)s questions from pool %(pool)s, but "
                        "with its exclusive groups (and the other pools' draws) it can surely "
                        "offer only %(sure)s; lower 'draw', add questions, or keep the groups "
                        "within one pool",
                        quiz=quiz.id,
                        draw=pool.draw,
                        pool=index + 1,
                        sure=sure,
                    ),
                )
            )
    return problems


def _check_tags(
    quiz: Quiz, selector: TagSelector, where: Path, known: _Known
) -> list[CrossProblem]:
    problems: list[CrossProblem] = []
    for index, tag in enumerate(selector.tags):
        if tag not in known.by_tag:
            problems.append(
                CrossProblem(
                    (*where, "tags", index),
                    Msg(
                        "quiz '%(quiz)s' selects tag '%(tag)s' but no question has it",
                        quiz=quiz.id,
                        tag=tag,
                    ),
                    suggest=(tag, known.tags),
                )
            )
    return problems


def _check_ids(quiz: Quiz, ids: list[str], where: Path, known: _Known) -> list[CrossProblem]:
    problems: list[CrossProblem] = []
    first: dict[str, int] = {}
    for index, question_id in enumerate(ids):
        if question_id not in known.id_set:
            problems.append(
                CrossProblem(
                    (*where, index),
                    Msg(
                        "quiz '%(quiz)s' names question '%(question)s', which is not in this bank",
                        quiz=quiz.id,
                        question=question_id,
                    ),
                    suggest=(question_id, known.ids),
                )
            )
        elif question_id in first:
            problems.append(
                CrossProblem(
                    (*where, index),
                    Msg(
                        "quiz '%(quiz)s' names question '%(question)s' twice%(first)s; remove one",
                        quiz=quiz.id,
                        question=question_id,
                        first="",
                    ),
                    (*where, first[question_id]),
                )
            )
        else:
            first[question_id] = index
    return problems


MAX_HINT_LENGTH = 100
"""Longer words get no "did you mean": no id or tag is that long, and comparing costs."""


def _did_you_mean(word: str, choices: list[str]) -> str:
    if len(word) > MAX_HINT_LENGTH:
        return ""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return Msg("; did you mean '%(key)s'?", key=close[0]) if close else ""


__all__ = ["CrossProblem", "cross_check"]
