"""Objects a teaching page acts on, or a 404: the views' side of ``teaching.permissions``."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from quizapp.extensions import db
from quizapp.models import Bank, Quiz
from quizapp.teaching.permissions import may_teach_bank, may_teach_quiz


def bank_or_404(bank_id: int) -> Bank:
    """The bank, if the current teacher may teach with it (else 404, as if it did not exist)."""
    bank = db.get_or_404(Bank, bank_id)
    if not may_teach_bank(current_user, bank):
        abort(404)
    return bank


def quiz_or_404(quiz_id: int) -> Quiz:
    """The quiz, if the current teacher may teach with it (else 404)."""
    quiz = db.get_or_404(Quiz, quiz_id)
    if not may_teach_quiz(current_user, quiz):
        abort(404)
    return quiz
