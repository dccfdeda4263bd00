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


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")


class RegisterForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[
            DataRequired(),
            Length(min=MIN_USERNAME_LENGTH, max=MAX_USERNAME_LENGTH),
            USERNAME_RULE,
        ],
    )
    password = PasswordField("Password", validators=[DataRequired()], description=PASSWORD_HELP)
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    submit = SubmitField("Create my account")

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data or "", self.username.data or "")
        if problem:
            raise ValidationError(problem)


class AccountForm(FlaskForm):
    """Change one's password: the current one first, so a borrowed session cannot do it."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired()], description=PASSWORD_HELP
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )
    submit = SubmitField("Change my password")
