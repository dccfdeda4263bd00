"""Forms of the source-text and drafts pages."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from quizapp.source_texts import MAX_SOURCE_BYTES


class AttachTextForm(FlaskForm):
    title = StringField(
        _l("Title of the text"),
        validators=[
            Optional(),
            Length(max=300, message=_l("Keep the title under 300 characters.")),
        ],
    )
    pasted = TextAreaField(
        _l("Paste the text"),
        validators=[
            Optional(),
            Length(
                max=MAX_SOURCE_BYTES,
                message=f"The text is longer than {MAX_SOURCE_BYTES // 1000:,} KB.",
            ),
        ],
    )
    text_file = FileField(
        _l("or upload it (.txt, .md or .html)"),
        validators=[
            FileAllowed(
                ["txt", "md", "markdown", "html", "htm"], _l("Upload a .txt, .md or .html file.")
            )
        ],
    )
    open_book = BooleanField(_l("Students may read the text during an attempt (open book)"))
    submit = SubmitField(_l("Attach the text"))

    def validate_pasted(self, field: TextAreaField) -> None:
        has_file = bool(self.text_file.data and getattr(self.text_file.data, "filename", ""))
        if not (field.data or "").strip() and not has_file:
            raise ValidationError(_("Paste the text, or choose a file to upload."))


class OpenBookForm(FlaskForm):
    open_book = HiddenField(validators=[AnyOf(["yes", "no"])])


class GenerateDraftsForm(FlaskForm):
    submit = SubmitField(_l("Draft questions from the text"))


class DraftActionForm(FlaskForm):
    """Accept or discard one draft (the draft is named by the URL, checked against the bank)."""


class EditDraftForm(FlaskForm):
    yaml_text = TextAreaField(
        _l("The question in YAML"),
        validators=[
            DataRequired(_l("The question is empty; discard the draft instead.")),
            Length(max=20_000, message=_l("One question should fit in 20,000 characters.")),
        ],
    )
    submit = SubmitField(_l("Check my changes"))
