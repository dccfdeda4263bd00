"""When a student may see a question's correct answer, feedback and explanation: one rule.

Every page that can show a student what the right answer was (the review of a quiz attempt,
the review of a practice attempt) asks this module, and nothing else decides it. The other
pages a student can reach (quiz list, quiz page, attempt page, practice, history, mastery)
show scores and right/wrong only, never an answer; teachers' pages (previews, reports,
timelines, exports) are for teachers only.

The rule (documented for authors in docs/authoring.md, ``show_answers``):

- A **quiz attempt** shows answers once it is submitted and its quiz's ``show_answers``
  allows it now: ``after_submit`` at once; ``after_close`` once the close that applies to the
  student (``classes.rules``: bank, class assignment, override) has passed (and the
  last submits in flight with it are in: 10 seconds); ``never``
  never. Before that the review says right or wrong only.
- A **practice attempt** draws questions from every quiz the student has answered, so it has
  no rule of its own: each question's answer shows only when one of the quizzes that would
  show it already does. Precisely, a practice slot's answer shows once the practice attempt is
  submitted and the student has a *submitted* quiz attempt holding that question (any version
  of it) whose quiz's rule shows answers now, as above. A question answered only in quizzes
  that show answers ``never``, or ``after_close`` before the close, says right or wrong only:
  otherwise a student could submit a blank attempt, practise, read the key, and retake.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quizapp.attempts import LATE_GRACE, applied_to
from quizapp.bank.models import Quiz as QuizSettings
from quizapp.classes.rules import applied_for
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptSlot, QuestionVersion, Quiz, now_utc


def rule_shows_answers(settings: QuizSettings, now: datetime) -> bool:
    """Whether a quiz's ``show_answers`` rule shows answers now, to a submitted attempt."""
    if settings.show_answers == "after_submit":
        return True
    if settings.show_answers == "after_close":
        # Not before the last submits still in flight at the close are in: an answer published
        # to the class must never reach an attempt that can still count.
        return settings.closes is not None and now >= settings.closes + LATE_GRACE
    return False


@dataclass(frozen=True)
class AnswerVisibility:
    """Which questions of one attempt may show their correct answers (by slot position)."""

    shown: frozenset[int]
    positions: frozenset[int]

    def shows(self, position: int) -> bool:
        return position in self.shown

    @property
    def everything(self) -> bool:
        return self.shown == self.positions

    @property
    def nothing(self) -> bool:
        return not self.shown


def answer_visibility(attempt: Attempt, now: datetime | None = None) -> AnswerVisibility:
    """For every slot of the attempt, whether its answer, feedback and explanation may show.

    At most one query, whatever the number of slots (a practice attempt's quizzes are read
    together); the slots and their versions are read by the caller anyway."""
    now = now or now_utc()
    slots = attempt.slots
    positions = frozenset(slot.position for slot in slots)
    if not attempt.is_submitted:
        return AnswerVisibility(frozenset(), positions)
    if not attempt.is_practice:
        # The close that applies to this student (class assignment, override): a student
        # with a later close must not read answers before their own close, nor wait for it
        # when their class's close has passed.
        applied = applied_to(attempt)
        settings = applied.settings if applied is not None else None
        shown = positions if settings and rule_shows_answers(settings, now) else frozenset()
        return AnswerVisibility(shown, positions)
    open_questions = questions_with_answers_shown(
        attempt.user_id, {slot.question_version.question_id for slot in slots}, now
    )
    return AnswerVisibility(
        frozenset(
            slot.position for slot in slots if slot.question_version.question_id in open_questions
        ),
        positions,
    )


def may_show_answers(attempt: Attempt, now: datetime | None = None) -> bool:
    """Whether every answer of the attempt may show (for a quiz attempt: its quiz's rule)."""
    visibility = answer_visibility(attempt, now)
    return bool(visibility.positions) and visibility.everything


def questions_with_answers_shown(
    user_id: int, question_ids: Iterable[int], now: datetime | None = None
) -> set[int]:
    """Of these questions, those whose answers the student may see outside a quiz (practice):
    each needs a submitted quiz attempt of the student holding it, whose quiz's rule shows
    answers now. One query: the distinct (quiz, question) pairs, with each quiz's settings."""
    wanted = set(question_ids)
    if not wanted:
        return set()
    now = now or now_utc()
    pairs = (
        select(Attempt.quiz_id, QuestionVersion.question_id)
        .select_from(AttemptSlot)
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptSlot.question_version_id)
        .where(
            Attempt.user_id == user_id,
            Attempt.is_practice.is_(False),
            Attempt.submitted_at.is_not(None),
            QuestionVersion.question_id.in_(wanted),
        )
        .distinct()
        .subquery()
    )
    rows = db.session.execute(
        select(pairs.c.question_id, Quiz).join(Quiz, Quiz.id == pairs.c.quiz_id)
    ).all()
    applied = applied_for((user_id, quiz) for _, quiz in rows)
    shown: set[int] = set()
    for question_id, quiz in rows:
        settings = applied[(user_id, quiz.id)].settings
        if question_id not in shown and rule_shows_answers(settings, now):
            shown.add(question_id)
    return shown
