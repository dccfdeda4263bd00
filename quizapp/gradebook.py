"""A class's gradebook: its students x its assigned quizzes, and the exports of it.

Each cell is the student's grade by the quiz's grading method (``attempts.quiz_grade``, the
same function the student's pages use), or what stands instead: "in progress", "overdue"
(no submitted attempt and the student's due date has passed), "not attempted". Read in a
fixed number of statements however many students: the roster, the assignments, the attempts
(their columns only), the roles and overrides (``classes.rules.applied_for``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from quizapp.attempts import quiz_grade
from quizapp.classes import service
from quizapp.classes.rules import applied_for
from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, Classroom, User, now_utc
from quizapp.questions import quiz_settings

NOT_ATTEMPTED = "not attempted"
IN_PROGRESS = "in progress"
OVERDUE = "overdue"
#: The statuses as the gradebook page and its downloads name them, in the reader's language.
STATUS_NAMES = {
    NOT_ATTEMPTED: _l("not attempted"),
    IN_PROGRESS: _l("in progress"),
    OVERDUE: _l("overdue"),
}


@dataclass(frozen=True)
class Cell:
    grade: float | None
    """In percent, by the quiz's grading method; None when there is none yet."""
    status: str
    """'graded', or one of NOT_ATTEMPTED, IN_PROGRESS, OVERDUE."""
    attempts: int

    @property
    def text(self) -> str:
        if self.grade is not None:
            return f"{self.grade:.0f}%"
        return str(STATUS_NAMES.get(self.status, self.status))


@dataclass(frozen=True)
class Row:
    student: User
    cells: list[Cell]


@dataclass(frozen=True)
class Gradebook:
    classroom: Classroom
    assignments: list[Assignment]
    rows: list[Row]
    means: list[float | None]
    """The class's mean grade per quiz (over the students with a grade)."""


@dataclass
class _Scores:
    """An attempt as the grade needs it (``quiz_grade`` reads these two properties)."""

    is_submitted: bool
    score_percent: float | None


def gradebook(classroom: Classroom, now: datetime | None = None) -> Gradebook:
    now = now or now_utc()
    students = service.students_of(classroom.id)
    assignments = [a for a in service.assignments_of(classroom.id) if not a.withdrawn]
    user_ids = [s.id for s in students]
    quiz_ids = [a.quiz_id for a in assignments]
    found: dict[tuple[int, int], list[_Scores]] = {}
    if user_ids and quiz_ids:
        for user_id, quiz_id, submitted_at, marks, max_marks in db.session.execute(
            select(
                Attempt.user_id,
                Attempt.quiz_id,
                Attempt.submitted_at,
                Attempt.marks,
                Attempt.max_marks,
            )
            .where(
                Attempt.user_id.in_(user_ids),
                Attempt.quiz_id.in_(quiz_ids),
                Attempt.is_practice.is_(False),
            )
            .order_by(Attempt.started_at, Attempt.id)
        ):
            score = 100 * marks / max_marks if marks is not None and max_marks else None
            found.setdefault((user_id, quiz_id), []).append(
                _Scores(is_submitted=submitted_at is not None, score_percent=score)
            )
    applied = applied_for((s.id, a.quiz) for s in students for a in assignments)
    rows = []
    for student in students:
        cells = []
        for assignment in assignments:
            scores = found.get((student.id, assignment.quiz_id), [])
            grading = quiz_settings(assignment.quiz).grading
            grade = quiz_grade(scores, grading)  # type: ignore[arg-type]
            due = applied[(student.id, assignment.quiz_id)].due
            if grade is not None:
                status = "graded"
            elif any(not s.is_submitted for s in scores):
                status = IN_PROGRESS
            elif due is not None and now > due:
                status = OVERDUE
            else:
                status = NOT_ATTEMPTED
            cells.append(Cell(grade, status, len(scores)))
        rows.append(Row(student, cells))
    means = []
    for column in range(len(assignments)):
        grades = [row.cells[column].grade for row in rows if row.cells[column].grade is not None]
        means.append(sum(grades) / len(grades) if grades else None)  # type: ignore[arg-type]
    return Gradebook(classroom, assignments, rows, means)


def _table(book: Gradebook) -> list[list[object]]:
    """The gradebook as rows of plain values: a header, one row per student, the means."""
    header: list[object] = [_("Student")] + [a.quiz.title for a in book.assignments]
    table: list[list[object]] = [header]
    for row in book.rows:
        table.append(
            [row.student.username]
            + [round(c.grade, 1) if c.grade is not None else c.text for c in row.cells]
        )
    table.append([_("Class mean")] + [round(m, 1) if m is not None else "" for m in book.means])
    return table


def _safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_bytes(book: Gradebook) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens names in any script correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _table(book):
        writer.writerow([_safe(v) for v in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(book: Gradebook) -> bytes:
    """An .xlsx workbook of the same table (openpyxl), grades as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Gradebook")[:31]  # Excel's longest sheet name
    table: Sequence[list[object]] = _table(book)
    for row in table:
        sheet.append([_safe(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
