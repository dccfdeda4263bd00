from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from quizapp.accounts import (
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    MIN_USERNAME_LENGTH,
    USERNAME_HINT,
    USERNAME_PATTERN,
    password_problem,
)
from quizapp.i18n import LANGUAGES, time_zone_choices

USERNAME_RULE = Regexp(USERNAME_PATTERN, message=USERNAME_HINT)
PASSWORD_HELP = _l(
    "At least %(minimum)s characters, not a common or easily guessed password, "
    "and not your username. A few unrelated words make a good one.",
    minimum=MIN_PASSWORD_LENGTH,
)


# Messages in plain words, as GOV.UK's error messages: what to do, not WTForms' defaults
# ("This field is required.", "Field must be between 3 and 40 characters long.").
USERNAME_LENGTH = _l(
    "Enter a username of %(minimum)s to %(maximum)s characters.",
    minimum=MIN_USERNAME_LENGTH,
    maximum=MAX_USERNAME_LENGTH,
)
PASSWORD_TOO_LONG = _l(
    "Enter a password of at most %(maximum)s characters.", maximum=MAX_PASSWORD_LENGTH
)


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Enter your username.")),
            Length(max=80, message=_l("Enter a username of at most 80 characters.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=MAX_PASSWORD_LENGTH, message=PASSWORD_TOO_LONG),
        ],
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class RegisterForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Enter a username.")),
            Length(min=MIN_USERNAME_LENGTH, max=MAX_USERNAME_LENGTH, message=USERNAME_LENGTH),
            USERNAME_RULE,
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter a password."))],
        description=PASSWORD_HELP,
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Enter the password again.")),
            EqualTo("password", message=_l("The passwords differ: type the same one twice.")),
        ],
    )
    submit = SubmitField(_l("Create my account"))

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data or "", self.username.data or "")
        if problem:
            raise ValidationError(problem)


class AccountForm(FlaskForm):
    """Change one's password: the current one first, so a borrowed session cannot do it."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(_l("Enter your current password.")),
            Length(max=MAX_PASSWORD_LENGTH, message=PASSWORD_TOO_LONG),
        ],
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password."))],
        description=PASSWORD_HELP,
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("new_password", message=_l("The passwords differ: type the same one twice.")),
        ],
    )
    submit = SubmitField(_l("Change my password"))


class EmailForm(FlaskForm):
    """One's optional e-mail address, for "Forgot your password?" (only if the site mails)."""

    email = EmailField(
        _l("E-mail address (optional)"),
        validators=[
            Optional(),
            Length(max=254),
            Email(message=_l("That is not an e-mail address, like name@school.example.")),
        ],
        description=_l(
            "Only used to send you a password link if you forget your password. Leave it empty "
            "to remove it."
        ),
    )
    submit = SubmitField(_l("Save my e-mail address"))


class ForgotPasswordForm(FlaskForm):
    """Ask for a password link by e-mail."""

    identifier = StringField(
        _l("Username or e-mail address"), validators=[DataRequired(), Length(max=254)]
    )
    submit = SubmitField(_l("Send me a link"))


class SetPasswordForm(FlaskForm):
    """A new password, from a one-time link (the same rules as registration)."""

    password = PasswordField(
        _l("New password"), validators=[DataRequired()], description=PASSWORD_HELP
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Save my password and log in"))


class PreferencesForm(FlaskForm):
    """One's interface language and time zone (issue 16); empty follows the browser, UTC."""

    language = SelectField(_l("Language"), validators=[Optional()], validate_choice=True)
    time_zone = SelectField(
        _l("Time zone"),
        validators=[Optional()],
        validate_choice=True,
        description=_l("Dates and times on the pages are shown in this time zone."),
    )
    submit = SubmitField(_l("Save language and time zone"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [("", _l("As my browser asks")), *LANGUAGES.items()]
        self.time_zone.choices = [("", _l("UTC (the default)")), *time_zone_choices()]
