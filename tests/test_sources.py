"""The source check: paragraphs, quotes and figures of correct answers against a text.

The bank here is a small stand-in shaped like ``quizapp.bank.models.Bank`` (the check only reads
attributes), so these tests pin the check itself, whatever the question models look like.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace as NS

import pytest

from quizapp.bank.sources import (
    MAX_QUOTE_WORDS,
    SourceProblem,
    check_sources,
    find_figures,
    normalise,
    split_paragraphs,
)

TEXT = (
    "Headline of the page\n"
    "\n"
    "By Someone, 05-11-2015\n"
    "\n"
    "\n"
    "Trade reached nearly US$4billion, 100 times the US$40 million of the start.\n"
    "China is the fifth-largest partner.\n"
    "   \n"
    "More than 2,000 Chinese study there; three institutes and five subcommittees exist.\n"
    "It has been twenty-three years. The President\u2019s visit \u2013 the first in 14 years.\n"
)


def cite(paragraph: int, quote: str | None = None) -> NS:
    return NS(paragraph=paragraph, quote=quote)


def question(qid: str, kind: str, source: NS | None, **fields: object) -> NS:
    return NS(id=qid, type=kind, text=fields.pop("text", "A question?"), source=source, **fields)


def choice(text: str, correct: bool = False) -> NS:
    return NS(text=text, correct=correct)


def check(*questions: NS) -> list[str]:
    return [str(problem) for problem in check_sources(NS(questions=list(questions)), TEXT)]


# -- paragraphs, normalising, figures ----------------------------------------------------------


def test_paragraphs_are_blocks_between_blank_lines():
    paragraphs = split_paragraphs(TEXT)
    assert len(paragraphs) == 4
    assert paragraphs[0] == "Headline of the page"
    assert paragraphs[2].startswith("Trade reached") and paragraphs[2].endswith("partner.")
    assert paragraphs[3].startswith("More than 2,000")


def test_paragraphs_handle_crlf_and_leading_blank_lines():
    assert split_paragraphs("\r\n\r\nOne\r\ntwo\r\n\r\n\r\nThree\r\n") == ["One\ntwo", "Three"]
    assert split_paragraphs("") == []


def test_normalise_folds_case_space_quotes_and_dashes():
    assert normalise("The  President\u2019s\nvisit \u2013 \u201cfirst\u201d") == (
        'the president\'s visit - "first"'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nearly US$4billion", [(Decimal(4), False)]),
        ("US$5.5 billion", [(Decimal("5.5"), False)]),
        ("More than 2,000 Chinese", [(Decimal(2000), False)]),
        ("the 70th anniversary", [(Decimal(70), True)]),
        ("the fifth-largest partner", [(Decimal(5), True)]),
        ("twenty-three years", [(Decimal(23), False)]),
        ("the twenty third time", [(Decimal(23), True)]),
        ("five subcommittees and six states", [(Decimal(5), False), (Decimal(6), False)]),
        ("05-11-2015", [(Decimal(5), False), (Decimal(11), False), (Decimal(2015), False)]),
        ("May 10\u201312", [(Decimal(10), False), (Decimal(12), False)]),
        ("no one knows; firstly, a hundred", []),
        ("the first meeting", [(Decimal(1), True)]),
    ],
)
def test_find_figures(text: str, expected: list[tuple[Decimal, bool]]):
    assert [(figure.value, figure.ordinal) for figure in find_figures(text)] == expected


def test_problem_prints_question_id_and_message():
    assert str(SourceProblem("trade-2014", "something")) == "trade-2014: something"


# -- citations ---------------------------------------------------------------------------------


def test_a_good_citation_reports_nothing():
    good = question(
        "trade",
        "single",
        cite(3, "reached nearly US$4billion"),
        choices=[choice("Nearly US$4 billion", True), choice("US$400 billion")],
    )
    assert check(good) == []


def test_missing_source_and_missing_paragraph_are_reported():
    problems = check(
        question("a", "short", None, accept=["x"]),
        question("b", "short", cite(9), accept=["x"]),
    )
    assert len(problems) == 2
    assert problems[0].startswith("a: cites no source")
    assert problems[1].startswith("b: cites paragraph 9, but the source text has 4 paragraphs")


def test_quote_must_be_in_the_cited_paragraph():
    (problem,) = check(question("q", "short", cite(4, "reached nearly US$4billion"), accept=["x"]))
    assert 'quote "reached nearly US$4billion" is not in paragraph 4' in problem
    assert "(it is in paragraph 3)" in problem


def test_quote_compares_case_space_quotes_and_dashes_loosely():
    fine = question("q", "short", cite(4, "the PRESIDENT'S  visit - the first"), accept=["x"])
    assert check(fine) == []
    quoted = question("q", "short", cite(4, 'visit - the "first"'), accept=["x"])
    assert len(check(quoted)) == 1  # the paragraph has no quotation marks there


def test_quote_longer_than_eight_words_is_reported():
    quote = "More than 2,000 Chinese study there; three institutes and five"
    assert len(quote.split()) > MAX_QUOTE_WORDS
    (problem,) = check(question("q", "short", cite(4, quote), accept=["x"]))
    assert problem == f"q: quote has 10 words; a locator quote may have at most {MAX_QUOTE_WORDS}"


def test_empty_quote_is_reported():
    (problem,) = check(question("q", "short", cite(4, "  "), accept=["x"]))
    assert "quote is empty" in problem


# -- figures in correct answers ----------------------------------------------------------------


def test_a_mistyped_figure_in_a_correct_choice_is_reported_once():
    wrong = question(
        "q",
        "multiple",
        cite(3),
        choices=[choice("Nearly US$4.5 billion", True), choice("US$4.5 million", True)],
    )
    (problem,) = check(wrong)
    assert 'figure "4.5" in the correct answer ("Nearly US$4.5 billion")' in problem
    assert problem.endswith("is not in paragraph 3")


def test_figures_of_wrong_choices_are_not_checked():
    fine = question(
        "q", "single", cite(3), choices=[choice("100 times", True), choice("1,000 times")]
    )
    assert check(fine) == []


def test_figures_compare_as_numbers_and_words():
    fine = question(
        "q",
        "short",
        cite(4),
        accept=["2000", "more than 2,000", "3", "five", "23", "fourteen", "first"],
    )
    assert check(fine) == []


def test_an_ordinal_needs_an_ordinal_but_a_cardinal_takes_either():
    # "US$4billion" in paragraph 3 does not back "fourth-largest"; "fifth-largest" backs 5.
    rank = question("q", "single", cite(3), choices=[choice("Fourth-largest", True), choice("x")])
    (problem,) = check(rank)
    assert 'figure "fourth"' in problem
    count = question("r", "numeric", cite(3), answer=5, tolerance=0)
    assert check(count) == []


def test_numeric_answer_and_range():
    assert check(question("a", "numeric", cite(3), answer=40, tolerance=0)) == []
    assert check(question("b", "numeric", cite(3), answer=None, range=[3.9, 4])) == []
    wrong_answer = check(question("c", "numeric", cite(3), answer=400, tolerance=0))
    assert wrong_answer == ["c: the answer 400 is not a figure of paragraph 3"]
    wrong_range = check(question("d", "numeric", cite(4), answer=None, range=[3.9, 4.1]))
    assert wrong_range == ["d: neither end of the range [3.9, 4.1] is a figure of paragraph 4"]
    elsewhere = check(question("e", "numeric", cite(4), answer=None, range=[39, 40]))
    assert elsewhere == [
        "e: neither end of the range [39, 40] is a figure of paragraph 4 (it is in paragraph 3)"
    ]


def test_true_false_checks_only_true_statements():
    true = question("t", "true_false", cite(4), text="There are 3 institutes.", answer=True)
    false = question("f", "true_false", cite(4), text="There are 4 institutes.", answer=False)
    wrong = question("w", "true_false", cite(4), text="There are 4 institutes.", answer=True)
    assert check(true, false) == []
    assert len(check(wrong)) == 1


def test_ordering_matching_and_cloze_check_every_correct_part():
    ordering = question("o", "ordering", cite(3), items=["US$40 million", "US$4 billion"])
    matching = question(
        "m",
        "matching",
        cite(4),
        pairs=[NS(prompt="Institutes", answer="three"), NS(prompt="Years", answer="23")],
        distractors=["99"],
    )
    cloze = question(
        "c",
        "cloze",
        cite(4),
        text="More than [[n]] Chinese study; there are [[k]] institutes and [[s]] subcommittees.",
        blanks={
            "n": NS(type="numeric", answer=None, range=[2000, 2200]),
            "k": NS(type="short", accept=["three", "3"]),
            "s": NS(type="choice", choices=["four", "five"], answer="five"),
        },
    )
    assert check(ordering, matching, cloze) == []

    bad_ordering = question("o", "ordering", cite(3), items=["US$50 million", "US$4 billion"])
    bad_matching = question("m", "matching", cite(4), pairs=[NS(prompt="In 1999", answer="3")])
    bad_cloze = question(
        "c",
        "cloze",
        cite(4),
        text="Some [[blank1]] text with 7 things.",
        blanks={"blank1": NS(type="numeric", answer=2001, tolerance=0, range=None)},
    )
    problems = check(bad_ordering, bad_matching, bad_cloze)
    assert [problem.split(":")[0] for problem in problems] == ["o", "m", "c", "c"]
    assert 'figure "50"' in problems[0]
    assert 'figure "1999"' in problems[1]
    assert 'figure "7"' in problems[2]  # the placeholder's own digits are not figures
    assert "the answer 2001 is not a figure" in problems[3]


def test_an_unknown_type_is_checked_through_correct_answer():
    other = NS(
        id="x",
        type="hotspot",
        source=cite(3),
        correct_answer=lambda: "the region marked 41",
    )
    (problem,) = check(other)
    assert 'figure "41"' in problem


def test_a_citation_of_several_paragraphs_backs_figures_from_each():
    from quizapp.qtypes.base import Citation

    both = Citation.model_validate({"paragraphs": [3, 4], "quote": "More than 2,000 Chinese"})
    answer = [choice("US$4 billion of trade and 2,000 students", True), choice("Neither")]
    assert check(question("both", "single", both, choices=answer)) == []
    one = Citation.model_validate({"paragraph": 3})
    assert check(question("one", "single", one, choices=answer)) == [
        'one: figure "2,000" in the correct answer ("US$4 billion of trade and 2,000 students") '
        "is not in paragraph 3 (it is in paragraph 4)"
    ]


def test_each_citation_of_a_list_is_checked():
    from quizapp.qtypes.base import Citation

    sources = [
        Citation.model_validate({"paragraph": 3, "quote": "reached nearly"}),
        Citation.model_validate({"paragraph": 4, "quote": "reached nearly"}),
        Citation.model_validate({"paragraphs": [4, 9]}),
    ]
    answer = [choice("US$4 billion", True), choice("US$40 billion")]
    assert check(question("list", "single", sources, choices=answer)) == [
        'list: quote "reached nearly" is not in paragraph 4 (it is in paragraph 3)',
        "list: cites paragraph 9, but the source text has 4 paragraphs (blocks between blank "
        "lines, counted from 1)",
    ]


@pytest.mark.parametrize(
    "data", [{}, {"paragraph": 3, "paragraphs": [3]}, {"paragraphs": []}, {"paragraphs": [0]}]
)
def test_a_citation_needs_one_way_of_naming_paragraphs(data: dict[str, object]):
    from pydantic import ValidationError

    from quizapp.qtypes.base import Citation

    with pytest.raises(ValidationError):
        Citation.model_validate(data)
