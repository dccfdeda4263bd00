"""Errors of the JSON API as RFC 9457 problem details (``application/problem+json``).

Every refusal under ``/api/`` answers with ``type``, ``title``, ``status`` and ``detail``:
the views raise ``ApiProblem`` (or ``abort``), and the app's error handlers
(``quizapp.errors.render_error``) hand API paths here, the 503 of a database fault included,
so a script never has to read an HTML page.
"""

from __future__ import annotations

from typing import Any

from flask import Response, json

MEDIA_TYPE = "application/problem+json"
PATH_PREFIX = "/api/"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class ApiProblem(Exception):
    """A refusal to answer as a problem document; ``extra`` adds members (RFC 9457 §3.2)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def is_api_path(path: str) -> bool:
    return path.startswith(PATH_PREFIX)


def problem_response(
    status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    """The problem document for ``status``. ``type`` is ``about:blank`` (RFC 9457 §4.2.1):
    the status code says what kind of problem it is, ``detail`` says what to do."""
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_problem(problem: ApiProblem) -> Response:
    return problem_response(problem.status, problem.detail, problem.headers, **problem.extra)
