from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from quizapp.form_fields import PlainFloatField


class UploadBankForm(FlaskForm):
    bank_file = FileField(
        _l("Bank file (.yaml)"),
        validators=[
            FileRequired(_l("Choose a YAML file to upload.")),
            FileAllowed(["yaml", "yml"], _l("Upload a .yaml or .yml file.")),
        ],
    )
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    """Names the checked upload kept on the server (quizapp/uploads.py) by its hash; the bank
    itself never travels back (it did, and a bank under the size limit came back as a 413)."""

    upload = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{64}$")])
    submit = SubmitField(_l("Import these changes"))


class ReimportForm(FlaskForm):
    submit = SubmitField(_l("Check questions/ again"))


class ConfirmReimportForm(FlaskForm):
    submit = SubmitField(_l("Import these changes"))


class CorrectMarkForm(FlaskForm):
    """A teacher's new mark for one answer, with a comment the student sees."""

    mark = PlainFloatField(
        _l("New mark"),
        validators=[InputRequired(_l("Give the new mark, a number."))],
        unreadable=_l("Type the new mark as a number, e.g. 0.5."),
    )
    comment = TextAreaField(
        _l("Comment for the student"),
        validators=[Length(max=2000, message=_l("Write at most 2000 characters."))],
        description=_l("Shown to the student on the review of this attempt."),
    )
    submit = SubmitField(_l("Save the mark"))
