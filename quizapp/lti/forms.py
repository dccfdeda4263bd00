"""The forms of the LTI pages (each carries its CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

URL_HINT = "A full https:// URL, from the LMS's page for this tool."


class PlatformForm(FlaskForm):
    name = StringField("Name (for you)", validators=[Optional(), Length(max=120)])
    issuer = StringField(
        "Issuer (platform id)",
        validators=[DataRequired("Give the issuer."), Length(max=255)],
        description="Moodle: its site URL. Canvas: https://canvas.instructure.com.",
    )
    client_id = StringField(
        "Client id", validators=[DataRequired("Give the client id."), Length(max=255)]
    )
    auth_login_url = StringField(
        "Authentication request URL",
        validators=[DataRequired("Give the authentication request URL."), Length(max=500)],
        description=URL_HINT,
    )
    auth_token_url = StringField(
        "Access token URL",
        validators=[DataRequired("Give the access token URL."), Length(max=500)],
        description=URL_HINT,
    )
    key_set_url = StringField(
        "Public keyset URL",
        validators=[DataRequired("Give the public keyset URL."), Length(max=500)],
        description=URL_HINT,
    )
    deployment_ids = TextAreaField(
        "Deployment ids",
        validators=[DataRequired("Give at least one deployment id."), Length(max=2000)],
        description="One a line (or separated by commas).",
    )
    submit = SubmitField("Register the platform")


class ActionForm(FlaskForm):
    """A button that needs only its CSRF token."""
