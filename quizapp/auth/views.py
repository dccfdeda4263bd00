"""Registration, login, logout and one's account.

A login is a ``LoginSession`` row (see ``quizapp.login_sessions``): Flask's signed session
cookie carries its token, and Flask-Login accepts the session only while the server still
knows that login. "Keep me logged in" is our own cookie, a one-use token, instead of
Flask-Login's remember cookie (which is the same signed user id at every login and cannot be
revoked).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from quizapp import login_sessions, login_throttle
from quizapp.accounts import (
    AccountError,
    PasswordError,
    authenticate,
    change_password,
    check_password,
    create_user,
    password_problem,
    set_email,
    set_preferences,
)
from quizapp.auth.forms import AccountForm, EmailForm, LoginForm, PreferencesForm, RegisterForm
from quizapp.extensions import db, login_manager
from quizapp.mail import mail_configured
from quizapp.models import User

blueprint = Blueprint("auth", __name__, url_prefix="/auth")

LOGIN_KEY = "login_token"
"""The key of the login's token in Flask's session."""
REMEMBER_COOKIE = "quizapp_remember"
DISABLED_MESSAGE = _l(
    "This account is disabled, so it cannot log in. Nothing of it was deleted: ask your "
    "teacher or the site's administrator to enable it again."
)
LEGACY_REMEMBER_COOKIE = "remember_token"
"""Flask-Login's own remember cookie, set by earlier releases: no longer honoured, removed."""
API_PATH = "/api/"
"""The JSON API's paths (``quizapp.api``): bearer tokens only, no login cookie is read."""


def _idle_limit() -> timedelta:
    return timedelta(minutes=float(current_app.config["SESSION_IDLE_MINUTES"]))


def _remember_for() -> timedelta:
    return timedelta(days=float(current_app.config["REMEMBER_DAYS"]))


def _limits() -> login_throttle.Limits:
    return login_throttle.Limits.from_config(current_app.config)


def _address() -> str:
    return request.remote_addr or "unknown"


_reads_with_login: dict[str, Callable[[], login_sessions.LoginRead | None]] = {}


def read_with_login(
    endpoint: str,
) -> Callable[
    [Callable[[], login_sessions.LoginRead | None]], Callable[[], login_sessions.LoginRead | None]
]:
    """Register how a view's requests read their login within the view's own first statement:
    the decorated function, called when the login is loaded (before the view), returns a
    ``login_sessions.LoginRead`` that runs that statement and keeps what the view needs of it
    (or None: the login is read alone). A page whose read is one statement then sends one
    statement, not two (the attempt page, a save, a submit: ``student.views``)."""

    def register(
        make_read: Callable[[], login_sessions.LoginRead | None],
    ) -> Callable[[], login_sessions.LoginRead | None]:
        _reads_with_login[endpoint] = make_read
        return make_read

    return register


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of this session, only while its login is live on the server."""
    make_read = _reads_with_login.get(request.endpoint or "")
    read = make_read() if make_read is not None else None
    found = login_sessions.resume(session.get(LOGIN_KEY), _idle_limit(), read)
    if found is None or str(found[1].id) != user_id:
        return None
    g.login_id, user = found
    return user


@blueprint.before_app_request
def _load_login() -> None:
    """First thing in every request: load the logged-in user, or continue a remembered
    login."""
    if request.endpoint == "static" or request.path.startswith(API_PATH):
        return  # the JSON API authenticates by its token and never uses login cookies
    if current_user.is_authenticated:
        return
    if session.get("_remember") == "clear":
        # Flask-Login's strong session protection has just refused this session (it came
        # from another address or browser): that login ends here, remember-me included.
        login_sessions.revoke(session.pop(LOGIN_KEY, None))
        g.remember_cookie = None
        return
    remembered = request.cookies.get(REMEMBER_COOKIE)
    if not remembered:
        return
    issued = login_sessions.use_remembered(remembered, _remember_for())
    if issued is None:
        g.remember_cookie = None
        return
    user = db.session.get(User, issued.login.user_id)
    if user is not None and user.is_active:
        _begin(user, issued, fresh=False)


@blueprint.teardown_app_request
def _write_touch(error: BaseException | None) -> None:
    """Record the login's visit, if it is due and no write of the request took it along
    (``login_sessions.resume``); not after a request that failed. Flask runs teardown
    functions in reverse order of registration, so this runs before the app's
    ``_end_session`` (registered with the extensions, before the blueprints) removes the
    session; ``tests/test_perf_submit2.py`` fails if it ever runs after."""
    if error is None:
        login_sessions.write_touch()


@blueprint.after_app_request
def _update_remember_cookie(response: Response) -> Response:
    """Set the new remember-me token, or remove one that no longer works."""
    if "remember_cookie" in g:
        secure = bool(
            current_app.config.get("SESSION_COOKIE_SECURE")
            or current_app.config.get("REMEMBER_COOKIE_SECURE")
        )
        if g.remember_cookie:
            response.set_cookie(
                REMEMBER_COOKIE,
                g.remember_cookie,
                max_age=int(_remember_for().total_seconds()),
                path="/",
                secure=secure,
                httponly=True,
                samesite="Lax",
            )
        elif REMEMBER_COOKIE in request.cookies:
            response.delete_cookie(
                REMEMBER_COOKIE, path="/", secure=secure, httponly=True, samesite="Lax"
            )
    if LEGACY_REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(LEGACY_REMEMBER_COOKIE, path="/")
    return response


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot send a student elsewhere after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("student.index")


def _begin(user: User, issued: login_sessions.Issued, *, fresh: bool = True) -> None:
    """A fresh Flask session for a login: nothing from before it carries over."""
    session.clear()
    login_user(user, remember=False, fresh=fresh)
    session[LOGIN_KEY] = issued.token
    g.login_id = issued.login.id
    if issued.remember_token:
        g.remember_cookie = issued.remember_token


def _start_session(user: User, remember: bool = False) -> None:
    issued = login_sessions.start(
        user, remember=remember, forget_after=max(_idle_limit(), _remember_for())
    )
    _begin(user, issued)


def start_login(user: User) -> None:
    """Log ``user`` in without a password, by the same server-side login as the form (an
    LTI launch, which the LMS vouched for, does this)."""
    _start_session(user)


def _throttled(
    template: str, form: object, wait: int, **context: object
) -> tuple[str, int, dict[str, str]]:
    """429: too many failed passwords; the page says how long to wait."""
    how_long = (
        f"{wait} second{'s' if wait != 1 else ''}" if wait <= 90 else f"{-(-wait // 60)} minutes"
    )
    flash(
        _(
            "Too many failed attempts to log in to this account or from this network. For your "
            "safety, wait %(how_long)s and try again.",
            how_long=how_long,
        ),
        "error",
    )
    return render_template(template, form=form, **context), 429, {"Retry-After": str(wait)}


@blueprint.route("/register", methods=["GET", "POST"])
def register() -> str | Response | tuple[str, int]:
    """Create a student account."""
    if not current_app.config["ALLOW_REGISTRATION"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("student.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.username.data or "", form.password.data or "")
        except PasswordError as error:
            form.password.errors = [*form.password.errors, str(error)]
        except AccountError as error:
            form.username.errors = [*form.username.errors, str(error)]
        else:
            _start_session(user)
            flash(
                _("Welcome, %(username)s! Your account is ready.", username=user.username),
                "success",
            )
            return redirect(url_for("student.index"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Log in (throttled per username and per address; a refused try checks no password)."""
    if current_user.is_authenticated:
        return redirect(url_for("student.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data or ""
        wait = login_throttle.retry_after(username, _address(), _limits())
        if wait is not None:
            return _throttled("auth/login.html", form, wait)
        user = authenticate(username, form.password.data or "")
        if user is not None and not user.is_active:
            # Said only to someone who knows the password: it reveals nothing to a guesser.
            flash(DISABLED_MESSAGE, "error")
            return render_template("auth/login.html", form=form), 403
        if user is not None:
            login_throttle.forget_username(username)
            _start_session(user, remember=bool(form.remember.data))
            flash(_("Logged in as %(username)s.", username=user.username), "success")
            return redirect(_safe_next(request.args.get("next")))
        login_throttle.record_failure(username, _address(), _limits())
        flash(_("That username and password do not match an account."), "error")
        return render_template("auth/login.html", form=form), 400
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Log out, on the server too (a POST, so a link elsewhere cannot log anyone out)."""
    login_sessions.revoke(session.get(LOGIN_KEY))
    logout_user()
    session.clear()
    g.remember_cookie = None
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


def _preferences(user: User) -> PreferencesForm:
    """The language and time zone form, filled with the account's settings."""
    return PreferencesForm(
        prefix="preferences",
        data={"language": user.language or "", "time_zone": user.time_zone or ""},
    )


def _email_form(user: User) -> EmailForm | None:
    """The e-mail address form, only on a site that sends mail (else it would serve nothing)."""
    if not mail_configured(current_app.config):
        return None
    return EmailForm(prefix="email", data={"email": user.email or ""})


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """One's account: change the password (which logs out every other device)."""
    form = AccountForm()
    user: User = current_user._get_current_object()
    email_form = _email_form(user)
    if form.validate_on_submit():
        new_password = form.new_password.data or ""
        problem = password_problem(new_password, user.username)
        if problem:
            form.new_password.errors = [*form.new_password.errors, problem]
        else:
            wait = login_throttle.retry_after(user.username, _address(), _limits())
            if wait is not None:
                return _throttled(
                    "auth/account.html",
                    form,
                    wait,
                    email_form=email_form,
                    preferences=_preferences(user),
                )
            if not check_password(user, form.current_password.data or ""):
                login_throttle.record_failure(user.username, _address(), _limits())
                form.current_password.errors = [
                    *form.current_password.errors,
                    "That is not your current password.",
                ]
            else:
                remember_token = change_password(user, new_password, keep_login=g.login_id)
                if remember_token:
                    g.remember_cookie = remember_token
                flash(_("Your password is changed. Every other device is logged out."), "success")
                return redirect(url_for("auth.account"))
    page = render_template(
        "auth/account.html", form=form, email_form=email_form, preferences=_preferences(user)
    )
    return page, 400 if form.errors else 200


@blueprint.route("/account/preferences", methods=["POST"])
@login_required
def account_preferences() -> str | Response | tuple[str, int]:
    """Save one's interface language and time zone (empty: the browser's language, UTC)."""
    user: User = current_user._get_current_object()
    preferences = PreferencesForm(prefix="preferences")
    if preferences.validate_on_submit():
        set_preferences(user, preferences.language.data, preferences.time_zone.data)
        flash(_("Your language and time zone are saved."), "success")
        return redirect(url_for("auth.account"))
    page = render_template(
        "auth/account.html",
        form=AccountForm(),
        email_form=_email_form(user),
        preferences=preferences,
    )
    return page, 400


@blueprint.route("/account/email", methods=["POST"])
@login_required
def account_email() -> str | Response | tuple[str, int]:
    """Save (or remove) one's e-mail address."""
    user: User = current_user._get_current_object()
    email_form = _email_form(user)
    if email_form is None:
        abort(404)
    if email_form.validate_on_submit():
        set_email(user, email_form.email.data or "")
        flash(
            _("Your e-mail address is saved.")
            if user.email
            else _("Your e-mail address is removed."),
            "success",
        )
        return redirect(url_for("auth.account"))
    page = render_template(
        "auth/account.html",
        form=AccountForm(),
        email_form=email_form,
        preferences=_preferences(user),
    )
    return page, 400
