"""The account page's "API tokens" section: make a token (shown once), list, revoke.

Page routes with a session and CSRF, unlike the API itself. A new token is shown in the page
that answers the POST, never put in a flash message or a redirect: the session cookie is
signed, not secret, and a URL ends up in logs.
"""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.api import tokens
from quizapp.models import ApiToken, User

blueprint = Blueprint("api_tokens", __name__)


class TokenForm(FlaskForm):
    """A new token: a name to recognise it by, and what it may do."""

    name = StringField(
        _l("Token name"),
        validators=[
            DataRequired(_l("Give the token a name, so you can tell it from your others later.")),
            Length(max=tokens.NAME_LENGTH, message=_l("Use at most 80 characters for the name.")),
        ],
        description=_l("What the token is for, e.g. “gradebook export script”."),
    )
    scopes = SelectMultipleField(
        _l("Scopes"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one scope: read, take or teach."))],
    )
    create = SubmitField(_l("Create token"))

    def offer(self, user: User) -> TokenForm:
        self.scopes.choices = [(s, _(tokens.SCOPE_LABELS[s])) for s in tokens.scopes_allowed(user)]
        return self


class RevokeForm(FlaskForm):
    revoke = SubmitField(_l("Revoke"))


def _account_page(form: TokenForm, new_token: str | None = None) -> str:
    from quizapp.auth.forms import AccountForm
    from quizapp.auth.views import _email_form

    user: User = current_user._get_current_object()
    return render_template(
        "auth/account.html",
        form=AccountForm(formdata=None),
        email_form=_email_form(user),
        token_form=form,
        new_token=new_token,
    )


@blueprint.route("/account/tokens", methods=["POST"])
@login_required
def create() -> ResponseReturnValue:
    """Make a personal access token; the page shows it this once."""
    user: User = current_user._get_current_object()
    form = TokenForm().offer(user)
    if not form.validate_on_submit():
        return _account_page(form), 400
    try:
        made = tokens.create_token(user, form.name.data or "", form.scopes.data or [])
    except tokens.TokenError as error:
        form.name.errors = [*form.name.errors, str(error)]
        return _account_page(form), 400
    return _account_page(TokenForm(formdata=None).offer(user), made.token)


@blueprint.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke one of my tokens: it stops working at once."""
    if not RevokeForm().validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
    elif tokens.revoke_token(current_user._get_current_object(), token_id):
        flash(_("The token is revoked: it no longer works."), "success")
    else:
        flash(_("You have no such token (already revoked?)."), "error")
    return redirect(url_for("auth.account", _anchor="api-tokens")), 303


def register_template_globals(app: Flask) -> None:
    """What the account page's token section reads when the account view renders it."""

    def token_form(user: User) -> TokenForm:
        return TokenForm(formdata=None).offer(user)

    def tokens_of(user: User) -> list[ApiToken]:
        return tokens.tokens_of(user)

    app.jinja_env.globals["api_token_form"] = token_form
    app.jinja_env.globals["api_tokens_of"] = tokens_of
    app.jinja_env.globals["api_revoke_form"] = RevokeForm
