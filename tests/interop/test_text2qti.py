"""QTI 1.2 packages made by text2qti (a tool we did not write) from a quiz in its own text
format import with the right types, answers and feedback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

from quizapp.interop import convert

QUIZ = dedent(
    """\
    Quiz title: Imported from text2qti
    Quiz description: Written in text2qti's own format.

    1.  What is 2 + 3?
    ... Add the two numbers.
    a)  6
    ... One too many.
    *b) 5
    ... Yes.
    c)  4

    2.  Which of these numbers are prime?
    [*] 2
    ... The only even prime.
    [ ] 4
    ... 4 = 2 × 2.
    [*] 3

    3.  What is the capital of France?
    *   Paris
    *   paris city

    4.  What is the square root of 2, to four decimals?
    =   1.4142 +- 0.0001

    5.  Give a number between 1.2 and 1.3.
    =   [1.2, 1.3]

    6.  How many sides has a hexagon?
    =   6

    7.  Write about a number.
    ____
    """
)


def _package(tmp_path: Path) -> Path:
    source = tmp_path / "quiz.md"
    source.write_text(QUIZ, encoding="utf-8")
    text2qti = Path(sys.executable).with_name("text2qti")
    subprocess.run([str(text2qti), str(source)], check=True, cwd=tmp_path, capture_output=True)
    return tmp_path / "quiz.zip"


def test_text2qti_packages_import_with_types_answers_and_feedback(tmp_path: Path) -> None:
    conversion = convert(_package(tmp_path).read_bytes(), "quiz.zip", "qti")
    questions = conversion.bank.questions

    assert conversion.bank.title == "Imported from text2qti"
    assert [q.type for q in questions] == [
        "single",
        "multiple",
        "short",
        "numeric",
        "numeric",
        "numeric",
    ]
    single, multiple, short, root, between, sides = questions

    assert single.text == "What is 2 + 3?"
    assert [(c.text, c.correct, c.feedback) for c in single.choices] == [
        ("6", False, "One too many."),
        ("5", True, "Yes."),
        ("4", False, ""),
    ]
    assert single.explanation == "Add the two numbers."

    assert [(c.text, c.correct, c.feedback) for c in multiple.choices] == [
        ("2", True, "The only even prime."),
        ("4", False, "4 = 2 × 2."),
        ("3", True, ""),
    ]
    # Canvas scores "multiple answers" all or nothing, as does our default.
    assert multiple.scoring == "all_or_nothing"

    assert short.accept == ["Paris", "paris city"]
    assert (root.answer, root.tolerance, root.range) == (1.4142, 0.0001, None)
    assert between.range == (1.2, 1.3)
    assert (sides.answer, sides.tolerance, sides.range) == (6, None, None)
    assert sides.grade({"answer": "6"}).fraction == 1
    assert root.grade({"answer": "1.41425"}).fraction == 1
    assert root.grade({"answer": "1.4144"}).fraction == 0

    # The essay question has no counterpart: left out, and said so.
    assert any("essay_question" in line for line in conversion.report.lines())
    assert "essay_question" in conversion.yaml_text
