"""A class list from a spreadsheet: a CSV of usernames adds every student to the class, and
makes an account, with a one-time link to set its password, for each name that has none.

All or nothing for the names: a file with any name the registration would refuse creates and
adds nobody, and says which rows are wrong; a file that is not CSV text is refused the same way.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from quizapp.accounts import AccountError, create_user, username_problem
from quizapp.classes.service import MAX_NAMES, Added, ClassError, add_students
from quizapp.extensions import db
from quizapp.models import Classroom, User
from quizapp.password_links import issue_link

MAX_CSV_BYTES = 100_000
HEADERS = frozenset({"username", "user", "login", "name", "student"})
"""A first cell naming the column: the row is a header, not a student."""


@dataclass(frozen=True)
class NewAccount:
    username: str
    link_path: str


@dataclass(frozen=True)
class RosterUpload:
    created: list[NewAccount]
    added: Added


def usernames_from_csv(data: bytes) -> list[str]:
    """The usernames of the file's first column, in order, once each; ``ClassError`` says what
    is wrong with the file or which rows hold a name that cannot be an account."""
    if len(data) > MAX_CSV_BYTES:
        raise ClassError(
            _(
                "The file is over %(value)s KB; upload the class list only.",
                value=MAX_CSV_BYTES // 1000,
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ClassError(
            _("The file is not UTF-8 text; save it from the spreadsheet as “CSV UTF-8”.")
        ) from None
    if "\x00" in text:
        raise ClassError(_("The file holds binary data; upload a .csv file of usernames."))
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ClassError(_("The file is not readable as CSV (%(error)s).", error=error)) from None
    names: list[tuple[int, str]] = []
    for number, row in enumerate(rows, 1):
        cell = row[0].strip() if row else ""
        if not cell or (number == 1 and cell.casefold() in HEADERS):
            continue
        names.append((number, cell))
    if not names:
        raise ClassError(_("The file has no usernames: put one per row, in the first column."))
    if len(names) > MAX_NAMES:
        raise ClassError(_("Upload at most %(value)s students at a time.", value=MAX_NAMES))
    problems = []
    for number, name in names:
        problem = username_problem(name)
        if problem:
            problems.append(f"row {number}: {problem.rstrip('.')}")
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise ClassError(
            "Nothing was changed: " + "; ".join(problems[:10]) + more + ". Fix the file and "
            "upload it again."
        )
    return list(dict.fromkeys(name for _, name in names))


def add_from_csv(classroom: Classroom, data: bytes, teacher: User) -> RosterUpload:
    """Create the missing accounts (each with a set-password link), then add everyone."""
    names = usernames_from_csv(data)
    existing = {
        name.lower()
        for name in db.session.scalars(
            select(User.username).where(func.lower(User.username).in_([n.lower() for n in names]))
        )
    }
    created: list[NewAccount] = []
    for name in names:
        if name.lower() in existing:
            continue
        try:
            # A password nobody knows: the student chooses theirs from the link.
            user = create_user(name, secrets.token_urlsafe(32))
        except AccountError:
            continue  # registered a moment ago by the student: added below like any account
        created.append(NewAccount(user.username, issue_link(user.id, teacher.id, "set")))
    return RosterUpload(created, add_students(classroom, "\n".join(names)))


__all__ = ["MAX_CSV_BYTES", "NewAccount", "RosterUpload", "add_from_csv", "usernames_from_csv"]
