"""The student's path: quizzes available, an attempt, and its review (history: ``progress``)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from quizapp import attempts as attempt_service
from quizapp import review_rules, source_texts
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptSlot, Bank, Question, QuestionVersion, Quiz
from quizapp.qtypes import InvalidResponse
from quizapp.questions import question_from_version, quiz_settings
from quizapp.student.forms import ActionForm

blueprint = Blueprint("student", __name__)


def _own_attempt(attempt_id: int) -> Attempt:
    """The current student's attempt; anyone else's is a 404, as if it did not exist."""
    attempt = attempt_service.load_attempt(attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
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
    attempts_by_quiz = attempt_service.attempts_by_quiz(current_user)
    cards = []
    for quiz in quizzes:
        settings = quiz_settings(quiz)
        attempts = attempts_by_quiz.get(quiz.id, [])
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
        open_book=source_texts.open_book_text(quiz.bank_id),
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
        try:
            typed = attempt_service.read_form(attempt, request.form.to_dict(flat=False))
        except InvalidResponse as error:
            abort(400, f"{error}. Nothing was saved; reload the page and try again.")
        responses = (
            attempt_service.with_saved_answers(attempt, typed)
            if "reapply" in request.form
            else typed
        )
        sequence = _sequence_of(request.form.get("sequence", ""))
        try:
            if "submit" in request.form:
                attempt_service.submit_attempt(attempt, responses, sequence)
                flash("Your attempt is submitted.", "success")
            else:
                attempt_service.save_answers(attempt, responses, sequence)
                flash("Your answers are saved. You can come back and finish later.", "success")
        except attempt_service.StaleAttempt as refusal:
            return _attempt_page(attempt, form, conflict=(str(refusal), typed)), 409
        except attempt_service.AttemptRefused as refusal:
            flash(str(refusal), "error")
        if attempt.is_submitted:
            return redirect(url_for("student.review", attempt_id=attempt.id))
        return redirect(url_for("student.attempt", attempt_id=attempt.id))

    if attempt.is_submitted:
        return redirect(url_for("student.review", attempt_id=attempt.id))
    if attempt_service.is_overdue(attempt):
        attempt_service.expire_overdue(current_user)
        flash(attempt_service.overdue_message(attempt), "info")
        return redirect(url_for("student.review", attempt_id=attempt.id))
    return _attempt_page(attempt, form)


def _sequence_of(value: str) -> int | None:
    """The save count a page was built from; anything but a small number is no count."""
    return int(value) if re.fullmatch(r"[0-9]{1,9}", value) else None


def _attempt_page(
    attempt: Attempt,
    form: ActionForm,
    conflict: tuple[str, dict[int, dict[str, Any]]] | None = None,
) -> str:
    """The attempt form with what is saved now; after a refused stale save (``conflict``: the
    message and what the student typed), also the questions typed differently, with a button
    that puts those answers back on top of what is saved."""
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
    differing: list[int] = []
    typed_fields: list[tuple[str, str]] = []
    if conflict is not None:
        typed = conflict[1]
        differing = [
            item["slot"].position
            for item in slots
            if typed.get(item["slot"].position) and typed[item["slot"].position] != item["response"]
        ]
        typed_fields = [
            (name, value)
            for name, values in request.form.lists()
            if _position_of(name) in differing
            for value in values
        ]
    return render_template(
        "student/attempt.html",
        attempt=attempt,
        quiz=attempt.quiz,
        slots=slots,
        form=form,
        seconds_left=attempt_service.seconds_left(attempt),
        due_at=attempt_service.due_at(attempt),
        conflict=conflict[0] if conflict else None,
        differing=differing,
        typed_fields=typed_fields,
        open_book=attempt.quiz is not None and source_texts.open_book_text(attempt.quiz.bank_id),
    )


def _position_of(field_name: str) -> int | None:
    """The slot position in an answer field's name (``q<position>-...``)."""
    match = re.match(r"q([0-9]{1,6})-", field_name)
    return int(match.group(1)) if match else None


@blueprint.route("/attempts/<id:attempt_id>/review")
@login_required
def review(attempt_id: int) -> ResponseReturnValue:
    """The result of a submitted attempt: score, and per question what was right (the
    answers themselves only where ``review_rules`` allows)."""
    # The attempt with its quiz, and every slot with its version, question, bank and answer,
    # in a fixed number of queries however many questions the attempt has.
    attempt = db.first_or_404(
        select(Attempt)
        .where(Attempt.id == attempt_id)
        .options(
            joinedload(Attempt.quiz),
            selectinload(Attempt.slots).options(
                joinedload(AttemptSlot.question_version)
                .joinedload(QuestionVersion.question)
                .joinedload(Question.bank),
                joinedload(AttemptSlot.answer),
            ),
        )
    )
    if attempt.user_id != current_user.id:
        abort(404)
    if not attempt.is_submitted:
        return redirect(url_for("student.attempt", attempt_id=attempt.id))
    settings = quiz_settings(attempt.quiz)
    return render_template(
        "student/review.html",
        attempt=attempt,
        quiz=attempt.quiz,
        settings=settings,
        items=attempt_service.review_items(attempt),
        visibility=review_rules.answer_visibility(attempt),
        banks_with_text=source_texts.banks_with_text(
            {slot.question_version.question.bank_id for slot in attempt.slots}
        ),
    )
