"""Names and Role Provisioning Services: the roster of an LMS course, read from the
platform and made the class's (``people.sync_roster``). The protocol (pylti1p3, requests) is
imported when a roster is read, not with the LTI blueprint (see ``quizapp.lti.connection``)."""

from __future__ import annotations

from flask_babel import gettext as _

from quizapp.extensions import db
from quizapp.lti.people import Person, RosterChange, sync_roster
from quizapp.lti.platforms import registration_of
from quizapp.models import LtiContext, LtiPlatform


class RosterUnavailable(Exception):
    """The roster could not be read; the message says why (nothing was changed)."""


def members_of(platform: LtiPlatform, memberships_url: str) -> list[Person]:
    """The course's active members, every page of them."""
    from pylti1p3.names_roles import NamesRolesProvisioningService
    from pylti1p3.service_connector import ServiceConnector

    from quizapp.lti.connection import FAILURES, TimeoutSession, describe

    registration = registration_of(platform)
    try:
        with TimeoutSession() as session:
            service = NamesRolesProvisioningService(
                ServiceConnector(registration, session),
                {"context_memberships_url": memberships_url},  # type: ignore[typeddict-item]
            )
            members = service.get_members()
    except FAILURES as error:
        raise RosterUnavailable(describe(error)) from error
    return [
        Person(
            subject=str(member["user_id"])[:255],
            roles=tuple(str(r) for r in member.get("roles", ())),
            name=str(member.get("name") or member.get("given_name") or ""),
        )
        for member in members
        if member.get("user_id") and member.get("status", "Active") == "Active"
    ]


def refresh(context: LtiContext) -> RosterChange:
    """Read the course's roster from the LMS and make it the class's."""
    if not context.memberships_url:
        raise RosterUnavailable(
            _(
                "The LMS has not offered this course's roster (Names and Role Provisioning "
                "Services): turn the service on for the tool in the LMS, then launch again."
            )
        )
    platform = db.session.get(LtiPlatform, context.platform_id)
    assert platform is not None
    return sync_roster(platform, context, members_of(platform, context.memberships_url))
