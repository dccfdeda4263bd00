"""Banks in and out of other systems from the teacher's pages: download a bank as Moodle XML,
GIFT or QTI, and import a Moodle or Canvas file through the usual check-then-diff flow.

A blueprint of its own (under /teach/interop) so that the teacher's main views stay as they
are; the conversions are ``quizapp.interop``'s, the import is the upload's own confirm step.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from quizapp import uploads
from quizapp.bank.models import Bank as BankModel
from quizapp.bank_access import readable_bank_or_404
from quizapp.bank_edits import current_document
from quizapp.i18n import reason
from quizapp.models import Bank
from quizapp.qtypes.languages import LANGUAGE
from quizapp.teacher.forms import ConfirmImportForm
from quizapp.teacher.views import teacher_required

blueprint = Blueprint("interop", __name__, url_prefix="/teach/interop")


class ConvertForm(FlaskForm):
    source_file = FileField(
        _l("File exported from Moodle or Canvas"),
        validators=[FileRequired(_l("Choose the file exported from Moodle or Canvas."))],
    )
    submit = SubmitField(_l("Convert and check"))


#: The formats as the bank page's download menu names them, in its order.
FORMAT_NAMES = {
    "moodle-xml": _l("Moodle XML"),
    "gift": _l("GIFT (Moodle)"),
    "qti12": _l("QTI 1.2 package (Canvas)"),
    "qti21": _l("QTI 2.1 package (other LMSs)"),
}


def stored_bank(row: Bank) -> BankModel:
    """The bank as last imported (its live questions, current versions, in import order), read
    as the bank file it would be: the same document the bank's editing pages start from. A
    bank with translations is read in its default language (every text's first)."""
    document = current_document(row)
    language = document.get("language")
    return BankModel.model_validate(document, context={LANGUAGE: language} if language else None)


@blueprint.route("/banks/<id:bank_id>/export")
@teacher_required
def export(bank_id: int) -> ResponseReturnValue:
    """The bank as a file in another system's format (``?to=moodle-xml|gift|qti21|qti12``),
    with the number of things not carried in a header."""
    # The converters (and defusedxml) are imported on first use, not at every start-up.
    from quizapp.interop import EXPORT_FORMATS, export_bank

    row = readable_bank_or_404(bank_id)
    format_name = request.args.get("to", "")
    if format_name not in EXPORT_FORMATS:
        abort(404, _("Unknown format; choose moodle-xml, gift, qti21 or qti12."))
    target = EXPORT_FORMATS[format_name]
    data, report = export_bank(stored_bank(row), format_name)
    response = Response(data, mimetype=target.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{row.slug}{target.suffix}"'
    response.headers["X-Quizapp-Not-Carried"] = str(len(report.notes))
    return response


@blueprint.route("/banks/<id:bank_id>/export/notes")
@teacher_required
def export_notes(bank_id: int) -> ResponseReturnValue:
    """What each format would leave out of the bank, before the teacher downloads it."""
    from quizapp.interop import export_bank

    row = readable_bank_or_404(bank_id)
    bank = stored_bank(row)
    formats = [(name, label, export_bank(bank, name)[1]) for name, label in FORMAT_NAMES.items()]
    return render_template("teacher/interop_export_notes.html", bank=row, formats=formats)


@blueprint.route("/import", methods=["GET", "POST"])
@teacher_required
def import_file() -> ResponseReturnValue:
    """Convert a Moodle or Canvas file, then show the bank, its report and the usual diff."""
    from quizapp import catalog
    from quizapp.interop import ConversionError, convert, detect_format

    form = ConvertForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("teacher/interop_import.html", form=form), status
    upload = form.source_file.data
    filename = Path(upload.filename or "upload").name
    limit = current_app.config["MAX_BANK_BYTES"]
    data = upload.read(limit + 1)
    try:
        conversion = convert(data, filename, detect_format(data), limit)
    except ConversionError as error:
        # The converters' message is a Msg: shown in the teacher's language.
        refusal = _("%(reason)s. Nothing was imported.", reason=reason(error).rstrip("."))
        form.source_file.errors = [*list(form.source_file.errors), refusal]
        return render_template("teacher/interop_import.html", form=form), 422
    yaml_name = f"{conversion.bank.bank}.yaml"
    yaml_bytes = conversion.yaml_text.encode("utf-8")
    confirm = ConfirmImportForm(upload=uploads.keep(current_user.id, yaml_name, yaml_bytes))
    return render_template(
        "teacher/interop_converted.html",
        conversion=conversion,
        source=filename,
        diffs=catalog.diff_files(
            [catalog.read_bank_bytes(yaml_bytes, yaml_name, f"upload:{yaml_name}", limit)]
        ),
        confirm=confirm,
        action="upload",
    )
