from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from quizapp.form_fields import PlainFloatField


class UploadBankForm(FlaskForm):
    bank_file = FileField(
        "Bank file (.yaml)",
        validators=[
            FileRequired("Choose a YAML file to upload."),
            FileAllowed(["yaml", "yml"], "Upload a .yaml or .yml file."),
        ],
    )
    submit = SubmitField("Check the file")


class ConfirmImportForm(FlaskForm):
    """Names the checked upload kept on the server (quizapp/uploads.py) by its hash; the bank
    itself never travels back (it did, and a bank under the size limit came back as a 413)."""

    upload = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{64}$")])
    submit = SubmitField("Import these changes")


class ReimportForm(FlaskForm):
    submit = SubmitField("Check questions/ again")


class ConfirmReimportForm(FlaskForm):
    submit = SubmitField("Import these changes")


class CorrectMarkForm(FlaskForm):
    """A teacher's new mark for one answer, with a comment the student sees."""

    mark = PlainFloatField(
        "New mark",
        validators=[InputRequired("Give the new mark, a number.")],
        unreadable="Type the new mark as a number, e.g. 0.5.",
    )
    comment = TextAreaField(
        "Comment for the student",
        validators=[Length(max=2000, message="Write at most 2000 characters.")],
        description="Shown to the student on the review of this attempt.",
    )
    submit = SubmitField("Save the mark")
