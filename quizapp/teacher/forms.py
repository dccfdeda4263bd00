from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired


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
