from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Regexp


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
