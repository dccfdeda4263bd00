"""Friendly error pages (HTML, or JSON for clients that ask for it)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quizapp.extensions import db

TITLES = {
    400: "That request could not be understood",
    403: "You cannot open this page",
    404: "Page not found",
    405: "That action is not allowed here",
    409: "That conflicts with what is already saved",
    413: "That file is too large",
    500: "Something went wrong on our side",
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


def render_error(code: int, message: str) -> ResponseReturnValue:
    if _wants_json():
        return jsonify(error=TITLES.get(code, "Error"), message=message), code
    return (
        render_template(
            "errors/error.html", code=code, title=TITLES.get(code, "Error"), message=message
        ),
        code,
    )


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return render_error(
            400,
            "The form was missing its security token or it expired. Reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        """Every HTTP error, including an unexpected exception (Flask hands it over as a 500)."""
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        return render_error(code, error.description or "")
