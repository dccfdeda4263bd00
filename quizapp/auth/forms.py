from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

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
