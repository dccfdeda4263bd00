"""The china-belarus-2015 bank: it loads, it is complete, and it agrees with the article.

The article lives outside the clone, in ``../shared/article/`` (CI puts ``shared`` beside the
clone). If it is missing these tests fail, loudly: a bank checked against nothing is not checked.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from quizapp.bank.loader import load_bank_file
from quizapp.bank.sources import check_sources, split_paragraphs

ROOT = Path(__file__).parents[1]
BANK_FILE = ROOT / "questions" / "china-belarus-2015" / "bank.yaml"
ARTICLE = ROOT / ".." / "shared" / "article" / "china-belarus-2015.txt"

TYPES = {"single", "multiple", "true_false", "short", "numeric", "ordering", "matching", "cloze"}
TAGS = {"politics", "economy", "finance", "culture", "education", "geography", "chronology"}
TAGS |= {"people", "reading"}
QUIZZES = {"overview", "politics", "economy", "culture", "geography", "timeline", "exam"}
QUIZZES |= {"reading"}

# The article's key figures, and the question that asks for each.
# hedge: how the article qualifies the figure ("exact": not at all). Every figure is keyed as the
# article states it, exactly, hedged or not: "nearly US$4 billion" is keyed 4, not a band
# below 4 that the article never gives.
KEY_FIGURES: dict[str, tuple[str, float, str]] = {
    "trade_2014_billion_usd": ("trade-2014", 4, "nearly"),
    "trade_at_start_million_usd": ("trade-start", 40, "exact"),
    "trade_growth_times": ("trade-growth-factor", 100, "exact"),
    "investment_2014_million_usd": ("investment-2014", 400, "more than"),
    "loans_billion_usd": ("loans-total", 5.5, "nearly"),
    "loan_projects": ("loan-projects", 23, "exact"),
    "chinese_students_in_belarus": ("chinese-students", 2000, "more than"),
    "confucius_institutes": ("confucius-count", 3, "exact"),
    "subcommittees": ("subcommittee-count", 5, "exact"),
    "years_of_relations": ("relations-years", 23, "exact"),
    "years_since_last_presidential_visit": ("lapse-years", 14, "exact"),
    "victory_anniversary": ("anniversary-number", 70, "exact"),
    "belarusian_states_with_chinese_partners": ("six-states", 6, "exact"),
    "partner_rank_overall": ("partner-rank-number", 5, "exact"),
    "vice_president_visit_year": ("vp-visit-year", 2010, "exact"),
    "years_between_xi_visits": ("five-years-later", 5, "exact"),
    "industrial_park_founded": ("park-founded", 2014, "exact"),
}

# The same figures where they stand in the blanks of a cloze: (question id, blank) -> figure.
CLOZE_FIGURES: dict[tuple[str, str], str] = {
    ("cloze-mechanism", "count"): "subcommittees",
    ("cloze-economy", "trade"): "trade_2014_billion_usd",
    ("cloze-economy", "invest"): "investment_2014_million_usd",
    ("cloze-economy", "projects"): "loan_projects",
    ("cloze-culture", "institutes"): "confucius_institutes",
    ("cloze-culture", "students"): "chinese_students_in_belarus",
    ("cloze-outlook", "year"): "vice_president_visit_year",
    ("cloze-outlook", "gap"): "years_between_xi_visits",
}

# And where they are written out as text, in matching pairs and choices: id -> {prompt: answer}.
WORDED_FIGURES: dict[str, dict[str, str]] = {
    "figures-match": {
        "Bilateral trade in 2014": "nearly US$4 billion",
        "Bilateral trade when diplomatic relations began": "US$40 million",
        "Chinese investment in Belarus in 2014": "more than US$400 million",
        "Loans from Chinese financial institutions": "nearly US$5.5 billion",
        "Projects supported by those loans": "23",
    },
    "people-figures-match": {
        "Confucius Institutes in Belarus": "three",
        "Chinese studying at Belarusian universities": "more than 2,000",
        "Belarusian states with agreements with Chinese provinces": "six",
    },
    "timespans-match": {
        "Years of diplomatic relations between China and Belarus": "23",
        "Years since a Chinese president had last visited Belarus": "14",
    },
}
CORRECT_CHOICES: dict[str, str] = {
    "trade-2014-figure": "Nearly US$4 billion",
    "trade-vs-investment": "More than US$400 million",
    "partner-rank": "Fifth-largest overall, and largest in Asia",
    "visit-dates": "May 10-12",
    "partnership-upgrade-date": "July 2013",
    "committee-first-meeting": "September 2014",
    "plan-signed": "January 2014",
    "plan-period": "2014 to 2018",
    "direct-flights": "May 2015",
}


@pytest.fixture(scope="module")
def article() -> str:
    if not ARTICLE.is_file():
        pytest.fail(
            f"the source article is missing: expected {ARTICLE.resolve()} "
            "(the shared/ directory must sit beside the clone, as in CI)",
            pytrace=False,
        )
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bank():
    return load_bank_file(BANK_FILE)


def by_id(bank, question_id: str):
    return bank.question(question_id)


# -- the bank is complete ----------------------------------------------------------------------


def test_bank_loads_with_at_least_80_questions(bank):
    assert bank.bank == "china-belarus-2015"
    assert len(bank.questions) >= 80


def test_every_question_type_is_used(bank):
    used = Counter(question.type for question in bank.questions)
    assert set(used) >= TYPES, f"types not used: {sorted(TYPES - set(used))}"


def test_every_question_is_fully_described(bank):
    for question in bank.questions:
        where = f"question {question.id}"
        assert question.explanation.strip(), f"{where} has no explanation"
        assert question.tags, f"{where} has no tags"
        assert set(question.tags) <= TAGS, f"{where} has unknown tags {set(question.tags) - TAGS}"
        assert question.objectives, f"{where} has no objectives"
        assert question.difficulty in {"easy", "medium", "hard"}, f"{where} has no difficulty"
        assert question.citations(), f"{where} cites no source"
        assert any(c.quote for c in question.citations()), f"{where} has no locator quote"


def test_objectives_and_misconceptions_are_reused(bank):
    objectives = Counter(o for question in bank.questions for o in question.objectives)
    assert all(count >= 2 for count in objectives.values()), objectives
    misconceptions = Counter(
        option.misconception
        for question in bank.questions
        for option in question.options()
        if option.misconception
    )
    assert misconceptions["trade-vs-investment"] >= 2
    assert misconceptions["neighbour-wrong-side"] >= 2
    assert all(count >= 2 for count in misconceptions.values()), misconceptions


def test_quizzes_cover_overview_themes_timeline_and_exam(bank):
    assert len(bank.quizzes) >= 6
    ids = {quiz.id for quiz in bank.quizzes}
    assert ids >= QUIZZES, f"missing quizzes: {sorted(QUIZZES - ids)}"
    overview = bank.quiz("overview")
    assert overview.pools and len(overview.pools) >= 7
    exam = bank.quiz("exam")
    assert exam.time_limit and exam.attempts == 1
    assert exam.closes and exam.show_answers == "after_close", "no one passes answers on"
    for quiz in bank.quizzes:
        assert bank.questions_for(quiz), f"quiz {quiz.id} selects no questions"
    timeline = bank.questions_for(bank.quiz("timeline"))
    assert {question.type for question in timeline} >= {"ordering", "single", "numeric"}
    # the timeline starts where the relationship does: the establishment of relations
    assert {"relations-years", "trade-start"} <= {question.id for question in timeline}


# -- the bank agrees with the article ----------------------------------------------------------


def test_article_paragraphs_are_as_the_bank_counts_them(article):
    paragraphs = split_paragraphs(article)
    assert paragraphs[4].startswith("By Han Lu")
    assert paragraphs[5].startswith("At the invitation of President Alexander Lukashenko")
    assert paragraphs[14].startswith("Belarus is a traditional friend of China")


def test_source_check_reports_nothing(bank, article):
    problems = check_sources(bank, article)
    assert not problems, "\n".join(str(problem) for problem in problems)


def numeric_bounds(part) -> tuple[float, float]:
    """The accepted interval of a numeric question or blank."""
    if hasattr(part, "bounds"):
        low, high = part.bounds()
        return float(low), float(high)
    if getattr(part, "range", None) is not None:
        low, high = part.range
        return float(low), float(high)
    tolerance = part.tolerance or 0
    assert not isinstance(tolerance, str), "key figures use absolute tolerances"
    return float(part.answer) - float(tolerance), float(part.answer) + float(tolerance)


def assert_figure(where: str, part, figure: float, hedge: str) -> None:
    """The key is the figure the article states, whatever its hedge, and nothing beyond it."""
    assert hedge in ("exact", "nearly", "more than"), hedge
    low, high = numeric_bounds(part)
    assert low == high == figure, f"{where}: expected exactly {figure}, accepts {low}-{high}"


@pytest.mark.parametrize("name", sorted(KEY_FIGURES))
def test_key_figure(bank, name):
    question_id, figure, hedge = KEY_FIGURES[name]
    question = by_id(bank, question_id)
    assert question.type == "numeric"
    assert_figure(question_id, question, figure, hedge)
    if hedge != "exact":
        assert hedge in question.explanation.lower(), (
            f"{question_id} must quote '{hedge}' in its explanation, as the article says it"
        )


@pytest.mark.parametrize(("question_id", "blank"), sorted(CLOZE_FIGURES))
def test_key_figure_in_cloze(bank, question_id, blank):
    _, figure, hedge = KEY_FIGURES[CLOZE_FIGURES[question_id, blank]]
    question = by_id(bank, question_id)
    assert_figure(f"{question_id}[{blank}]", question.blanks[blank], figure, hedge)
    if hedge != "exact":
        before = question.text.split(f"[[{blank}]]")[0][-40:]
        assert hedge in before, f"{question_id}[{blank}] must say '{hedge}' before the blank"


@pytest.mark.parametrize("question_id", sorted(WORDED_FIGURES))
def test_key_figures_in_matching(bank, question_id):
    pairs = {pair.prompt: pair.answer for pair in by_id(bank, question_id).pairs}
    for prompt, answer in WORDED_FIGURES[question_id].items():
        assert pairs.get(prompt) == answer, f"{question_id}: {prompt!r} should match {answer!r}"


@pytest.mark.parametrize("question_id", sorted(CORRECT_CHOICES))
def test_key_figures_in_choices(bank, question_id):
    correct = [choice.text for choice in by_id(bank, question_id).choices if choice.correct]
    assert correct == [CORRECT_CHOICES[question_id]]


def test_timeline_leaves_out_one_of_the_two_may_2015_events(bank):
    # The visit and the first direct flights both fall in May 2015, in no stated order.
    for question in bank.questions:
        if question.type == "ordering":
            items = " | ".join(question.items)
            assert not ("state visit" in items and "flights" in items), question.id


# -- the figure as students write it ------------------------------------------------------------

WRITTEN_FORMS: dict[str, tuple[list[str], list[str]]] = {
    "trade-2014": (
        ["4", "4 billion", "US$4 billion", "4,000 million", "4 billion US dollars", "4bn"],
        ["3.9", "nearly 4", "4.4", "40", "0.4"],
    ),
    "investment-2014": (
        ["400", "400 million", "US$400 million", "0.4 billion", "US$ 400 million"],
        ["440", "more than 440", "401", "4,000"],
    ),
    "loans-total": (["5.5", "5,5", "US$5.5 billion", "5,500 million"], ["5.3", "5", "55"]),
    "chinese-students": (["2000", "2,000", "2 000", "2\u202f000", "2,000 students"], ["2200"]),
    "anniversary-number": (["70", "70th"], ["69th", "7"]),
    "partner-rank-number": (["5", "5th"], ["1st", "4th"]),
}


@pytest.mark.parametrize("question_id", sorted(WRITTEN_FORMS))
def test_key_figures_accept_their_written_forms_and_nothing_beyond(bank, question_id):
    question = by_id(bank, question_id)
    right, wrong = WRITTEN_FORMS[question_id]
    for typed in right:
        assert question.grade({"answer": typed}).fraction == 1.0, (question_id, typed)
    for typed in wrong:
        assert question.grade({"answer": typed}).fraction == 0.0, (question_id, typed)


# -- the bank passes its own item-writing checks --------------------------------------------------


def lint_rule(bank, rule: str) -> list[str]:
    from quizapp.bank.lint import RULES_BY_ID, lint_bank

    return [warning.text() for warning in lint_bank(bank, [RULES_BY_ID[rule]])]


@pytest.mark.parametrize(
    "rule", ["answer-exposure", "duplicate-testing", "numeric-key", "length-cue", "position-cue"]
)
def test_no_answer_is_exposed_and_no_cue_within_any_quiz(bank, rule):
    assert lint_rule(bank, rule) == []


def test_exposing_questions_never_share_an_attempt(bank):
    """Over many seeds, no exam form holds two questions of one exclusive group."""
    import random

    from quizapp.attempts import choose_questions

    exam = bank.quiz("exam")
    groups = bank.exclusive_groups(exam)
    assert groups, "the exam keeps questions that give each other away apart"
    live = list(bank.questions)
    for seed in range(300):
        ids = {q.id for q in choose_questions(exam, live, random.Random(seed))}
        assert len(ids) == 40
        assert all(len(ids & group) <= 1 for group in groups), seed


def test_the_exam_is_a_balanced_form(bank):
    """The exam draws from every part of the article and from every kind of question."""
    exam = bank.quiz("exam")
    assert exam.pools is not None and sum(pool.draw for pool in exam.pools) == 40
    kinds = set()
    for pool in exam.pools:
        types = {question.type for question in bank.select(pool.questions)}
        kinds |= types
        assert types <= {"single", "multiple", "true_false"} or not types & {"single"}, types
    assert kinds >= {"single", "multiple", "true_false", "short", "numeric", "matching"}
    cited = {
        number
        for pool in exam.pools
        for q in bank.select(pool.questions)
        for number in q.cited_paragraphs()
    }
    assert cited >= {5, 6, 7, 9, 10, 11, 13, 15}


def test_correct_choices_sit_at_varied_positions(bank):
    positions = Counter(
        [choice.correct for choice in question.choices].index(True) + 1
        for question in bank.questions
        if question.type == "single"
    )
    assert set(positions) == {1, 2, 3, 4}, positions
    assert max(positions.values()) <= 0.35 * sum(positions.values()), positions
    multiple_firsts = Counter(
        [choice.correct for choice in question.choices].index(True) + 1
        for question in bank.questions
        if question.type == "multiple"
    )
    assert len(multiple_firsts) >= 3, multiple_firsts


def test_theme_quizzes_hold_only_their_theme(bank):
    for quiz_id, theme in [
        ("politics", {"politics"}),
        ("economy", {"economy", "finance"}),
        ("culture", {"culture", "education"}),
        ("geography", {"geography"}),
        ("reading", {"reading"}),
    ]:
        for question in bank.questions_for(bank.quiz(quiz_id)):
            assert set(question.tags) & theme, (quiz_id, question.id)


# -- the translations (Chinese and Russian) ----------------------------------------------------

LANGUAGES = ["en", "zh", "ru"]

SCALES = {
    "billion": 1e9,
    "million": 1e6,
    "thousand": 1e3,
    "亿": 1e8,
    "万": 1e4,
    "млрд": 1e9,
    "миллиард": 1e9,
    "млн": 1e6,
    "миллион": 1e6,
    "тыс": 1e3,
}
"""Words that scale the number before them: 40亿美元 is 4 billion US$, as is 4 млрд."""

MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES.split(), start=1)}
"""An English month name may stand as its number in a translation (5月, not 'May')."""

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str, language: str) -> list[tuple[float, float | None]]:
    """Each number of a text: (its value as written, its value times a scale word after it).

    English writes thousands with commas (2,000) and decimals with a point; Russian writes
    decimals with a comma (5,5) and thousands with a space (2 000); Chinese as English."""
    found = []
    if language == "ru":
        text = re.sub(r"(?<=\d) (?=\d{3}\b)", "", text)
    for match in _NUMBER.finditer(text):
        written = match.group()
        # Russian: a decimal comma; English and Chinese: a thousands comma.
        written = written.replace(",", "." if language == "ru" else "")
        try:
            value = float(written)
        except ValueError:  # "2014-2018.5"-like runs: read each part
            continue
        after = text[match.end() : match.end() + 12].lstrip(" $")
        scale = next((s for word, s in SCALES.items() if after.lower().startswith(word)), None)
        found.append((value, value * scale if scale else None))
    return found


def allowed_numbers(english: str) -> set[float]:
    """The numbers a translation of ``english`` may contain: its own (as written and scaled),
    and the numbers of the months it names."""
    allowed = set()
    for value, scaled in numbers_in(english, "en"):
        allowed.add(value)
        if scaled is not None:
            allowed.add(scaled)
    allowed |= {float(n) for name, n in MONTHS.items() if name in english}
    return allowed


def translated_texts(bank):
    from quizapp.qtypes.languages import localized_texts

    for question in bank.questions:
        for path, text in localized_texts(question):
            yield question, path, text


def test_the_bank_declares_english_chinese_and_russian(bank):
    assert bank.language == "en"
    assert bank.languages == LANGUAGES


def test_every_translated_text_has_every_language(bank):
    for question, path, text in translated_texts(bank):
        assert list(text.translations) == LANGUAGES, (question.id, path)
        for language, written in text.translations.items():
            assert written.strip(), (question.id, path, language)


def test_every_number_in_a_translation_is_a_number_of_the_english(bank):
    """Every figure must match the article in every language: a translation may only repeat
    the English text's numbers (in billions or 亿, млрд...), never bring one of its own."""
    checked = 0
    for question, path, text in translated_texts(bank):
        english = text.translations["en"]
        allowed = allowed_numbers(english)
        for language in ("zh", "ru"):
            for value, scaled in numbers_in(text.translations[language], language):
                checked += 1
                assert value in allowed or (scaled is not None and scaled in allowed), (
                    question.id,
                    path,
                    language,
                    value,
                    text.translations[language],
                )
    assert checked > 50


def test_numbers_in_translations_are_read_as_the_article_writes_them():
    assert numbers_in("近40亿美元", "zh") == [(40.0, 4e9)]
    assert numbers_in("почти 5,5 млрд долларов", "ru") == [(5.5, 5.5e9)]
    assert numbers_in("более 2 000 человек", "ru") == [(2000.0, None)]
    assert 4e9 in allowed_numbers("nearly US$4 billion")
    assert 5.0 in allowed_numbers("on 11 May 2015")
    assert 3.0 not in allowed_numbers("three Confucius Institutes")


def test_short_answers_naming_people_and_places_accept_chinese_and_russian(bank):
    expected = {
        "visit-inviter": ["卢卡申科", "Лукашенко"],
        "partnership-city": ["北京", "Пекин"],
    }
    for question_id, answers in expected.items():
        question = bank.question(question_id)
        for typed in answers:
            assert question.grade({"answer": typed}).fraction == 1.0, (question_id, typed)


@pytest.mark.parametrize(
    ("question_id", "typed"),
    [
        ("trade-2014", "40亿美元"),  # 4 billion, as Chinese writes it
        ("trade-2014", "4 млрд долларов США"),
        ("trade-2014", "４"),  # a full-width digit
        ("investment-2014", "4亿美元"),
        ("investment-2014", "0,4 млрд"),
        ("loans-total", "5。5"),  # a Chinese full stop as the decimal point
        ("loans-total", "55亿美元"),
        ("black-sea", "Черное море"),  # without the diaeresis
        ("plain", "东欧平原"),
        ("golden-bee", "金蜜蜂节"),
    ],
)
def test_key_answers_typed_in_chinese_or_russian_are_right(bank, question_id, typed):
    assert bank.question(question_id).grade({"answer": typed}).fraction == 1.0


def test_every_question_reads_in_chinese_and_russian(bank):
    """Every question's text, explanation, choices, items, pairs and feedback are translated;
    only names kept as the page writes them (and extra accepted spellings) stay plain."""
    from quizapp.qtypes.languages import Localized, languages_of

    kept_as_written = {"Global Opinion", "Panview"}
    for question in bank.questions:
        assert languages_of(question) == LANGUAGES, question.id
        assert isinstance(question.text, Localized), question.id
        assert isinstance(question.explanation, Localized), question.id
        for choice in getattr(question, "choices", None) or []:
            if choice.text not in kept_as_written:
                assert isinstance(choice.text, Localized), (question.id, choice.text)
            assert not choice.feedback or isinstance(choice.feedback, Localized), question.id
        for item in getattr(question, "items", None) or []:
            assert isinstance(item, Localized), (question.id, item)
        for pair in getattr(question, "pairs", None) or []:
            assert isinstance(pair.prompt, Localized), (question.id, pair.prompt)
        for name in ("feedback_true", "feedback_false"):
            value = getattr(question, name, "")
            assert not value or isinstance(value, Localized), (question.id, name)
