"""Assignment and Grade Services: a student's grade for a quiz launched from an LMS goes to
the link's line item as a score ("Completed", "FullyGraded"), whenever it changes.

The grade is the quiz's grade by its grading method (``attempts.quiz_grade``, the
gradebook's function), in percent out of 100. It is sent after the change is committed, so a
platform that cannot be reached loses nothing: the row stays ``pending`` with the error
(teachers see it on the course page), and the next grade change of the quiz sends it again,
as does the teacher's "Send grades again" button.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

import requests
from flask import current_app
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from quizapp.attempts import attempts_of, quiz_grade
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.grade_events import grades_changed
from quizapp.lti.platforms import registration_of
from quizapp.models import LtiGrade, LtiResourceLink, Quiz, User, now_utc
from quizapp.questions import quiz_settings

log = logging.getLogger(__name__)

SCORE_MAXIMUM = 100.0
TIMEOUT = 10.0
"""Seconds to wait for the platform: a grade waits (pending), a student's page must not."""


class TimeoutSession(requests.Session):
    """pylti1p3 calls the platform with no timeout; a hung LMS would hang the submit."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def _iso(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def current_grade(user: User, quiz: Quiz) -> float | None:
    """The student's grade for the quiz in percent by its grading method, or None."""
    return quiz_grade(attempts_of(user, quiz), quiz_settings(quiz).grading)


def _send(row: LtiGrade, grade: float) -> None:
    link = row.link
    endpoint = dict(link.ags_endpoint or {})
    registration = registration_of(link.platform)
    score = (
        Grade()
        .set_score_given(round(grade, 2))
        .set_score_maximum(SCORE_MAXIMUM)
        .set_timestamp(_iso(now_utc()))
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(row.subject)
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


def describe(error: Exception) -> str:
    if isinstance(error, LtiServiceException):
        return str(error)[:500]
    if isinstance(error, requests.RequestException):
        return f"The LMS could not be reached: {error}"[:500]
    return f"{type(error).__name__}: {error}"[:500]


def deliver(rows: Collection[LtiGrade]) -> tuple[int, int]:
    """Send each row's current grade; returns (sent, failed). Each outcome is committed on
    its own, so one unreachable platform does not hold the others back."""
    sent = failed = 0
    for row in rows:
        user = db.session.get(User, row.user_id)
        if user is None:
            continue
        grade = current_grade(user, row.link.quiz)
        if grade is None:
            continue
        row_id = row.id
        try:
            _send(row, grade)
        except (LtiException, requests.RequestException, ValueError, KeyError) as error:
            message = describe(error)
            log.warning(
                "LTI grade for user %s, link %s not delivered: %s",
                row.user_id,
                row.link_id,
                message,
            )
            begin_write()
            stored = db.session.get(LtiGrade, row_id)
            if stored is not None:
                stored.pending, stored.error = True, message
            db.session.commit()
            failed += 1
            continue
        begin_write()
        stored = db.session.get(LtiGrade, row_id)
        if stored is not None:
            stored.sent_grade, stored.sent_at = grade, now_utc()
            stored.pending, stored.error = False, None
        db.session.commit()
        sent += 1
    return sent, failed


def rows_for(quiz_id: int, user_ids: Collection[int] | None) -> list[LtiGrade]:
    """The grade rows of a quiz to send: the students named (all when None), and every row
    of the quiz still pending from an earlier failure."""
    query = (
        select(LtiGrade)
        .join(LtiResourceLink, LtiResourceLink.id == LtiGrade.link_id)
        .options(joinedload(LtiGrade.link).joinedload(LtiResourceLink.platform))
        .where(LtiResourceLink.quiz_id == quiz_id)
        .order_by(LtiGrade.id)
    )
    if user_ids is not None:
        query = query.where(or_(LtiGrade.user_id.in_(list(user_ids)), LtiGrade.pending.is_(True)))
    return list(db.session.scalars(query).unique())


@grades_changed.connect
def _on_grades_changed(_sender: object, quiz_id: int, user_ids: Collection[int] | None) -> None:
    if not current_app.config.get("LTI_SEND_GRADES", True):
        return
    try:
        rows = rows_for(quiz_id, user_ids)
        if rows:
            deliver(rows)
    except Exception:  # the grade change is stored: no fault here may turn it into an error page
        db.session.rollback()
        log.exception("LTI grades of quiz %s not sent; they go with the next change", quiz_id)


def pending_of_class(class_id: int) -> list[LtiGrade]:
    """The grades of a course's links that the LMS has not received yet."""
    from quizapp.models import LtiContext

    return list(
        db.session.scalars(
            select(LtiGrade)
            .join(LtiResourceLink, LtiResourceLink.id == LtiGrade.link_id)
            .join(LtiContext, LtiContext.id == LtiResourceLink.context_id)
            .options(joinedload(LtiGrade.link).joinedload(LtiResourceLink.platform))
            .where(LtiContext.class_id == class_id, LtiGrade.pending.is_(True))
            .order_by(LtiGrade.id)
        ).unique()
    )
