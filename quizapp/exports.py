"""CSV exports of a quiz's attempts and answers, produced row by row for streaming.

The rows are read with ``yield_per`` (a server-side cursor on PostgreSQL, ``fetchmany`` on
SQLite) and written out in chunks, so an export of any size holds only one chunk in memory.
Every text cell is made spreadsheet-safe: a cell a spreadsheet would read as a formula (one
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``.
Numbers are written as numbers and never prefixed (they cannot be formulas).
The exports are teachers' (``reports`` blueprint, ``teacher_required``): no student reaches
them, so they follow no review rule (tests/test_answer_markers.py checks a student's 403).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import Text, cast, select

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptSlot, Question, QuestionVersion, Quiz, User
from quizapp.questions import question_from_version
from quizapp.stats import counted

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP's CSV injection list)."""
ROWS_PER_CHUNK = 500
MAX_MEMO = 5_000
"""Distinct responses whose summary is remembered during one export."""
"""Rows read from the database per fetch, and written out per chunk of the response."""

Cell = str | int | float | datetime | None

ATTEMPT_HEADER = (
    "attempt",
    "student",
    "quiz",
    "started_at",
    "submitted_at",
    "duration_seconds",
    "marks",
    "max_marks",
    "score_percent",
)
ANSWER_HEADER = (
    "student",
    "quiz",
    "attempt",
    "submitted_at",
    "position",
    "question",
    "version",
    "answer",
    "mark",
    "max_mark",
    "state",
)


def safe_cell(value: Cell) -> str | int | float:
    """A cell as written: times in ISO form (UTC), formula-looking text neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return round(value, 6) if isinstance(value, float) else value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


BYTE_ORDER_MARK = "\ufeff"


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], *, made_safe: bool = False
) -> Iterator[str]:
    """The header, then the rows, as CSV text in chunks of ``ROWS_PER_CHUNK`` rows.

    Every cell goes through ``safe_cell``, unless the rows say they are ``made_safe`` already
    (a long export applies it once per distinct value instead of once per cell). The text
    starts with a byte-order mark: without it Excel reads UTF-8 as the system's code page and
    mangles names in Cyrillic or Chinese.
    """
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow(row if made_safe else [safe_cell(value) for value in row])
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def attempt_rows(quiz: Quiz, class_id: int | None = None) -> Iterator[tuple[Cell, ...]]:
    """One row per counted attempt, oldest first."""
    result = db.session.execute(
        select(
            Attempt.id,
            User.username,
            Attempt.started_at,
            Attempt.submitted_at,
            Attempt.marks,
            Attempt.max_marks,
        )
        .join(User, User.id == Attempt.user_id)
        .where(*counted(quiz.id, class_id))
        .order_by(Attempt.id)
        .execution_options(yield_per=ROWS_PER_CHUNK)
    )
    for attempt_id, username, started, submitted, marks, max_marks in result:
        duration = int((submitted - started).total_seconds()) if submitted and started else None
        score = 100 * marks / max_marks if marks is not None and max_marks else None
        yield (
            attempt_id,
            username,
            quiz.title,
            started,
            submitted,
            duration,
            marks,
            max_marks,
            score,
        )


def answer_rows(quiz: Quiz, class_id: int | None = None) -> Iterator[tuple[str | int | float, ...]]:
    """One row per answer of the counted attempts, by attempt and position, its cells already
    spreadsheet-safe (for ``csv_chunks(..., made_safe=True)``). The answer is the question
    type's one-line summary, from the version the attempt was started with (the few versions of
    the quiz are parsed once, before the rows stream).

    A class's answers repeat (everyone picks among a few choices), so the work per row is a
    few dictionary look-ups: each distinct response (read as its stored JSON text) is decoded,
    summarised and made safe once, and so is each attempt's student and time.
    """
    version_ids = (
        select(AttemptSlot.question_version_id)
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .where(*counted(quiz.id, class_id))
        .distinct()
    )
    questions = {}
    for version_id, key, version_number, version in db.session.execute(
        select(QuestionVersion.id, Question.key, QuestionVersion.version, QuestionVersion)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionVersion.id.in_(version_ids))
    ):
        questions[version_id] = (safe_cell(key), version_number, question_from_version(version))
    # Core rows from the session's connection: the ORM's row loading costs as much again
    # per row, and these are plain columns.
    result = db.session.connection().execute(
        select(
            User.username,
            Attempt.id,
            Attempt.submitted_at,
            AttemptSlot.position,
            AttemptSlot.question_version_id,
            cast(Answer.response, Text),
            Answer.mark,
            AttemptSlot.max_mark,
            Answer.state,
        )
        .select_from(AttemptSlot)
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .join(Answer, Answer.slot_id == AttemptSlot.id)
        .where(*counted(quiz.id, class_id))
        .order_by(Attempt.id, AttemptSlot.position)
        .execution_options(yield_per=ROWS_PER_CHUNK)
    )
    title = safe_cell(quiz.title)
    # The memo is bounded, so memory stays constant however long the export.
    summaries: dict[tuple[int, str | None], str | int | float] = {}
    # Marks and states repeat too (a mark is one of a question's few fractions of its points).
    grades: dict[tuple[Cell, Cell, Cell], tuple[str | int | float, ...]] = {}
    attempt_cells: tuple[int, str | int | float, str | int | float] = (0, "", "")
    for row in result:
        username, attempt_id, submitted, position, version_id, response, mark, max_mark, state = row
        if attempt_id != attempt_cells[0]:
            attempt_cells = (attempt_id, safe_cell(username), safe_cell(submitted))
        key, version_number, question = questions[version_id]
        summary = summaries.get((version_id, response))
        if summary is None:
            if len(summaries) >= MAX_MEMO:
                summaries.clear()
            summary = safe_cell(question.summarize(json.loads(response) if response else {}))
            summaries[(version_id, response)] = summary
        grade = grades.get((mark, max_mark, state))
        if grade is None:
            if len(grades) >= MAX_MEMO:
                grades.clear()
            grade = (safe_cell(mark), safe_cell(max_mark), safe_cell(state))
            grades[(mark, max_mark, state)] = grade
        yield (
            attempt_cells[1],
            title,
            attempt_id,
            attempt_cells[2],
            position,
            key,
            version_number,
            summary,
            *grade,
        )
