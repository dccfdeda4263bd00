"""Writing an attempt's answers and grades in bulk.

A save or a submit is worked out before the write lock is taken (reading the form, grading:
question versions never change, so neither needs a lock), then written here in a handful of
statements whatever the number of questions: one upsert of the answers (new ones inserted,
stored ones replaced), one INSERT of the options picked, one UPDATE of the attempt. So the
write lock (SQLite's, or a row lock on PostgreSQL) is held for milliseconds, not for a walk of
the ORM's unit of work over every slot.

The answers' upsert and the picks' INSERT are single statements of all their rows (``VALUES
(...), (...)``), written as text once per number of rows: pysqlite lets go of the GIL at every
row it steps (each row of an executemany, each row a RETURNING sends back), and the writer
holding SQLite's write lock then waits for its worker's other threads to hand the GIL back, up
to a switch interval (5 ms) each time; and SQLAlchemy compiles an ``insert().values([...])`` of
several rows anew at every execution (such a statement has no cache key), where a text is
compiled once. The picks find their answers by slot (``answers.slot_id`` is unique), so the
answers' ids need not come back (docs/performance.md, "Session 11"). Only row numbers are
written into these texts; every value is a bound parameter.

On PostgreSQL the same statements take their rows as one JSON text (``json_to_recordset``):
one text for any number of rows (``prepared_writes.ready_rows`` says why).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Text, TextClause, bindparam, text, update

from quizapp.extensions import db
from quizapp.models import Answer, AnswerPick, Attempt, AttemptSlot
from quizapp.prepared_writes import ReadyStatement, json_rows, ready, ready_rows, send

_ANSWERS = Answer.__table__
_PICKS = AnswerPick.__table__
_ATTEMPTS = Attempt.__table__
_SLOTS = AttemptSlot.__table__
"""The tables themselves: every statement here is a Core statement, which skips the ORM's bulk
machinery (a tenth of a submit's CPU went to it); nothing here needs the ORM's objects, and
the caller's objects are expired by the commit as before."""

_UPDATE_ATTEMPT = update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt_id_"))
_UPDATE_FLAG = (
    update(_SLOTS).where(_SLOTS.c.id == bindparam("slot_id_")).values(flagged=bindparam("flagged"))
)
"""Built once, with bound parameters (the columns set are those named in each row's values):
every save and submit runs them, and a statement built anew is built and hashed again for
SQLAlchemy's compiled cache each time. Measured: docs/performance.md, "Session 6"."""


@dataclass(frozen=True)
class SlotAnswer:
    """One slot's answer as it is to be stored: the response, and its grade when finishing."""

    slot_id: int
    question_version_id: int
    question_id: int
    response: dict[str, Any]
    saved_at: datetime
    fraction: float | None = None
    mark: float | None = None
    state: str | None = None
    picks: tuple[str, ...] = field(default=())


def write_answers(attempt_id: int, answers: Sequence[SlotAnswer]) -> None:
    """Store the answers, new and already stored alike (with their picks, once graded): one
    upsert by slot, so a submit after the page's autosaves is as short under the lock as one
    of answers never saved."""
    for statement in answer_statements(attempt_id, answers):
        send(statement)


def answer_statements(attempt_id: int, answers: Sequence[SlotAnswer]) -> list[ReadyStatement]:
    """What ``write_answers`` sends, made ready without sending it (``prepared_writes``): a
    submit makes its statements before it takes the write lock, and only sends them under it.
    Each in its database's form (``ready_rows``: rows of ``VALUES``, or one JSON text on
    PostgreSQL)."""
    statements = []
    if answers:
        shared = {"attempt_id": attempt_id, "corrected": False}
        statements.append(
            ready_rows(_upsert_answers, _UPSERT_ANSWER_ROWS, _answer_columns(answers), shared)
        )
    picks = _pick_columns(answers)
    if picks["slot"]:
        shared = {"attempt_id": attempt_id}
        statements.append(ready_rows(_insert_picks, _INSERT_PICK_ROWS, picks, shared))
    return statements


def answer_rows(answers: Sequence[SlotAnswer]) -> str:
    """The answers as one JSON text of rows (``prepared_writes.json_rows``), as
    ``ANSWER_RECORD`` reads them."""
    return json_rows(_answer_columns(answers))


def pick_rows(answers: Sequence[SlotAnswer]) -> str:
    """The options the answers picked as one JSON text of rows, a slot and an option key each."""
    return json_rows(_pick_columns(answers))


def _answer_columns(answers: Sequence[SlotAnswer]) -> dict[str, list[Any]]:
    return {
        column: [getattr(answer, field) for answer in answers]
        for column, field in _ANSWER_COLUMNS.items()
    }


def _pick_columns(answers: Sequence[SlotAnswer]) -> dict[str, list[Any]]:
    picks = [(answer.slot_id, key) for answer in answers for key in answer.picks]
    return {"slot": [slot_id for slot_id, _ in picks], "key": [key for _, key in picks]}


_ANSWER_COLUMNS: dict[str, str] = {
    "slot": "slot_id",
    "version": "question_version_id",
    "response": "response",
    "saved_at": "saved_at",
    "fraction": "fraction",
    "mark": "mark",
    "state": "state",
}
"""The answers' columns the upsert takes, each with the ``SlotAnswer`` field it is read from:
``ready_rows``' names (``<column>_of_<row>`` in the rows' form, the keys of each row's object
in the JSON rows on PostgreSQL)."""


@functools.lru_cache(maxsize=256)
def _upsert_answers(rows: int) -> TextClause:
    """``rows`` answers of one attempt, in one statement (see the module's docstring): a slot
    with an answer stored already (``answers.slot_id`` is unique) has it replaced, response,
    time and grade, and keeps its id (its picks refer to it) and its ``corrected`` mark."""
    values = ", ".join(
        f"(:slot_of_{row}, :attempt_id, :version_of_{row}, :response_of_{row}, "
        f":saved_at_of_{row}, :fraction_of_{row}, :mark_of_{row}, :state_of_{row}, :corrected)"
        for row in range(rows)
    )
    columns = _ANSWERS.c
    sql = (
        "INSERT INTO answers (slot_id, attempt_id, question_version_id, response, saved_at, "  # noqa: S608
        f"fraction, mark, state, corrected) VALUES {values} {ANSWER_REPLACED}"
    )
    return text(sql).bindparams(
        bindparam("corrected", type_=columns.corrected.type),
        *(bindparam(f"response_of_{row}", type_=columns.response.type) for row in range(rows)),
        *(bindparam(f"saved_at_of_{row}", type_=columns.saved_at.type) for row in range(rows)),
    )


@functools.lru_cache(maxsize=256)
def _insert_picks(rows: int) -> TextClause:
    """``rows`` options picked (a slot and an option key each), in one statement: each finds
    its answer by its slot, and takes the answer's attempt and question version. The answers
    are looked for among the attempt's (``answers.attempt_id`` is indexed): by slot alone,
    PostgreSQL's planner hashed the whole answers table to join it to a submit's picks."""
    values = ", ".join(f"(CAST(:slot_of_{row} AS INTEGER), :key_of_{row})" for row in range(rows))
    sql = (
        "INSERT INTO answer_picks (answer_id, option_key, attempt_id, question_version_id) "  # noqa: S608
        f"WITH picked (slot_id, option_key) AS (VALUES {values}) "
        "SELECT answers.id, picked.option_key, answers.attempt_id, answers.question_version_id "
        "FROM picked JOIN answers ON answers.slot_id = picked.slot_id "
        "AND answers.attempt_id = :attempt_id"
    )
    return text(sql)


ANSWER_RECORD = (
    "(slot INTEGER, version INTEGER, response JSON, saved_at TIMESTAMP WITHOUT TIME ZONE, "
    "fraction FLOAT, mark FLOAT, state VARCHAR)"
)
"""How ``json_to_recordset`` reads the answers' rows (``answer_rows``) on PostgreSQL."""
ANSWER_REPLACED = (
    "ON CONFLICT (slot_id) DO UPDATE SET response = excluded.response, "
    "saved_at = excluded.saved_at, fraction = excluded.fraction, mark = excluded.mark, "
    "state = excluded.state"
)
"""What an answer stored already for the slot keeps (its id, its ``corrected`` mark) and what
it takes of the new one, in every form of the answers' upsert."""

_UPSERT_ANSWER_ROWS = text(
    "INSERT INTO answers (slot_id, attempt_id, question_version_id, response, saved_at, "  # noqa: S608
    "fraction, mark, state, corrected) "
    "SELECT given.slot, :attempt_id, given.version, given.response, given.saved_at, "
    "given.fraction, given.mark, given.state, :corrected "
    f"FROM json_to_recordset(CAST(:rows AS JSON)) AS given {ANSWER_RECORD} {ANSWER_REPLACED}"
).bindparams(
    bindparam("corrected", type_=_ANSWERS.c.corrected.type),
    bindparam("rows", type_=Text()),
)
"""``_upsert_answers`` on PostgreSQL, for any number of answers, the rows as one JSON text
keyed by ``_ANSWER_COLUMNS``' names (see the module's docstring)."""
_INSERT_PICK_ROWS = text(
    "INSERT INTO answer_picks (answer_id, option_key, attempt_id, question_version_id) "
    "SELECT answers.id, picked.key, answers.attempt_id, answers.question_version_id "
    "FROM json_to_recordset(CAST(:rows AS JSON)) AS picked (slot INTEGER, key VARCHAR) "
    "JOIN answers ON answers.slot_id = picked.slot AND answers.attempt_id = :attempt_id"
).bindparams(bindparam("rows", type_=Text()))
"""``_insert_picks`` on PostgreSQL, for any number of picks."""


def update_attempt(attempt_id: int, **values: Any) -> None:
    """Set columns of the attempt row (its save count, and its marks and finish time)."""
    db.session.execute(_UPDATE_ATTEMPT, {"attempt_id_": attempt_id, **values})


def flag_statements(flags: Mapping[int, bool]) -> list[ReadyStatement]:
    """The review flags of slots (by slot id) set, one ready UPDATE each (a page changes a
    few at a time; ``prepared_writes``)."""
    return [
        ready(_UPDATE_FLAG, {"slot_id_": slot_id, "flagged": flagged})
        for slot_id, flagged in flags.items()
    ]
