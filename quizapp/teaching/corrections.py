"""A teacher's correction of one answer's mark, with a comment the student sees.

Moodle's "manual comment / override mark": the new mark replaces the graded one (fraction and
state follow from it), the attempt's total is summed again in SQL, and a ``MarkChange`` row
keeps what changed, by whom and when. Statistics and reports read ``Answer.mark`` and
``Attempt.marks``, so they use the corrected mark with nothing else to do. A corrected answer
is flagged, and a later regrade leaves it as the teacher set it.

One transaction, in a fixed number of statements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.grade_events import announce
from quizapp.models import Answer, Attempt, AttemptSlot, MarkChange, User, now_utc
from quizapp.qtypes import Grade

COMMENT_MAX = 2000


class CorrectionRefused(Exception):
    """A correction the rules do not allow; the message says why, for the teacher."""

    status_code = 400

    def __init__(self, message: str, field: str = "mark") -> None:
        super().__init__(message)
        #: The form field the refusal is about ("mark" or "comment"), whatever the language.
        self.field = field


class AttemptNotSubmitted(CorrectionRefused):
    status_code = 409


@dataclass(frozen=True)
class Correction:
    old_mark: float | None
    new_mark: float
    attempt_marks: float


def attempt_total() -> object:
    """The SQL sum of an attempt's answer marks (the correlated subquery that sets a total)."""
    return (
        select(func.coalesce(func.sum(Answer.mark), 0.0))
        .where(Answer.attempt_id == Attempt.id)
        .scalar_subquery()
    )


def correct_mark(
    attempt_id: int, position: int, new_mark: float, comment: str, teacher: User
) -> Correction:
    """Set the mark of the answer at ``position`` of a submitted attempt, with a comment."""
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise CorrectionRefused(
            _(
                "The comment is %(comment_count)s characters; write at most %(value)s.",
                comment_count=len(comment),
                value=COMMENT_MAX,
            ),
            field="comment",
        )
    if not math.isfinite(new_mark):
        raise CorrectionRefused(_("The mark must be a number."))
    teacher_id = teacher.id
    begin_write()
    locked = db.session.execute(
        select(Attempt.submitted_at, Attempt.quiz_id, Attempt.user_id)
        .where(Attempt.id == attempt_id)
        .with_for_update()
    ).first()
    submitted_at, quiz_id, user_id = locked if locked is not None else (None, None, None)
    if submitted_at is None:
        db.session.rollback()
        raise AttemptNotSubmitted(
            _("This attempt is not submitted yet: marks can be corrected once it is.")
        )
    slot = db.session.scalar(
        select(AttemptSlot)
        .options(joinedload(AttemptSlot.answer))
        .where(AttemptSlot.attempt_id == attempt_id, AttemptSlot.position == position)
        .execution_options(populate_existing=True)
    )
    if slot is None or slot.answer is None:
        db.session.rollback()
        raise CorrectionRefused(
            _("The attempt has no answer at question %(position)s.", position=position)
        )
    if not 0 <= new_mark <= slot.max_mark:
        db.session.rollback()
        raise CorrectionRefused(
            _("The mark must be between 0 and %(most)s.", most=format(slot.max_mark, "g"))
        )
    answer = slot.answer
    old_mark = answer.mark
    fraction = new_mark / slot.max_mark if slot.max_mark else 0.0
    db.session.execute(
        update(Answer)
        .where(Answer.id == answer.id)
        .values(
            mark=new_mark,
            fraction=fraction,
            state=Grade(fraction).state,
            comment=comment or None,
            corrected=True,
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id).values(marks=attempt_total()),
        execution_options={"synchronize_session": False},
    )
    db.session.add(
        MarkChange(
            answer_id=answer.id,
            attempt_id=attempt_id,
            changed_by_id=teacher_id,
            changed_at=now_utc(),
            old_mark=old_mark,
            new_mark=new_mark,
            comment=comment,
        )
    )
    db.session.flush()
    total = db.session.scalar(select(Attempt.marks).where(Attempt.id == attempt_id)) or 0.0
    db.session.commit()
    announce(quiz_id, [user_id])
    return Correction(old_mark, new_mark, total)


def mark_history(attempt_id: int) -> list[tuple[MarkChange, int]]:
    """Every change of the attempt's marks with the question position it changed, newest
    first (one statement)."""
    rows = db.session.execute(
        select(MarkChange, AttemptSlot.position)
        .join(Answer, Answer.id == MarkChange.answer_id)
        .join(AttemptSlot, AttemptSlot.id == Answer.slot_id)
        .options(joinedload(MarkChange.changed_by))
        .where(MarkChange.attempt_id == attempt_id)
        .order_by(MarkChange.changed_at.desc(), MarkChange.id.desc())
    )
    return [(change, position) for change, position in rows]
