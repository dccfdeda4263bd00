"""Friendly error pages (HTML, or JSON for clients that ask for it).

A database that cannot take a write (locked past the busy timeout, read-only, full, or down) is
a fault of ours for a moment, not a bug: the request rolls back and the student gets a 503 page
with ``Retry-After`` that says their answers were not saved and to try again.
"""

from __future__ import annotations

import sys

from flask import Flask, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from quizapp.extensions import db

TITLES = {
    400: _l("That request could not be understood"),
    403: _l("You cannot open this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    409: _l("That conflicts with what is already saved"),
    410: _l("That link no longer works"),
    413: _l("That file is too large"),
    500: _l("Something went wrong on our side"),
    503: _l("The quizzes are busy for a moment"),
}

RETRY_AFTER_SECONDS = 5

UNAVAILABLE_MESSAGE = _l(
    "The database could not save anything just now, so your last answers were not saved. "
    "Wait a few seconds, then go back and send them again."
)

READ_ONLY_SQLSTATE = "25006"
"""PostgreSQL's read_only_sql_transaction (a standby, or a database set read-only); psycopg
reports it as an InternalError, unlike the other faults of this kind."""

SQLITE_UNAVAILABLE = {
    5: "SQLITE_BUSY",
    6: "SQLITE_LOCKED",
    7: "SQLITE_NOMEM",
    8: "SQLITE_READONLY",
    10: "SQLITE_IOERR",
    13: "SQLITE_FULL",
    14: "SQLITE_CANTOPEN",
    15: "SQLITE_PROTOCOL",
}
"""SQLite's primary result codes for a database that cannot serve for now. pysqlite raises all
of them, and also a missing table or a bad statement (bugs), as ``OperationalError``."""


def _wants_json() -> bool:
    """Only a client that prefers JSON gets it: ``*/*``, or no Accept header, means HTML."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def database_unavailable(error: DBAPIError) -> bool:
    """Whether the database refused for a while (locked, read-only, full, unreachable) rather
    than the statement being wrong (a bug, which stays a 500)."""
    # Only a process that loaded sqlite3 can meet its errors (a PostgreSQL worker never does).
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(error.orig, sqlite3.Error):
        code = getattr(error.orig, "sqlite_errorcode", None)
        return code is not None and (code & 0xFF) in SQLITE_UNAVAILABLE
    if isinstance(error, OperationalError):  # PostgreSQL: connection, lock, resources, ...
        return True
    return getattr(error.orig, "sqlstate", None) == READ_ONLY_SQLSTATE


def render_error(
    code: int, message: str, headers: dict[str, str] | None = None
) -> ResponseReturnValue:
    from quizapp.api.problems import is_api_path, problem_response

    if is_api_path(request.path):  # the JSON API answers with problem details (RFC 9457)
        return problem_response(code, message, headers)
    if _wants_json():
        return jsonify(error=TITLES.get(code, _l("Error")), message=message), code, headers or {}
    return (
        render_template(
            "errors/error.html", code=code, title=TITLES.get(code, _l("Error")), message=message
        ),
        code,
        headers or {},
    )


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return render_error(
            400,
            "The form was missing its security token or it expired. Reload the page and try again.",
        )

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError) -> ResponseReturnValue:
        db.session.rollback()
        if not database_unavailable(error):
            raise error  # a bug, not a fault: the 500 handler below, and the log
        current_app.logger.warning("Database unavailable, answered 503: %s", error.orig)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        try:
            return render_error(503, UNAVAILABLE_MESSAGE, headers)
        except DBAPIError:
            # The page around the message needed the database too (who is logged in, for the
            # menu): the same message on a page that reads nothing, rendered without Flask's
            # context processors (Flask-Login's would load the user again).
            db.session.rollback()
            page = current_app.jinja_env.get_template("errors/unavailable.html").render(
                code=503, title=TITLES[503], message=UNAVAILABLE_MESSAGE
            )
            return page, 503, headers

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        """Every HTTP error, including an unexpected exception (Flask hands it over as a 500)."""
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        return render_error(code, error.description or "")
