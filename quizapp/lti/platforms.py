"""Registered platforms (LMSs) and their deployments, and each as the registration pylti1p3
needs (its tool configuration, read from them, is ``quizapp.lti.tool_conf``).

A platform is one registration: the issuer and the client id it gave Quizapp. An issuer may
register Quizapp more than once (a test and a live site), so registrations are found by both.
Every request may read the platforms (``framing``), so pylti1p3 is imported only by
``registration_of``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.i18n import N_
from quizapp.lti import keys
from quizapp.models import LtiDeployment, LtiPlatform

if TYPE_CHECKING:
    from pylti1p3.registration import Registration


class PlatformError(ValueError):
    """Registration details that cannot be used; the message names the field. Nothing was
    changed."""


@dataclass(frozen=True)
class PlatformDetails:
    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: tuple[str, ...]


def deployment_ids_in(text: str) -> tuple[str, ...]:
    """Deployment ids as pasted: one a line, or separated by commas or spaces."""
    return tuple(dict.fromkeys(part for part in re.split(r"[\s,]+", text) if part))


def _url(value: str, label: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise PlatformError(
            _(
                "%(label)s: give a full URL starting with https:// (got %(value)s).",
                label=_(label),
                value=repr(value),
            )
        )
    if len(value) > 500:
        raise PlatformError(_("%(label)s: at most 500 characters.", label=_(label)))
    return value


def _text(value: str, label: str, limit: int = 255) -> str:
    value = value.strip()
    if not value:
        raise PlatformError(_("%(label)s: required.", label=_(label)))
    if len(value) > limit:
        raise PlatformError(
            _("%(label)s: at most %(limit)s characters.", label=_(label), limit=limit)
        )
    return value


def checked(details: PlatformDetails) -> PlatformDetails:
    """The details with every field checked, or ``PlatformError`` naming the first bad one."""
    if not details.deployment_ids:
        raise PlatformError(_("Deployment ids: give at least one (the LMS shows it)."))
    return PlatformDetails(
        name=_text(details.name or details.issuer, N_("Name"), 120),
        issuer=_text(details.issuer, N_("Issuer")),
        client_id=_text(details.client_id, N_("Client id")),
        auth_login_url=_url(details.auth_login_url, N_("Authentication request URL")),
        auth_token_url=_url(details.auth_token_url, N_("Access token URL")),
        key_set_url=_url(details.key_set_url, N_("Key set URL")),
        deployment_ids=tuple(_text(d, N_("Deployment id")) for d in details.deployment_ids),
    )


def add_platform(details: PlatformDetails) -> LtiPlatform:
    """Register a platform with its deployments (one transaction)."""
    details = checked(details)
    begin_write()
    exists = db.session.scalar(
        select(LtiPlatform.id).where(
            LtiPlatform.issuer == details.issuer, LtiPlatform.client_id == details.client_id
        )
    )
    if exists is not None:
        db.session.rollback()
        raise PlatformError(
            _(
                "Issuer %(issuer)s with client id %(client_id)s is registered already.",
                issuer=details.issuer,
                client_id=details.client_id,
            )
        )
    platform = LtiPlatform(
        name=details.name,
        issuer=details.issuer,
        client_id=details.client_id,
        auth_login_url=details.auth_login_url,
        auth_token_url=details.auth_token_url,
        key_set_url=details.key_set_url,
    )
    platform.deployments = [LtiDeployment(deployment_id=d) for d in details.deployment_ids]
    db.session.add(platform)
    try:
        db.session.commit()
    except IntegrityError as error:  # registered by another request at the same moment
        db.session.rollback()
        raise PlatformError(
            _("Issuer %(issuer)s is registered already.", issuer=details.issuer)
        ) from error
    return platform


def add_deployments(platform_id: int, deployment_ids: Sequence[str]) -> int:
    """Add deployment ids to a platform (those it has are left alone); returns how many."""
    begin_write()
    have = set(
        db.session.scalars(
            select(LtiDeployment.deployment_id).where(LtiDeployment.platform_id == platform_id)
        )
    )
    new = [d for d in dict.fromkeys(deployment_ids) if d not in have]
    for deployment_id in new:
        db.session.add(
            LtiDeployment(platform_id=platform_id, deployment_id=_text(deployment_id, "Id"))
        )
    db.session.commit()
    return len(new)


def all_platforms() -> list[LtiPlatform]:
    return list(
        db.session.scalars(
            select(LtiPlatform)
            .options(selectinload(LtiPlatform.deployments))
            .order_by(LtiPlatform.name, LtiPlatform.id)
        )
    )


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The registration of ``issuer`` with ``client_id``; without a client id (a login may
    omit it), the issuer's only registration."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    found = list(db.session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


def registration_of(platform: LtiPlatform) -> Registration:
    """The platform as pylti1p3 needs it, with the tool's signing key."""
    from pylti1p3.registration import Registration

    key = keys.signing_key()
    return (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )
