"""A teacher corrects the mark of one answer (with a comment the student sees) and reads the
history of an attempt's marks; and regrades a quiz after a question's key was fixed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import attempts as attempt_service
from quizapp.bank_access import readable_quiz_or_404
from quizapp.extensions import db
from quizapp.models import Attempt, User
from quizapp.questions import question_from_version
from quizapp.student.forms import ActionForm as RegradeForm
from quizapp.teacher.forms import CorrectMarkForm
from quizapp.teacher.views import teacher_required
from quizapp.teaching.corrections import CorrectionRefused, correct_mark, mark_history
from quizapp.teaching.permissions import may_correct_attempt
from quizapp.teaching.regrade import (
    RegradeRefused,
    decide,
    pending_questions,
    plan_regrade,
    regrade_history,
)

blueprint = Blueprint("marking", __name__, url_prefix="/teach")


def _attempt_or_404(attempt_id: int) -> Attempt:
    attempt = attempt_service.load_attempt(attempt_id)
    if attempt is None or not may_correct_attempt(current_user, attempt):
        abort(404)
    return attempt


@blueprint.route("/attempts/<id:attempt_id>/questions/<id:position>", methods=["GET", "POST"])
@teacher_required
def correct(attempt_id: int, position: int) -> ResponseReturnValue:
    """One answer of a student's attempt: its mark, a form to correct it, and the history."""
    attempt = _attempt_or_404(attempt_id)
    slot = next((s for s in attempt.slots if s.position == position), None)
    if slot is None:
        abort(404)
    form = CorrectMarkForm()
    form.mark.description = f"From 0 to {slot.max_mark:g}."
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                change = correct_mark(
                    attempt.id,
                    position,
                    float(form.mark.data),
                    form.comment.data or "",
                    current_user,
                )
            except CorrectionRefused as refusal:
                if attempt.is_submitted:
                    # By the field it is about (the comment's length, else the mark).
                    about = form.comment if refusal.field == "comment" else form.mark
                    about.errors = [*about.errors, str(refusal)]  # type: ignore[assignment]
                else:  # the page shows no form then
                    flash(str(refusal), "error")
                status = refusal.status_code
            else:
                flash(
                    _(
                        "Question %(position)s: mark %(old)s → %(new)s; "
                        "the attempt now has %(marks)s of %(most)s marks.",
                        position=position,
                        old=format(change.old_mark or 0, "g"),
                        new=format(change.new_mark, "g"),
                        marks=format(change.attempt_marks, "g"),
                        most=format(attempt.max_marks, "g"),
                    ),
                    "success",
                )
                return redirect(
                    url_for("marking.correct", attempt_id=attempt.id, position=position)
                ), 303
        else:
            status = 400
    elif slot.answer is not None:
        form.mark.data = slot.answer.mark
        form.comment.data = slot.answer.comment or ""
    question = question_from_version(slot.question_version)
    student = db.session.get(User, attempt.user_id)
    return (
        render_template(
            "teacher/correct.html",
            attempt=attempt,
            quiz=attempt.quiz,
            student=student,
            slot=slot,
            question=question,
            response=slot.answer.response if slot.answer else {},
            form=form,
            history=mark_history(attempt.id),
        ),
        status,
    )


@blueprint.route("/quizzes/<id:quiz_id>/regrade", methods=["GET", "POST"])
@teacher_required
def regrade(quiz_id: int) -> ResponseReturnValue:
    """Questions of the quiz whose attempts hold an old version: what changed, what
    regrading would change (a dry run), the two choices, and the history of decisions."""
    quiz = readable_quiz_or_404(quiz_id)
    form = RegradeForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, _("The form was incomplete; reload the regrade page and choose again."))
        old_version = _version_id(request.form.get("old_version", ""))
        try:
            row, plan = decide(quiz, old_version, request.form.get("mode", ""), current_user)
        except RegradeRefused as refusal:
            flash(str(refusal), "error")
            status = refusal.status_code
        else:
            if plan is None:
                flash(_("From now on only: past attempts keep the old version."), "success")
            else:
                flash(
                    _(
                        "Regraded: %(attempts)s attempt(s) changed, %(answers)s answer(s) with a "
                        "new mark, %(kept)s corrected by a teacher kept.",
                        attempts=plan.attempts_changed,
                        answers=plan.answers_changed,
                        kept=plan.kept,
                    )
                    if plan.kept
                    else _(
                        "Regraded: %(attempts)s attempt(s) changed, %(answers)s answer(s) with a "
                        "new mark.",
                        attempts=plan.attempts_changed,
                        answers=plan.answers_changed,
                    ),
                    "success",
                )
            return redirect(url_for("marking.regrade", quiz_id=row.quiz_id)), 303
    pending = pending_questions(quiz)
    plans = {
        p.old_version.id: plan_regrade(quiz, p.old_version, p.new_version)
        for p in pending
        if p.regradable
    }
    return (
        render_template(
            "teacher/regrade.html",
            quiz=quiz,
            pending=pending,
            plans=plans,
            form=form,
            history=regrade_history(quiz.id),
        ),
        status,
    )


def _version_id(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        abort(400, _("The form named no question version; reload the regrade page."))
    return int(value)
