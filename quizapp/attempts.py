"""Attempts: start (freeze the layout), save answers, submit once, grade.

Each function that writes is one transaction and commits itself; views only call them.
An attempt is graded against the question versions it was started with.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from quizapp.bank.models import Quiz as QuizSettings
from quizapp.bank.models import TagSelector
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import (
    SEED_BITS,
    Answer,
    AnswerPick,
    Attempt,
    AttemptSlot,
    Question,
    QuestionVersion,
    Quiz,
    User,
    now_utc,
)
from quizapp.practice import schedule as schedule_practice
from quizapp.qtypes import InvalidResponse, QuestionBase
from quizapp.questions import question_from_version, quiz_settings

LATE_GRACE = timedelta(seconds=10)
"""A submission this late after the deadline still counts (the request was on its way)."""


class AttemptRefused(Exception):
    """An action the quiz's rules do not allow; the message is meant for the student."""

    status_code = 409


class QuizNotOpen(AttemptRefused):
    status_code = 403


class NoAttemptsLeft(AttemptRefused):
    status_code = 403


# -- choosing the questions ---------------------------------------------------------------


def choose_questions(
    settings: QuizSettings, live: Sequence[QuestionBase], rng: random.Random
) -> list[QuestionBase]:
    """The questions of one attempt: the quiz's selection, pools and draw, maybe shuffled."""
    if settings.pools:
        chosen: list[QuestionBase] = []
        for pool in settings.pools:
            candidates = [q for q in _select(pool.questions, live) if q not in chosen]
            picked = rng.sample(candidates, min(pool.draw, len(candidates)))
            chosen.extend(sorted(picked, key=live.index))
    else:
        chosen = _select(settings.questions, live)
        if settings.draw:
            picked = rng.sample(chosen, min(settings.draw, len(chosen)))
            chosen = sorted(picked, key=chosen.index)
    if settings.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def _select(
    selector: list[str] | TagSelector | None, live: Sequence[QuestionBase]
) -> list[QuestionBase]:
    if selector is None:
        return list(live)
    if isinstance(selector, TagSelector):
        wanted = set(selector.tags)
        return [question for question in live if wanted & set(question.tags)]
    by_id = {question.id: question for question in live}
    return [by_id[key] for key in selector if key in by_id]


def live_versions(quiz: Quiz) -> list[QuestionVersion]:
    """The current version of every question of the quiz's bank that is not retired."""
    return list(
        db.session.scalars(
            select(QuestionVersion)
            .join(Question, QuestionVersion.question_id == Question.id)
            .where(
                Question.bank_id == quiz.bank_id,
                Question.retired.is_(False),
                QuestionVersion.version == Question.current_version,
            )
            .order_by(Question.id)
        )
    )


# -- what a student may do ----------------------------------------------------------------


def closed_reason(quiz: Quiz, now: datetime | None = None) -> str | None:
    """Why the quiz cannot be attempted now, or None when it is open."""
    settings = quiz_settings(quiz)
    now = now or now_utc()
    if quiz.retired:
        return "This quiz has been withdrawn."
    if settings.opens and now < settings.opens:
        return f"This quiz opens on {settings.opens:%d %B %Y at %H:%M} (UTC)."
    if settings.closes and now >= settings.closes:
        return f"This quiz closed on {settings.closes:%d %B %Y at %H:%M} (UTC)."
    return None


def attempts_of(user: User, quiz: Quiz) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(
                Attempt.user_id == user.id,
                Attempt.quiz_id == quiz.id,
                Attempt.is_practice.is_(False),
            )
            .order_by(Attempt.started_at, Attempt.id)
        )
    )


def attempts_left(user: User, quiz: Quiz) -> int | None:
    """How many more attempts the student may start; None means no limit."""
    allowed = quiz_settings(quiz).attempts
    if allowed is None:
        return None
    used = db.session.scalar(
        select(func.count(Attempt.id)).where(
            Attempt.user_id == user.id,
            Attempt.quiz_id == quiz.id,
            Attempt.is_practice.is_(False),
        )
    )
    return max(0, allowed - (used or 0))


def unfinished_attempt(user: User, quiz: Quiz) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.user_id == user.id,
            Attempt.quiz_id == quiz.id,
            Attempt.submitted_at.is_(None),
            Attempt.is_practice.is_(False),
        )
    )


def start_attempt(user: User, quiz: Quiz) -> Attempt:
    """Resume the student's unfinished attempt, or start a new one with a frozen layout."""
    expire_overdue(user)
    begin_write()
    # One start at a time per student (a double click must not make two attempts).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    existing = unfinished_attempt(user, quiz)
    if existing is not None:
        db.session.commit()
        return existing
    reason = closed_reason(quiz)
    if reason:
        db.session.rollback()
        raise QuizNotOpen(reason)
    if attempts_left(user, quiz) == 0:
        db.session.rollback()
        raise NoAttemptsLeft("You have used every attempt this quiz allows.")

    settings = quiz_settings(quiz)
    seed = secrets.randbits(SEED_BITS)
    rng = random.Random(seed)
    versions = live_versions(quiz)
    live = [question_from_version(version) for version in versions]
    version_of = {question.id: version for question, version in zip(live, versions, strict=True)}
    chosen = choose_questions(settings, live, rng)
    if not chosen:
        db.session.rollback()
        raise QuizNotOpen("This quiz has no questions yet.")

    now = now_utc()
    attempt = Attempt(user_id=user.id, quiz_id=quiz.id, seed=seed, started_at=now)
    if settings.time_limit:
        attempt.deadline = now + timedelta(seconds=settings.time_limit)
        if settings.closes and settings.closes < attempt.deadline:
            attempt.deadline = settings.closes
    db.session.add(attempt)
    for position, question in enumerate(chosen, start=1):
        attempt.slots.append(
            AttemptSlot(
                position=position,
                question_version=version_of[question.id],
                layout=question.new_layout(rng, shuffle=settings.shuffle_choices),
                max_mark=question.points,
            )
        )
    attempt.max_marks = sum(question.points for question in chosen)
    db.session.commit()
    return attempt


# -- answering ----------------------------------------------------------------------------


def slot_field_prefix(slot: AttemptSlot) -> str:
    return f"q{slot.position}-"


def read_form(attempt: Attempt, form: Mapping[str, Sequence[str]]) -> dict[int, dict[str, Any]]:
    """Each slot's response from the submitted form (fields named ``q<position>-<field>``).

    Raises InvalidResponse, naming the question, when a value was never offered.
    """
    responses: dict[int, dict[str, Any]] = {}
    for slot in attempt.slots:
        prefix = slot_field_prefix(slot)
        fields = {
            name.removeprefix(prefix): list(values)
            for name, values in form.items()
            if name.startswith(prefix)
        }
        question = question_from_version(slot.question_version)
        try:
            responses[slot.position] = question.read_response(fields, slot.layout)
        except InvalidResponse as error:
            raise InvalidResponse(f"Question {slot.position}: {error}") from error
    return responses


def _lock(attempt: Attempt) -> Attempt:
    """Re-read the attempt under a row lock, so two submissions cannot both pass the checks."""
    begin_write()
    db.session.refresh(attempt, with_for_update=True)
    return attempt


def seconds_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    """Whole seconds until the deadline (never below 0), or None without a time limit."""
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or now_utc())).total_seconds()))


def is_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    now = now or now_utc()
    return attempt.deadline is not None and now > attempt.deadline + LATE_GRACE


def save_answers(attempt: Attempt, responses: Mapping[int, Mapping[str, Any]]) -> None:
    """Store the student's answers so far (a reload or a crash loses nothing)."""
    _lock(attempt)
    if attempt.is_submitted:
        db.session.rollback()
        raise AttemptRefused("This attempt was already submitted; nothing was changed.")
    if is_overdue(attempt):
        _finish(attempt)
        db.session.commit()
        raise AttemptRefused(
            "Time was up, so your attempt was submitted with the answers saved before then."
        )
    _store(attempt, responses)
    db.session.commit()


def submit_attempt(attempt: Attempt, responses: Mapping[int, Mapping[str, Any]]) -> None:
    """Store the last answers and grade the attempt, once."""
    _lock(attempt)
    if attempt.is_submitted:
        db.session.rollback()
        raise AttemptRefused("This attempt was already submitted; nothing was changed.")
    late = is_overdue(attempt)
    if not late:
        _store(attempt, responses)
    _finish(attempt)
    db.session.commit()
    if late:
        raise AttemptRefused(
            "Time was up, so your attempt was submitted with the answers saved before then."
        )


def expire_overdue(user: User) -> None:
    """Submit the user's attempts whose time ran out, with what they saved."""
    overdue = (
        select(Attempt)
        .where(
            Attempt.user_id == user.id,
            Attempt.submitted_at.is_(None),
            Attempt.deadline.is_not(None),
            Attempt.deadline < now_utc() - LATE_GRACE,
        )
        .with_for_update()
    )
    if db.session.scalar(overdue.limit(1)) is None:
        return
    begin_write()
    for attempt in db.session.scalars(overdue).all():
        _finish(attempt)
    db.session.commit()


def _store(attempt: Attempt, responses: Mapping[int, Mapping[str, Any]]) -> None:
    now = now_utc()
    for slot in attempt.slots:
        response = dict(responses.get(slot.position, {}))
        if slot.answer is None:
            slot.answer = _new_answer(slot, response, now)
        elif slot.answer.response != response:
            slot.answer.response = response
            slot.answer.saved_at = now


def _new_answer(slot: AttemptSlot, response: dict[str, Any], now: datetime) -> Answer:
    return Answer(
        response=response,
        saved_at=now,
        attempt_id=slot.attempt_id,
        question_version_id=slot.question_version_id,
    )


def _finish(attempt: Attempt) -> None:
    """Grade every slot, record the options picked, and schedule practice."""
    now = now_utc()
    total = 0.0
    for slot in attempt.slots:
        if slot.answer is None:
            slot.answer = _new_answer(slot, {}, now)
        question = question_from_version(slot.question_version)
        grade = question.grade(slot.answer.response)
        slot.answer.fraction = grade.fraction
        slot.answer.mark = grade.fraction * slot.max_mark
        slot.answer.state = grade.state
        slot.answer.picks = [
            AnswerPick(
                option_key=key,
                attempt_id=attempt.id,
                question_version_id=slot.question_version_id,
            )
            for key in dict.fromkeys(question.picked_options(slot.answer.response))
        ]
        total += slot.answer.mark
    attempt.marks = total
    attempt.submitted_at = now
    schedule_practice(attempt, now)


# -- grades over attempts -----------------------------------------------------------------


def quiz_grade(attempts: Sequence[Attempt], method: str) -> float | None:
    """The student's grade for a quiz in percent, by the quiz's grading method."""
    scores = [a.score_percent for a in attempts if a.is_submitted and a.score_percent is not None]
    if not scores:
        return None
    if method == "latest":
        return scores[-1]
    if method == "first":
        return scores[0]
    if method == "average":
        return sum(scores) / len(scores)
    return max(scores)


@dataclass(frozen=True)
class ReviewItem:
    """One question of a submitted attempt, as the review page shows it."""

    slot: AttemptSlot
    question: QuestionBase
    response: dict[str, Any]
    state: str
    mark: float
    feedback: list[str]


def review_items(attempt: Attempt) -> list[ReviewItem]:
    items = []
    for slot in attempt.slots:
        question = question_from_version(slot.question_version)
        response = slot.answer.response if slot.answer else {}
        grade = question.grade(response)
        items.append(
            ReviewItem(
                slot=slot,
                question=question,
                response=response,
                state=slot.answer.state if slot.answer and slot.answer.state else grade.state,
                mark=slot.answer.mark if slot.answer and slot.answer.mark is not None else 0.0,
                feedback=grade.feedback,
            )
        )
    return items


def answers_visible(attempt: Attempt, now: datetime | None = None) -> bool:
    """Whether the review may show every correct answer and explanation: the one rule lives
    in ``quizapp.review_rules`` (imported here, not at the top, to keep this a one-line
    delegate that any caller of the old name still reaches)."""
    from quizapp.review_rules import may_show_answers

    return may_show_answers(attempt, now)
