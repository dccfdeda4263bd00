"""The tool's own RSA keys: generated, rotated, published at ``/lti/jwks``.

The newest key that is not retired signs (service tokens, deep-linking responses). Rotating
makes a new signing key and retires the old one, which stays published until it is removed,
so a platform that cached the old set, or holds a message it signed, still verifies it.
cryptography and pylti1p3 are imported by the functions that make or publish a key (see
``quizapp.lti.connection``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from quizapp.database import WRITE_OPTION, begin_write
from quizapp.extensions import db
from quizapp.models import LtiKey, now_utc

KEY_BITS = 2048


class LtiKeyError(ValueError):
    """A key operation that cannot be done; the message says why."""


def _new_pair() -> tuple[str, str]:
    # cryptography (about 9 MB of a worker) is imported when a key is made, not at start-up.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


def public_jwk(public_pem: str) -> dict[str, Any]:
    """A public key as a JWK, its ``kid`` the RFC 7638 thumbprint: the same kid pylti1p3
    puts in the header of what it signs, so platforms find the key by it."""
    from pylti1p3.registration import Registration

    return dict(Registration.get_jwk(public_pem))


def _add_key() -> LtiKey:
    private_pem, public_pem = _new_pair()
    key = LtiKey(kid=public_jwk(public_pem)["kid"], private_pem=private_pem, public_pem=public_pem)
    db.session.add(key)
    return key


@dataclass(frozen=True)
class ToolKey:
    """A key pair as signing needs it (plain values, not a row of the request's session)."""

    kid: str
    private_pem: str
    public_pem: str


def _first_key() -> ToolKey:
    """Make the first key in a session of its own: a GET (``/lti/jwks``) must not commit the
    request's session, which would expire what the request has loaded (its user)."""
    with Session(db.engine) as own:
        own.connection(execution_options={WRITE_OPTION: True})
        key = own.scalar(_signing_query())
        if key is None:
            private_pem, public_pem = _new_pair()
            key = LtiKey(
                kid=public_jwk(public_pem)["kid"], private_pem=private_pem, public_pem=public_pem
            )
            own.add(key)
            own.commit()
        return ToolKey(key.kid, key.private_pem, key.public_pem)


def _signing_query() -> Select[tuple[LtiKey]]:
    return select(LtiKey).where(LtiKey.retired_at.is_(None)).order_by(LtiKey.id.desc()).limit(1)


def signing_key() -> ToolKey:
    """The key that signs now; the first is made when first needed."""
    key = db.session.scalar(_signing_query())
    if key is None:
        return _first_key()
    return ToolKey(key.kid, key.private_pem, key.public_pem)


def rotate() -> LtiKey:
    """A new signing key; the keys before it are retired but still published."""
    begin_write()
    db.session.execute(
        update(LtiKey).where(LtiKey.retired_at.is_(None)).values(retired_at=now_utc())
    )
    key = _add_key()
    db.session.commit()
    return key


def remove_retired(kid: str | None = None) -> int:
    """Stop publishing retired keys (one by ``kid``, or all); returns how many. The signing
    key cannot be removed: rotate first."""
    begin_write()
    query = delete(LtiKey).where(LtiKey.retired_at.is_not(None))
    if kid is not None:
        current = db.session.scalar(select(LtiKey.retired_at).where(LtiKey.kid == kid))
        exists = db.session.scalar(select(LtiKey.id).where(LtiKey.kid == kid))
        if exists is None:
            db.session.rollback()
            raise LtiKeyError(_("No key has the id %(kid)s.", kid=kid))
        if current is None:
            db.session.rollback()
            raise LtiKeyError(
                _("Key %(kid)s is the signing key: rotate first, then remove it.", kid=kid)
            )
        query = query.where(LtiKey.kid == kid)
    removed = db.session.execute(query).rowcount
    db.session.commit()
    return removed


def published_keys() -> list[LtiKey]:
    return list(db.session.scalars(select(LtiKey).order_by(LtiKey.id)))


def jwks() -> dict[str, list[dict[str, Any]]]:
    """Every published public key (the signing one and the retired ones)."""
    published = [key.public_pem for key in published_keys()]
    if not published:
        published = [_first_key().public_pem]
    return {"keys": [public_jwk(pem) for pem in published]}
