"""The JSON API, ``/api/v1``: what the pages do, for scripts, with personal access tokens.

The views (``student_views``, ``teacher_views``) are declared with ``registry.operation``,
which authenticates, checks the scope and the rate limit, and records each route for the
OpenAPI document served at ``/api/v1/openapi.json``. Token auth, no cookies: the blueprint
is exempt from CSRF, and it never reads or sets the session.
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from flask.typing import ResponseReturnValue

from quizapp.api.problems import ApiProblem, from_problem

PREFIX = "/api/v1"

blueprint = Blueprint("api", __name__, url_prefix=PREFIX)


@blueprint.errorhandler(ApiProblem)
def _problem(problem: ApiProblem) -> ResponseReturnValue:
    return from_problem(problem)


@blueprint.route("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 document of this API, built from its routes and models."""
    from quizapp.api.registry import openapi_document

    return jsonify(openapi_document(PREFIX))


def register(app: Flask) -> None:
    """Register the API (and the account page's token routes) on the app."""
    from quizapp.api import student_views, teacher_views  # noqa: F401  (they add routes)
    from quizapp.api.token_views import blueprint as token_pages
    from quizapp.api.token_views import register_template_globals
    from quizapp.extensions import csrf

    csrf.exempt(blueprint)
    app.register_blueprint(blueprint)
    app.register_blueprint(token_pages)
    register_template_globals(app)
