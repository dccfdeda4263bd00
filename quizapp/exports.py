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
from functools import lru_cache

from sqlalchemy import Text, cast, select

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptSlot, Question, QuestionVersion, Quiz, User
from quizapp.questions import question_from_version
from quizapp.stats import counted

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP's CSV injection list)."""
ROWS_PER_CHUNK = 500
"""Rows read from the database per fetch, and written out per chunk of the response."""
MAX_MEMO = 5_000
"""Distinct graded responses whose cells are remembered during one export."""

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
LINE_END = "\r\n"
"""What ends a line: RFC 4180's CRLF, as spreadsheets expect."""


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The header, then the rows, as CSV text in chunks of ``ROWS_PER_CHUNK`` rows.

    Every cell goes through ``safe_cell``. The text starts with a byte-order mark: without it
    Excel reads UTF-8 as the system's code page and mangles names in Cyrillic or Chinese.
    """
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def attempt_rows(quiz: Quiz, class_id: int | None = None) -> Iterator[tuple[Cell, ...]]:
    """One row per counted attempt, oldest first. The quiz's id and title are read now, not
    as the rows stream (see ``answer_chunks``)."""
    return _attempt_rows(quiz.id, quiz.title, class_id)


def _attempt_rows(quiz_id: int, title: str, class_id: int | None) -> Iterator[tuple[Cell, ...]]:
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
        .where(*counted(quiz_id, class_id))
        .order_by(Attempt.id)
        .execution_options(yield_per=ROWS_PER_CHUNK)
    )
    try:  # closed however the download ends (see answer_chunks)
        for attempt_id, username, started, submitted, marks, max_marks in result:
            duration = int((submitted - started).total_seconds()) if submitted and started else None
            score = 100 * marks / max_marks if marks is not None and max_marks else None
            yield (
                attempt_id,
                username,
                title,
                started,
                submitted,
                duration,
                marks,
                max_marks,
                score,
            )
    finally:
        result.close()


def csv_fields(cells: Sequence[str | int | float]) -> str:
    """Cells already made safe, as the text ``csv.writer`` writes for them (no line end).

    The writer quotes each field on its own (``QUOTE_MINIMAL``), so the text of a row is the
    texts of its parts joined by commas: the answers export writes each part once."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def answer_chunks(quiz: Quiz, class_id: int | None = None) -> Iterator[str]:
    """The answers export: the header, then one line per answer of the counted attempts, by
    attempt and position, in chunks of ``ROWS_PER_CHUNK`` lines. The answer is the question
    type's one-line summary, from the version the attempt was started with (the few versions of
    the quiz are parsed once, before the rows stream).

    A class's answers repeat (everyone picks among a few choices), so the work per line is a
    dictionary look-up and a join: each attempt's cells (student, quiz, attempt, time) are
    written as CSV once, and so are the cells of each distinct graded response (question,
    version, answer, mark, out of, state), decoded, summarised and made safe once; only the
    position is written per line. The text is the one ``csv.writer`` would write for the whole
    row (tests/test_exports.py compares them).

    The quiz's id and title are read when the download is asked for, not when its rows
    stream: by then the request has ended, and a commit at its end (the login's visit,
    recorded once a minute) expired the quiz and closing its session detached it
    (``tests/test_exports.py::test_a_download_whose_request_records_the_visit_streams_every_row``).
    """
    return _answer_chunks(quiz.id, quiz.title, class_id)


def _answer_chunks(quiz_id: int, quiz_title: str, class_id: int | None) -> Iterator[str]:
    """``answer_chunks``' lines, for the quiz ``quiz_id`` titled ``quiz_title``."""
    version_ids = (
        select(AttemptSlot.question_version_id)
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .where(*counted(quiz_id, class_id))
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
            Attempt.id,
            User.username,
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
        .where(*counted(quiz_id, class_id))
        .order_by(Attempt.id, AttemptSlot.position)
        .execution_options(yield_per=ROWS_PER_CHUNK)
    )
    title = safe_cell(quiz_title)

    # Bounded, so memory stays constant however long the export.
    @lru_cache(maxsize=MAX_MEMO)
    def answer_cells(
        version_id: int, response: str | None, mark: Cell, max_mark: Cell, state: Cell
    ) -> str:
        key, version_number, question = questions[version_id]
        summary = question.summarize(json.loads(response) if response else {})
        return csv_fields(
            (
                key,
                version_number,
                safe_cell(summary),
                safe_cell(mark),
                safe_cell(max_mark),
                safe_cell(state),
            )
        )

    current_attempt = 0
    attempt_cells = ""
    # The header goes out with the first chunk of lines (alone if there is none).
    lines = [BYTE_ORDER_MARK + csv_fields(ANSWER_HEADER) + LINE_END]
    # A download stopped early (or a HEAD request) leaves rows unread: close the cursor
    # (PostgreSQL's is a server-side cursor, held until closed).
    try:
        for rows in result.partitions():
            for attempt_id, username, submitted, position, version_id, *graded in rows:
                if attempt_id != current_attempt:
                    current_attempt = attempt_id
                    attempt_cells = csv_fields(
                        (safe_cell(username), title, attempt_id, safe_cell(submitted))
                    )
                lines.append(
                    f"{attempt_cells},{position},{answer_cells(version_id, *graded)}{LINE_END}"
                )
            yield "".join(lines)
            lines = []
        if lines:
            yield "".join(lines)
    finally:
        result.close()
