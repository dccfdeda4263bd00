"""Sending one e-mail through the site's SMTP server (the standard library's smtplib).

Configured by ``MAIL_SERVER`` (none: the site sends no mail, and nothing offers to),
``MAIL_PORT``, ``MAIL_USE_TLS`` (STARTTLS), ``MAIL_USERNAME``, ``MAIL_PASSWORD`` and
``MAIL_DEFAULT_SENDER``. No Flask request here: callers pass the config.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

TIMEOUT_SECONDS = 10
"""A mail server that does not answer must not hold a worker for long."""


def mail_configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("MAIL_SERVER"))


def send_mail(config: Mapping[str, Any], to: str, subject: str, body: str) -> None:
    """Send a plain-text message; raises ``OSError``/``smtplib.SMTPException`` on failure."""
    message = EmailMessage()
    sender = config.get("MAIL_DEFAULT_SENDER") or f"quizapp@{config['MAIL_SERVER']}"
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    port = int(config.get("MAIL_PORT") or 25)
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=TIMEOUT_SECONDS) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
