"""Security headers on every response, set by one after-request hook.

Why a hook of our own rather than Flask-Talisman: the policy is a handful of fixed headers, and
Talisman's defaults (forcing HTTPS with a redirect, session-cookie rewriting) would have to be
switched off one by one; here every header is visible in one place.

- ``Content-Security-Policy``: scripts, styles, images and forms from this site only, nothing
  inline (timer and autosave: ``static/attempt.js``; the charts' CSS: ``static/charts.css``),
  no plugins, no framing. ``data:`` images stay allowed for the icons inside Pico CSS.
- ``X-Frame-Options: DENY`` says the same as ``frame-ancestors 'none'`` to older browsers.
- ``Cache-Control: no-store`` on every response the app builds (static files keep their own
  caching): pages differ by who is logged in and carry CSRF tokens, so no shared or back-button
  cache should keep them.
- ``Strict-Transport-Security`` only on a request that came over HTTPS (``request.is_secure``,
  which behind a proxy needs the proxy's ``X-Forwarded-Proto`` trusted), as the RFC requires.

The ``Server`` header is left to the WSGI server: gunicorn sends a bare ``gunicorn``, and a
second ``Server`` header from the app would not replace it but be sent beside it.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

HSTS_MAX_AGE = 365 * 24 * 3600
"""One year, the usual minimum for HSTS preload lists."""


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
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
