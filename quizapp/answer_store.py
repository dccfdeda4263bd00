"""Writing an attempt's answers and grades in bulk.

A save or a submit is worked out before the write lock is taken (reading the form, grading:
question versions never change, so neither needs a lock), then written here in a handful of
statements whatever the number of questions: one INSERT of the new answers, one executemany
UPDATE of the changed ones, one INSERT of the options picked, one UPDATE of the attempt. So the
write lock (SQLite's, or a row lock on PostgreSQL) is held for milliseconds, not for a walk of
the ORM's unit of work over every slot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update

from quizapp.extensions import db
from quizapp.models import Answer, AnswerPick, Attempt, AttemptSlot

_ANSWERS = Answer.__table__
_PICKS = AnswerPick.__table__
_ATTEMPTS = Attempt.__table__
_SLOTS = AttemptSlot.__table__
"""The tables themselves: every statement here is a Core statement, which skips the ORM's bulk
machinery (a tenth of a submit's CPU went to it); nothing here needs the ORM's objects, and
the caller's objects are expired by the commit as before."""

_INSERT_ANSWERS = insert(_ANSWERS).returning(_ANSWERS.c.id, _ANSWERS.c.slot_id)
_INSERT_PICKS = insert(_PICKS)
_UPDATE_ANSWER = update(_ANSWERS).where(_ANSWERS.c.id == bindparam("answer_id"))
_UPDATE_ATTEMPT = update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt_id_"))
_UPDATE_FLAG = update(_SLOTS).where(_SLOTS.c.id == bindparam("slot_id_"))
"""Built once, with bound parameters (the columns set are those named in each row's values):
every save and submit runs them, and a statement built anew is built and hashed again for
SQLAlchemy's compiled cache each time. The stored answers (a student's autosaved ones) are
updated by one executemany of ``_UPDATE_ANSWER`` rather than the ORM's bulk update by primary
key. Measured together: docs/performance.md, "Session 6"."""


@dataclass(frozen=True)
class SlotAnswer:
    """One slot's answer as it is to be stored: the response, and its grade when finishing."""

    slot_id: int
    question_version_id: int
    question_id: int
    stored_id: int | None
    """The id of the answer already stored for the slot, or None."""
    response: dict[str, Any]
    saved_at: datetime
    fraction: float | None = None
    mark: float | None = None
    state: str | None = None
    picks: tuple[str, ...] = field(default=())


def write_answers(attempt_id: int, answers: Sequence[SlotAnswer]) -> None:
    """Insert the new answers and update the stored ones (with their picks, once graded)."""
    new = [answer for answer in answers if answer.stored_id is None]
    stored = [answer for answer in answers if answer.stored_id is not None]
    ids = {answer.slot_id: answer.stored_id for answer in stored}
    if new:
        rows = db.session.execute(
            _INSERT_ANSWERS,
            [
                {
                    "slot_id": answer.slot_id,
                    "attempt_id": attempt_id,
                    "question_version_id": answer.question_version_id,
                    **_values(answer),
                }
                for answer in new
            ],
        )
        ids.update({slot_id: answer_id for answer_id, slot_id in rows})
    if stored:
        db.session.execute(
            _UPDATE_ANSWER,
            [{"answer_id": answer.stored_id, **_values(answer)} for answer in stored],
        )
    picks = [
        {
            "answer_id": ids[answer.slot_id],
            "option_key": key,
            "attempt_id": attempt_id,
            "question_version_id": answer.question_version_id,
        }
        for answer in answers
        for key in answer.picks
    ]
    if picks:
        db.session.execute(_INSERT_PICKS, picks)


def _values(answer: SlotAnswer) -> dict[str, Any]:
    return {
        "response": answer.response,
        "saved_at": answer.saved_at,
        "fraction": answer.fraction,
        "mark": answer.mark,
        "state": answer.state,
    }


def update_attempt(attempt_id: int, **values: Any) -> None:
    """Set columns of the attempt row (its save count, and its marks and finish time)."""
    db.session.execute(_UPDATE_ATTEMPT, {"attempt_id_": attempt_id, **values})


def write_flags(flags: Mapping[int, bool]) -> None:
    """Set the review flag of slots (by slot id) in one executemany UPDATE."""
    if flags:
        db.session.execute(
            _UPDATE_FLAG,
            [{"slot_id_": slot_id, "flagged": flagged} for slot_id, flagged in flags.items()],
        )
