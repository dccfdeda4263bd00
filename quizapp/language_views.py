"""The footer's language switch: a small form that works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.accounts import set_preferences
from quizapp.auth.views import _safe_next
from quizapp.i18n import COOKIE, LANGUAGES

blueprint = Blueprint("language", __name__)

#: A year: the choice outlives the session, as a visitor expects of a language switch.
COOKIE_MAX_AGE = 365 * 24 * 3600


@blueprint.route("/language", methods=["POST"])
def choose() -> Response:
    """Set the interface language (a cookie; the account's setting too when logged in) and
    return to the page the switch was on."""
    language = request.form.get("language", "")
    if language not in LANGUAGES:
        abort(400, description="Choose one of the languages in the list.")
    if current_user.is_authenticated:
        set_preferences(current_user._get_current_object(), language, current_user.time_zone)
    response = redirect(_safe_next(request.form.get("next")))
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response
