"""``/admin/users``: find people, make teachers and admins, disable and enable accounts, and
make a one-time password link. Only admins see these pages; anyone else gets a 404, as for a
page that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from quizapp import password_links, people
from quizapp.admin.forms import ActionForm, BackToListForm, RoleForm, UserSearchForm
from quizapp.auth.password_views import render_issued
from quizapp.bounded_ints import int_arg
from quizapp.extensions import db
from quizapp.models import User
from quizapp.permissions import is_admin

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 25
MAX_SEARCH = 80

ROLE_WORDS = {"student": "a student", "teacher": "a teacher", "admin": "an admin"}


def admin_required(
    view: Callable[..., ResponseReturnValue],
) -> Callable[..., ResponseReturnValue]:
    """Admins only: a visitor is asked to log in, anyone else gets a 404."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not is_admin(current_user):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _users_page(
    query: str, page_number: int, status: int = 200, search: UserSearchForm | None = None
) -> ResponseReturnValue:
    page = db.paginate(
        people.search_query(query), page=page_number, per_page=PER_PAGE, error_out=False
    )
    return (
        render_template(
            "admin/users.html",
            page=page,
            q=query,
            role_words=ROLE_WORDS,
            me=current_user.id,
            search=search or UserSearchForm(),
        ),
        status,
    )


@blueprint.route("/users")
@admin_required
def users() -> ResponseReturnValue:
    """Every account, searched by username, 25 to a page."""
    search = UserSearchForm(request.args)
    if not search.validate():
        return _users_page("", 1, 400, search)
    query = (search.q.data or "").strip()
    return _users_page(query, int_arg("page", 1, minimum=1) or 1)


def _place(form: BackToListForm) -> tuple[str, int]:
    """The search and page the admin came from (a bad page number is page 1)."""
    page = form.page.data or ""
    number = int(page) if page.isdigit() and 0 < len(page) <= 9 else 1
    return (form.q.data or "").strip()[:MAX_SEARCH], max(number, 1)


def _target(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _done(form: BackToListForm, message: str) -> ResponseReturnValue:
    flash(message, "success")
    query, page = _place(form)
    return redirect(url_for("admin.users", q=query or None, page=page if page > 1 else None))


def _refused(form: BackToListForm, message: str, status: int) -> ResponseReturnValue:
    flash(message, "error")
    query, page = _place(form)
    return _users_page(query, page, status)


@blueprint.route("/users/<id:user_id>/role", methods=["POST"])
@admin_required
def set_role(user_id: int) -> ResponseReturnValue:
    """Make someone a student, a teacher or an admin (never leaving the site without one)."""
    form = RoleForm()
    user = _target(user_id)
    if not form.validate_on_submit():
        errors = [error for errors in form.errors.values() for error in errors]
        return _refused(form, " ".join(str(error) for error in errors), 400)
    try:
        user = people.set_role(user.id, form.role.data or "")
    except people.PeopleError as error:
        return _refused(form, str(error), 409)
    return _done(form, f"{user.username} is now {ROLE_WORDS[user.role]}.")


@blueprint.route("/users/<id:user_id>/disable", methods=["POST"])
@admin_required
def disable(user_id: int) -> ResponseReturnValue:
    """Disable an account: it is logged out everywhere at once and cannot log in."""
    return _set_disabled(user_id, True)


@blueprint.route("/users/<id:user_id>/enable", methods=["POST"])
@admin_required
def enable(user_id: int) -> ResponseReturnValue:
    """Let a disabled account log in again."""
    return _set_disabled(user_id, False)


def _set_disabled(user_id: int, disabled: bool) -> ResponseReturnValue:
    form = ActionForm()
    user = _target(user_id)
    if not form.validate_on_submit():
        return _refused(form, "The form was incomplete; nothing was changed.", 400)
    try:
        user = people.set_disabled(user.id, disabled, actor_id=current_user.id)
    except people.PeopleError as error:
        return _refused(form, str(error), 409)
    if disabled:
        message = f"{user.username} is disabled and logged out everywhere; nothing was deleted."
    else:
        message = f"{user.username} can log in again."
    return _done(form, message)


@blueprint.route("/users/<id:user_id>/password-link", methods=["POST"])
@admin_required
def password_link(user_id: int) -> ResponseReturnValue:
    """Make a one-time password link for anyone (shown to copy, not mailed)."""
    form = ActionForm()
    user = _target(user_id)
    if not form.validate_on_submit():
        return _refused(form, "The form was incomplete; nothing was changed.", 400)
    if not user.is_active:
        return _refused(form, f"{user.username} is disabled: enable the account first.", 409)
    path = password_links.issue_link(user.id, current_user.id, "reset")
    return render_issued(user, path)
