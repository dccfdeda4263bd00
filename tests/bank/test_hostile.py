"""Hostile files of about 1 MB: refused with a bounded report (the first 50 problems in file
order, short lines, and the count of all), never a Python error.

No timing here (``bench/hostile_bank_bench.py`` measures time and memory, on files of the full
1 MB); what is asserted is the shape that keeps the work bounded: at most ``MAX_PROBLEMS``
problems are built, each message is short, and the total still counts every problem. To keep
the suite quick, the files here are of ``TEST_SIZE`` bytes, except the 5,000 problems and the
bank on one 1 MB line.
"""

from __future__ import annotations

from functools import cache

import pytest

from quizapp.bank.errors import MAX_PROBLEMS, BankError, Problem
from quizapp.bank.loader import load_bank_bytes
from quizapp.bank.reader import MAX_BANK_BYTES
from quizapp.bank.report import LINE_WIDTH, excerpt, more_line, report_lines
from tests.bank import hostile


def refused(data: bytes) -> BankError:
    with pytest.raises(BankError) as caught:
        load_bank_bytes(data, "hostile.yaml")
    return caught.value


TEST_SIZE = 300_000
FULL_SIZE = {"1 MB on one line"}


@cache
def hostile_file(name: str) -> tuple[bytes, BankError]:
    """Each hostile file, and how the loader refused it: loaded once for all the tests."""
    data = hostile.HOSTILE[name](MAX_BANK_BYTES if name in FULL_SIZE else TEST_SIZE)
    return data, refused(data)


def in_file_order(problems: list[Problem]) -> bool:
    return problems == sorted(problems)


@pytest.mark.parametrize("name", list(hostile.HOSTILE))
def test_every_hostile_file_is_refused_with_a_bounded_report(name: str) -> None:
    data, error = hostile_file(name)
    assert len(data) <= MAX_BANK_BYTES
    assert 1 <= len(error.problems) <= MAX_PROBLEMS
    assert error.total >= len(error.problems)
    assert in_file_order(error.problems)
    for problem in error.problems:
        assert problem.file == "hostile.yaml"
        assert len(problem.message) < 400, problem


def test_five_thousand_problems_keep_the_first_fifty_and_count_all() -> None:
    _, error = hostile_file("5,000 problems")
    assert error.total == 5000
    assert [problem.line for problem in error.problems] == list(range(4, 54))
    assert error.problems[0].message == "question 'q0' is missing required key 'text'"
    assert error.more == 4950


def test_a_problem_in_every_question_of_a_full_file_counts_them_all() -> None:
    data, error = hostile_file("a problem per question")
    questions = data.count(b"  - id: q")
    assert error.total == questions > 3_000
    assert "unknown question type 'numerik' (did you mean 'numeric'?)" in error.problems[0].message


def test_a_one_line_bank_reports_the_first_columns_of_its_line() -> None:
    data, error = hostile_file("1 MB on one line")
    assert data.count(b"\n") == 1
    assert error.total == data.count(b"{id: q")
    assert {problem.line for problem in error.problems} == {1}
    assert error.problems[0].column < error.problems[-1].column < 10_000


def test_thousands_of_aliases_are_counted_not_all_built() -> None:
    data, error = hostile_file("many aliases")
    assert error.total == data.count(b"*t") + 1  # and the anchor
    assert "anchors (&) and aliases (*) are not allowed" in error.problems[0].message


def test_unknown_keys_in_every_question_are_counted_past_the_first_fifty() -> None:
    data, error = hostile_file("unknown keys everywhere")
    assert error.total == data.count(b": 1, tex")
    assert "unknown key 'tex0_0'; did you mean 'text'?" in error.problems[0].message


def test_tens_of_thousands_of_unknown_ids_get_hints_only_where_shown() -> None:
    data, error = hostile_file("many unknown ids")
    assert error.total == data.count(b"      - x")
    assert "names question 'x0', which is not in this bank" in error.problems[0].message


def test_tens_of_thousands_of_repeated_ids_name_their_first_line() -> None:
    data, error = hostile_file("many duplicate ids")
    assert error.total == data.count(b"      - q\n") - data.count(b"    questions:\n")
    assert "names question 'q' twice (first at line 9)" in error.problems[0].message


def test_tabs_on_every_line_are_counted() -> None:
    data, error = hostile_file("tabs on every line")
    assert error.total == data.count(b"\t")


def test_several_files_keep_the_first_fifty_of_all_and_add_up_the_totals(tmp_path) -> None:
    from quizapp.bank.loader import load_bank_files

    forty = "".join(f"  - {{id: q{i}, type: numeric, answer: 1}}\n" for i in range(40))
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"bank: {name}\ntitle: T\nquestions:\n{forty}")
    with pytest.raises(BankError) as caught:
        load_bank_files([tmp_path])
    assert caught.value.total == 80
    files = [problem.file for problem in caught.value.problems]
    assert files == [str(tmp_path / "a.yaml")] * 40 + [str(tmp_path / "b.yaml")] * 10


# -- the report ---------------------------------------------------------------------------------


def test_report_lines_say_how_many_more() -> None:
    _, error = hostile_file("5,000 problems")
    lines = report_lines(error)
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == "and 4,950 more (5,000 in all)"
    assert more_line(3, 3) is None


@pytest.mark.parametrize("column", [1, 50, 5_000, 999_990, 1_000_001])
def test_an_excerpt_of_a_long_line_keeps_the_caret_under_its_column(column: int) -> None:
    line = "".join(chr(ord("a") + i % 26) for i in range(1_000_000))
    part = excerpt(line, column)
    assert len(part.text) <= LINE_WIDTH + 2
    if column <= len(line):
        assert part.text[part.caret] == line[column - 1]


def test_a_short_line_is_shown_whole() -> None:
    part = excerpt("  - id: q", 5)
    assert (part.text, part.caret_line) == ("  - id: q", "    ^")
