"""The student's path: quizzes available, an attempt, and its review (history: ``progress``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from quizapp import attempts as attempt_service
from quizapp.extensions import db
from quizapp.models import Attempt, Bank, Quiz
from quizapp.qtypes import InvalidResponse
from quizapp.questions import question_from_version, quiz_settings
from quizapp.student.forms import ActionForm

blueprint = Blueprint("student", __name__)


def _own_attempt(attempt_id: int) -> Attempt:
    """The current student's attempt; anyone else's is a 404, as if it did not exist."""
    attempt = db.get_or_404(Attempt, attempt_id)
    if attempt.user_id != current_user.id:
        abort(404)
    return attempt


def _live_quiz(quiz_id: int) -> Quiz:
    quiz = db.get_or_404(Quiz, quiz_id)
    if quiz.retired:
        abort(404)
    return quiz


@blueprint.route("/")
def index() -> ResponseReturnValue:
    """The quizzes a student can take."""
    if not current_user.is_authenticated:
        return render_template("student/welcome.html")
    attempt_service.expire_overdue(current_user)
    quizzes = db.session.scalars(
        select(Quiz).join(Bank).where(Quiz.retired.is_(False)).order_by(Bank.title, Quiz.id)
    ).all()
    cards = []
    for quiz in quizzes:
        settings = quiz_settings(quiz)
        attempts = attempt_service.attempts_of(current_user, quiz)
        cards.append(
            {
                "quiz": quiz,
                "settings": settings,
                "attempts": len(attempts),
                "grade": attempt_service.quiz_grade(attempts, settings.grading),
                "unfinished": any(not a.is_submitted for a in attempts),
                "closed": attempt_service.closed_reason(quiz),
            }
        )
    return render_template("student/index.html", cards=cards)


@blueprint.route("/quizzes/<id:quiz_id>")
@login_required
def quiz(quiz_id: int) -> ResponseReturnValue:
    """A quiz's rules and the student's attempts at it."""
    quiz = _live_quiz(quiz_id)
    attempt_service.expire_overdue(current_user)
    settings = quiz_settings(quiz)
    attempts = attempt_service.attempts_of(current_user, quiz)
    return render_template(
        "student/quiz.html",
        quiz=quiz,
        settings=settings,
        attempts=attempts,
        grade=attempt_service.quiz_grade(attempts, settings.grading),
        attempts_left=attempt_service.attempts_left(current_user, quiz),
        unfinished=attempt_service.unfinished_attempt(current_user, quiz),
        closed=attempt_service.closed_reason(quiz),
        form=ActionForm(),
    )


@blueprint.route("/quizzes/<id:quiz_id>/start", methods=["POST"])
@login_required
def start(quiz_id: int) -> ResponseReturnValue:
    """Start an attempt, or resume the unfinished one."""
    quiz = _live_quiz(quiz_id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form was missing its security token; reload the page and try again.")
    try:
        attempt = attempt_service.start_attempt(current_user, quiz)
    except attempt_service.AttemptRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("student.quiz", quiz_id=quiz.id))
    return redirect(url_for("student.attempt", attempt_id=attempt.id))


@blueprint.route("/attempts/<id:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int) -> ResponseReturnValue:
    """The attempt page: every question on one page; save as you go, then submit."""
    attempt = _own_attempt(attempt_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, "The form was missing its security token; reload the page and try again.")
        submitting = "submit" in request.form
        try:
            responses = attempt_service.read_form(attempt, request.form.to_dict(flat=False))
        except InvalidResponse as error:
            abort(400, f"{error}. Nothing was saved; reload the page and try again.")
        try:
            if submitting:
                attempt_service.submit_attempt(attempt, responses)
                flash("Your attempt is submitted.", "success")
            else:
                attempt_service.save_answers(attempt, responses)
                flash("Your answers are saved. You can come back and finish later.", "success")
        except attempt_service.AttemptRefused as refusal:
            flash(str(refusal), "error")
        if attempt.is_submitted:
            return redirect(url_for("student.review", attempt_id=attempt.id))
        return redirect(url_for("student.attempt", attempt_id=attempt.id))

    if attempt.is_submitted:
        return redirect(url_for("student.review", attempt_id=attempt.id))
    if attempt_service.is_overdue(attempt):
        attempt_service.expire_overdue(current_user)
        flash("Time was up, so your attempt was submitted with the answers saved.", "info")
        return redirect(url_for("student.review", attempt_id=attempt.id))
    slots = []
    for slot in attempt.slots:
        question = question_from_version(slot.question_version)
        slots.append(
            {
                "slot": slot,
                "question": question,
                "view": question.public_view(slot.layout),
                "prefix": attempt_service.slot_field_prefix(slot),
                "response": slot.answer.response if slot.answer else {},
            }
        )
    return render_template(
        "student/attempt.html",
        attempt=attempt,
        quiz=attempt.quiz,
        slots=slots,
        form=form,
        seconds_left=attempt_service.seconds_left(attempt),
    )


@blueprint.route("/attempts/<id:attempt_id>/review")
@login_required
def review(attempt_id: int) -> ResponseReturnValue:
    """The result of a submitted attempt: score, and per question what was right."""
    attempt = _own_attempt(attempt_id)
    if not attempt.is_submitted:
        return redirect(url_for("student.attempt", attempt_id=attempt.id))
    settings = quiz_settings(attempt.quiz)
    return render_template(
        "student/review.html",
        attempt=attempt,
        quiz=attempt.quiz,
        settings=settings,
        items=attempt_service.review_items(attempt),
        show_answers=attempt_service.answers_visible(attempt),
    )
