"""The forms of the class pages (every one carries its CSRF token)."""

from flask_babel import lazy_gettext as _l
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
        _l("Class name"), validators=[DataRequired(_l("Give the class a name.")), Length(max=120)]
    )
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Create the class"))


class JoinForm(FlaskForm):
    code = StringField(
        _l("Class code"),
        validators=[DataRequired(_l("Type the class code your teacher gave you.")), Length(max=32)],
        description=_l("The code your teacher gave you, e.g. K7P2QRM."),
    )
    submit = SubmitField(_l("Join the class"))


class AddStudentsForm(FlaskForm):
    usernames = TextAreaField(
        _l("Usernames"),
        validators=[DataRequired(_l("Give at least one username.")), Length(max=40_000)],
        description=_l("One per line, or separated by commas. Students must have an account."),
    )
    submit = SubmitField(_l("Add students"))


class RosterUploadForm(FlaskForm):
    roster_file = FileField(
        _l("Or upload a class list (.csv, usernames in the first column)"),
        description=_l(
            "Students without an account get one, with a one-time link to choose "
            "their password (shown on the next page, to hand out)."
        ),
        validators=[
            FileRequired(_l("Choose the class list to upload.")),
            FileAllowed(["csv", "txt"], _l("Upload a .csv file of usernames.")),
        ],
    )


class AddTeacherForm(FlaskForm):
    username = StringField(
        _l("Teacher's username"), validators=[DataRequired(_l("Give a username.")), Length(max=80)]
    )
    submit = SubmitField(_l("Add co-teacher"))


class AssignForm(FlaskForm):
    quiz_id = HiddenField()
    submit = SubmitField(_l("Assign"))


class AssignmentForm(FlaskForm):
    """An assignment's dates and limits (times are UTC; empty means none)."""

    opens = PlainDateTimeLocalField(_l("Opens (UTC)"), format=DATE_FORMATS, validators=[Optional()])
    closes = PlainDateTimeLocalField(
        _l("Closes (UTC)"), format=DATE_FORMATS, validators=[Optional()]
    )
    due = PlainDateTimeLocalField(
        _l("Due (UTC)"),
        format=DATE_FORMATS,
        validators=[Optional()],
        description=_l("Shown to students; empty: the close."),
    )
    time_limit = PlainIntegerField(
        _l("Time limit (minutes)"),
        validators=[Optional(), NumberRange(1, 10_000, _l("From 1 to 10,000 minutes."))],
        description=_l("Empty: no time limit."),
    )
    attempts = PlainIntegerField(
        _l("Attempts allowed"),
        validators=[Optional(), NumberRange(1, 1000, _l("From 1 to 1,000 attempts."))],
        description=_l("Empty: unlimited."),
    )
    submit = SubmitField(_l("Save"))


class OverrideForm(FlaskForm):
    extra_minutes = PlainIntegerField(
        _l("Extra minutes"),
        default=0,
        validators=[Optional(), NumberRange(0, 10_000, _l("From 0 to 10,000."))],
    )
    closes = PlainDateTimeLocalField(
        _l("Closes later for them (UTC)"), format=DATE_FORMATS, validators=[Optional()]
    )
    extra_attempts = PlainIntegerField(
        _l("Extra attempts"),
        default=0,
        validators=[Optional(), NumberRange(0, 100, _l("From 0 to 100."))],
    )
    submit = SubmitField(_l("Save"))


class ShareBankForm(FlaskForm):
    username = StringField(
        _l("Teacher's username"),
        id="share-username",
        validators=[DataRequired(_l("Give the teacher's username.")), Length(max=80)],
    )


class ButtonForm(FlaskForm):
    """A button's POST: only the CSRF token."""
