"""Password links: using one (``/auth/password/<token>``), asking for one by e-mail
("Forgot your password?"), and a teacher issuing one for a student.

The links themselves are ``quizapp.password_links``; who may issue one for whom is
``quizapp.permissions``.
"""

from __future__ import annotations

import smtplib
import threading
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from quizapp import login_sessions, login_throttle, password_links
from quizapp.accounts import PasswordError
from quizapp.auth.forms import ForgotPasswordForm, SetPasswordForm
from quizapp.auth.views import LOGIN_KEY, _address, _limits, _start_session
from quizapp.extensions import csrf, db
from quizapp.i18n import N_, current_language
from quizapp.mail import mail_configured, send_mail
from quizapp.models import User
from quizapp.permissions import may_manage_student

blueprint = Blueprint("passwords", __name__)

MAX_MAILS_PER_REQUEST = 5
"""Accounts sharing one e-mail address (siblings, a family computer) each get their link."""
FORGOT_KEY_PREFIX = "reset:"
"""Requests for a mailed link are counted apart from failed logins (usernames have no ':')."""
SENT_MESSAGE = N_(
    "If an account with that username or e-mail address has an e-mail address, a link to "
    "choose a new password is on its way to it. The link works once, for 24 hours."
)


def reset_by_mail(config: Any) -> bool:
    """A site mails links only when it knows its own public address (``SITE_URL``): a link
    built from the request's Host header could point at an attacker's site."""
    return mail_configured(config) and bool(config.get("SITE_URL"))


def shown_link(path: str) -> str:
    """The full link of ``path`` as the teacher's browser reaches this site."""
    return request.url_root.rstrip("/") + path


def render_issued(user: User, path: str) -> ResponseReturnValue:
    """The page that shows a new link to the teacher or admin, to copy and hand over."""
    return render_template(
        "people/link_issued.html",
        user=user,
        link=shown_link(path),
        hours=int(password_links.LIFETIME.total_seconds() // 3600),
    )


@blueprint.route("/auth/password/<token>", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the link is known: an unknown link is a 404 for any method
def use_link(token: str) -> ResponseReturnValue:
    """Choose a new password from a one-time link, then be logged in."""
    try:
        usable = password_links.find_usable(token)
    except password_links.LinkError as error:
        return _dead_link(error)
    if request.method == "POST":
        csrf.protect()
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_links.use_link(token, form.password.data or "")
        except PasswordError as error:
            form.password.errors = [*form.password.errors, str(error)]
        except password_links.LinkError as error:
            return _dead_link(error)
        else:
            # Whoever was logged in in this browser is logged out first.
            login_sessions.revoke(session.get(LOGIN_KEY))
            _start_session(user)
            flash(
                _(
                    "Your password is saved. You are logged in as %(username)s.",
                    username=user.username,
                ),
                "success",
            )
            return redirect(url_for("student.index"))
    page = render_template("auth/password.html", form=form, user=usable.user, link=usable.link)
    return page, 400 if form.errors else 200


def _dead_link(error: password_links.LinkError) -> ResponseReturnValue:
    return (
        render_template(
            "auth/link_gone.html",
            message=str(error),
            can_mail=reset_by_mail(current_app.config),
        ),
        error.status,
    )


@blueprint.route("/auth/forgot", methods=["GET", "POST"])
def forgot() -> ResponseReturnValue:
    """Ask for a password link by e-mail; the answer is the same whether or not the account
    exists, and requests are throttled like logins."""
    if not reset_by_mail(current_app.config):
        abort(404)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        identifier = (form.identifier.data or "").strip()
        key = FORGOT_KEY_PREFIX + identifier
        address = FORGOT_KEY_PREFIX + _address()
        wait = login_throttle.retry_after(key, address, _limits())
        if wait is not None:
            flash(
                _(
                    "Too many requests for a password link for this account or from this "
                    "network. Wait %(wait)s seconds and try again.",
                    wait=wait,
                ),
                "error",
            )
            page = render_template("auth/forgot.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        login_throttle.record_failure(key, address, _limits())
        for user in _accounts_to_mail(identifier):
            path = password_links.issue_link(user.id, None, "reset")
            _send_in_background(user, current_app.config["SITE_URL"].rstrip("/") + path)
        flash(_(SENT_MESSAGE), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


def _accounts_to_mail(identifier: str) -> list[User]:
    """Active accounts with an e-mail address whose username or address is ``identifier``."""
    wanted = identifier.lower()
    return list(
        db.session.scalars(
            select(User)
            .where(
                or_(func.lower(User.username) == wanted, func.lower(User.email) == wanted),
                User.email.is_not(None),
                User.disabled_at.is_(None),
            )
            .order_by(User.id)
            .limit(MAX_MAILS_PER_REQUEST)
        )
    )


def _send_in_background(user: User, link: str) -> None:
    """Mail the link after the response: the time an SMTP exchange takes must not tell the
    asker that the account exists. A failure is logged, never shown."""
    config = {key: value for key, value in current_app.config.items() if key.startswith("MAIL_")}
    logger = current_app.logger
    to, user_id = user.email or "", user.id
    # In the account's language if it chose one, else in the asker's.
    with force_locale(user.language or current_language()):
        subject = _("Choose a new Quizapp password")
        body = _(
            "Hello %(username)s,\n\n"
            "Someone (we hope you) asked for a new password for your Quizapp account.\n"
            "Open this link to choose one; it works once, within 24 hours:\n\n%(link)s\n\n"
            "If you did not ask, ignore this message: your password stays as it is.\n",
            username=user.username,
            link=link,
        )

    def send() -> None:
        try:
            send_mail(config, to, subject, body)
        except (OSError, smtplib.SMTPException) as error:
            logger.warning("Could not mail a password link to user %s: %s", user_id, error)

    threading.Thread(target=send, name="password-link-mail", daemon=True).start()


@blueprint.route("/teacher/students/<id:user_id>/reset-link", methods=["POST"])
@login_required
def teacher_reset_link(user_id: int) -> ResponseReturnValue:
    """A teacher makes a one-time password link for a student, shown here to copy."""
    student = db.session.get(User, user_id)
    if student is None or not may_manage_student(current_user, student):
        abort(404)
    if not student.is_active:
        abort(
            409,
            _(
                "%(username)s's account is disabled: an admin must enable it first.",
                username=student.username,
            ),
        )
    path = password_links.issue_link(student.id, current_user.id, "reset")
    return render_issued(student, path)
