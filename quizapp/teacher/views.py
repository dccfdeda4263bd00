"""The teacher's workspace: banks (upload, re-import, diff before import) and quiz previews."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from quizapp import uploads
from quizapp.bank.errors import BankError
from quizapp.bank.report import cut, excerpt, more_line, shown_problems
from quizapp.bank_access import (
    may_replace_bank,
    readable_bank_or_404,
    readable_banks,
    readable_quiz_or_404,
    set_owner,
)
from quizapp.bounded_ints import int_arg
from quizapp.extensions import db
from quizapp.i18n import reason, translate
from quizapp.models import SEED_BITS, Bank, Question, Quiz
from quizapp.qtypes import InvalidResponse
from quizapp.questions import quiz_settings
from quizapp.student.forms import ActionForm
from quizapp.teacher.forms import (
    ConfirmImportForm,
    ConfirmReimportForm,
    ReimportForm,
    UploadBankForm,
)
from quizapp.teaching.bank_questions import bank_questions
from quizapp.teaching.preview import PreviewChanged, draw_preview, grade_preview, versions_field

if TYPE_CHECKING:
    from quizapp import catalog
    from quizapp.bank.lint import PlacedWarning

blueprint = Blueprint("teacher", __name__, url_prefix="/teach")


def teacher_required(
    view: Callable[..., ResponseReturnValue],
) -> Callable[..., ResponseReturnValue]:
    """Teachers only: a student gets a 403, a visitor the login page."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user.is_teacher:
            abort(403, _("This page is for teachers."))
        return view(*args, **kwargs)

    return wrapped


def _problems_page(error: BankError, filename: str, text: str | None) -> ResponseReturnValue:
    """The problems page: the first problems, each with an excerpt of its line and a caret,
    and how many more there are (status 422: the file was understood and refused)."""
    lines = text.splitlines() if text is not None else []
    shown = []
    for problem in shown_problems(error):
        line = lines[problem.line - 1] if 0 < problem.line <= len(lines) else None
        part = excerpt(line, problem.column) if line is not None else None
        shown.append(
            {
                "place": cut(f"{problem.file}:{problem.line}:{problem.column}", 200),
                "line_number": problem.line,
                "message": cut(translate(problem.message)),
                "line": part.text if part else None,
                "caret": part.caret_line if part else None,
            }
        )
    return (
        render_template(
            "teacher/problems.html",
            filename=cut(filename, 100),
            problems=shown,
            total=error.total,
            more=more_line(len(shown), error.total),
        ),
        422,
    )


@blueprint.route("/")
@teacher_required
def banks() -> ResponseReturnValue:
    """Every bank with its counts and last import."""
    return _banks_page(UploadBankForm())


def _banks_page(upload_form: UploadBankForm, status: int = 200) -> ResponseReturnValue:
    """The banks page; a refused upload comes back here with its errors (GOV.UK pattern)."""
    question_counts = dict(
        db.session.execute(
            select(Question.bank_id, func.count(Question.id))
            .where(Question.retired.is_(False))
            .group_by(Question.bank_id)
        ).all()
    )
    rows = db.session.scalars(
        select(Bank).where(readable_banks(current_user)).order_by(Bank.title)
    ).all()
    return (
        render_template(
            "teacher/banks.html",
            banks=rows,
            question_counts=question_counts,
            upload_form=upload_form,
            reimport_form=ReimportForm(),
        ),
        status,
    )


@blueprint.route("/banks/<id:bank_id>")
@teacher_required
def bank(bank_id: int) -> ResponseReturnValue:
    """One bank: its quizzes, and its questions with their text, type, tags and quizzes."""
    return bank_page(readable_bank_or_404(bank_id))


def bank_page(row: Bank, share_form: Any = None, status: int = 200) -> ResponseReturnValue:
    """The bank's page; a refused share comes back on it with its error (GOV.UK pattern)."""
    questions, quizzes = bank_questions(row.id)
    warnings, lint_note = _bank_warnings(row)
    page = render_template(
        "teacher/bank.html",
        bank=row,
        questions=questions,
        quizzes=quizzes,
        warnings=warnings,
        lint_note=lint_note,
        share_form=share_form,
    )
    return page, status


def _bank_warnings(row: Bank) -> tuple[list[PlacedWarning] | None, str]:
    """The item-writing warnings of the bank's file under questions/, and a note.

    Only a file under the questions folder is read (as the re-import does): an uploaded bank
    keeps no file, and ``origin`` must not let a page read any other path. ``None``: no file
    to check, the note says why."""
    # Imported here, as the statistics are: a worker serving only students never loads them.
    # The import machinery (the catalog, the YAML reader and PyYAML: about 1 MB of each
    # worker, docs/performance.md, session 10) is imported on first use in every view.
    from quizapp import catalog
    from quizapp.bank.lint import lint_file_cached

    folder = _questions_folder().resolve()
    origin = Path(row.origin)
    if not origin.is_absolute():
        origin = Path(current_app.root_path).parent / origin
    path = origin.resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        if not row.origin:
            return None, _(
                "The bank was imported from an upload, not from a file under the questions "
                "folder, so there is no file to check; run 'flask --app quizapp quiz lint' on "
                "your copy."
            )
        return None, _(
            "The bank was imported from %(origin)s, not from a file under the questions "
            "folder, so there is no file to check; run 'flask --app quizapp quiz lint' on "
            "your copy.",
            origin=row.origin,
        )
    limit = current_app.config["MAX_BANK_BYTES"]
    try:
        data = path.read_bytes()
        linted = lint_file_cached(data, str(path.relative_to(folder.parent)), limit)
    except (OSError, BankError):
        return None, _("The bank's file no longer loads; re-import it to see why.")
    if linted.slug != row.slug:
        return None, _("The bank's file now holds another bank; re-import to update it.")
    note = ""
    if catalog.file_hash(data) != row.content_hash:
        note = _("The file has changed since the last import: these warnings are for the file.")
    return list(linted.warnings), note


def _questions_folder() -> Path:
    folder = Path(current_app.config["QUESTIONS_DIR"])
    if not folder.is_absolute():
        folder = Path(current_app.root_path).parent / folder
    return folder


@blueprint.route("/banks/upload", methods=["POST"])
@teacher_required
def upload() -> ResponseReturnValue:
    """Check an uploaded bank and show what importing it would change; nothing is written."""
    form = UploadBankForm()
    if not form.validate_on_submit():
        return _banks_page(form, 400)
    upload_file = form.bank_file.data
    filename = Path(upload_file.filename or "upload.yaml").name
    limit = current_app.config["MAX_BANK_BYTES"]
    data = upload_file.read(limit + 1)
    return _check_and_preview(data, filename)


def _check_and_preview(data: bytes, filename: str) -> ResponseReturnValue:
    from quizapp import catalog  # on first use: see ``_bank_warnings``

    limit = current_app.config["MAX_BANK_BYTES"]
    try:
        bank_file = catalog.read_bank_bytes(data, filename, f"upload:{filename}", limit)
    except BankError as error:
        text = data.decode("utf-8", errors="replace") if len(data) <= limit else None
        return _problems_page(error, filename, text)
    diffs = catalog.diff_files([bank_file])
    confirm = ConfirmImportForm(upload=uploads.keep(current_user.id, filename, data))
    return render_template("teacher/diff.html", diffs=diffs, confirm=confirm, action="upload")


def _conflict(
    conflict: catalog.ImportConflict, files: list[catalog.BankFile], action: str, confirm: Any
) -> ResponseReturnValue:
    """Another import won the race: say so, and show what importing would change now."""
    from quizapp import catalog  # on first use: see ``_bank_warnings``

    flash(str(conflict), "error")
    diffs = catalog.diff_files(files)
    return render_template("teacher/diff.html", diffs=diffs, confirm=confirm, action=action), 409


@blueprint.route("/banks/upload/confirm", methods=["POST"])
@teacher_required
def confirm_upload() -> ResponseReturnValue:
    """Import an uploaded bank after its diff was seen; it is checked again first."""
    from quizapp import catalog  # on first use: see ``_bank_warnings``

    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400, _("The import form was incomplete; upload the file again."))
    kept = uploads.find(current_user.id, form.upload.data or "")
    if kept is None:
        abort(
            400,
            _(
                "The checked file is no longer kept (over two hours old, or imported already); "
                "upload it again."
            ),
        )
    filename, data = kept.filename, kept.content
    limit = current_app.config["MAX_BANK_BYTES"]
    try:
        bank_file = catalog.read_bank_bytes(data, filename, f"upload:{filename}", limit)
    except BankError:
        abort(400, _("The bank no longer passes its checks; upload it again to see why."))
    slug = bank_file.slug
    if not may_replace_bank(current_user, slug):
        abort(
            403, _("Another teacher's bank is called '%(slug)s'; rename your bank's id.", slug=slug)
        )
    is_new = db.session.scalar(select(Bank.id).where(Bank.slug == slug)) is None
    try:
        [diff] = catalog.import_files([bank_file])
    except catalog.ImportConflict as conflict:
        return _conflict(conflict, [bank_file], "upload", form)
    if is_new:  # an uploaded bank belongs to its teacher; banks of questions/ to the site
        set_owner(current_user, slug)
    uploads.forget(current_user.id, kept.sha256)
    flash(_("Imported %(diff)s.", diff=diff.summary()), "success")
    _flash_regrade_hint([diff])
    return redirect(url_for("teacher.banks")), 303


def _flash_regrade_hint(diffs: list[catalog.BankDiff]) -> None:
    """After an import that changed questions past attempts hold: where to regrade them."""
    keys = [c.key for diff in diffs for c in diff.changed if c.attempts_on_old_version]
    if keys:
        flash(
            _(
                "Past attempts hold the old version of %(keys)s%(value)s: to grade them with the "
                "new version, open Regrade on the bank's page.",
                keys=", ".join(keys[:5]),
                value=" and more" if len(keys) > 5 else "",
            ),
            "info",
        )


def _questions_dir_banks() -> tuple[list[catalog.BankFile], BankError | None]:
    from quizapp import catalog  # on first use: see ``_bank_warnings``

    folder = _questions_folder()
    try:
        return catalog.read_bank_files([folder], current_app.config["MAX_BANK_BYTES"]), None
    except BankError as error:
        return [], error


@blueprint.route("/banks/reimport", methods=["POST"])
@teacher_required
def reimport() -> ResponseReturnValue:
    """Check every bank under questions/ and show what importing would change."""
    from quizapp import catalog  # on first use: see ``_bank_warnings``

    if not ReimportForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    loaded, error = _questions_dir_banks()
    if error:
        return _problems_page(error, "questions/", None)
    diffs = catalog.diff_files(loaded)
    return render_template(
        "teacher/diff.html", diffs=diffs, confirm=ConfirmReimportForm(), action="reimport"
    )


@blueprint.route("/banks/reimport/confirm", methods=["POST"])
@teacher_required
def confirm_reimport() -> ResponseReturnValue:
    """Import every bank under questions/ (checked again first)."""
    from quizapp import catalog  # on first use: see ``_bank_warnings``

    form = ConfirmReimportForm()
    if not form.validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    loaded, error = _questions_dir_banks()
    if error:
        abort(
            400, _("A bank under questions/ no longer passes its checks; check again to see why.")
        )
    try:
        diffs = catalog.import_files(loaded)
    except catalog.ImportConflict as conflict:
        return _conflict(conflict, loaded, "reimport", form)
    for diff in diffs:
        flash(_("Imported %(diff)s.", diff=diff.summary()), "success")
    _flash_regrade_hint(diffs)
    return redirect(url_for("teacher.banks")), 303


@blueprint.route("/quizzes/<id:quiz_id>/preview", methods=["GET", "POST"])
@teacher_required
def preview(quiz_id: int) -> ResponseReturnValue:
    """The quiz as a student sees it, answers on request; submitted, it is graded and the
    score and feedback shown, with nothing recorded (no attempt, no statistics)."""
    quiz = readable_quiz_or_404(quiz_id)
    settings = quiz_settings(quiz)
    if request.method == "POST":
        return _graded_preview(quiz)
    seed = int_arg("seed", None, minimum=0, maximum=2**SEED_BITS - 1)
    if seed is None:
        seed = random.randrange(2**SEED_BITS)
    items = draw_preview(quiz, seed)
    return render_template(
        "teacher/preview.html",
        quiz=quiz,
        settings=settings,
        items=items,
        seed=seed,
        versions=versions_field(items),
        form=ActionForm(),
        show_answers=request.args.get("answers") == "1",
    )


def _graded_preview(quiz: Quiz) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    seed = _preview_seed(request.form.get("seed", ""))
    try:
        results = grade_preview(
            quiz, seed, request.form.get("versions", ""), request.form.to_dict(flat=False)
        )
    except InvalidResponse as error:
        abort(400, _("%(error)s. Nothing was graded; draw the preview again.", error=reason(error)))
    except PreviewChanged as error:
        flash(str(error), "error")
        return redirect(url_for("teacher.preview", quiz_id=quiz.id)), 303
    marks = sum(result.mark for result in results)
    max_marks = sum(result.item.question.points for result in results)
    return render_template(
        "teacher/preview_result.html",
        quiz=quiz,
        settings=quiz_settings(quiz),
        results=results,
        marks=marks,
        max_marks=max_marks,
        percent=100 * marks / max_marks if max_marks else None,
        seed=seed,
    )


def _preview_seed(value: str) -> int:
    """The seed a preview form carries; anything else is a 400."""
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        abort(400, _("The preview form's seed is not a number; draw the preview again."))
    seed = int(value)
    if seed >= 2**SEED_BITS:
        abort(400, _("The preview form's seed is out of range; draw the preview again."))
    return seed
