"""A bank's source text and its drafts, from the teacher's pages.

- ``/teach/texts/<bank>``: attach the text (paste, or upload .txt/.md/.html), read it with
  numbered paragraphs, and see ``check-sources`` run against it (the CLI's messages);
- ``/teach/texts/<bank>/drafts``: draft questions from the text, then edit, accept or discard
  each draft. Every change goes to the upload's own "what importing would change" page (see
  ``quizapp.bank_edits``), where the teacher confirms it; nothing is written before that.

A blueprint of its own so that the teacher's main views stay as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import select

from quizapp import bank_edits, source_texts
from quizapp.bank.models import Bank as BankModel
from quizapp.bank.sources import split_paragraphs
from quizapp.extensions import db
from quizapp.models import Bank, Question
from quizapp.teacher.source_forms import (
    AttachTextForm,
    DraftActionForm,
    EditDraftForm,
    GenerateDraftsForm,
    OpenBookForm,
)
from quizapp.teacher.views import _check_and_preview, teacher_required

if TYPE_CHECKING:
    from quizapp.bank.lint import LintWarning

blueprint = Blueprint("texts", __name__, url_prefix="/teach/texts")

MAX_DRAFT_YAML = 20_000
"""One question's YAML, as a teacher edits it in the browser."""


def _bank_yaml(document: Any) -> str:
    """``quizapp.bank.writer.bank_yaml``, imported on first use: PyYAML and the writer (and
    the drafting rules, in ``generate``) are loaded by the teacher's text pages, not by every
    worker (docs/performance.md, session 10)."""
    from quizapp.bank.writer import bank_yaml

    return bank_yaml(document)


def _bank(bank_id: int) -> Bank:
    return db.get_or_404(Bank, bank_id)


@blueprint.route("/<id:bank_id>", methods=["GET", "POST"])
@teacher_required
def text(bank_id: int) -> ResponseReturnValue:
    """The bank's text: attach or replace it, read it, check the citations against it."""
    bank = _bank(bank_id)
    stored = source_texts.text_of(bank.id)
    form = AttachTextForm()
    if not form.is_submitted() and stored is not None:
        form.title.data = stored.title
        form.open_book.data = stored.open_book
    status = 200
    if form.validate_on_submit():
        upload = form.text_file.data
        if upload and getattr(upload, "filename", ""):
            data = upload.read(source_texts.MAX_SOURCE_BYTES + 1)
            filename = upload.filename
        else:
            data = (form.pasted.data or "").encode("utf-8")
            filename = "pasted.txt"
        try:
            body = source_texts.read_source(data, filename)
        except source_texts.SourceTextError as error:
            form.text_file.errors = [str(error)]
            status = 422
        else:
            stored = source_texts.attach(
                bank.id, form.title.data or "", body, bool(form.open_book.data), current_user.id
            )
            flash(
                _(
                    "Attached “%(title)s”: %(count)s paragraphs.",
                    title=stored.title,
                    count=len(split_paragraphs(body)),
                ),
                "success",
            )
            return redirect(url_for("texts.text", bank_id=bank.id)), 303
    elif form.is_submitted():
        status = 422
    return _text_page(bank, stored, form), status


def _text_page(bank: Bank, stored: Any, form: AttachTextForm, **extra: Any) -> str:
    problems = source_texts.citation_problems(bank.id, stored.body) if stored else []
    return render_template(
        "teacher/source_text.html",
        bank=bank,
        stored=stored,
        form=form,
        open_book_form=OpenBookForm(),
        paragraphs=source_texts.shown_paragraphs(stored.body) if stored else [],
        problems=problems,
        max_kb=source_texts.MAX_SOURCE_BYTES // 1000,
        **extra,
    )


@blueprint.route("/<id:bank_id>/open-book", methods=["POST"])
@teacher_required
def open_book(bank_id: int) -> ResponseReturnValue:
    bank = _bank(bank_id)
    stored = source_texts.text_of(bank.id)
    form = OpenBookForm()
    if stored is None or not form.validate_on_submit():
        abort(400, _("Attach a text first; then choose whether students may read it."))
    source_texts.set_open_book(bank.id, form.open_book.data == "yes")
    return redirect(url_for("texts.text", bank_id=bank.id)), 303


# -- drafts ----------------------------------------------------------------------------------


@blueprint.route("/<id:bank_id>/drafts")
@teacher_required
def drafts(bank_id: int) -> ResponseReturnValue:
    """The bank's drafts, each with its YAML to edit, and buttons to accept or discard it."""
    return _drafts_page(_bank(bank_id))


def _drafts_page(
    bank: Bank, refused: tuple[str, EditDraftForm] | None = None, status: int = 200
) -> ResponseReturnValue:
    """The drafts page; an edit refused by its form comes back on it, in its draft's place,
    with the error summary and the message by the field (GOV.UK pattern)."""
    document = bank_edits.current_document(bank)
    warnings = _warnings_by_question(document)
    shown = []
    for question_id in bank_edits.draft_ids(document):
        question = bank_edits.question_in(document, question_id)
        assert question is not None
        body = {key: value for key, value in question.items() if key != "draft"}
        is_refused = refused is not None and refused[0] == question_id
        shown.append(
            {
                "id": question_id,
                "question": question,
                "form": refused[1]
                if refused is not None and is_refused
                else EditDraftForm(formdata=None, yaml_text=_bank_yaml(body)),
                "refused": is_refused,
                "warnings": warnings.get(question_id, []),
            }
        )
    page = render_template(
        "teacher/drafts.html",
        bank=bank,
        drafts=shown,
        refused_form=refused[1] if refused is not None else None,
        stored=source_texts.text_of(bank.id),
        generate_form=GenerateDraftsForm(),
        action_form=DraftActionForm(),
    )
    return page, status


def _warnings_by_question(document: bank_edits.Document) -> dict[str, list[LintWarning]]:
    """``quiz lint`` over the bank with its drafts, by question id: what a draft would cue or
    give away if it were accepted as it stands."""
    from quizapp.bank.lint import lint_bank  # a worker serving only students never loads it

    try:
        model = BankModel.model_validate(document)
    except ValidationError:
        return {}
    ids = [question["id"] for question in document["questions"]]
    found: dict[str, list[LintWarning]] = {}
    for warning in lint_bank(model):
        where = warning.where
        if len(where) > 1 and where[0] == "questions" and isinstance(where[1], int):
            found.setdefault(ids[where[1]], []).append(warning)
    return found


@blueprint.route("/<id:bank_id>/drafts/generate", methods=["POST"])
@teacher_required
def generate(bank_id: int) -> ResponseReturnValue:
    """Draft questions from the attached text and show what adding them would change."""
    from quizapp.drafting import draft_text

    bank = _bank(bank_id)
    stored = source_texts.text_of(bank.id)
    if stored is None or not GenerateDraftsForm().validate_on_submit():
        abort(400, _("Attach the bank's text first; drafts are made from it."))
    taken = set(db.session.scalars(select(Question.key).where(Question.bank_id == bank.id)))
    new = draft_text(stored.body, taken)
    document = bank_edits.with_questions_added(bank_edits.current_document(bank), new)
    return _preview(bank, _bank_yaml(document))


def _draft_of(bank: Bank, question_id: str) -> tuple[bank_edits.Document, dict[str, Any]]:
    document = bank_edits.current_document(bank)
    question = bank_edits.question_in(document, question_id)
    if question is None or not question.get("draft"):
        abort(404)
    return document, question


@blueprint.route("/<id:bank_id>/drafts/<string(maxlength=80):question_id>/accept", methods=["POST"])
@teacher_required
def accept(bank_id: int, question_id: str) -> ResponseReturnValue:
    """Remove the draft mark: from the import on, students can be given the question."""
    bank = _bank(bank_id)
    document, question = _draft_of(bank, question_id)
    if not DraftActionForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    changed = bank_edits.with_question_replaced(
        document, question_id, bank_edits.accepted(question)
    )
    return _preview(bank, _bank_yaml(changed))


@blueprint.route(
    "/<id:bank_id>/drafts/<string(maxlength=80):question_id>/discard", methods=["POST"]
)
@teacher_required
def discard(bank_id: int, question_id: str) -> ResponseReturnValue:
    """Take the draft out of the bank (retired, as any question removed from a file)."""
    bank = _bank(bank_id)
    document, _question = _draft_of(bank, question_id)
    if not DraftActionForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    return _preview(
        bank, _bank_yaml(bank_edits.with_question_replaced(document, question_id, None))
    )


@blueprint.route("/<id:bank_id>/drafts/<string(maxlength=80):question_id>/edit", methods=["POST"])
@teacher_required
def edit(bank_id: int, question_id: str) -> ResponseReturnValue:
    """Replace the draft by the YAML the teacher edited (still a draft, unless they accept it
    with the other button). The edited text goes into the bank file as it was typed, so the
    strict reader checks it and any problem is shown on its line."""
    bank = _bank(bank_id)
    document, _question = _draft_of(bank, question_id)
    form = EditDraftForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400, _("The form was missing its security token; reload the page and try again."))
        return _drafts_page(bank, (question_id, form), 400)
    return _preview(bank, _with_typed_question(document, question_id, form.yaml_text.data or ""))


def _with_typed_question(document: bank_edits.Document, question_id: str, typed: str) -> str:
    """The bank file with one question's entry replaced by the typed YAML, indented as a list
    item and marked ``draft: true`` again (accepting is its own button)."""
    head = {key: value for key, value in document.items() if key != "questions"}
    lines = [_bank_yaml(head).rstrip("\n"), "questions:"]
    for question in document["questions"]:
        if question["id"] != question_id:
            lines.append(_bank_yaml([question]).rstrip("\n"))
            continue
        typed_lines = typed.replace("\r\n", "\n").strip("\n").split("\n")
        lines.append("- draft: true")
        lines.extend("  " + line for line in typed_lines)
    return "\n".join(lines) + "\n"


def _preview(bank: Bank, yaml_text: str) -> ResponseReturnValue:
    return _check_and_preview(yaml_text.encode("utf-8"), f"{bank.slug}.yaml")


@blueprint.route("/<id:bank_id>/bank.yaml")
@teacher_required
def download(bank_id: int) -> ResponseReturnValue:
    """The bank as last imported, as a YAML file (drafts and accepted drafts included), to keep
    the file a bank came from up to date."""
    bank = _bank(bank_id)
    body = _bank_yaml(bank_edits.current_document(bank))
    response = Response(body, mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{bank.slug}.yaml"'
    return response
