"""``quiz lint``: each rule with a bank that triggers it and one that does not, loaded through the
real loader and placed in the real file; and the command on the shipped banks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizapp.bank.lint import RULES, PlacedWarning, lint_bank_bytes
from quizapp.bank.loader import load_bank_bytes
from tests.bank.conftest import as_bytes

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"

HEAD = """\
bank: lint
title: Lint
"""


def lint(text: str, rule: str) -> list[PlacedWarning]:
    """The warnings of one rule for a bank written as YAML text."""
    data = as_bytes(text)
    bank = load_bank_bytes(data, "bank.yaml")
    assert rule in {r.id for r in RULES}
    return [w for w in lint_bank_bytes(bank, data, "bank.yaml") if w.warning.rule == rule]


def test_every_rule_has_an_id_a_title_and_a_fix():
    assert len({rule.id for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id)
        assert rule.title and rule.fix


# -- answer exposure -------------------------------------------------------------------------

EXPOSED = """
bank: lint
title: Lint
quizzes:
  - {id: all, title: All}
  - id: apart
    title: Apart
    pools:
      - {questions: [trade-2014, amounts], draw: 1}
questions:
  - id: trade-2014
    type: numeric
    text: How large was bilateral trade in 2014, in billions of US dollars?
    answer: 4
    unit: billion US$
  - id: amounts
    type: ordering
    text: Put these amounts in order, smallest first.
    items:
      - Bilateral trade in 1992 (US$40 million)
      - Bilateral trade in 2014 (US$4 billion)
"""


def test_answer_exposure_names_both_questions_and_the_quiz():
    warnings = lint(EXPOSED, "answer-exposure")
    assert len(warnings) == 1
    (found,) = warnings
    assert (found.file, found.line, found.column) == ("bank.yaml", 10, 5)
    assert "'trade-2014'" in found.warning.message
    assert "'amounts'" in found.warning.message
    assert "quiz 'all'" in found.warning.message
    assert "'apart'" not in found.warning.message  # one pool drawing one: never together


def test_answer_exposure_not_across_quizzes_nor_by_a_bare_mention():
    text = EXPOSED.replace("  - {id: all, title: All}\n", "")
    assert lint(text, "answer-exposure") == []
    other_subject = EXPOSED.replace("Bilateral trade in 2014 (US$4 billion)", "Rainfall (4 mm)")
    assert lint(other_subject, "answer-exposure") == []


def test_answer_exposure_of_a_short_answer_by_another_stem():
    text = (
        HEAD
        + """\
quizzes:
  - {id: all, title: All}
questions:
  - {id: inviter, type: short, text: Who invited the president on the state visit?,
     accept: [Lukashenko]}
  - {id: visit, type: true_false, text: The state visit followed an invitation from Lukashenko.,
     answer: true}
"""
    )
    (found,) = lint(text, "answer-exposure")
    assert "'inviter' (Lukashenko)" in found.warning.message and "'visit'" in found.warning.message


# -- position cue ----------------------------------------------------------------------------


def _choice_bank(shuffle: bool, positions: list[int]) -> str:
    lines = [
        HEAD,
        "quizzes:\n",
        f"  - {{id: all, title: All, shuffle_choices: {str(shuffle).lower()}}}\n",
        "questions:\n",
    ]
    for number, position in enumerate(positions):
        choices = ", ".join(
            f"{{text: c{n}, correct: true}}" if n == position else f"c{n}" for n in range(4)
        )
        lines.append(
            f"  - {{id: q{number}, type: single, text: Q{number}?, choices: [{choices}]}}\n"
        )
    return "".join(lines)


def test_position_cue_when_choices_keep_their_order():
    (found,) = lint(_choice_bank(False, [0, 0, 0, 2]), "position-cue")
    assert (found.line, found.column) == (4, 5)
    assert "choice 1 in 3 of its 4" in found.warning.message


def test_no_position_cue_when_shuffled_or_varied():
    assert lint(_choice_bank(True, [0, 0, 0, 0]), "position-cue") == []
    assert lint(_choice_bank(False, [0, 1, 2, 3]), "position-cue") == []


# -- length cue ------------------------------------------------------------------------------


def _length_bank(long_right: int) -> str:
    lines = [HEAD, "questions:\n"]
    for number in range(4):
        right = "The correct answer, written out at length" if number < long_right else "Right"
        lines.append(
            f"  - {{id: q{number}, type: single, text: Q{number}?, "
            f"choices: [{{text: '{right}', correct: true}}, Wrong one, Wrong two, Wrong three]}}\n"
        )
    return "".join(lines)


def test_length_cue_when_the_correct_choice_is_longest_too_often():
    (found,) = lint(_length_bank(3), "length-cue")
    assert found.line == 4
    assert "3 of the bank's 4 choice questions" in found.warning.message


def test_no_length_cue_by_chance():
    assert lint(_length_bank(1), "length-cue") == []


# -- all/none of the above, negative stems, word cues ----------------------------------------


def test_all_or_none_of_the_above():
    text = (
        HEAD
        + "questions:\n  - {id: q, type: single, text: Q?,\n"
        + "     choices: [a, b, {text: None of the above, correct: true}]}\n"
    )
    (found,) = lint(text, "all-none-of-the-above")
    assert "None of the above" in found.warning.message
    clean = text.replace("None of the above", "c")
    assert lint(clean, "all-none-of-the-above") == []


def test_negative_stem_unless_in_capitals():
    text = (
        HEAD
        + "questions:\n  - {id: q, type: single, text: Which is not a planet?,\n"
        + "     choices: [Moon, {text: Mars, correct: true}]}\n"
    )
    (found,) = lint(text, "negative-stem")
    assert '"not"' in found.warning.message
    assert lint(text.replace(" not ", " NOT "), "negative-stem") == []
    assert lint(text.replace("is not a planet", "has at least one moon"), "negative-stem") == []


def test_word_cue_when_only_the_correct_choice_repeats_the_stem():
    text = (
        HEAD + "questions:\n  - {id: q, type: single, text: Which committee met in 2014?, "
        "choices: [{text: The cooperation committee, correct: true}, The senate, The bank]}\n"
    )
    (found,) = lint(text, "word-cue")
    assert "(committee)" in found.warning.message
    clean = text.replace("The senate", "The trade committee")
    assert lint(clean, "word-cue") == []


# -- misconceptions --------------------------------------------------------------------------

MISCONCEPTIONS = (
    HEAD
    + """\
questions:
  - id: q1
    type: single
    text: Q1?
    choices: [{text: a, correct: true}, {text: b, misconception: trade-vs-investment}]
  - id: q2
    type: single
    text: Q2?
    choices: [{text: a, correct: true}, {text: b, misconception: trade-vs-investmnet}]
"""
)


def test_a_misconception_used_once_is_reported_at_its_question():
    found = lint(MISCONCEPTIONS, "misconception-once")
    assert [(w.line, w.warning.message.split("'")[1]) for w in found] == [
        (4, "trade-vs-investment"),
        (8, "trade-vs-investmnet"),
    ]
    fixed = MISCONCEPTIONS.replace("investmnet", "investment")
    assert lint(fixed, "misconception-once") == []


# -- numeric keys ----------------------------------------------------------------------------

HEDGED = (
    HEAD
    + """\
questions:
  - id: trade
    type: numeric
    text: Trade reached nearly how many billion US dollars?
    range: [3.9, 4]
    explanation: Nearly US$4 billion.
"""
)


def test_a_band_beyond_a_hedged_figure_is_reported():
    (found,) = lint(HEDGED, "numeric-key")
    assert '"nearly how"' not in found.warning.message
    assert "[3.9, 4]" in found.warning.message


def test_the_figure_itself_is_not_reported():
    fixed = HEDGED.replace("range: [3.9, 4]", "answer: 4")
    assert lint(fixed, "numeric-key") == []


def test_a_range_that_holds_no_figure_of_the_explanation():
    text = HEDGED.replace("nearly how many", "how many").replace("Nearly US$4", "US$4.5")
    (found,) = lint(text, "numeric-key")
    assert "(4.5)" in found.warning.message
    assert lint(text.replace("US$4.5", "US$3.95"), "numeric-key") == []


# -- duplicate testing -----------------------------------------------------------------------

DUPLICATES = (
    HEAD
    + """\
quizzes:
  - {id: all, title: All}
questions:
  - {id: one, type: short, text: Which city?, accept: [Beijing], source: {paragraph: 9}}
  - {id: two, type: single, text: Where was it signed?, source: {paragraph: 9},
     choices: [{text: Beijing, correct: true}, Minsk]}
"""
)


def test_two_questions_with_one_key_and_one_source_in_a_quiz():
    (found,) = lint(DUPLICATES, "duplicate-testing")
    assert "'two' and 'one'" in found.warning.message and "paragraph 9" in found.warning.message
    other_paragraph = DUPLICATES.replace("paragraph: 9}}", "paragraph: 8}}")
    assert lint(other_paragraph, "duplicate-testing") == []


# -- the command -----------------------------------------------------------------------------

LINE = re.compile(
    r"^(?P<file>[^:]+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<rule>[a-z-]+): .+ \(fix: .+\)$"
)


def test_lint_command_on_the_shipped_banks(runner):
    """The shipped banks pass their own lint: no warning at all."""
    result = runner.invoke(args=["quiz", "lint", str(QUESTIONS)])
    assert result.exit_code == 0, result.output
    *lines, total = result.output.strip().splitlines()
    assert total == "0 warning(s).", result.output
    assert lines and all(line.startswith("ok ") for line in lines), result.output


def test_lint_lines_name_file_line_column_and_rule(runner, tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(MISCONCEPTIONS)
    result = runner.invoke(args=["quiz", "lint", str(path)])
    *warnings, total = result.output.strip().splitlines()
    assert total == f"{len(warnings)} warning(s)." == "2 warning(s)."
    rules = {rule.id for rule in RULES}
    for line in warnings:
        match = LINE.match(line)
        assert match, line
        assert match["rule"] in rules
        assert int(match["line"]) > 1 and int(match["col"]) >= 1


def test_lint_command_says_ok_for_a_clean_bank_and_fails_on_errors(runner, tmp_path):
    clean = tmp_path / "clean.yaml"
    clean.write_text(HEAD + "questions:\n  - {id: q, type: short, text: Q?, accept: [a]}\n")
    result = runner.invoke(args=["quiz", "lint", str(clean)])
    assert result.exit_code == 0, result.output
    assert f"ok {clean}: no warnings" in result.output
    assert "0 warning(s)." in result.output
    clean.write_text(HEAD + "questions:\n  - {id: q, type: short, text: Q?, accept: []}\n")
    result = runner.invoke(args=["quiz", "lint", str(clean)])
    assert result.exit_code == 1
    assert f"{clean}:4:" in result.output


@pytest.mark.parametrize("rule", [rule.id for rule in RULES])
def test_every_rule_is_documented(rule):
    doc = (QUESTIONS.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    assert f"`{rule}`" in doc


def test_each_documented_example_triggers_its_rule():
    from tests.test_authoring_doc import as_bank

    doc = (QUESTIONS.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = doc.split("## Checking the questions (`quiz lint`)", 1)[1]
    examples = dict(re.findall(r"### `([a-z-]+)`.*?```yaml\n(.*?)```", section, flags=re.S))
    assert set(examples) == {rule.id for rule in RULES}
    for rule, example in examples.items():
        assert lint(as_bank(example), rule), rule


# -- the teacher's bank page -----------------------------------------------------------------


@pytest.fixture
def teacher(app, auth):
    from quizapp.accounts import create_user

    with app.app_context():
        create_user("ms-lint", "teacher password", is_teacher=True)
    auth.login("ms-lint", "teacher password")
    return auth


def bank_page(client, slug: str) -> str:
    page = client.get("/teach/").get_data(as_text=True)
    links = re.findall(r'href="/teach/banks/(\d+)"', page)
    for link in links:
        text = client.get(f"/teach/banks/{link}").get_data(as_text=True)
        if f"<code>{slug}</code>" in text:
            return text
    raise AssertionError(f"no page for bank {slug}")


def test_bank_page_lists_the_warnings_of_its_file(app, runner, client, teacher, tmp_path):
    folder = tmp_path / "questions"
    folder.mkdir()
    app.config["QUESTIONS_DIR"] = str(folder)
    path = folder / "lint.yaml"
    path.write_text(MISCONCEPTIONS.replace("investmnet", "investment") + UNRELATED_TAIL)
    assert runner.invoke(args=["quiz", "import", str(path)]).exit_code == 0
    page = bank_page(client, "lint")
    assert "Check the questions" in page
    assert "questions/lint.yaml:12:5" in page
    assert "misconception-once" in page and "one-use" in page
    assert "1 warning" in page


UNRELATED_TAIL = """\
  - id: q3
    type: single
    text: Q3?
    choices: [{text: a, correct: true}, {text: b, misconception: one-use}]
"""


def test_bank_page_reads_no_file_outside_the_questions_folder(
    app, runner, client, teacher, tmp_path
):
    outside = tmp_path / "outside.yaml"
    outside.write_text(MISCONCEPTIONS)
    assert runner.invoke(args=["quiz", "import", str(outside)]).exit_code == 0
    page = bank_page(client, "lint")
    assert "Check the questions" in page
    assert "no file to check" in page
    assert "misconception-once" not in page


def test_bank_page_says_when_the_file_changed_since_import(app, runner, client, teacher, tmp_path):
    folder = tmp_path / "questions"
    folder.mkdir()
    app.config["QUESTIONS_DIR"] = str(folder)
    path = folder / "lint.yaml"
    path.write_text(MISCONCEPTIONS.replace("investmnet", "investment"))
    assert runner.invoke(args=["quiz", "import", str(path)]).exit_code == 0
    page = bank_page(client, "lint")
    assert "No warnings" in page and "has changed" not in page
    path.write_text(MISCONCEPTIONS)
    page = bank_page(client, "lint")
    assert "has changed since the last import" in page
    assert page.count("misconception-once") == 2


def test_answer_exposure_of_an_order_and_of_a_matching_pair():
    text = (
        HEAD
        + """\
quizzes:
  - {id: all, title: All}
questions:
  - {id: order, type: ordering, text: Put the planets in order from the Sun.,
     items: [Venus, Earth, Mars]}
  - {id: moons, type: matching, text: Match each moon to its planet.,
     pairs: [{prompt: Titan, answer: Saturn}, {prompt: Europa, answer: Jupiter}]}
  - {id: story, type: true_false, answer: true,
     text: "From the Sun come Venus, Earth and Mars; Titan is a moon of Saturn."}
"""
    )
    found = [w.warning.message for w in lint(text, "answer-exposure")]
    assert len(found) == 2
    assert "'order' (the order of its items)" in found[0] and "'story'" in found[0]
    assert "'moons' (Titan → Saturn)" in found[1]
    shuffled = text.replace("Venus, Earth and Mars; Titan", "Mars, Earth and Venus; Titan")
    assert len(lint(shuffled.replace("moon of Saturn", "moon"), "answer-exposure")) == 0


# -- misconceptions across topics, choice forms, tolerance vs named wrong answers -------------

UNRELATED = (
    HEAD
    + """\
questions:
  - id: trade
    type: single
    text: What grew fastest?
    tags: [trade]
    choices: [{text: Trade, correct: true}, {text: Investment, misconception: trade-vs-investment}]
  - id: trade-2
    type: true_false
    text: Investment was larger than trade in 2014.
    tags: [trade, figures]
    answer: false
    misconception: trade-vs-investment
  - id: flights
    type: single
    text: Which link began in 2015?
    tags: [transport]
    choices:
      - {text: Direct flights, correct: true}
      - {text: A loan, misconception: trade-vs-investment}
"""
)


def test_a_misconception_on_an_unrelated_topic_is_reported():
    found = lint(UNRELATED, "misconception-unrelated")
    assert [(w.line, w.warning.message.split("'")[3]) for w in found] == [(15, "flights")]
    assert "(tags: transport) shares no tag with its other uses ('trade', 'trade-2')" in (
        found[0].warning.message
    )
    related = UNRELATED.replace("tags: [transport]", "tags: [transport, trade]")
    assert lint(related, "misconception-unrelated") == []


FORMS = (
    HEAD
    + """\
questions:
  - id: amounts
    type: single
    text: How much did trade come to in 2014?
    choices:
      - {text: US$4 billion, correct: true}
      - US$400 million
      - Trade grew steadily over the whole of the period covered.
"""
)


def test_one_choice_of_another_form_is_reported():
    found = lint(FORMS, "choice-form")
    assert len(found) == 1 and found[0].line == 4
    assert "is a sentence while the other choices are each a figure" in found[0].warning.message
    same = FORMS.replace(
        "Trade grew steadily over the whole of the period covered.", "US$40 million"
    )
    assert lint(same, "choice-form") == []
    names = FORMS.replace("US$4 billion", "Minsk").replace("US$400 million", "Beijing")
    names = names.replace("Trade grew steadily over the whole of the period covered.", "Moscow")
    assert lint(names, "choice-form") == []


def test_a_tolerance_that_reaches_a_named_wrong_answer_is_reported():
    text = (
        HEAD
        + """\
questions:
  - id: trade
    type: numeric
    text: Trade in 2014, in billion US$?
    answer: 4
    tolerance: 1
    wrong_answers: [{answer: 5, misconception: x}, {answer: 50, misconception: x}]
"""
    )
    found = lint(text, "numeric-key")
    assert [w.warning.message for w in found] == [
        "'trade': the key (4 (± 1)) reaches the named wrong answer 5, so that mistake is "
        "marked right"
    ]
    assert lint(text.replace("tolerance: 1", "tolerance: 0.5"), "numeric-key") == []


def test_a_misconception_once_counts_every_type():
    text = (
        HEAD
        + """\
questions:
  - {id: tf, type: true_false, text: The Moon shines., answer: false, misconception: moon-shines}
  - id: cloze
    type: cloze
    text: Moonlight is [[light]] light.
    blanks:
      light: {type: choice, choices: [reflected, its own], answer: reflected,
              misconceptions: {its own: moon-shines}}
"""
    )
    assert lint(text, "misconception-once") == []
    assert (
        len(
            lint(
                text.replace("{its own: moon-shines}", "{its own: moon-glows}"),
                "misconception-once",
            )
        )
        == 2
    )


def test_exclusive_groups_keep_an_exposed_answer_out_of_the_attempt():
    apart = EXPOSED.replace(
        "  - {id: all, title: All}\n",
        "  - {id: all, title: All, exclusive: [[trade-2014, amounts]]}\n",
    )
    assert lint(EXPOSED, "answer-exposure")
    assert lint(apart, "answer-exposure") == []


def test_bank_page_lints_a_file_once_until_it_changes(app, runner, client, teacher, tmp_path):
    from quizapp.bank import lint as lint_module

    folder = tmp_path / "questions"
    folder.mkdir()
    app.config["QUESTIONS_DIR"] = str(folder)
    path = folder / "lint.yaml"
    unique = f"# {tmp_path}\n"  # bytes no other test has linted in this process
    path.write_text(unique + MISCONCEPTIONS.replace("investmnet", "investment"))
    assert runner.invoke(args=["quiz", "import", str(path)]).exit_code == 0
    info = lint_module.cache_info
    hits, misses = info.hits, info.misses
    first = bank_page(client, "lint")
    assert (info.hits, info.misses) == (hits, misses + 1)
    # The same warnings (the lint panel; the rest of the page may say "a minute ago").
    panel = re.compile(
        r"<p>[^<]*<code>quiz lint</code>.*?</p>(?:\s*<ul class=\"lint-warnings\">.*?</ul>)?", re.S
    )
    assert panel.findall(bank_page(client, "lint")) == panel.findall(first) != []
    assert (info.hits, info.misses) == (hits + 1, misses + 1), "the second view reuses the lint"
    path.write_text(unique + MISCONCEPTIONS)  # new bytes: a new key, linted afresh
    assert bank_page(client, "lint").count("misconception-once") == 2
    assert info.misses == misses + 2
