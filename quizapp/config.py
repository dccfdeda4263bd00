"""Configuration, layered: these defaults, then ``instance/config.py``, then ``QUIZAPP_*``
environment variables (and ``DATABASE_URL``), then the test mapping."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_DATABASE_URI": "sqlite:///quizapp.sqlite",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "QUESTIONS_DIR": "questions",
    "MAX_BANK_BYTES": 1_000_000,
    "ALLOW_REGISTRATION": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "TRUSTED_PROXIES": 0,
    "SESSION_IDLE_MINUTES": 240,
    "REMEMBER_DAYS": 30,
    "LOGIN_MAX_FAILURES_PER_USERNAME": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_FAILURE_WINDOW_SECONDS": 60,
    "WTF_CSRF_TIME_LIMIT": None,
    # Werkzeug's password hashing: scrypt with its default cost (2^15, 8, 1), about 0.1 s and
    # 32 MB a hash. A site on weak hardware may lower it ("scrypt:16384:8:1"); the test suite
    # does, since it creates hundreds of accounts. Stored hashes name their own method, so a
    # change applies to new passwords and every old one still checks.
    "PASSWORD_HASH_METHOD": "scrypt",
    # Students see quizzes assigned to none of their classes too (a self-study site).
    "OPEN_QUIZZES": False,
    # Seconds a write waits for another writer's lock before the request gives up with a 503.
    "DATABASE_BUSY_TIMEOUT": 15.0,
    # SQLite only: PRAGMA synchronous in WAL mode ("FULL": every commit waits for the disk;
    # "NORMAL": a power cut may lose the last commits, never corrupts). See the README.
    "SQLITE_SYNCHRONOUS": "FULL",
    # SQLite only: the app's writers queue at a turnstile instead of in SQLite's sleeping busy
    # handler (quizapp/write_turnstile.py); False leaves it to SQLite, as before (measurements).
    "SQLITE_WRITE_TURNSTILE": True,
    # Outgoing mail, for "Forgot your password?" (quizapp/mail.py); no MAIL_SERVER, no mail.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": None,
    # The site's public address (https://quiz.school.example): mailed links start with it.
    "SITE_URL": None,
    # JSON API (quizapp/api): requests per token per minute; beyond it, a 429 with Retry-After.
    "API_REQUESTS_PER_MINUTE": 120,
}

ENV_PREFIX = "QUIZAPP"


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX, loads=_loads_or_text)  # reads QUIZAPP_*
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _sqlalchemy_url(os.environ["DATABASE_URL"])
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def _loads_or_text(value: str) -> Any:
    """``QUIZAPP_X=5`` is the number 5, ``QUIZAPP_X=abc`` is the text 'abc'."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def _sqlalchemy_url(url: str) -> str:
    """Hosting platforms hand out ``postgres://`` URLs; SQLAlchemy wants its driver named."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_secret_key(instance: Path) -> str:
    """The site's own secret key, generated into ``instance/secret_key`` on first start.

    Written to a temporary file and hard-linked into place, so two processes starting at once
    agree on one complete key.
    """
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        draft = instance / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
