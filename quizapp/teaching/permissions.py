"""Who may teach with a bank, a quiz or an attempt: one function per kind of object.

A teacher may teach with the banks they may read (``quizapp.bank_access``: the site's banks,
their own uploads and the banks shared with them); every teaching page asks here, and nowhere
else.
"""

from __future__ import annotations

from typing import Any

from quizapp.bank_access import is_teacher, may_read_bank
from quizapp.models import Attempt, Bank, Quiz


def may_teach_bank(user: Any, bank: Bank) -> bool:
    """Whether ``user`` may read the bank's page, preview its quizzes and regrade them."""
    return is_teacher(user) and may_read_bank(user, bank)


def may_teach_quiz(user: Any, quiz: Quiz) -> bool:
    """Whether ``user`` may preview, regrade and read the reports of ``quiz``."""
    return may_teach_bank(user, quiz.bank)


def may_correct_attempt(user: Any, attempt: Attempt) -> bool:
    """Whether ``user`` may correct marks of ``attempt`` (a quiz attempt a teacher of its quiz
    may see; practice attempts belong to the student alone)."""
    return attempt.quiz is not None and may_teach_quiz(user, attempt.quiz)
