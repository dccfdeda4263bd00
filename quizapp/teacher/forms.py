from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import FloatField, HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length


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
    """Carries the checked bank text back for the import; it is checked again on arrival."""

    filename = HiddenField(validators=[DataRequired()])
    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Import these changes")


class ReimportForm(FlaskForm):
    submit = SubmitField("Check questions/ again")


class ConfirmReimportForm(FlaskForm):
    submit = SubmitField("Import these changes")


class CorrectMarkForm(FlaskForm):
    """A teacher's new mark for one answer, with a comment the student sees."""

    mark = FloatField("New mark", validators=[InputRequired("Give the new mark, a number.")])
    comment = TextAreaField(
        "Comment for the student",
        validators=[Length(max=2000, message="Write at most 2000 characters.")],
        description="Shown to the student on the review of this attempt.",
    )
    submit = SubmitField("Save the mark")
