"""The source text as students read it: from a review that shows answers, the cited paragraph
with its quote marked ("Where to read: paragraph 10"); during an attempt, the whole text when
the teacher made it open book.

The review link obeys the one rule of ``review_rules``: the passage behind a question's answer
shows only where that question's answer shows.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from quizapp import attempts as attempt_service
from quizapp import review_rules, source_texts
from quizapp.extensions import db
from quizapp.models import Bank, Question, QuestionVersion, Quiz
from quizapp.questions import shown_question

blueprint = Blueprint("reading", __name__)


@blueprint.route("/attempts/<id:attempt_id>/source/<int(max=100000):position>")
@login_required
def cited_passage(attempt_id: int, position: int) -> ResponseReturnValue:
    """The text of a reviewed question's bank, at the cited paragraph, the quote marked."""
    attempt = attempt_service.load_attempt(attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    slot = next((slot for slot in attempt.slots if slot.position == position), None)
    if slot is None or not review_rules.answer_visibility(attempt).shows(position):
        abort(404)
    question = shown_question(slot)
    bank_id = db.session.scalar(
        select(Question.bank_id)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .where(QuestionVersion.id == slot.question_version_id)
    )
    stored = source_texts.text_of(bank_id) if bank_id else None
    citations = question.citations()
    if stored is None or not citations:
        abort(404)
    cited = [number for citation in citations for number in citation.numbers()]
    quotes = [citation.quote for citation in citations if citation.quote]
    paragraphs = source_texts.shown_paragraphs(stored.body, set(cited), quotes)
    if cited[0] > len(paragraphs):
        abort(404)  # the text attached now is shorter than the one the question cites
    return render_template(
        "student/source_text.html",
        stored=stored,
        paragraphs=paragraphs,
        cited=cited[0],
        cited_all=cited,
        back=("student.review", {"attempt_id": attempt.id}),
        attempt=attempt,
        position=position,
    )


@blueprint.route("/texts/<id:bank_id>")
@login_required
def open_book(bank_id: int) -> ResponseReturnValue:
    """The whole text, for a bank whose teacher made it open book (teachers always)."""
    bank = db.get_or_404(Bank, bank_id)
    stored = source_texts.text_of(bank.id)
    if stored is None or not (stored.open_book or current_user.is_teacher):
        abort(404)
    has_quiz = db.session.scalar(
        select(Quiz.id).where(Quiz.bank_id == bank.id, Quiz.retired.is_(False)).limit(1)
    )
    if has_quiz is None and not current_user.is_teacher:
        abort(404)
    return render_template(
        "student/source_text.html",
        stored=stored,
        paragraphs=source_texts.shown_paragraphs(stored.body),
        cited=None,
        cited_all=[],
        back=None,
        attempt=None,
        position=None,
    )
