"""Assignment and Grade Services: a student's grade for a quiz launched from an LMS goes to
the link's line item as a score ("Completed", "FullyGraded"), whenever it changes.

The grade is the quiz's grade by its grading method (``attempts.quiz_grade``, the
gradebook's function), in percent out of 100. Why an outbox: a grade must never be lost when
the LMS is down, and a student's submit must never wait on the LMS. So when a grade changes
(after the service's commit) it is written to ``lti_outbox`` at once, and sent after the
response has gone to the browser (``Response.call_on_close``) with a short timeout. A row the
platform took is deleted (``lti_grades`` keeps what was sent); one it did not take stays, with
the error, for ``flask lti send-grades`` (cron), the course page's "Send these grades again"
button, or the next grade change of the quiz. A newer grade replaces an unsent older one (one
row per student and link), so the LMS never receives an older grade after a newer one.
/lti/admin shows how many wait.

Every worker imports this module (its listener hears every submit), so it imports nothing of
the protocol: pylti1p3 and ``requests`` (``quizapp.lti.connection``) are imported by
``_send`` and ``deliver``, when there is a grade to send.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from functools import partial
from typing import Any

from flask import Flask, Response, after_this_request, current_app, g, has_request_context
from sqlalchemy import Select, bindparam, delete, func, select
from sqlalchemy.orm import joinedload

from quizapp.attempts import attempts_of, quiz_grade
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.grade_events import grades_changed
from quizapp.lti.platforms import registration_of
from quizapp.models import LtiGrade, LtiOutbox, LtiResourceLink, Quiz, User, now_utc
from quizapp.questions import quiz_settings

log = logging.getLogger(__name__)

SCORE_MAXIMUM = 100.0


def _iso(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def current_grade(user: User, quiz: Quiz) -> float | None:
    """The student's grade for the quiz in percent by its grading method, or None."""
    return quiz_grade(attempts_of(user, quiz), quiz_settings(quiz).grading)


def _send(link: LtiResourceLink, subject: str, grade: float, graded_at: datetime) -> None:
    from pylti1p3.assignments_grades import AssignmentsGradesService
    from pylti1p3.grade import Grade
    from pylti1p3.lineitem import LineItem
    from pylti1p3.service_connector import ServiceConnector

    from quizapp.lti.connection import TimeoutSession

    endpoint = dict(link.ags_endpoint or {})
    registration = registration_of(link.platform)
    score = (
        Grade()
        .set_score_given(round(grade, 2))
        .set_score_maximum(SCORE_MAXIMUM)
        .set_timestamp(_iso(graded_at))
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(subject)
    )
    lineitem = None
    if not endpoint.get("lineitem"):
        lineitem = (
            LineItem()
            .set_label(link.quiz.title)
            .set_score_maximum(SCORE_MAXIMUM)
            .set_resource_id(f"quiz-{link.quiz_id}")
            .set_resource_link_id(link.resource_link_id)
        )
    with TimeoutSession() as session:
        service = AssignmentsGradesService(
            ServiceConnector(registration, session),
            endpoint,  # type: ignore[arg-type]
        )
        service.put_grade(score, lineitem)


def _grade_rows(quiz_id: int, user_ids: Collection[int] | None) -> list[LtiGrade]:
    """The (student, link) pairs of a quiz that the LMS keeps grades for: the students named
    (all when None)."""
    query = (
        select(LtiGrade)
        .join(LtiResourceLink, LtiResourceLink.id == LtiGrade.link_id)
        .options(
            joinedload(LtiGrade.link).joinedload(LtiResourceLink.quiz),
            joinedload(LtiGrade.user),
        )
        .where(LtiResourceLink.quiz_id == quiz_id)
        .order_by(LtiGrade.id)
    )
    if user_ids is not None:
        query = query.where(LtiGrade.user_id.in_(list(user_ids)))
    return list(db.session.scalars(query).unique())


def queue(quiz_id: int, user_ids: Collection[int] | None) -> list[int]:
    """Write each named student's current grade for the quiz to the outbox, replacing an
    unsent older one; returns the outbox rows' ids."""
    rows = _grade_rows(quiz_id, user_ids)
    if not rows:
        return []
    grades: list[tuple[LtiGrade, float]] = []
    for row in rows:
        grade = current_grade(row.user, row.link.quiz)
        if grade is not None:
            grades.append((row, grade))
    if not grades:
        return []
    begin_write()
    # The unsent grades of these (link, student) pairs, read at once (a regrade queues a class).
    unsent = {
        (older.link_id, older.user_id): older
        for older in db.session.scalars(
            select(LtiOutbox).where(
                LtiOutbox.link_id.in_({row.link_id for row, _ in grades}),
                LtiOutbox.user_id.in_({row.user_id for row, _ in grades}),
            )
        )
    }
    queued: list[LtiOutbox] = []
    for row, grade in grades:
        # A newer grade replaces an unsent older one as a new row (a new id): a delivery of
        # the old one that is under way then deletes nothing when it ends.
        older = unsent.get((row.link_id, row.user_id))
        tries, error = (older.tries, older.error) if older is not None else (0, None)
        if older is not None:
            db.session.execute(delete(LtiOutbox).where(LtiOutbox.id == older.id))
        waiting = LtiOutbox(
            link_id=row.link_id,
            user_id=row.user_id,
            score=grade,
            graded_at=now_utc(),
            tries=tries,
            error=error,
        )
        db.session.add(waiting)
        queued.append(waiting)
    db.session.commit()
    return [row.id for row in queued]


def queue_missed() -> int:
    """Write to the outbox every grade that differs from what its LMS last received and is
    not waiting there: the grade change was stored but its outbox row never written (a worker
    stopped between the two commits). ``flask lti send-grades`` runs it first; returns how
    many it found."""
    missed = list(
        db.session.scalars(
            select(LtiGrade)
            .outerjoin(
                LtiOutbox,
                (LtiOutbox.link_id == LtiGrade.link_id) & (LtiOutbox.user_id == LtiGrade.user_id),
            )
            .options(
                joinedload(LtiGrade.link).joinedload(LtiResourceLink.quiz),
                joinedload(LtiGrade.user),
            )
            .where(LtiOutbox.id.is_(None))
            .order_by(LtiGrade.id)
        ).unique()
    )
    found: list[tuple[LtiGrade, float]] = []
    for row in missed:
        grade = current_grade(row.user, row.link.quiz)
        if grade is not None and (row.sent_grade is None or abs(grade - row.sent_grade) > 1e-9):
            found.append((row, grade))
    if found:
        begin_write()
        for row, grade in found:
            db.session.add(
                LtiOutbox(link_id=row.link_id, user_id=row.user_id, score=grade, tries=0)
            )
        db.session.commit()
    return len(found)


def deliver(rows: Collection[LtiOutbox]) -> tuple[int, int]:
    """Send each waiting grade; returns (sent, failed). Each outcome is committed on its own,
    so one unreachable platform does not hold the others back."""
    sent = failed = 0
    if not rows:
        return sent, failed
    from quizapp.lti.connection import FAILURES, describe

    for row in rows:
        row_id, score, graded_at = row.id, row.score, row.graded_at
        record = db.session.scalar(
            select(LtiGrade).where(LtiGrade.link_id == row.link_id, LtiGrade.user_id == row.user_id)
        )
        if score is None and record is not None:
            score = current_grade(record.user, row.link.quiz)
        if record is None or score is None:
            continue
        try:
            _send(row.link, record.subject, score, graded_at)
        except FAILURES as error:
            message = describe(error)
            log.warning(
                "LTI grade for user %s, link %s not delivered: %s",
                row.user_id,
                row.link_id,
                message,
            )
            begin_write()
            stored = db.session.get(LtiOutbox, row_id)
            if stored is not None:
                stored.tries, stored.tried_at, stored.error = stored.tries + 1, now_utc(), message
            db.session.commit()
            failed += 1
            continue
        begin_write()
        # A newer grade that replaced this row meanwhile has another id: it stays, to go next.
        db.session.execute(delete(LtiOutbox).where(LtiOutbox.id == row_id))
        stored_record = db.session.get(LtiGrade, record.id)
        if stored_record is not None:
            stored_record.sent_grade, stored_record.sent_at = score, now_utc()
        db.session.commit()
        sent += 1
    return sent, failed


def _waiting_query() -> Select[tuple[LtiOutbox]]:
    return (
        select(LtiOutbox)
        .options(
            joinedload(LtiOutbox.link).joinedload(LtiResourceLink.platform),
            joinedload(LtiOutbox.link).joinedload(LtiResourceLink.quiz),
            joinedload(LtiOutbox.user),
        )
        .order_by(LtiOutbox.id)
    )


def waiting(ids: Collection[int] | None = None) -> list[LtiOutbox]:
    """The grades waiting for the LMS (those of ``ids`` only, when given)."""
    query = _waiting_query()
    if ids is not None:
        query = query.where(LtiOutbox.id.in_(list(ids)))
    return list(db.session.scalars(query).unique())


def waiting_count() -> int:
    return db.session.scalar(select(func.count()).select_from(LtiOutbox)) or 0


def _send_after_response(app: Flask, ids: list[int]) -> None:
    """Runs when the response has been sent (WSGI ``close``): no request, no one waiting."""
    with app.app_context():
        try:
            deliver(waiting(ids))
        except Exception:  # the grades are in the outbox: no fault here may lose them
            db.session.rollback()
            log.exception("LTI grades %s not sent; they wait in the outbox", ids)


def send_soon(ids: list[int]) -> None:
    """Send these outbox rows after this request's response (at once outside a request,
    e.g. a regrade from the command line)."""
    if not has_request_context():
        deliver(waiting(ids))
        return
    if "lti_outbox_ids" not in g:
        g.lti_outbox_ids = []
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        @after_this_request
        def _later(response: Response) -> Response:
            response.call_on_close(partial(_send_after_response, app, list(g.lti_outbox_ids)))
            return response

    g.lti_outbox_ids.extend(i for i in ids if i not in g.lti_outbox_ids)


_LINKED = select(LtiResourceLink.id).where(LtiResourceLink.quiz_id == bindparam("quiz_id")).limit(1)
"""Whether an LMS links to the quiz: most quizzes have no link, and every submit asks."""


@grades_changed.connect
def _on_grades_changed(
    _sender: object, quiz_id: int, user_ids: Collection[int] | None, linked: bool | None = None
) -> None:
    if not current_app.config.get("LTI_SEND_GRADES", True) or linked is False:
        return
    try:
        # Without a link there is no grade to queue and none waiting: one small statement
        # instead of the two joins below (a sixth of a submit's CPU went to them), asked only
        # when the sender did not know (a submit reads it with the attempt: ``linked``).
        if linked is None and db.session.scalar(_LINKED, {"quiz_id": quiz_id}) is None:
            return
        ids = queue(quiz_id, user_ids)
        # Grades of the quiz still waiting from an earlier failure go along.
        earlier = db.session.scalars(
            select(LtiOutbox.id)
            .join(LtiResourceLink, LtiResourceLink.id == LtiOutbox.link_id)
            .where(LtiResourceLink.quiz_id == quiz_id, LtiOutbox.id.not_in(ids))
        ).all()
    except Exception:  # the grade change is stored: no fault here may turn it into an error page
        db.session.rollback()
        log.exception("LTI grades of quiz %s not queued for the LMS", quiz_id)
        return
    if ids or earlier:
        send_soon([*ids, *earlier])


def pending_of_class(class_id: int) -> list[LtiOutbox]:
    """The grades of a course's links that the LMS has not received yet."""
    from quizapp.models import LtiContext

    return list(
        db.session.scalars(
            _waiting_query()
            .join(LtiResourceLink, LtiResourceLink.id == LtiOutbox.link_id)
            .join(LtiContext, LtiContext.id == LtiResourceLink.context_id)
            .where(LtiContext.class_id == class_id)
        ).unique()
    )
