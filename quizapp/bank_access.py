"""Which banks a teacher may read: the site's (from questions/, no owner), their own, and
those shared with them. Reports, previews and assignments of a quiz follow its bank; anything
else is a 404 for that teacher, as if it did not exist."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, or_, select

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import Bank, BankShare, Quiz, User


def readable_banks(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Bank``: the banks ``user`` may read."""
    shared = select(BankShare.bank_id).where(BankShare.user_id == user.id)
    return or_(Bank.owner_id.is_(None), Bank.owner_id == user.id, Bank.id.in_(shared))


def may_read_bank(user: User, bank: Bank) -> bool:
    if bank.owner_id is None or bank.owner_id == user.id:
        return True
    return db.session.get(BankShare, (bank.id, user.id)) is not None


def readable_bank_or_404(bank_id: int) -> Bank:
    """The bank, if the current user is a teacher who may read it; a 404 otherwise (as if
    unknown). Every teaching page that acts on a bank or a quiz finds it here."""
    from flask import abort
    from flask_login import current_user

    bank = db.get_or_404(Bank, bank_id)
    if not (is_teacher(current_user) and may_read_bank(current_user, bank)):
        abort(404)
    return bank


def readable_quiz_or_404(quiz_id: int) -> Quiz:
    """The quiz, if the current user is a teacher who may read its bank; a 404 otherwise."""
    from flask import abort
    from flask_login import current_user

    quiz = db.get_or_404(Quiz, quiz_id)
    if not (is_teacher(current_user) and may_read_bank(current_user, quiz.bank)):
        abort(404)
    return quiz


def is_teacher(user: object) -> bool:
    """Whether ``user`` (Flask-Login's current user, maybe anonymous) is a logged-in teacher."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_teacher", False))


def may_replace_bank(user: User, slug: str) -> bool:
    """Whether an upload by ``user`` may import over the bank ``slug`` (a new slug: yes)."""
    bank = db.session.scalar(select(Bank).where(Bank.slug == slug))
    return bank is None or may_read_bank(user, bank)


def set_owner(user: User, slug: str) -> None:
    """Make ``user`` the owner of the bank ``slug``, which their upload just created."""
    begin_write()
    bank = db.session.scalar(select(Bank).where(Bank.slug == slug))
    if bank is not None and bank.owner_id is None:
        bank.owner_id = user.id
    db.session.commit()


class ShareError(Exception):
    status_code = 400


def share_bank(owner: User, bank: Bank, username: str) -> User:
    """Share the owner's bank with another teacher."""
    if bank.owner_id != owner.id:
        raise ShareError(_("Only the bank's owner can share it."))
    name = username.strip()
    other = db.session.scalar(select(User).where(User.username == name))
    if other is None or not other.is_teacher:
        raise ShareError(_("No teacher is called '%(name)s'.", name=name[:80]))
    begin_write()
    if other.id != owner.id and db.session.get(BankShare, (bank.id, other.id)) is None:
        db.session.add(BankShare(bank_id=bank.id, user_id=other.id))
    db.session.commit()
    return other
