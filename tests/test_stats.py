"""Quiz statistics against hand-computed values on a small fixed data set, and the edge cases
(one attempt, zero variance, a question edited between attempts).

The attempts are made by the attempts service (start, submit: real grading), never inserted by
hand. Expected values are worked out below from the marks table, not from the code under test.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quizapp import attempts as attempt_service
from quizapp import practice, stats
from quizapp.accounts import create_user, find_user
from quizapp.extensions import db
from quizapp.models import Quiz
from quizapp.questions import question_from_version
from tests.conftest import AuthActions

BANK = """\
bank: stats-test
title: A bank for statistics
quizzes:
  - id: fixed
    title: The fixed quiz
    grading: latest
    pass_mark: 50%
questions:
  - id: q1
    type: single
    text: Which planet is the largest?
    choices:
      - {text: Jupiter, correct: true}
      - {text: Saturn, misconception: bigger-is-heavier}
      - Mars
    objectives: [recall]
  - id: q2
    type: single
    text: Which is heavier, a kilo of lead or a kilo of feathers?
    choices:
      - {text: Neither, correct: true}
      - {text: Lead, misconception: bigger-is-heavier}
    objectives: [dates]
  - id: q3
    type: single
    text: When did the first Moon landing happen?
    points: 2
    choices:
      - {text: "1969", correct: true}
      - {text: "1959", misconception: confuses-dates}
      - "1979"
    objectives: [recall]
"""

RIGHT = {"q1": "Jupiter", "q2": "Neither", "q3": "1969"}

# The fixed data set: six attempts by five students. Marks (q1 and q2 out of 1, q3 out of 2):
#
#   attempt   q1 pick   q2 pick   q3 pick   q1 q2 q3  total  score
#   ann       Jupiter   Neither   1969       1  1  2    4    100%
#   ben       Jupiter   Lead      1969       1  0  2    3     75%
#   cat       Jupiter   Neither   1959       1  1  0    2     50%
#   dan       Saturn    Lead      1979       0  0  0    0      0%
#   eve (1st) Saturn    Neither   1959       0  1  0    1     25%
#   eve (2nd) Jupiter   Lead      1969       1  0  2    3     75%
FIXED: list[tuple[str, dict[str, str]]] = [
    ("ann", {"q1": "Jupiter", "q2": "Neither", "q3": "1969"}),
    ("ben", {"q1": "Jupiter", "q2": "Lead", "q3": "1969"}),
    ("cat", {"q1": "Jupiter", "q2": "Neither", "q3": "1959"}),
    ("dan", {"q1": "Saturn", "q2": "Lead", "q3": "1979"}),
    ("eve", {"q1": "Saturn", "q2": "Neither", "q3": "1959"}),
    ("eve", {"q1": "Jupiter", "q2": "Lead", "q3": "1969"}),
]


def import_bank(
    runner: FlaskCliRunner, tmp_path: Path, text: str = BANK, name: str = "bank.yaml"
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["quiz", "import", str(path)])
    assert result.exit_code == 0, result.output


def take(
    app: Flask,
    username: str,
    picks: Mapping[str, str],
    quiz_key: str = "fixed",
    submit: bool = True,
) -> int:
    """One attempt through the attempts service: pick the choice with each text (by question
    id), submit, and return the attempt's id. Creates the student on first use."""
    with app.app_context():
        user = find_user(username) or create_user(username, "a long password")
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == quiz_key))
        assert quiz is not None
        attempt = attempt_service.start_attempt(user, quiz)
        responses = {}
        for slot in attempt.slots:
            question = question_from_version(slot.question_version)
            if question.id in picks:
                if question.type == "short":
                    responses[slot.position] = {"answer": picks[question.id]}
                else:
                    responses[slot.position] = {"choice": question.option_key(picks[question.id])}
        if submit:
            attempt_service.submit_attempt(attempt, responses, attempt.sequence)
        else:
            attempt_service.save_answers(attempt, responses, attempt.sequence)
        attempt_id = attempt.id
        db.session.remove()
        return attempt_id


def quiz_id(app: Flask, key: str = "fixed") -> int:
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == key))
        assert quiz is not None
        return quiz.id


def build_fixed(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> Flask:
    """The fixed data set above, plus attempts that must not count."""
    import_bank(runner, tmp_path)
    for username, picks in FIXED:
        take(app, username, picks)
    # Neither an unfinished attempt nor a practice attempt (all right) may count.
    take(app, "fay", RIGHT, submit=False)
    with app.app_context():
        dan = find_user("dan")
        assert dan is not None
        attempt = practice.start_practice(dan)
        assert attempt is not None and attempt.is_practice
        responses = {}
        for slot in attempt.slots:
            question = question_from_version(slot.question_version)
            responses[slot.position] = {"choice": question.option_key(RIGHT[question.id])}
        attempt_service.submit_attempt(attempt, responses, attempt.sequence)
        db.session.remove()
    return app


@pytest.fixture
def fixed_app(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> Flask:
    return build_fixed(app, runner, tmp_path)


def login_teacher(app: Flask, auth: AuthActions) -> AuthActions:
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
        db.session.remove()
    auth.login("ms-lee", "teacher password")
    return auth


def report(app: Flask) -> stats.QuizReport:
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.key == "fixed"))
        assert quiz is not None
        return stats.quiz_report(quiz)


def by_key(items: list[stats.ItemStats]) -> dict[str, stats.ItemStats]:
    return {item.question_key: item for item in items}


# -- the fixed data set -----------------------------------------------------------------------


def test_summary_of_the_fixed_data_set(fixed_app: Flask) -> None:
    s = report(fixed_app).summary
    assert s.attempts == 6, "fay's unfinished attempt and dan's practice do not count"
    assert s.students == 5
    # mean = (100 + 75 + 50 + 0 + 25 + 75) / 6 = 325 / 6 = 54.1667
    assert s.mean == pytest.approx(325 / 6)
    # sorted: 0, 25, 50, 75, 75, 100 -> the two middle ones: (50 + 75) / 2
    assert s.median == pytest.approx(62.5)
    # Σx² = 10000 + 5625 + 2500 + 0 + 625 + 5625 = 24375; sample variance
    # = (24375 − 325²/6) / 5 = (24375 − 17604.17) / 5 = 1354.17; SD = 36.799
    assert s.sd == pytest.approx(36.799, abs=1e-3)
    assert (s.lowest, s.highest) == (0, 100)
    # bands: 0% -> 0–9, 25% -> 20–29, 50% -> 50–59, 75% twice -> 70–79, 100% -> 90–100
    assert [band.attempts for band in s.bands] == [1, 0, 1, 0, 0, 1, 0, 2, 0, 1]
    assert s.bands[-1].label == "90–100%"
    # total marks 4, 3, 2, 0, 1, 3: Σ = 13, Σ² = 39; variance = (39 − 169/6) / 5 = 65/30
    assert s.marks_variance == pytest.approx(65 / 30)


def test_grades_per_student_by_each_method(fixed_app: Flask) -> None:
    r = report(fixed_app)
    grades = {g.username: g for g in r.students}
    assert list(grades) == ["ann", "ben", "cat", "dan", "eve"]
    # the quiz grades the latest attempt: eve's 25% then 75% -> 75%
    assert [grades[name].grade for name in grades] == pytest.approx([100, 75, 50, 0, 75])
    assert grades["eve"].attempts == 2 and grades["eve"].best == pytest.approx(75)
    # pass mark 50%: cat's 50% passes, dan's 0% does not -> 4 of 5
    assert [grades[name].passed for name in grades] == [True, True, True, False, True]
    assert r.pass_rate == pytest.approx(0.8)
    with fixed_app.app_context():
        for method, expected in (("highest", 75), ("first", 25), ("latest", 75), ("average", 50)):
            rows = db.session.execute(stats.grades_statement(quiz_id(fixed_app), method)).all()
            eve = next(row for row in rows if row[1] == "eve")
            assert eve[3] == pytest.approx(expected), method


def test_item_analysis_facility_and_discrimination(fixed_app: Flask) -> None:
    items = by_key(report(fixed_app).items)
    assert [items[key].answers for key in ("q1", "q2", "q3")] == [6, 6, 6]
    # facility = mean fraction: q1 4/6, q2 3/6, q3 3/6
    assert items["q1"].facility == pytest.approx(4 / 6)
    assert items["q2"].facility == pytest.approx(0.5)
    assert items["q3"].facility == pytest.approx(0.5)
    # q1: x = 1,1,1,0,0,1; rest of test y = 3,2,1,0,1,2
    # n=6 Σx=4 Σy=9 Σxy=8 Σx²=4 Σy²=19
    # r = (6·8 − 4·9) / √((6·4 − 4²)(6·19 − 9²)) = 12 / √(8·33) = 12 / √264 = 0.73855
    assert items["q1"].discrimination == pytest.approx(100 * 12 / math.sqrt(264))
    # q2: x = 1,0,1,0,1,0; y = 3,3,1,0,0,3; Σx=3 Σy=10 Σxy=4 Σx²=3 Σy²=28
    # r = (24 − 30) / √((18 − 9)(168 − 100)) = −6 / √612 = −0.24254
    assert items["q2"].discrimination == pytest.approx(-100 * 6 / math.sqrt(612))
    # q3 (marks out of 2): x = 2,2,0,0,0,2; y = 2,1,2,0,1,1; Σx=6 Σy=7 Σxy=8 Σx²=12 Σy²=11
    # r = (48 − 42) / √((72 − 36)(66 − 49)) = 6 / √612 = 0.24254
    assert items["q3"].discrimination == pytest.approx(100 * 6 / math.sqrt(612))
    # sample SD of q1's fraction: (4 − 16/6) / 5 = 0.26667 -> 0.5164
    assert items["q1"].sd == pytest.approx(math.sqrt(4 / 15))
    assert items["q1"].flags == ()
    assert items["q2"].flags == ("negative discrimination",)
    assert items["q3"].flags == (), "24 is not under the weak threshold of 20"
    assert items["q1"].band == "fairly easy"


def test_internal_consistency_error_ratio_and_standard_error(fixed_app: Flask) -> None:
    r = report(fixed_app)
    # item mark variances (sample): q1 (4 − 16/6)/5 = 8/30, q2 (3 − 9/6)/5 = 9/30,
    # q3 (12 − 36/6)/5 = 36/30; Σ = 53/30. Total marks variance 65/30.
    # α = 100 × 3/2 × (1 − 53/65) = 150 × 12/65 = 27.692
    assert r.consistency.alpha == pytest.approx(1800 / 65)
    # error ratio = 100 × √(1 − 0.27692) = 85.034
    expected_ratio = 100 * math.sqrt(1 - 18 / 65)
    assert r.consistency.error_ratio == pytest.approx(expected_ratio)
    # standard error = 0.85034 × SD of the scores (36.799) = 31.29 percentage points
    sd = math.sqrt((24375 - 325**2 / 6) / 5)
    assert r.consistency.standard_error == pytest.approx(expected_ratio / 100 * sd)
    assert r.consistency.standard_error == pytest.approx(31.29, abs=0.01)


def test_picks_per_choice(fixed_app: Flask) -> None:
    items = by_key(report(fixed_app).items)
    q1 = {option.text: option for option in items["q1"].options}
    # q1: Jupiter by ann, ben, cat, eve (2nd); Saturn by dan, eve (1st); Mars by no one
    assert {text: option.picks for text, option in q1.items()} == {
        "Jupiter": 4,
        "Saturn": 2,
        "Mars": 0,
    }
    assert q1["Jupiter"].correct and not q1["Saturn"].correct
    assert q1["Saturn"].misconception == "bigger-is-heavier"
    assert q1["Saturn"].share == pytest.approx(2 / 6)
    q3 = {option.text: option.picks for option in items["q3"].options}
    assert q3 == {"1969": 3, "1959": 2, "1979": 1}


def test_misconceptions_name_the_students_who_hold_them(fixed_app: Flask) -> None:
    found = {m.name: m for m in report(fixed_app).misconceptions}
    # bigger-is-heavier: Saturn on q1 (dan, eve) and Lead on q2 (ben, dan, eve): 5 picks by
    # dan 2, eve 2, ben 1
    bigger = found["bigger-is-heavier"]
    assert bigger.picks == 5
    assert [(h.username, h.picks) for h in bigger.holders] == [("dan", 2), ("eve", 2), ("ben", 1)]
    assert bigger.questions == ("q1", "q2")
    # confuses-dates: 1959 on q3, by cat and eve (dan picked the untagged 1979)
    dates = found["confuses-dates"]
    assert [(h.username, h.picks) for h in dates.holders] == [("cat", 1), ("eve", 1)]
    assert dates.students == 2


def test_bank_misconceptions_match_the_quiz(fixed_app: Flask) -> None:
    with fixed_app.app_context():
        quiz = db.session.get(Quiz, quiz_id(fixed_app))
        assert quiz is not None
        found = {m.name: m.students for m in stats.bank_misconceptions(quiz.bank_id)}
        assert stats.bank_students(quiz.bank_id) == 5
    assert found == {"bigger-is-heavier": 3, "confuses-dates": 2}


def test_objectives_mastery_and_consistency(fixed_app: Flask) -> None:
    objectives = {o.objective: o for o in report(fixed_app).objectives}
    recall, dates = objectives["recall"], objectives["dates"]
    # recall = q1 + q3: per attempt 3, 3, 1, 0, 0, 3 -> 10 of 6 × 3 = 18 marks
    assert recall.mastery == pytest.approx(100 * 10 / 18)
    assert (recall.questions, recall.students, recall.attempts) == (2, 5, 6)
    # totals Σ = 10, Σ² = 28: variance (28 − 100/6)/5 = 34/15; items 8/30 + 36/30 = 22/15
    # α = 100 × 2/1 × (1 − 22/34) = 200 × 12/34 = 70.588
    assert recall.alpha == pytest.approx(200 * 12 / 34)
    # dates = q2 alone: 3 of 6 marks; one question has no internal consistency to measure
    assert dates.mastery == pytest.approx(50)
    assert dates.alpha is None


def test_weekly_class_mean(fixed_app: Flask) -> None:
    weeks = report(fixed_app).weeks
    assert len(weeks) == 1
    assert weeks[0].attempts == 6
    assert weeks[0].mean == pytest.approx(325 / 6)
    assert weeks[0].start.weekday() == 0


def test_student_timeline_lists_attempts_and_answers(fixed_app: Flask) -> None:
    with fixed_app.app_context():
        eve = find_user("eve")
        assert eve is not None
        timeline = stats.student_timeline(quiz_id(fixed_app), eve.id)
        assert len(timeline) == 2
        first = {answer.question_key: answer for answer in timeline[0].answers}
        assert first["q1"].answer == "Saturn" and first["q1"].mark == 0
        assert first["q3"].answer == "1959" and first["q3"].max_mark == 2
        assert timeline[1].attempt.score_percent == pytest.approx(75)


# -- edge cases -------------------------------------------------------------------------------


def test_one_attempt_gives_figures_without_spread(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    import_bank(runner, tmp_path)
    take(app, "solo", {"q1": "Jupiter", "q2": "Lead", "q3": "1969"})
    r = report(app)
    # one attempt: 3 of 4 marks = 75%; no spread, so no SD, alpha or discrimination
    assert (r.summary.attempts, r.summary.mean, r.summary.median) == (1, 75, 75)
    assert r.summary.sd is None
    assert r.consistency.alpha is None
    assert r.consistency.error_ratio is None and r.consistency.standard_error is None
    assert all(item.discrimination is None for item in r.items)
    assert all(item.sd is None for item in r.items)


def test_zero_variance_gives_no_alpha(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    import_bank(runner, tmp_path)
    for name in ("amy", "bob", "cyd"):
        take(app, name, RIGHT)
    r = report(app)
    # everyone 100%: SD 0, total variance 0 -> alpha undefined, shown as "not enough data"
    assert r.summary.mean == 100 and r.summary.median == 100
    assert r.summary.sd == 0
    assert r.consistency.alpha is None
    items = by_key(r.items)
    assert all(item.facility == 1 for item in r.items)
    assert all(item.discrimination is None for item in r.items)
    assert items["q1"].flags == ("too easy",)


def test_an_edited_question_starts_fresh(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    import_bank(runner, tmp_path)
    take(app, "amy", RIGHT)
    take(app, "bob", {"q1": "Saturn", "q2": "Neither", "q3": "1969"})
    import_bank(runner, tmp_path, BANK.replace("Which planet is the largest?", "Largest planet?"))
    take(app, "cyd", {"q1": "Mars", "q2": "Neither", "q3": "1969"})
    rows = [(i.question_key, i.version, i.answers, i.facility) for i in report(app).items]
    # q1 v1: amy right, bob wrong -> facility 1/2; q1 v2: cyd wrong -> 0
    assert rows == [
        ("q1", 1, 2, 0.5),
        ("q1", 2, 1, 0.0),
        ("q2", 1, 3, 1.0),
        ("q3", 1, 3, 1.0),
    ]
    # every attempt still has three items: P = (2 + 1 + 3 + 3) / 3 = 3 (see cronbach_alpha)


def test_empty_quiz_has_no_figures(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    import_bank(runner, tmp_path)
    r = report(app)
    assert r.summary.attempts == 0 and r.summary.mean is None and r.summary.median is None
    assert r.items == [] and r.students == [] and r.objectives == [] and r.weeks == []
    assert r.pass_rate is None and r.consistency.alpha is None


# -- the arithmetic on its own ----------------------------------------------------------------


def test_alpha_weights_items_seen_by_part_of_the_attempts() -> None:
    # Two attempts each saw the same two items: the textbook formula.
    # var items 1 and 1, var total 4: α = 100 × 2 × (1 − 2/4) = 100
    assert stats.cronbach_alpha([(2, 1.0), (2, 1.0)], 2, 4.0) == pytest.approx(100)
    # An item seen by half the attempts counts half: P = (4 + 2 + 2)/4 = 2,
    # Σ = 1×1 + ½×1 + ½×1 = 2 -> 100 × 2 × (1 − 2/4) = 100
    assert stats.cronbach_alpha([(4, 1.0), (2, 1.0), (2, 1.0)], 4, 4.0) == pytest.approx(100)
    assert stats.cronbach_alpha([(5, 1.0)], 5, 2.0) is None, "one item per attempt"
    assert stats.cronbach_alpha([(1, 0.0), (1, 0.0)], 1, None) is None


def test_flags_thresholds() -> None:
    assert stats.flags_for(0.95, 35) == ("too easy",)
    assert stats.flags_for(0.9, 35) == (), "exactly 0.9 is not above the threshold"
    assert stats.flags_for(0.15, 19.9) == ("too hard", "weak discrimination")
    assert stats.flags_for(0.5, -0.1) == ("negative discrimination",)
    assert stats.flags_for(0.5, None) == ()
    assert stats.facility_band(0.5) == "about right"
    assert stats.facility_band(0.96) == "extremely easy"


def test_variance_and_correlation_guards() -> None:
    assert stats.sample_variance(1, 5, 25) is None
    assert stats.sample_variance(3, 0.3, 0.03) == 0.0, "rounding noise is no variance"
    assert stats.correlation(3, 3, 3, 3, 3, 3) is None
    assert stats.error_ratio(None) is None and stats.error_ratio(100) == 0
