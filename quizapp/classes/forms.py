"""The forms of the class pages (every one carries its CSRF token)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from quizapp.form_fields import PlainDateTimeLocalField, PlainIntegerField

DATE_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class NewClassForm(FlaskForm):
    name = StringField(
        "Class name", validators=[DataRequired("Give the class a name."), Length(max=120)]
    )
    description = TextAreaField("Description (optional)", validators=[Length(max=2000)])
    submit = SubmitField("Create the class")


class JoinForm(FlaskForm):
    code = StringField(
        "Class code",
        validators=[DataRequired("Type the class code your teacher gave you."), Length(max=32)],
        description="The code your teacher gave you, e.g. K7P2QRM.",
    )
    submit = SubmitField("Join the class")


class AddStudentsForm(FlaskForm):
    usernames = TextAreaField(
        "Usernames",
        validators=[DataRequired("Give at least one username."), Length(max=40_000)],
        description="One per line, or separated by commas. Students must have an account.",
    )
    submit = SubmitField("Add students")


class RosterUploadForm(FlaskForm):
    roster_file = FileField(
        "Or upload a class list (.csv, usernames in the first column)",
        description="Students without an account get one, with a one-time link to choose "
        "their password (shown on the next page, to hand out).",
        validators=[
            FileRequired("Choose the class list to upload."),
            FileAllowed(["csv", "txt"], "Upload a .csv file of usernames."),
        ],
    )


class AddTeacherForm(FlaskForm):
    username = StringField(
        "Teacher's username", validators=[DataRequired("Give a username."), Length(max=80)]
    )
    submit = SubmitField("Add co-teacher")


class AssignForm(FlaskForm):
    quiz_id = HiddenField()
    submit = SubmitField("Assign")


class AssignmentForm(FlaskForm):
    """An assignment's dates and limits (times are UTC; empty means none)."""

    opens = PlainDateTimeLocalField("Opens (UTC)", format=DATE_FORMATS, validators=[Optional()])
    closes = PlainDateTimeLocalField("Closes (UTC)", format=DATE_FORMATS, validators=[Optional()])
    due = PlainDateTimeLocalField(
        "Due (UTC)",
        format=DATE_FORMATS,
        validators=[Optional()],
        description="Shown to students; empty: the close.",
    )
    time_limit = PlainIntegerField(
        "Time limit (minutes)",
        validators=[Optional(), NumberRange(1, 10_000, "From 1 to 10,000 minutes.")],
        description="Empty: no time limit.",
    )
    attempts = PlainIntegerField(
        "Attempts allowed",
        validators=[Optional(), NumberRange(1, 1000, "From 1 to 1,000 attempts.")],
        description="Empty: unlimited.",
    )
    submit = SubmitField("Save")


class OverrideForm(FlaskForm):
    extra_minutes = PlainIntegerField(
        "Extra minutes",
        default=0,
        validators=[Optional(), NumberRange(0, 10_000, "From 0 to 10,000.")],
    )
    closes = PlainDateTimeLocalField(
        "Closes later for them (UTC)", format=DATE_FORMATS, validators=[Optional()]
    )
    extra_attempts = PlainIntegerField(
        "Extra attempts", default=0, validators=[Optional(), NumberRange(0, 100, "From 0 to 100.")]
    )
    submit = SubmitField("Save")


class ShareBankForm(FlaskForm):
    username = StringField(
        "Teacher's username",
        id="share-username",
        validators=[DataRequired("Give the teacher's username."), Length(max=80)],
    )


class ButtonForm(FlaskForm):
    """A button's POST: only the CSRF token."""
