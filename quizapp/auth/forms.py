from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, PasswordField, StringField, SubmitField
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

USERNAME_RULE = Regexp(USERNAME_PATTERN, message=USERNAME_HINT)
PASSWORD_HELP = (
    f"At least {MIN_PASSWORD_LENGTH} characters, not a common or easily guessed password, "
    "and not your username. A few unrelated words make a good one."
)


# Messages in plain words, as GOV.UK's error messages: what to do, not WTForms' defaults
# ("This field is required.", "Field must be between 3 and 40 characters long.").
USERNAME_LENGTH = f"Enter a username of {MIN_USERNAME_LENGTH} to {MAX_USERNAME_LENGTH} characters."
PASSWORD_TOO_LONG = f"Enter a password of at most {MAX_PASSWORD_LENGTH} characters."


class LoginForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[
            DataRequired("Enter your username."),
            Length(max=80, message="Enter a username of at most 80 characters."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password."),
            Length(max=MAX_PASSWORD_LENGTH, message=PASSWORD_TOO_LONG),
        ],
    )
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")


class RegisterForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[
            DataRequired("Enter a username."),
            Length(min=MIN_USERNAME_LENGTH, max=MAX_USERNAME_LENGTH, message=USERNAME_LENGTH),
            USERNAME_RULE,
        ],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter a password.")], description=PASSWORD_HELP
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Enter the password again."),
            EqualTo("password", message="The passwords differ: type the same one twice."),
        ],
    )
    submit = SubmitField("Create my account")

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data or "", self.username.data or "")
        if problem:
            raise ValidationError(problem)


class AccountForm(FlaskForm):
    """Change one's password: the current one first, so a borrowed session cannot do it."""

    current_password = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter your current password."),
            Length(max=MAX_PASSWORD_LENGTH, message=PASSWORD_TOO_LONG),
        ],
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password.")],
        description=PASSWORD_HELP,
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("new_password", message="The passwords differ: type the same one twice."),
        ],
    )
    submit = SubmitField("Change my password")


class EmailForm(FlaskForm):
    """One's optional e-mail address, for "Forgot your password?" (only if the site mails)."""

    email = EmailField(
        "E-mail address (optional)",
        validators=[
            Optional(),
            Length(max=254),
            Email(message="That is not an e-mail address, like name@school.example."),
        ],
        description="Only used to send you a password link if you forget your password. "
        "Leave it empty to remove it.",
    )
    submit = SubmitField("Save my e-mail address")


class ForgotPasswordForm(FlaskForm):
    """Ask for a password link by e-mail."""

    identifier = StringField(
        "Username or e-mail address", validators=[DataRequired(), Length(max=254)]
    )
    submit = SubmitField("Send me a link")


class SetPasswordForm(FlaskForm):
    """A new password, from a one-time link (the same rules as registration)."""

    password = PasswordField("New password", validators=[DataRequired()], description=PASSWORD_HELP)
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    submit = SubmitField("Save my password and log in")
