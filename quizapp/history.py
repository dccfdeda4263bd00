"""A student's own history: attempts, score over time, and mastery by tag, as SQL queries.

Everything here reads; nothing writes. Each function takes the student's id and never returns
another student's rows. Graded attempts and practice attempts are kept apart: practice never
appears among graded attempts, in the score chart, or in mastery (see ``mastery_by_tag``).
Nothing here reads or returns a correct answer, feedback or explanation: only scores and
fractions, which a student may always see; answers show only on the review page, as
``quizapp.review_rules`` allows (tests/test_answer_markers.py scans these pages).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Select, func, select
from sqlalchemy.orm import joinedload

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptSlot, QuestionTag, QuestionVersion, Quiz
from quizapp.questions import quiz_settings

MAX_CHART_POINTS = 60
"""The most points one chart draws: beyond it, days are merged into weeks, months or years.
Rendering costs about a quarter of a millisecond per point, and a line of 300 daily dots says
no more than one of 40 weekly ones."""


# -- graded attempts --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizChoice:
    """A quiz the student has attempted, as the history filter offers it."""

    id: int
    title: str


def attempted_quizzes(user_id: int) -> list[QuizChoice]:
    """Every quiz the student has a graded attempt at (retired ones too: history stays)."""
    rows = db.session.execute(
        select(Quiz.id, Quiz.title)
        .where(
            Quiz.id.in_(
                select(Attempt.quiz_id).where(
                    Attempt.user_id == user_id, Attempt.is_practice.is_(False)
                )
            )
        )
        .order_by(Quiz.title, Quiz.id)
    )
    return [QuizChoice(id=quiz_id, title=title) for quiz_id, title in rows]


def graded_attempts(user_id: int, quiz_id: int | None = None) -> Select[tuple[Attempt]]:
    """The student's graded attempts, newest first, with their quiz loaded in the same query
    (a statement, so the caller can paginate it)."""
    statement = (
        select(Attempt)
        .options(joinedload(Attempt.quiz))
        .where(Attempt.user_id == user_id, Attempt.is_practice.is_(False))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
    )
    if quiz_id is not None:
        statement = statement.where(Attempt.quiz_id == quiz_id)
    return statement


def pass_marks(attempts: Iterable[Attempt]) -> dict[int, float | None]:
    """Each attempted quiz's pass mark in percent (None: the quiz has none), by quiz id."""
    return {
        attempt.quiz.id: quiz_settings(attempt.quiz).pass_mark
        for attempt in attempts
        if attempt.quiz is not None
    }


def passed(attempt: Attempt, pass_mark: float | None) -> bool | None:
    """Whether a submitted attempt reached the pass mark; None when there is nothing to say."""
    score = attempt.score_percent
    if pass_mark is None or score is None:
        return None
    return score >= pass_mark


def practice_attempts(user_id: int, limit: int = 20) -> list[Attempt]:
    """The student's latest practice attempts, newest first (they are never graded)."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.is_practice.is_(True))
            .order_by(Attempt.started_at.desc(), Attempt.id.desc())
            .limit(limit)
        )
    )


# -- score over time --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorePoint:
    """The graded attempts at one quiz submitted in one period (a day, week, month or year),
    or one attempt (period "attempt": ``start`` is then when it started, to the minute)."""

    start: date | datetime
    attempts: int
    average: float
    best: float


@dataclass(frozen=True)
class ScoreSeries:
    quiz_id: int
    title: str
    points: tuple[ScorePoint, ...]


@dataclass(frozen=True)
class ScoreHistory:
    """The chart's data: one series per quiz, each point a period of ``period`` length."""

    period: str
    series: tuple[ScoreSeries, ...]

    @property
    def point_count(self) -> int:
        return sum(len(series.points) for series in self.series)


PERIODS = ("day", "week", "month", "year")
"""Longer and longer periods, for a history too long to draw each attempt ("attempt")."""

_DayRow = tuple[int, str, date, int, float, float]
"""quiz id, quiz title, day, attempts, sum of scores, best score."""


def score_history(user_id: int, quiz_id: int | None = None) -> ScoreHistory:
    """Scores of submitted graded attempts, per quiz and day (summed in SQL), merged into
    longer periods when there would be more than ``MAX_CHART_POINTS`` points to draw."""
    score = 100.0 * Attempt.marks / Attempt.max_marks
    # DATE() exists on SQLite (returning text) and PostgreSQL; the Date type reads both back.
    day = func.date(Attempt.started_at, type_=Date)
    statement = (
        select(
            Attempt.quiz_id,
            Quiz.title,
            day.label("day"),
            func.count(Attempt.id),
            func.sum(score),
            func.max(score),
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(
            Attempt.user_id == user_id,
            Attempt.is_practice.is_(False),
            Attempt.submitted_at.is_not(None),
            Attempt.max_marks > 0,
        )
        .group_by(Attempt.quiz_id, Quiz.title, day)
        .order_by(Quiz.title, Attempt.quiz_id, day)
    )
    if quiz_id is not None:
        statement = statement.where(Attempt.quiz_id == quiz_id)
    days: list[_DayRow] = [
        (quiz, title, when, int(count), float(total), float(best))
        for quiz, title, when, count, total, best in db.session.execute(statement)
    ]
    if sum(row[3] for row in days) <= MAX_CHART_POINTS:
        # Few enough to draw each attempt: a mean per day would merge a 50% and a 100% taken
        # the same day into one 75% that the student never scored.
        return _each_attempt(user_id, quiz_id, score)
    return _merge(days, _chart_period(days))


def _each_attempt(user_id: int, quiz_id: int | None, score: Any) -> ScoreHistory:
    """One point per submitted graded attempt, per quiz, oldest first."""
    statement = (
        select(Attempt.quiz_id, Quiz.title, Attempt.started_at, score)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(
            Attempt.user_id == user_id,
            Attempt.is_practice.is_(False),
            Attempt.submitted_at.is_not(None),
            Attempt.max_marks > 0,
        )
        .order_by(Quiz.title, Attempt.quiz_id, Attempt.started_at, Attempt.id)
    )
    if quiz_id is not None:
        statement = statement.where(Attempt.quiz_id == quiz_id)
    titles: dict[int, str] = {}
    points: dict[int, list[ScorePoint]] = {}
    for quiz, title, started, value in db.session.execute(statement):
        titles.setdefault(quiz, title)
        point = ScorePoint(start=started, attempts=1, average=float(value), best=float(value))
        points.setdefault(quiz, []).append(point)
    return ScoreHistory(
        period="attempt",
        series=tuple(
            ScoreSeries(quiz_id=quiz, title=titles[quiz], points=tuple(points[quiz]))
            for quiz in titles
        ),
    )


def _chart_period(days: Sequence[_DayRow]) -> str:
    """The shortest period that keeps the chart within ``MAX_CHART_POINTS`` points."""
    if len(days) <= MAX_CHART_POINTS:  # one row per quiz and day already
        return "day"
    for period in PERIODS[1:-1]:
        if len({(row[0], period_start(row[2], period)) for row in days}) <= MAX_CHART_POINTS:
            return period
    return PERIODS[-1]


def period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    return day


def _merge(days: Sequence[_DayRow], period: str) -> ScoreHistory:
    """Sum the per-day rows (in quiz, day order) into periods; averages are weighted by the
    number of attempts, so a busy day counts for more than a quiet one."""
    titles: dict[int, str] = {}
    buckets: dict[tuple[int, date], list[float]] = {}
    for quiz, title, day, attempts, total, best in days:
        titles.setdefault(quiz, title)
        bucket = buckets.setdefault((quiz, period_start(day, period)), [0, 0.0, best])
        bucket[0] += attempts
        bucket[1] += total
        bucket[2] = max(bucket[2], best)
    points: dict[int, list[ScorePoint]] = {quiz: [] for quiz in titles}
    for (quiz, start), (attempts, total, best) in buckets.items():
        points[quiz].append(
            ScorePoint(start=start, attempts=int(attempts), average=total / attempts, best=best)
        )
    return ScoreHistory(
        period=period,
        series=tuple(
            ScoreSeries(quiz_id=quiz, title=titles[quiz], points=tuple(points[quiz]))
            for quiz in titles
        ),
    )


# -- mastery by tag ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TagMastery:
    """How well the student's latest answers to a tag's questions went."""

    tag: str
    percent: float
    questions: int


def mastery_by_tag(user_id: int) -> list[TagMastery]:
    """Per tag, the average fraction of the student's latest graded answer to each question.

    Only graded (quiz) attempts count. A practice question comes back right after its
    answer was shown, and comes back until it is answered right, so a right practice answer
    says more about short-term memory than about mastery; the practice boxes show that progress.
    The tags are those of the version the latest answer was given to.
    """
    latest = (
        select(
            AttemptSlot.question_version_id,
            Answer.fraction,
            func.row_number()
            .over(
                partition_by=QuestionVersion.question_id,
                order_by=(Attempt.submitted_at.desc(), Attempt.id.desc()),
            )
            .label("recency"),
        )
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .join(Answer, Answer.slot_id == AttemptSlot.id)
        .join(QuestionVersion, QuestionVersion.id == AttemptSlot.question_version_id)
        .where(
            Attempt.user_id == user_id,
            Attempt.is_practice.is_(False),
            Attempt.submitted_at.is_not(None),
            Answer.fraction.is_not(None),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(QuestionTag.tag, func.avg(latest.c.fraction), func.count())
        .join(latest, latest.c.question_version_id == QuestionTag.question_version_id)
        .where(latest.c.recency == 1)
        .group_by(QuestionTag.tag)
        .order_by(QuestionTag.tag)
    )
    return [
        TagMastery(tag=tag, percent=100 * float(average), questions=count)
        for tag, average, count in rows
    ]
