"""Loading whole banks: every problem found, each at its file:line:column, in plain words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from quizapp.bank.errors import BankError, Problem
from quizapp.bank.loader import find_bank_files, load_bank_file, load_bank_files
from quizapp.bank.models import Bank

DATA = Path(__file__).parent / "data"

Problems = Callable[[str], list[Problem]]
OneProblem = Callable[[str], Problem]
At = Callable[..., None]


def test_minimal_bank_loads(load: Callable[[str], Bank]) -> None:
    bank = load_bank_file(DATA / "minimal.yaml")
    assert bank.bank == "minimal"
    assert [question.id for question in bank.questions] == ["park-template", "trade-year"]
    quiz = bank.quizzes[0]
    assert quiz.time_limit == 15 * 60
    assert quiz.pass_mark == 70
    assert [question.id for question in bank.questions_for(quiz)] == [
        "park-template",
        "trade-year",
    ]
    assert str(bank.source and bank.source.published) == "2015-05-11"


def test_yaml_1_1_words_and_numbers_stay_exact_text(load: Callable[[str], Bank]) -> None:
    bank = load(
        """
        bank: words
        title: Words
        questions:
          - id: q1
            type: single
            text: Which?
            choices: [no, on, 1.10, 010, {text: 12:30, correct: true}]
          - id: q2
            type: short
            text: When?
            accept: [no, on, 1.10, 010, 12:30, 2014]
        """
    )
    choices = bank.question("q1").choices  # type: ignore[attr-defined]
    assert [choice.text for choice in choices] == ["no", "on", "1.10", "010", "12:30"]
    assert bank.question("q2").accept == ["no", "on", "1.10", "010", "12:30", "2014"]  # type: ignore[attr-defined]


def test_unknown_key_suggests_the_right_one(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        questions:
          - id: q1
            type: single
            text: When?
            choices: [{text: '2014', correct: true}, '2015']
            explaination: Trade peaked then.
        """
    )
    at(found, 8, 5, "question 'q1'", "unknown key 'explaination'", "did you mean 'explanation'?")


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(
    problem: OneProblem, at: At
) -> None:
    found = problem(
        """
        bank: b
        title: T
        source: {title: X, zzz: 1}
        questions:
          - {id: q1, type: single, text: When, choices: [{text: a, correct: true}, b]}
        """
    )
    at(
        found,
        3,
        20,
        "unknown key 'zzz'",
        "allowed here are: author, published, publisher, title, url",
    )


def test_correct_yes_must_be_true_or_false(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        questions:
          - id: q1
            type: single
            text: Which?
            choices:
              - {text: Suzhou, correct: yes}
              - Tianjin
        """
    )
    at(found, 8, 33, "'correct'", "not 'yes'", "write true or false")


def test_boolean_where_text_is_expected_says_to_quote_it(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        questions:
          - id: q1
            type: single
            text: Is trade growing?
            choices: [{text: 'yes', correct: true}, 'no']
            explanation: true
        """
    )
    at(found, 8, 18, "'explanation'", "put it in quotes to keep it as text")


def test_unknown_question_type_lists_the_known_ones(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        questions:
          - id: q1
            type: singel
            text: Which?
        """
    )
    at(
        found,
        5,
        11,
        "unknown question type 'singel'",
        "did you mean 'single'?",
        "known types are",
        "single",
    )


def test_duplicate_question_ids(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        questions:
          - {id: q1, type: single, text: One, choices: [{text: a, correct: true}, b]}
          - {id: q2, type: single, text: Two, choices: [{text: a, correct: true}, b]}
          - {id: q1, type: single, text: Three, choices: [{text: a, correct: true}, b]}
        """
    )
    at(found, 6, 10, "duplicate question id 'q1' (first at line 4)")


def test_duplicate_quiz_ids(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        quizzes:
          - {id: quiz, title: One}
          - {id: quiz, title: Two}
        questions:
          - {id: q1, type: single, text: One, choices: [{text: a, correct: true}, b]}
        """
    )
    at(found, 5, 10, "duplicate quiz id 'quiz' (first at line 4)")


def test_quiz_naming_an_unknown_question(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        quizzes:
          - id: trade
            title: Trade
            questions:
              - trade-2014
              - trade-2041
        questions:
          - {id: trade-2014, type: single, text: One, choices: [{text: a, correct: true}, b]}
        """
    )
    at(found, 8, 9, "quiz 'trade' names question 'trade-2041'", "did you mean 'trade-2014'?")


def test_pool_naming_an_unknown_question(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        quizzes:
          - id: trade
            title: Trade
            pools:
              - {questions: [q1, q9], draw: 1}
        questions:
          - {id: q1, type: single, text: One, choices: [{text: a, correct: true}, b]}
        """
    )
    at(found, 7, 26, "quiz 'trade' names question 'q9'", "not in this bank")


def test_quiz_tag_that_matches_nothing(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        quizzes:
          - id: trade
            title: Trade
            questions: {tags: [trade, trad]}
        questions:
          - {id: q1, type: single, text: One, choices: [{text: a, correct: true}, b], tags: [trade]}
        """
    )
    at(found, 6, 31, "quiz 'trade' selects tag 'trad' but no question has it")


def test_draw_larger_than_the_questions_available(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        quizzes:
          - id: trade
            title: Trade
            draw: 3
        questions:
          - {id: q1, type: single, text: One, choices: [{text: a, correct: true}, b]}
          - {id: q2, type: single, text: Two, choices: [{text: a, correct: true}, b]}
        """
    )
    at(found, 6, 11, "draws 3 questions but only 2 are available")


@pytest.mark.parametrize("marks", [(False, False), (True, True)])
def test_single_choice_needs_exactly_one_correct(
    problem: OneProblem, at: At, marks: tuple[bool, bool]
) -> None:
    first, second = ("true" if mark else "false" for mark in marks)
    found = problem(
        f"""
        bank: b
        title: T
        questions:
          - id: q1
            type: single
            text: Which?
            choices:
              - {{text: Suzhou, correct: {first}}}
              - {{text: Tianjin, correct: {second}}}
        """
    )
    at(found, 4, 5, "question 'q1'", "exactly one choice with 'correct: true'")


def test_short_answer_without_accept(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        questions:
          - id: q1
            type: short
            text: When?
        """
    )
    at(found, 4, 5, "question 'q1' is missing required key 'accept'")


def test_quiz_rule_points_at_the_key(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        quizzes:
          - id: trade
            title: Trade
            show_answers: after_close
        questions:
          - {id: q1, type: single, text: One, choices: [{text: a, correct: true}, b]}
        """
    )
    at(found, 6, 5, "quiz 'trade'", "'show_answers: after_close' needs a 'closes' date")


def test_bad_time_limit_shows_the_accepted_forms(problem: OneProblem, at: At) -> None:
    found = problem(
        """
        bank: b
        title: T
        quizzes:
          - {id: trade, title: Trade, time_limit: a quarter hour}
        questions:
          - {id: q1, type: single, text: One, choices: [{text: a, correct: true}, b]}
        """
    )
    at(found, 4, 43, "'time_limit'", "not understood", "15m", "1h30m", "90s")


def test_every_problem_is_reported_and_nothing_is_returned(problems: Problems) -> None:
    found = problems(
        """
        bank: b
        title: T
        questions:
          - {id: q1, type: single, text: One, choices: [{text: a, correct: true}, b]}
          - {id: q2, type: single, text: Two, choices: [a, b]}
          - {id: q3, type: single, text: Three, choices: [{text: a, correct: true}, b], colour: red}
          - {id: q4, type: single, text: Four, choices: [{text: a, correct: true}, b]}
        """
    )
    assert [(problem.line, problem.column) for problem in found] == [(5, 5), (6, 81)]
    assert "exactly one choice with 'correct: true'" in found[0].message
    assert "unknown key 'colour'" in found[1].message


def test_top_level_must_be_a_mapping(problem: OneProblem, at: At) -> None:
    at(problem("- just\n- a list\n"), 1, 1, "a bank starts with 'bank: <id>'")
    at(problem(""), 1, 1, "the file is empty")


def test_problems_read_as_file_line_column(problem: OneProblem) -> None:
    found = problem("bank: b\ntitle: T\nquestions: []\n")
    assert str(found) == "bank.yaml:3:12: 'questions' needs at least 1 item"


def test_find_bank_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text("x")
    (tmp_path / "sub" / "notes.txt").write_text("x")
    (tmp_path / "bank.schema.json").write_text("{}")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.yaml").write_text("x")
    assert find_bank_files([tmp_path]) == [tmp_path / "a.yaml", tmp_path / "sub" / "b.yml"]
    assert find_bank_files([tmp_path / "a.yaml"]) == [tmp_path / "a.yaml"]
    with pytest.raises(BankError, match="no such file"):
        find_bank_files([tmp_path / "missing"])


def test_load_bank_file_refuses_a_big_file_before_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 2000)
    with pytest.raises(BankError) as caught:
        load_bank_file(path, max_bytes=1000)
    [found] = caught.value.problems
    assert (found.file, found.line, found.column) == (str(path), 1, 1)
    assert "limit of 1,000" in found.message


def test_load_bank_files_reports_all_files_and_clashing_bank_ids(tmp_path: Path) -> None:
    good = b"""\
bank: minimal
title: T
questions:
  - {id: q1, type: single, text: One, choices: [{text: a, correct: true}, b]}
"""
    (tmp_path / "a.yaml").write_bytes(good)
    (tmp_path / "b.yaml").write_bytes(good)
    (tmp_path / "c.yaml").write_bytes(b"bank: c\n")
    with pytest.raises(BankError) as caught:
        load_bank_files([tmp_path])
    messages = [str(problem) for problem in caught.value.problems]
    assert any("b.yaml:1:1: bank id 'minimal' is already used" in m for m in messages)
    assert any("c.yaml" in m and "missing required key 'title'" in m for m in messages)
