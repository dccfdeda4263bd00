"""Hostile bank files, each close to the upload limit (1 MB), for the loader's worst cases.

Shared by the tests (which check that each is refused with a bounded, clear report) and by
``bench/hostile_bank_bench.py`` (which measures the time and memory each costs). Every
generator returns the bytes of one file, at most ``size`` bytes, built to make the loader do
as much work per byte as a bank can: one problem per question, problems on one 1 MB line,
thousands of aliases, unknown keys or unknown question ids.
"""

from __future__ import annotations

from collections.abc import Callable

SIZE = 1_000_000
"""The upload limit (``MAX_BANK_BYTES``); each file stays just under it."""

HEAD = "bank: hostile\ntitle: A hostile bank\n"


def _fill(head: str, item: Callable[[int], str], tail: str = "", size: int = SIZE) -> bytes:
    """``head``, then as many ``item(i)`` as fit under ``size`` bytes, then ``tail``."""
    parts = [head]
    used = len(head.encode()) + len(tail.encode())
    index = 0
    while True:
        piece = item(index)
        if used + len(piece.encode()) > size:
            break
        parts.append(piece)
        used += len(piece.encode())
        index += 1
    parts.append(tail)
    return "".join(parts).encode()


def many_problems(size: int = SIZE) -> bytes:
    """Thousands of questions (about 12,000 in 1 MB), each with a mistake: an unknown type."""
    return _fill(
        HEAD + "questions:\n",
        lambda i: f"  - id: q{i}\n    type: numerik\n    text: Question {i}\n    answer: {i}\n",
        size=size,
    )


def five_thousand_problems(size: int = SIZE) -> bytes:
    """Exactly 5,000 questions, each missing its text: 5,000 problems (about 220 kB, whatever
    ``size``)."""
    lines = [HEAD, "questions:\n"]
    lines += [f"  - {{id: q{i}, type: numeric, answer: {i}}}\n" for i in range(5000)]
    return "".join(lines).encode()


def long_line(size: int = SIZE) -> bytes:
    """The whole bank on one line of about 1 MB, with a mistake in every question on it."""
    return _fill(
        "{bank: hostile, title: A hostile bank, questions: [",
        lambda i: f"{{id: q{i}, type: numeric, text: T, answer: x{i}}}, ",
        "]}\n",
        size,
    )


def many_aliases(size: int = SIZE) -> bytes:
    """An anchor, then an alias to it on every line (an alias bomb, defused)."""
    return _fill(HEAD + "tags: &t [a, b]\nquestions:\n", lambda i: "  - *t\n", size=size)


def many_keys(size: int = SIZE) -> bytes:
    """One question with tens of thousands of unknown keys."""
    return _fill(
        HEAD + "questions:\n  - id: q\n    type: numeric\n    text: T\n    answer: 1\n",
        lambda i: f"    k{i}: 1\n",
        size=size,
    )


def unknown_keys_everywhere(size: int = SIZE) -> bytes:
    """Questions each with 150 unknown keys, each key a different word (no two hints alike)."""

    def question(i: int) -> str:
        keys = ", ".join(f"tex{i}_{k}: 1" for k in range(150))
        return f"  - {{id: q{i}, type: numeric, text: T, answer: 1, {keys}}}\n"

    return _fill(HEAD + "questions:\n", question, size=size)


def _quizzes(item: Callable[[int], str], per_quiz: int) -> Callable[[int], str]:
    """Quizzes of ``per_quiz`` question ids each (within the loader's bound on one item)."""

    def piece(i: int) -> str:
        if i % per_quiz:
            return item(i)
        return f"  - id: z{i // per_quiz}\n    title: Z\n    questions:\n" + item(i)

    return piece


def many_unknown_ids(size: int = SIZE) -> bytes:
    """5,000 questions, and quizzes naming tens of thousands of ids that are not among them."""
    questions = "".join(
        f"  - {{id: q{i}, type: numeric, text: T, answer: 1}}\n" for i in range(5000)
    )
    return _fill(
        HEAD + "questions:\n" + questions + "quizzes:\n",
        _quizzes(lambda i: f"      - x{i}\n", 9000),
        size=size,
    )


def many_duplicate_ids(size: int = SIZE) -> bytes:
    """Quizzes naming the same question tens of thousands of times."""
    return _fill(
        HEAD + "questions:\n  - {id: q, type: numeric, text: T, answer: 1}\nquizzes:\n",
        _quizzes(lambda i: "      - q\n", 9000),
        size=size,
    )


def many_choices(size: int = SIZE) -> bytes:
    """One single-choice question with tens of thousands of choices, two with the same text."""
    return _fill(
        HEAD + "questions:\n  - id: q\n    type: single\n    text: T\n    choices:\n"
        "      - {text: right, correct: true}\n      - right\n",
        lambda i: f"      - c{i}\n",
        size=size,
    )


def tabs(size: int = SIZE) -> bytes:
    """A tab in the indentation of every line."""
    return _fill(HEAD + "questions:\n", lambda i: "\t- x\n", size=size)


def huge_number(size: int = SIZE) -> bytes:
    """A numeric answer of almost 1 MB of digits."""
    digits = size - 200
    return (
        HEAD + "questions:\n  - {id: q, type: numeric, text: T, answer: " + "9" * digits + "}\n"
    ).encode()


HOSTILE: dict[str, Callable[[int], bytes]] = {
    "5,000 problems": five_thousand_problems,
    "a problem per question": many_problems,
    "1 MB on one line": long_line,
    "many aliases": many_aliases,
    "many keys": many_keys,
    "unknown keys everywhere": unknown_keys_everywhere,
    "many unknown ids": many_unknown_ids,
    "many duplicate ids": many_duplicate_ids,
    "many choices": many_choices,
    "tabs on every line": tabs,
    "a 1 MB number": huge_number,
}
"""Every hostile file, by a name for reports."""
