"""What a verified launch does in Quizapp: link the account, make the course a class with
the user in it, and, for a quiz link, remember the link (and its line item) and assign the
quiz to the class. No request objects: the view passes the verified claims in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.lti.people import Person, course_class, enrol, linked_user
from quizapp.lti.platforms import find_platform
from quizapp.models import (
    Assignment,
    LtiContext,
    LtiGrade,
    LtiPlatform,
    LtiResourceLink,
    Quiz,
    User,
)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
CONTEXT_CLAIM = CLAIM + "context"
RESOURCE_LINK_CLAIM = CLAIM + "resource_link"
CUSTOM_CLAIM = CLAIM + "custom"
ROLES_CLAIM = CLAIM + "roles"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
QUIZ_PARAMETER = "quizapp_quiz"
"""The custom parameter of a deep link that names its quiz (by id)."""


class LaunchRefused(Exception):
    """A verified launch Quizapp cannot serve; the message (in the page's language) says what
    to do. ``status`` is the page's HTTP status: 403 when the person may not come in, else 400
    (decided here, not by reading the message, which is translated)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Launched:
    user: User
    teaches: bool
    context: LtiContext | None
    quiz: Quiz | None


def _client_id(claims: dict[str, Any]) -> str:
    aud = claims.get("aud")
    return str(aud[0] if isinstance(aud, list) else aud)


def platform_of(claims: dict[str, Any]) -> LtiPlatform:
    platform = find_platform(str(claims.get("iss", "")), _client_id(claims))
    if platform is None:
        raise LaunchRefused(_("This LMS is no longer registered with Quizapp."))
    return platform


def person_of(claims: dict[str, Any]) -> Person:
    subject = claims.get("sub")
    if not subject:
        raise LaunchRefused(
            _(
                "The LMS sent this launch without a user (an anonymous launch): Quizapp needs to "
                "know who takes the quiz. Ask the LMS's administrator to share the user's id."
            )
        )
    name = str(claims.get("name") or claims.get("given_name") or "")
    roles = tuple(str(r) for r in claims.get(ROLES_CLAIM) or ())
    return Person(subject=str(subject)[:255], roles=roles, name=name)


def _context(platform: LtiPlatform, claims: dict[str, Any]) -> LtiContext | None:
    context = claims.get(CONTEXT_CLAIM) or {}
    if not context.get("id"):
        return None
    nrps = claims.get(NRPS_CLAIM) or {}
    return course_class(
        platform,
        str(context["id"])[:255],
        str(context.get("title") or context.get("label") or ""),
        nrps.get("context_memberships_url"),
    )


def _quiz_of(claims: dict[str, Any], platform: LtiPlatform) -> tuple[Quiz | None, str | None]:
    link = claims.get(RESOURCE_LINK_CLAIM) or {}
    link_id = str(link.get("id") or "")[:255] or None
    custom = claims.get(CUSTOM_CLAIM) or {}
    wanted = str(custom.get(QUIZ_PARAMETER, "")).strip()
    quiz = None
    if wanted.isdigit():
        quiz = db.session.get(Quiz, int(wanted))
    elif link_id:
        known = db.session.scalar(
            select(LtiResourceLink).where(
                LtiResourceLink.platform_id == platform.id,
                LtiResourceLink.resource_link_id == link_id,
            )
        )
        quiz = known.quiz if known is not None else None
    if quiz is None or quiz.retired:
        raise LaunchRefused(
            _(
                "This LMS link names no quiz of this site (it was removed, or the link was not "
                "made with Quizapp's quiz picker). Ask your teacher to add the quiz to the course "
                "again."
            )
        )
    return quiz, link_id


def _remember_link(
    platform: LtiPlatform,
    link_id: str,
    context: LtiContext | None,
    quiz: Quiz,
    ags: dict[str, Any] | None,
) -> LtiResourceLink:
    for _attempt in range(2):
        begin_write()
        link = db.session.scalar(
            select(LtiResourceLink).where(
                LtiResourceLink.platform_id == platform.id,
                LtiResourceLink.resource_link_id == link_id,
            )
        )
        if link is None:
            link = LtiResourceLink(platform_id=platform.id, resource_link_id=link_id)
        link.quiz_id = quiz.id
        link.context_id = context.id if context else None
        if ags:
            link.ags_endpoint = ags
        db.session.add(link)
        try:
            db.session.commit()
        except IntegrityError:  # the link's first two launches at once
            db.session.rollback()
            continue
        return link
    raise LaunchRefused(_("Two launches of this link crossed; open it again."))


def _assign(class_id: int, quiz: Quiz) -> None:
    """The course's class gets the quiz, with the bank's settings, once."""
    from quizapp.classes.service import defaults_for

    begin_write()
    exists = db.session.scalar(
        select(Assignment.id).where(Assignment.class_id == class_id, Assignment.quiz_id == quiz.id)
    )
    if exists is None:
        db.session.add(
            Assignment(class_id=class_id, quiz_id=quiz.id, **defaults_for(quiz).__dict__)
        )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def _grade_row(link: LtiResourceLink, user: User, subject: str) -> None:
    begin_write()
    row = db.session.scalar(
        select(LtiGrade).where(LtiGrade.link_id == link.id, LtiGrade.user_id == user.id)
    )
    if row is None:
        db.session.add(LtiGrade(link_id=link.id, user_id=user.id, subject=subject))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def arrive(claims: dict[str, Any], *, resource: bool) -> Launched:
    """Everything a verified launch changes (each step its own short transaction, each
    idempotent: a launch repeated or interrupted leaves nothing half made)."""
    platform = platform_of(claims)
    person = person_of(claims)
    user = linked_user(platform, person)
    if not user.is_active:
        raise LaunchRefused(
            _("Your Quizapp account is disabled. Ask the site's administrator to enable it."),
            status=403,
        )
    context = _context(platform, claims)
    if context is not None:
        enrol(context.class_id, user, person.teaches)
    quiz = None
    if resource:
        quiz, link_id = _quiz_of(claims, platform)
        assert quiz is not None
        if context is not None:
            _assign(context.class_id, quiz)
        if link_id:
            link = _remember_link(platform, link_id, context, quiz, claims.get(AGS_CLAIM))
            if not person.teaches and claims.get(AGS_CLAIM):
                _grade_row(link, user, person.subject)
    return Launched(user=user, teaches=person.teaches, context=context, quiz=quiz)
