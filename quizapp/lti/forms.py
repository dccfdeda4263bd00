"""The forms of the LTI pages (each carries its CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

URL_HINT = _l("A full https:// URL, from the LMS's page for this tool.")


class PlatformForm(FlaskForm):
    name = StringField(_l("Name (for you)"), validators=[Optional(), Length(max=120)])
    issuer = StringField(
        _l("Issuer (platform id)"),
        validators=[DataRequired(_l("Give the issuer.")), Length(max=255)],
        description=_l("Moodle: its site URL. Canvas: https://canvas.instructure.com."),
    )
    client_id = StringField(
        _l("Client id"), validators=[DataRequired(_l("Give the client id.")), Length(max=255)]
    )
    auth_login_url = StringField(
        _l("Authentication request URL"),
        validators=[DataRequired(_l("Give the authentication request URL.")), Length(max=500)],
        description=URL_HINT,
    )
    auth_token_url = StringField(
        _l("Access token URL"),
        validators=[DataRequired(_l("Give the access token URL.")), Length(max=500)],
        description=URL_HINT,
    )
    key_set_url = StringField(
        _l("Public keyset URL"),
        validators=[DataRequired(_l("Give the public keyset URL.")), Length(max=500)],
        description=URL_HINT,
    )
    deployment_ids = TextAreaField(
        _l("Deployment ids"),
        validators=[DataRequired(_l("Give at least one deployment id.")), Length(max=2000)],
        description=_l("One a line (or separated by commas)."),
    )
    submit = SubmitField(_l("Register the platform"))


class ActionForm(FlaskForm):
    """A button that needs only its CSRF token."""
