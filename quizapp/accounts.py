"""Accounts: creating users, the rules for usernames and passwords, and checking passwords
(Werkzeug's scrypt hashing; zxcvbn judges how guessable a new password is)."""

from __future__ import annotations

import functools
import re

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp import login_sessions
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.i18n import N_
from quizapp.models import User

MIN_USERNAME_LENGTH = 3
MAX_USERNAME_LENGTH = 40
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z"
r"""``\Z``, not ``$``: ``$`` also matches before a final newline, so the form's ``re.match``
let "ad\n" through, stripped later to a 2-character name that ``user create`` refuses."""
USERNAME_HINT = _l(
    "Use letters, digits, dots, dashes or underscores, starting with a letter or digit."
)

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
MIN_PASSWORD_SCORE = 2
"""zxcvbn's score runs 0..4; 2 means "somewhat guessable" (about 10^8 guesses or more), the
least that resists an online guesser slowed down by the login throttle."""
ESTIMATED_PREFIX = 100
"""zxcvbn's time grows fast with length; the first 100 characters decide any real password."""


class AccountError(ValueError):
    """A user that cannot be created or changed as asked; the message says why."""


class PasswordError(AccountError):
    """A password that breaks the rules; the message says which one and how to do better."""


def username_problem(username: str) -> str | None:
    """Why a new username is refused (the registration form's rules), or None."""
    username = username.strip()
    if not MIN_USERNAME_LENGTH <= len(username) <= MAX_USERNAME_LENGTH:
        return (
            f"A username has {MIN_USERNAME_LENGTH} to {MAX_USERNAME_LENGTH} characters; "
            f"'{username}' has {len(username)}."
        )
    if not re.fullmatch(USERNAME_PATTERN, username):
        return USERNAME_HINT
    return None


#: Every reason zxcvbn 4.5 gives (zxcvbn/feedback.py), marked for our catalogue so that
#: ``password_problem`` shows it translated; a reason a later zxcvbn adds stays English.
ZXCVBN_REASONS = (
    N_("Use a few words, avoid common phrases."),
    N_("No need for symbols, digits, or uppercase letters."),
    N_("Add another word or two. Uncommon words are better."),
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_("Use a longer keyboard pattern with more turns."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_("Avoid repeated words and characters."),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Avoid sequences."),
    N_("Recent years are easy to guess."),
    N_("Avoid recent years."),
    N_("Avoid years that are associated with you."),
    N_("Dates are often easy to guess."),
    N_("Avoid dates and years that are associated with you."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
    N_("Capitalization doesn't help very much."),
    N_("All-uppercase is almost as easy to guess as all-lowercase."),
    N_("Reversed words aren't much harder to guess."),
    N_("Predictable substitutions like '@' instead of 'a' don't help very much."),
)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, or None: too short, too long, the username inside it,
    or easy to guess (a common password, a keyboard run, a date, a word with digits...)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("A password needs at least %(minimum)s characters.", minimum=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("A password has at most %(maximum)s characters.", maximum=MAX_PASSWORD_LENGTH)
    name = username.strip().casefold()
    if len(name) >= MIN_USERNAME_LENGTH and name in password.casefold():
        return _("A password must not contain the username.")
    from zxcvbn import zxcvbn  # imported here: its word lists cost every command's start-up

    estimate = zxcvbn(password[:ESTIMATED_PREFIX], user_inputs=[name] if name else [])
    if estimate["score"] < MIN_PASSWORD_SCORE:
        feedback = estimate["feedback"]
        # zxcvbn's reasons are English: each is a msgid of our catalogue (ZXCVBN_REASONS).
        parts = [feedback["warning"], *feedback["suggestions"]]
        reasons = " ".join(_(part) for part in parts if part)
        return (
            _("This password is too easy to guess.")
            + " "
            + (reasons or _("Add another word or two; uncommon words are better."))
        ).strip()
    return None


def find_user(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )


def create_user(
    username: str, password: str, *, is_teacher: bool = False, is_admin: bool = False
) -> User:
    """Create and commit a user; usernames are unique whatever their case, and the password
    must pass ``password_problem``. (The username's format is checked by the form and the
    command line, with ``username_problem``.) An admin is a teacher too."""
    username = username.strip()
    problem = password_problem(password, username)
    if problem:
        raise PasswordError(problem)
    password_hash = hash_password(password)
    begin_write()
    if find_user(username) is not None:
        db.session.rollback()
        raise AccountError(
            _("The username '%(username)s' is taken; choose another.", username=username)
        )
    user = User(
        username=username,
        password_hash=password_hash,
        is_teacher=is_teacher or is_admin,
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User | None:
    user = find_user(username)
    if user is None:
        # Spend the same time as a real check, so timing does not reveal who has an account.
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    return user if check_password(user, password) else None


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def change_password(user: User, password: str, *, keep_login: int | None) -> str | None:
    """Store a new password and end every other login of ``user``, in one commit: a session
    or remember-me cookie taken before the change stops working. The caller has checked the
    old password. Returns a new remember-me token for ``keep_login`` if it had one."""
    problem = password_problem(password, user.username)
    if problem:
        raise PasswordError(problem)
    password_hash = hash_password(password)
    begin_write()
    user.password_hash = password_hash
    login_sessions.end_others(user.id, keep=keep_login)
    remember_token = login_sessions.renew_remembered(keep_login) if keep_login else None
    db.session.commit()
    return remember_token


def set_email(user: User, email: str) -> None:
    """Store one's e-mail address (committed); an empty one removes it. The form has checked
    its shape."""
    begin_write()
    user.email = email.strip() or None
    db.session.commit()


def hash_password(password: str) -> str:
    """The stored form of a new password, by the site's PASSWORD_HASH_METHOD."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@functools.cache
def _dummy_hash(method: str) -> str:
    """Made on first use, not at import: hashing takes a noticeable moment, and every command
    (``flask ... quiz validate``) would pay it at start."""
    return generate_password_hash("not-a-real-password", method=method)


def set_preferences(user: User, language: str | None, time_zone: str | None) -> None:
    """Store one's interface language and time zone (committed); None follows the browser
    and UTC. The form or the view has checked the values against ``quizapp.i18n``."""
    begin_write()
    user.language = language or None
    user.time_zone = time_zone or None
    db.session.commit()
    # The request chose its language before the change (quizapp.i18n.settle_language); what
    # it says from now on (the flash that confirms the change) is in the new one.
    refresh()
