"""The Users page's small forms. Each row's buttons post plain fields (the CSRF token and a
value on the button), so many rows render no duplicate ids; these forms read and check them."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, SearchField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from quizapp.people import ROLES


class UserSearchForm(Form):
    """The search box (a GET: no CSRF token); read to show a too-long search by the box."""

    q = SearchField(
        _l("Search by username"),
        id="people-q",
        validators=[Length(max=80, message=_l("Search for at most 80 characters of a username."))],
    )


class BackToListForm(FlaskForm):
    """Where the admin was on the list (search and page), to return there."""

    q = HiddenField(validators=[Length(max=80)])
    page = HiddenField(validators=[Length(max=10)])


class RoleForm(BackToListForm):
    role = StringField(
        validators=[
            DataRequired(message=_l("Choose a role.")),
            AnyOf(ROLES, message=_l("The role must be student, teacher or admin.")),
        ]
    )


class ActionForm(BackToListForm):
    """Disable, enable or a password link: nothing to read but the token and the place."""
