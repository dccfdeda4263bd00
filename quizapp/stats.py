"""Teachers' statistics: score distributions, grades, item analysis, misconceptions, objectives.

Every figure over answers is a SQL aggregate (COUNT, SUM, sums of squares and products,
GROUP BY), so a quiz with 100,000 answers costs a handful of queries and never a Python loop
over its rows; Python only finishes the arithmetic on those sums and maps the few question
versions of a quiz to their choices. Only submitted, non-practice attempts count.

Definitions follow Moodle's quiz statistics, so teachers can compare the two:

- variances and standard deviations are *sample* ones (divided by n − 1), as Moodle's are;
- facility index = mean mark / max mark = the mean fraction of the question's answers;
- discrimination index = 100 × the correlation of the question's mark with the rest of the
  test (the attempt's marks minus that question's mark);
- Cronbach's alpha = 100 × P/(P − 1) × (1 − Σ var(item) / var(total)); error ratio
  = 100 × √(1 − α/100); standard error = error ratio / 100 × SD of the score in percent.

Statistics are per question *version*: an edited question is a new item and starts fresh.
Where the arithmetic would divide by zero (one attempt, everyone scoring the same) the figure
is ``None``, which pages show as "not enough data".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, case, func, select
from sqlalchemy.orm import selectinload

from quizapp.extensions import db
from quizapp.models import (
    Answer,
    AnswerPick,
    Attempt,
    AttemptSlot,
    ClassMember,
    Question,
    QuestionObjective,
    QuestionVersion,
    Quiz,
    User,
)
from quizapp.qtypes import QuestionBase
from quizapp.qtypes.base import Option
from quizapp.questions import question_from_version, quiz_settings

TOO_EASY = 0.9
"""Facility above this flags a question as too easy (Moodle calls 0.90–0.94 "very easy")."""
TOO_HARD = 0.2
"""Facility below this flags a question as too hard (Moodle: 0.11–0.20 "difficult" and under)."""
WEAK_DISCRIMINATION = 20.0
"""A discrimination index under this (but not negative) is weak (Moodle: 20–29 "weak", under
20 "very weak"); a negative one means stronger students did worse on the question."""
HISTOGRAM_BANDS = 10
"""Score bands of 10 percentage points; the last one, 90–100, includes 100."""
_EPSILON = 1e-9
"""Scores are sums of floats: a 70% computed as 69.99999999 still belongs in the 70s band."""


# -- which attempts count -----------------------------------------------------------------


def counted(quiz_id: int, class_id: int | None = None) -> tuple[ColumnElement[bool], ...]:
    """The attempts that count for a quiz's statistics: submitted, graded, not practice; with
    ``class_id``, only those of the class's students (every report can be read per class)."""
    conditions: tuple[ColumnElement[bool], ...] = (
        Attempt.quiz_id == quiz_id,
        Attempt.submitted_at.is_not(None),
        Attempt.is_practice.is_(False),
        Attempt.max_marks > 0,
    )
    if class_id is not None:
        members = select(ClassMember.user_id).where(ClassMember.class_id == class_id)
        conditions += (Attempt.user_id.in_(members),)
    return conditions


def score_percent() -> ColumnElement[float]:
    return 100.0 * Attempt.marks / Attempt.max_marks


# -- small arithmetic on sums -------------------------------------------------------------


def sample_variance(n: int, total: float, squares: float) -> float | None:
    """The sample variance from n, Σx and Σx²; None under two values. Rounding noise that
    would make a zero variance slightly negative (or a hair above zero) is taken as zero."""
    if n < 2:
        return None
    centred = squares - total * total / n
    if centred <= _EPSILON * max(1.0, squares):
        return 0.0
    return centred / (n - 1)


def correlation(n: int, sx: float, sy: float, sxy: float, sxx: float, syy: float) -> float | None:
    """Pearson's r from sums (the n − 1 factors cancel, so sample or population agree);
    None when either variable does not vary."""
    if n < 2:
        return None
    cov = n * sxy - sx * sy
    var_x = n * sxx - sx * sx
    var_y = n * syy - sy * sy
    if var_x <= _EPSILON * max(1.0, n * sxx) or var_y <= _EPSILON * max(1.0, n * syy):
        return None
    return max(-1.0, min(1.0, cov / math.sqrt(var_x * var_y)))


def cronbach_alpha(
    items: Sequence[tuple[int, float]], attempts: int, total_variance: float | None
) -> float | None:
    """Cronbach's alpha in percent from each item's (answers, mark variance) and the variance
    of the attempts' total marks; None when it cannot be computed.

    With every attempt answering the same items this is exactly Moodle's
    100 × P/(P − 1) × (1 − Σ var(item) / var(total)). When attempts saw different items (an
    edited question, a random draw) each item's variance is weighted by the share of attempts
    that answered it, and P is the mean number of items per attempt.
    """
    if attempts < 2 or not total_variance or total_variance <= 0:
        return None
    per_attempt = sum(n for n, _ in items) / attempts
    if per_attempt <= 1:
        return None
    item_variance = sum(n / attempts * variance for n, variance in items)
    return 100 * per_attempt / (per_attempt - 1) * (1 - item_variance / total_variance)


def error_ratio(alpha: float | None) -> float | None:
    """Moodle's error ratio: the share of the score's spread that is noise, in percent."""
    if alpha is None or alpha > 100:
        return None
    return 100 * math.sqrt(1 - alpha / 100)


def facility_band(facility: float) -> str:
    """Moodle's words for a facility index."""
    percent = 100 * facility
    for limit, word in (
        (5, "extremely difficult"),
        (10, "very difficult"),
        (20, "difficult"),
        (34, "moderately difficult"),
        (65, "about right"),
        (80, "fairly easy"),
        (89, "easy"),
        (94, "very easy"),
    ):
        if percent <= limit + _EPSILON:
            return word
    return "extremely easy"


# -- the quiz summary -----------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A histogram bar: attempts scoring from ``low`` (inclusive) to ``high``."""

    low: int
    high: int
    attempts: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}%" if self.high == 100 else f"{self.low}–{self.high - 1}%"


@dataclass(frozen=True)
class Summary:
    """The distribution of the scores (in percent) of a quiz's counted attempts."""

    attempts: int
    students: int
    mean: float | None
    median: float | None
    sd: float | None
    lowest: float | None
    highest: float | None
    bands: tuple[Band, ...]
    marks_variance: float | None
    """Sample variance of the attempts' total marks (not percent): alpha's denominator."""


def summary(quiz_id: int, class_id: int | None = None) -> Summary:
    """Counts, mean, SD and range in one aggregate query; the bands and the median in two
    more (each reads only the quiz's attempts, never its answers)."""
    score = score_percent()
    row = db.session.execute(
        select(
            func.count(Attempt.id),
            func.count(func.distinct(Attempt.user_id)),
            func.sum(score),
            func.sum(score * score),
            func.min(score),
            func.max(score),
            func.sum(Attempt.marks),
            func.sum(Attempt.marks * Attempt.marks),
        ).where(*counted(quiz_id, class_id))
    ).one()
    n, students, total, squares, lowest, highest, marks, marks_squares = row
    n = int(n or 0)
    variance = sample_variance(n, float(total or 0), float(squares or 0))
    return Summary(
        attempts=n,
        students=int(students or 0),
        mean=float(total) / n if n else None,
        median=median_score(quiz_id, class_id) if n else None,
        sd=math.sqrt(variance) if variance is not None else None,
        lowest=float(lowest) if lowest is not None else None,
        highest=float(highest) if highest is not None else None,
        bands=score_bands(quiz_id, class_id) if n else _bands({}),
        marks_variance=sample_variance(n, float(marks or 0), float(marks_squares or 0)),
    )


def score_bands(quiz_id: int, class_id: int | None = None) -> tuple[Band, ...]:
    """Attempts per band of 10 points, counted with GROUP BY (a CASE gives each score its
    band the same way on every database; CAST and FLOOR differ)."""
    score = score_percent()
    band = case(
        *[(score >= 10 * index - _EPSILON, index) for index in range(HISTOGRAM_BANDS - 1, 0, -1)],
        else_=0,
    ).label("band")
    counts = dict(
        db.session.execute(
            select(band, func.count()).where(*counted(quiz_id, class_id)).group_by(band)
        ).all()
    )
    return _bands(counts)


def _bands(counts: dict[int, int]) -> tuple[Band, ...]:
    return tuple(
        Band(low=10 * index, high=10 * index + 10, attempts=int(counts.get(index, 0)))
        for index in range(HISTOGRAM_BANDS)
    )


def median_score(quiz_id: int, class_id: int | None = None) -> float | None:
    """The median score: the middle row (or the mean of the two middle rows) by rank, found
    with window functions, so the database never sends the scores themselves."""
    ranked = (
        select(
            score_percent().label("score"),
            func.row_number().over(order_by=(score_percent(), Attempt.id)).label("rank"),
            func.count().over().label("n"),
        )
        .where(*counted(quiz_id, class_id))
        .subquery()
    )
    value = db.session.scalar(
        select(func.avg(ranked.c.score)).where(
            ranked.c.rank.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
        )
    )
    return float(value) if value is not None else None


# -- grades per student ---------------------------------------------------------------------


@dataclass(frozen=True)
class StudentGrade:
    user_id: int
    username: str
    attempts: int
    grade: float | None
    """In percent, by the quiz's grading method."""
    best: float | None
    last_submitted: datetime | None
    passed: bool | None
    """None when the quiz has no pass mark."""


def grades_statement(quiz_id: int, method: str, class_id: int | None = None) -> Select[Any]:
    """Per student: attempts, grade by ``method`` ('highest', 'latest', 'first', 'average'),
    best score and last submission, in one query. First and latest come from ROW_NUMBER in
    the order the attempts were started, as ``attempts.quiz_grade`` reads them (the window is
    only computed for those two methods: it sorts every attempt)."""
    columns: list[Any] = [Attempt.user_id, Attempt.submitted_at, score_percent().label("score")]
    if method in ("first", "latest"):
        order = (
            (Attempt.started_at, Attempt.id)
            if method == "first"
            else (Attempt.started_at.desc(), Attempt.id.desc())
        )
        columns.append(
            func.row_number().over(partition_by=Attempt.user_id, order_by=order).label("rank")
        )
    scored = select(*columns).where(*counted(quiz_id, class_id)).subquery()
    score = scored.c.score
    if method in ("first", "latest"):
        grade = func.max(case((scored.c.rank == 1, score)))
    elif method == "average":
        grade = func.avg(score)
    else:
        grade = func.max(score)
    return (
        select(
            scored.c.user_id,
            User.username,
            func.count(),
            grade,
            func.max(score),
            func.max(scored.c.submitted_at),
        )
        .join(User, User.id == scored.c.user_id)
        .group_by(scored.c.user_id, User.username)
        .order_by(User.username)
    )


def student_grades(quiz: Quiz, class_id: int | None = None) -> list[StudentGrade]:
    """Every student who has a counted attempt, by name, graded as the quiz says."""
    settings = quiz_settings(quiz)
    pass_mark = settings.pass_mark
    grades = []
    for user_id, username, attempts, grade, best, last in db.session.execute(
        grades_statement(quiz.id, settings.grading, class_id)
    ):
        value = float(grade) if grade is not None else None
        grades.append(
            StudentGrade(
                user_id=user_id,
                username=username,
                attempts=int(attempts),
                grade=value,
                best=float(best) if best is not None else None,
                last_submitted=last,
                passed=None
                if pass_mark is None or value is None
                else value >= pass_mark - _EPSILON,
            )
        )
    return grades


# -- item analysis --------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionPicks:
    """One option of a question (a choice, true or false) and how often it was picked."""

    key: str
    text: str
    correct: bool | None
    misconception: str | None
    picks: int
    share: float
    """Of the version's answers, the fraction that picked this option."""


@dataclass(frozen=True)
class ItemStats:
    """One question version's statistics within a quiz."""

    version_id: int
    question_id: int
    question_key: str
    version: int
    type: str
    text: str
    answers: int
    max_mark: float
    marks: float
    """The marks all its answers earned together."""
    facility: float
    """Mean mark / max mark, 0..1."""
    sd: float | None
    """Sample SD of the fraction, 0..1 (Moodle shows it as a percentage of the max mark)."""
    mark_variance: float
    discrimination: float | None
    """100 × r(question mark, rest of the test); None when either does not vary."""
    options: tuple[OptionPicks, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def band(self) -> str:
        return facility_band(self.facility)


def flags_for(facility: float, discrimination: float | None) -> tuple[str, ...]:
    """What a teacher should look at: the thresholds are the module's constants."""
    flags = []
    if facility > TOO_EASY:
        flags.append("too easy")
    elif facility < TOO_HARD:
        flags.append("too hard")
    if discrimination is not None:
        if discrimination < 0:
            flags.append("negative discrimination")
        elif discrimination < WEAK_DISCRIMINATION:
            flags.append("weak discrimination")
    return tuple(flags)


@dataclass(frozen=True)
class _ItemSums:
    n: int
    fractions: float
    fraction_squares: float
    sx: float
    sy: float
    sxy: float
    sxx: float
    syy: float
    max_mark: float


def _item_sums(quiz_id: int, class_id: int | None = None) -> dict[int, _ItemSums]:
    """Per version: n, Σfraction, Σfraction², and for x = the answer's mark and y = the rest
    of the attempt's marks: Σx, Σy, Σxy, Σx², Σy²."""
    x = Answer.mark
    y = Attempt.marks - Answer.mark
    # The answers carry their attempt and version: one covering index, no join of the slots.
    version = Answer.question_version_id.label("version_id")
    rows = db.session.execute(
        select(
            version,
            func.count(Answer.id),
            func.sum(Answer.fraction),
            func.sum(Answer.fraction * Answer.fraction),
            func.sum(x),
            func.sum(y),
            func.sum(x * y),
            func.sum(x * x),
            func.sum(y * y),
        )
        .select_from(Attempt)
        .join(Answer, Answer.attempt_id == Attempt.id)
        .where(*counted(quiz_id, class_id), Answer.mark.is_not(None), Answer.fraction.is_not(None))
        .group_by(version)
    ).all()
    # A version's marks are its question's points in every attempt (versions never change).
    points = {
        version.id: question_from_version(version).points
        for version in _versions(row[0] for row in rows).values()
    }
    return {
        row[0]: _ItemSums(
            int(row[1]), *(float(value or 0) for value in row[2:]), max_mark=points[row[0]]
        )
        for row in rows
    }


def options_of(question: QuestionBase) -> list[Option]:
    """The options a question offers, as their pick keys: choices, true and false, named
    wrong numbers, matching distractors, cloze choices (each type says which)."""
    return question.options()


def _versions(version_ids: Iterable[int]) -> dict[int, QuestionVersion]:
    ids = list(version_ids)
    if not ids:
        return {}
    return {
        version.id: version
        for version in db.session.scalars(
            select(QuestionVersion)
            .options(selectinload(QuestionVersion.question))
            .where(QuestionVersion.id.in_(ids))
        )
    }


@dataclass(frozen=True)
class PickCounts:
    """Picks per option, and per student for the options that carry a misconception."""

    per_option: dict[int, dict[str, int]]
    """version id → option key → picks."""
    per_student: dict[tuple[int, str], dict[int, int]]
    """(version id, option key) → user id → picks, for tagged keys only."""


def pick_counts(
    conditions: Sequence[ColumnElement[bool]],
    tagged_keys: Iterable[str] = (),
    version_ids: Iterable[int] | None = None,
) -> PickCounts:
    """One GROUP BY over the picks of the attempts ``conditions`` select: by version and
    option, and also by student where the option is one of ``tagged_keys`` (so the rows
    returned are options plus misconception holders, never one per answer)."""
    tagged = sorted(set(tagged_keys))
    columns: list[Any] = [AnswerPick.question_version_id, AnswerPick.option_key]
    if tagged:
        columns.append(case((AnswerPick.option_key.in_(tagged), Attempt.user_id)).label("user"))
    statement = (
        select(*columns, func.count())
        .select_from(Attempt)
        .join(AnswerPick, AnswerPick.attempt_id == Attempt.id)
        .where(*conditions)
        .group_by(*columns)
    )
    if version_ids is not None:
        statement = statement.where(AnswerPick.question_version_id.in_(list(version_ids)))
    per_option: dict[int, dict[str, int]] = {}
    per_student: dict[tuple[int, str], dict[int, int]] = {}
    for row in db.session.execute(statement):
        version_id, key, count = row[0], row[1], int(row[-1])
        options = per_option.setdefault(version_id, {})
        options[key] = options.get(key, 0) + count
        if tagged and row[2] is not None:
            per_student.setdefault((version_id, key), {})[row[2]] = count
    return PickCounts(per_option=per_option, per_student=per_student)


def _option_picks(
    question: QuestionBase, counts: dict[str, int], answers: int
) -> tuple[OptionPicks, ...]:
    known = options_of(question)
    picks = [
        OptionPicks(
            key=option.key,
            text=option.text,
            correct=option.correct,
            misconception=option.misconception,
            picks=counts.get(option.key, 0),
            share=counts.get(option.key, 0) / answers if answers else 0.0,
        )
        for option in known
    ]
    offered = {option.key for option in known}
    # Keys a type records but does not list as options (or a question of a future type).
    picks.extend(
        OptionPicks(key, key, None, None, count, count / answers if answers else 0.0)
        for key, count in sorted(counts.items())
        if key not in offered
    )
    return tuple(picks)


def item_analysis(quiz_id: int, class_id: int | None = None) -> list[ItemStats]:
    """Every question version answered in the quiz's counted attempts, in bank order."""
    sums = _item_sums(quiz_id, class_id)
    versions = _versions(sums)
    return _items(sums, versions, pick_counts(counted(quiz_id, class_id)).per_option)


def _items(
    sums: dict[int, _ItemSums],
    versions: dict[int, QuestionVersion],
    picks: dict[int, dict[str, int]],
) -> list[ItemStats]:
    items = []
    for version_id, s in sums.items():
        version = versions[version_id]
        question = question_from_version(version)
        facility = s.fractions / s.n if s.n else 0.0
        fraction_variance = sample_variance(s.n, s.fractions, s.fraction_squares)
        r = correlation(s.n, s.sx, s.sy, s.sxy, s.sxx, s.syy)
        discrimination = 100 * r if r is not None else None
        items.append(
            ItemStats(
                version_id=version_id,
                question_id=version.question_id,
                question_key=version.question.key,
                version=version.version,
                type=version.type,
                text=question.plain_text(),
                answers=s.n,
                max_mark=s.max_mark,
                marks=s.sx,
                facility=facility,
                sd=math.sqrt(fraction_variance) if fraction_variance is not None else None,
                mark_variance=sample_variance(s.n, s.sx, s.sxx) or 0.0,
                discrimination=discrimination,
                options=_option_picks(question, picks.get(version_id, {}), s.n),
                flags=flags_for(facility, discrimination),
            )
        )
    items.sort(key=lambda item: (item.question_id, item.version))
    return items


# -- the whole test -------------------------------------------------------------------------


@dataclass(frozen=True)
class Consistency:
    """How reliably the quiz (or an objective's questions) measures one thing."""

    alpha: float | None
    """Cronbach's alpha in percent (Moodle's "coefficient of internal consistency")."""
    error_ratio: float | None
    standard_error: float | None
    """In percentage points of the score."""


def consistency(items: Sequence[ItemStats], summary_: Summary) -> Consistency:
    alpha = cronbach_alpha(
        [(item.answers, item.mark_variance) for item in items],
        summary_.attempts,
        summary_.marks_variance,
    )
    ratio = error_ratio(alpha)
    standard_error = (
        ratio / 100 * summary_.sd if ratio is not None and summary_.sd is not None else None
    )
    return Consistency(alpha=alpha, error_ratio=ratio, standard_error=standard_error)


# -- misconceptions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    user_id: int
    username: str
    picks: int


@dataclass(frozen=True)
class Misconception:
    """A misconception tagged on distractors, and the students who picked one of them."""

    name: str
    picks: int
    holders: tuple[Holder, ...]
    questions: tuple[str, ...]
    """Keys of the questions whose distractors carry it."""

    @property
    def students(self) -> int:
        return len(self.holders)


def _misconception_keys(versions: Iterable[QuestionVersion]) -> dict[tuple[int, str], str]:
    tagged = {}
    for version in versions:
        for option in options_of(question_from_version(version)):
            if option.misconception:
                tagged[(version.id, option.key)] = option.misconception
    return tagged


def misconceptions_from(
    tagged: dict[tuple[int, str], str],
    picks: PickCounts,
    question_keys: dict[int, str],
) -> list[Misconception]:
    """Per misconception, its holders and picks, from the per-student pick counts of the
    tagged options (students, with their names, in one small query)."""
    if not tagged:
        return []
    per_misconception: dict[str, dict[int, int]] = {}
    for option, students in picks.per_student.items():
        name = tagged.get(option)
        if name is None:  # the key is tagged in another version of the question
            continue
        holders = per_misconception.setdefault(name, {})
        for user_id, count in students.items():
            holders[user_id] = holders.get(user_id, 0) + count
    user_ids = {user_id for holders in per_misconception.values() for user_id in holders}
    names = (
        dict(db.session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    found = []
    for name in sorted(set(tagged.values())):
        holders = per_misconception.get(name, {})
        found.append(
            Misconception(
                name=name,
                picks=sum(holders.values()),
                holders=tuple(
                    sorted(
                        (
                            Holder(user_id, names[user_id], count)
                            for user_id, count in holders.items()
                        ),
                        key=lambda holder: (-holder.picks, holder.username),
                    )
                ),
                questions=tuple(
                    sorted({question_keys[vid] for (vid, _), tag in tagged.items() if tag == name})
                ),
            )
        )
    found.sort(key=lambda m: (-m.students, -m.picks, m.name))
    return found


def quiz_misconceptions(quiz_id: int, class_id: int | None = None) -> list[Misconception]:
    """Misconceptions among the quiz's counted attempts (the report gets them from the pass
    that counts its picks; this is the same on its own)."""
    versions = _versions(_item_sums(quiz_id, class_id))
    tagged = _misconception_keys(versions.values())
    picks = pick_counts(counted(quiz_id, class_id), {key for _, key in tagged})
    return misconceptions_from(tagged, picks, _question_keys(versions.values()))


def _question_keys(versions: Iterable[QuestionVersion]) -> dict[int, str]:
    return {version.id: version.question.key for version in versions}


def _bank_attempts(bank_id: int) -> tuple[ColumnElement[bool], ...]:
    """The attempts that count for a bank: submitted, not practice, at one of its quizzes."""
    return (
        Attempt.submitted_at.is_not(None),
        Attempt.is_practice.is_(False),
        Attempt.quiz_id.in_(select(Quiz.id).where(Quiz.bank_id == bank_id)),
    )


def bank_students(bank_id: int) -> int:
    """How many students have a counted attempt at one of the bank's quizzes."""
    count = db.session.scalar(
        select(func.count(func.distinct(Attempt.user_id))).where(*_bank_attempts(bank_id))
    )
    return int(count or 0)


def bank_misconceptions(bank_id: int) -> list[Misconception]:
    """Across every quiz of a bank and every version of its questions."""
    versions = list(
        db.session.scalars(
            select(QuestionVersion)
            .options(selectinload(QuestionVersion.question))
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(Question.bank_id == bank_id)
        )
    )
    tagged = _misconception_keys(versions)
    if not tagged:
        return []
    picks = pick_counts(
        _bank_attempts(bank_id),
        {key for _, key in tagged},
        version_ids={version_id for version_id, _ in tagged},
    )
    return misconceptions_from(tagged, picks, _question_keys(versions))


# -- objectives -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveStats:
    """The class's mastery of one objective, and how consistently its questions measure it."""

    objective: str
    mastery: float
    """Marks earned / marks available on the objective's questions, in percent."""
    students: int
    attempts: int
    questions: int
    """Question versions with this objective that were answered."""
    alpha: float | None


def objective_stats(
    quiz_id: int, items: Sequence[ItemStats], class_id: int | None = None
) -> list[ObjectiveStats]:
    """Per objective: mastery from the items' sums; for alpha, each attempt's marks on the
    objective's questions (one conditional SUM per objective, grouped by attempt, which needs
    no sort), then the count, sum and sum of squares of those totals over the attempts."""
    by_version = {item.version_id: item for item in items}
    if not by_version:
        return []
    versions_of: dict[str, list[int]] = {}
    for version_id, objective in db.session.execute(
        select(QuestionObjective.question_version_id, QuestionObjective.objective)
        .where(QuestionObjective.question_version_id.in_(list(by_version)))
        .order_by(QuestionObjective.objective, QuestionObjective.question_version_id)
    ):
        versions_of.setdefault(objective, []).append(version_id)
    if not versions_of:
        return []
    names = list(versions_of)
    per_attempt = (
        select(
            Attempt.user_id.label("user_id"),
            *[
                # No ELSE: NULL when the attempt had none of the objective's questions.
                func.sum(
                    case((Answer.question_version_id.in_(versions_of[name]), Answer.mark))
                ).label(f"t{index}")
                for index, name in enumerate(names)
            ],
        )
        .select_from(Attempt)
        .join(Answer, Answer.attempt_id == Attempt.id)
        .where(*counted(quiz_id, class_id), Answer.mark.is_not(None))
        .group_by(Attempt.id, Attempt.user_id)
        .subquery()
    )
    aggregates: list[Any] = []
    for index in range(len(names)):
        total = per_attempt.c[f"t{index}"]
        aggregates += [
            func.count(total),
            func.count(func.distinct(case((total.is_not(None), per_attempt.c.user_id)))),
            func.sum(total),
            func.sum(total * total),
        ]
    row = db.session.execute(select(*aggregates)).one()
    found = []
    for index, name in enumerate(names):
        attempts, students, marks, squares = row[4 * index : 4 * index + 4]
        its_items = [by_version[version_id] for version_id in versions_of[name]]
        available = sum(item.answers * item.max_mark for item in its_items)
        alpha = cronbach_alpha(
            [(item.answers, item.mark_variance) for item in its_items],
            int(attempts or 0),
            sample_variance(int(attempts or 0), float(marks or 0), float(squares or 0)),
        )
        found.append(
            ObjectiveStats(
                objective=name,
                mastery=100 * sum(item.marks for item in its_items) / available
                if available
                else 0.0,
                students=int(students or 0),
                attempts=int(attempts or 0),
                questions=len(its_items),
                alpha=alpha,
            )
        )
    return found


# -- the class's scores over time -----------------------------------------------------------


@dataclass(frozen=True)
class Week:
    start: date
    """The Monday the week begins."""
    attempts: int
    mean: float


def weekly_means(quiz_id: int, class_id: int | None = None) -> list[Week]:
    """The class's mean score per week: attempts and score sums per day in SQL (DATE() works
    on SQLite and PostgreSQL alike, where week functions differ), merged into weeks here."""
    day = func.date(Attempt.started_at, type_=Date)
    weeks: dict[date, list[float]] = {}
    for when, count, total in db.session.execute(
        select(day, func.count(), func.sum(score_percent()))
        .where(*counted(quiz_id, class_id))
        .group_by(day)
        .order_by(day)
    ):
        start = when - timedelta(days=when.weekday())
        bucket = weeks.setdefault(start, [0, 0.0])
        bucket[0] += int(count)
        bucket[1] += float(total)
    return [
        Week(start=start, attempts=int(count), mean=total / count)
        for start, (count, total) in sorted(weeks.items())
    ]


# -- everything for the quiz page -----------------------------------------------------------


@dataclass(frozen=True)
class QuizReport:
    quiz: Quiz
    grading: str
    pass_mark: float | None
    summary: Summary
    students: list[StudentGrade]
    items: list[ItemStats]
    consistency: Consistency
    misconceptions: list[Misconception]
    objectives: list[ObjectiveStats]
    weeks: list[Week]
    flagged: int = field(default=0)

    @property
    def pass_rate(self) -> float | None:
        """Of the students with a grade, the share whose grade reaches the pass mark."""
        judged = [grade.passed for grade in self.students if grade.passed is not None]
        if self.pass_mark is None or not judged:
            return None
        return sum(judged) / len(judged)

    @property
    def passed(self) -> int:
        return sum(1 for grade in self.students if grade.passed)


def quiz_report(quiz: Quiz, class_id: int | None = None) -> QuizReport:
    """Everything the statistics page shows. The answers are read in three passes: item sums
    by version, picks by option (and student, for misconceptions), totals per attempt for the
    objectives; the rest reads only the attempts."""
    settings = quiz_settings(quiz)
    summary_ = summary(quiz.id, class_id)
    sums = _item_sums(quiz.id, class_id)
    versions = _versions(sums)
    tagged = _misconception_keys(versions.values())
    picks = pick_counts(counted(quiz.id, class_id), {key for _, key in tagged})
    items = _items(sums, versions, picks.per_option)
    return QuizReport(
        quiz=quiz,
        grading=settings.grading,
        pass_mark=settings.pass_mark,
        summary=summary_,
        students=student_grades(quiz, class_id),
        items=items,
        consistency=consistency(items, summary_),
        misconceptions=misconceptions_from(tagged, picks, _question_keys(versions.values())),
        objectives=objective_stats(quiz.id, items, class_id),
        weeks=weekly_means(quiz.id, class_id),
        flagged=sum(1 for item in items if item.flags),
    )


# -- one student's timeline -----------------------------------------------------------------


@dataclass(frozen=True)
class TimelineAnswer:
    position: int
    question_key: str
    version: int
    answer: str
    mark: float | None
    max_mark: float
    state: str | None


@dataclass(frozen=True)
class TimelineAttempt:
    attempt: Attempt
    answers: tuple[TimelineAnswer, ...]


TIMELINE_PAGE = 20
"""Attempts per page of a student's timeline: a student may have a thousand."""


def timeline_size(quiz_id: int, user_id: int) -> int:
    """How many non-practice attempts a student made at a quiz."""
    return (
        db.session.scalar(
            select(func.count(Attempt.id)).where(
                Attempt.quiz_id == quiz_id,
                Attempt.user_id == user_id,
                Attempt.is_practice.is_(False),
            )
        )
        or 0
    )


def student_timeline(
    quiz_id: int, user_id: int, offset: int = 0, limit: int | None = None
) -> list[TimelineAttempt]:
    """A student's non-practice attempts at a quiz, oldest first, each with its answers; one
    page of them (``offset``, ``limit``), in three statements whatever their number."""
    attempts = db.session.scalars(
        select(Attempt)
        .options(
            selectinload(Attempt.slots).selectinload(AttemptSlot.answer),
            selectinload(Attempt.slots)
            .selectinload(AttemptSlot.question_version)
            .selectinload(QuestionVersion.question),
        )
        .where(
            Attempt.quiz_id == quiz_id,
            Attempt.user_id == user_id,
            Attempt.is_practice.is_(False),
        )
        .order_by(Attempt.started_at, Attempt.id)
        .offset(offset)
        .limit(limit)
    ).all()
    timeline = []
    for attempt in attempts:
        answers = []
        for slot in attempt.slots:
            question = question_from_version(slot.question_version)
            answer = slot.answer
            answers.append(
                TimelineAnswer(
                    position=slot.position,
                    question_key=slot.question_version.question.key,
                    version=slot.question_version.version,
                    answer=question.summarize(answer.response) if answer else "",
                    mark=answer.mark if answer else None,
                    max_mark=slot.max_mark,
                    state=answer.state if answer else None,
                )
            )
        timeline.append(TimelineAttempt(attempt=attempt, answers=tuple(answers)))
    return timeline
