"""Checked uploads: a bank file kept on the server between its check and the teacher's confirm.

The confirm page used to carry the whole bank back in a hidden field (twice, URL-encoded), so a
bank well under the size limit came back over the request limit (413). Now the checked bytes
stay in the database, and the confirm form names them by their SHA-256 only; a lookup is
always scoped to the teacher who uploaded them, so a hash copied from another teacher's page
finds nothing. Uploads expire after ``UPLOAD_LIFETIME``; expired ones are removed whenever a
new one is kept.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import delete, select

from quizapp import database
from quizapp.extensions import db
from quizapp.models import CheckedUpload, now_utc

UPLOAD_LIFETIME = timedelta(hours=2)
"""How long a checked upload waits for its confirm (a teacher reading a long diff)."""

_HASH = re.compile(r"[0-9a-f]{64}")


def upload_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep(user_id: int, filename: str, data: bytes) -> str:
    """Keep a checked bank for ``user_id`` (one transaction) and return its reference."""
    digest = upload_hash(data)
    database.begin_write()
    db.session.execute(
        delete(CheckedUpload).where(CheckedUpload.created_at < now_utc() - UPLOAD_LIFETIME)
    )
    db.session.execute(
        delete(CheckedUpload).where(
            CheckedUpload.user_id == user_id, CheckedUpload.sha256 == digest
        )
    )
    db.session.add(
        CheckedUpload(user_id=user_id, sha256=digest, filename=filename[:200], content=data)
    )
    db.session.commit()
    return digest


def find(user_id: int, reference: str) -> CheckedUpload | None:
    """The upload ``user_id`` kept under ``reference``, if it has not expired."""
    if not _HASH.fullmatch(reference):
        return None
    return db.session.scalar(
        select(CheckedUpload).where(
            CheckedUpload.user_id == user_id,
            CheckedUpload.sha256 == reference,
            CheckedUpload.created_at >= now_utc() - UPLOAD_LIFETIME,
        )
    )


def forget(user_id: int, reference: str) -> None:
    """Remove an upload once imported (one transaction)."""
    database.begin_write()
    db.session.execute(
        delete(CheckedUpload).where(
            CheckedUpload.user_id == user_id, CheckedUpload.sha256 == reference
        )
    )
    db.session.commit()
