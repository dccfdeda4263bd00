"""Security headers on every response, set by one after-request hook.

Why a hook of our own rather than Flask-Talisman: the policy is a handful of fixed headers, and
Talisman's defaults (forcing HTTPS with a redirect, session-cookie rewriting) would have to be
switched off one by one; here every header is visible in one place.

- ``Content-Security-Policy``: scripts, styles, images and forms from this site only, nothing
  inline (timer and autosave: ``static/attempt.js``; the charts' CSS: ``static/charts.css``),
  no plugins, no framing. ``data:`` images stay allowed for the icons inside Pico CSS.
  A view may widen two directives for its own response: ``allow_form_action`` (the deep-linking
  page posts back to the LMS) and ``allow_framing_by`` (the LTI tool framed by the LMS that
  launched the session, see ``quizapp.lti.framing``).
- ``X-Frame-Options: DENY`` says the same as ``frame-ancestors 'none'`` to older browsers
  (left out when a response may be framed by named origins).
- ``Cache-Control: no-store`` on every response the app builds (static files keep their own
  caching): pages differ by who is logged in and carry CSRF tokens, so no shared or back-button
  cache should keep them.
- ``Strict-Transport-Security`` only on a request that came over HTTPS (``request.is_secure``,
  which behind a proxy needs the proxy's ``X-Forwarded-Proto`` trusted), as the RFC requires.

The ``Server`` header is left to the WSGI server: gunicorn sends a bare ``gunicorn``, and a
second ``Server`` header from the app would not replace it but be sent beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, g, request


def content_security_policy(
    form_action: Iterable[str] = (), frame_ancestors: Iterable[str] = ()
) -> str:
    """The policy; ``form_action`` adds origins a form may post to, ``frame_ancestors`` the
    origins that may frame the page (none: no framing at all)."""
    ancestors = " ".join(sorted(set(frame_ancestors))) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            " ".join(["form-action 'self'", *sorted(set(form_action))]),
            f"frame-ancestors {ancestors}",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

HSTS_MAX_AGE = 365 * 24 * 3600
"""One year, the usual minimum for HSTS preload lists."""


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, as CSP names a source; None for others."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}".lower()


def allow_form_action(url: str) -> None:
    """Let this response's forms post to ``url``'s origin (a deep link back to the LMS)."""
    origin = origin_of(url)
    if origin:
        g.setdefault("csp_form_action", set()).add(origin)


def allow_framing_by(urls: Iterable[str]) -> None:
    """Let the origins of ``urls`` frame this response (an LMS that launched the session)."""
    origins = {origin for origin in map(origin_of, urls) if origin}
    g.setdefault("csp_frame_ancestors", set()).update(origins)


def add_security_headers(response: Response) -> Response:
    form_action = g.get("csp_form_action", set())
    frame_ancestors = g.get("csp_frame_ancestors", set())
    headers = dict(HEADERS)
    if form_action or frame_ancestors:
        headers["Content-Security-Policy"] = content_security_policy(form_action, frame_ancestors)
    if frame_ancestors:
        # X-Frame-Options cannot name origins (ALLOW-FROM is obsolete and ignored); browsers
        # that know CSP follow frame-ancestors and ignore it anyway, so it is left out rather
        # than contradict the policy.
        del headers["X-Frame-Options"]
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}; includeSubDomains"
        )
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
