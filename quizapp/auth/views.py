"""Registration, login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

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
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from quizapp.accounts import AccountError, authenticate, create_user
from quizapp.auth.forms import LoginForm, RegisterForm
from quizapp.extensions import db, login_manager
from quizapp.models import User

blueprint = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot send a student elsewhere after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("student.index")


def _start_session(user: User, remember: bool = False) -> None:
    """A fresh session at login: nothing from before it carries over."""
    session.clear()
    login_user(user, remember=remember)


@blueprint.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    """Create a student account."""
    if not current_app.config["ALLOW_REGISTRATION"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("student.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.username.data or "", form.password.data or "")
        except AccountError as error:
            form.username.errors = [*form.username.errors, str(error)]
        else:
            _start_session(user)
            flash(f"Welcome, {user.username}! Your account is ready.", "success")
            return redirect(url_for("student.index"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Log in."""
    if current_user.is_authenticated:
        return redirect(url_for("student.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data or "", form.password.data or "")
        if user is not None:
            _start_session(user, remember=bool(form.remember.data))
            flash(f"Logged in as {user.username}.", "success")
            return redirect(_safe_next(request.args.get("next")))
        flash("That username and password do not match an account.", "error")
        return render_template("auth/login.html", form=form), 400
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Log out (a POST, so a link elsewhere cannot log anyone out)."""
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
