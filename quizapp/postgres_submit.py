"""A submit's writes on PostgreSQL in one statement: the claim, the answers, their picks and
the practice cards; and a save's: the claim and the answers.

Why: on PostgreSQL each statement a submit sends costs CPU on both sides whatever it does:
SQLAlchemy's and psycopg's work to run it and read its result (about 0.08 ms of the app's on
this project's machine), and the server's to receive, bind, start and end it (about 0.04 ms),
besides its round trip. A submit sent five (the attempt claimed, the answers, the options
picked, the cards moved, the cards dropped). Here the first four are one statement of
data-modifying ``WITH`` parts, each taking its rows as one JSON text (``prepared_writes``):

- ``claimed``: the attempt's UPDATE (``attempts._CLAIM``: only if still open and at the save
  count the page showed), returning its id;
- ``stored``: the answers' upsert (``answer_store``), one row per answer for the claimed
  attempt only, returning each answer's id by slot;
- ``picked``: the options picked, joined to ``stored``'s answers: a part of a statement does
  not see the rows another part writes, only what that part returns, which also spares the
  lookup of the answers by slot;
- ``moved``: the practice cards' upsert (``practice``), for the claimed attempt only, in the
  order of the question ids (the lock order ``practice._upsert`` explains), of the cards to
  move (``practice.CARDS_TO_MOVE``).

A save's statement (``_SAVE``) is the first two parts: the claim (the save count only) and the
answers, without grades or picks.

The statement returns a row if the claim held, none if it did not (and then none of its parts
wrote anything). The cards' ``DELETE`` stays a statement of its own: it must see the rows the
upsert wrote (a card retired from the top box, or a right answer's row whose card another
transaction deleted meanwhile), and a statement never sees its own writes. It is sent only
when the row says the upsert left such a row (``cards_to_drop``, from the boxes ``moved``
returns): most submits leave none, and a statement sent costs CPU on both sides whatever it
does. The statement takes the attempt's row lock first, as the claim alone did, so two submits
of one attempt still wait for each other and the second finds it submitted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, bindparam, text

from quizapp.answer_store import ANSWER_RECORD, ANSWER_REPLACED, SlotAnswer, answer_rows, pick_rows
from quizapp.models import Answer, Attempt
from quizapp.practice import (
    CARD_RECORD,
    CARDS_TO_MOVE,
    DROPPED_BOXES,
    MOVE_ON_CONFLICT,
    card_params,
    card_rows,
    drop_statements,
    with_due_dates,
)
from quizapp.prepared_writes import ReadyStatement, ready
from quizapp.write_batches import FollowingStatement, IfClaimSays

_ATTEMPTS = Attempt.__table__

_STORED = (
    "INSERT INTO answers (slot_id, attempt_id, question_version_id, response, saved_at, "  # noqa: S608
    "fraction, mark, state, corrected) "
    "SELECT given.slot, claimed.id, given.version, given.response, given.saved_at, "
    "given.fraction, given.mark, given.state, :corrected "
    "FROM claimed CROSS JOIN json_to_recordset(CAST(:answer_rows AS JSON)) "
    f"AS given {ANSWER_RECORD} {ANSWER_REPLACED}"
)
"""The answers' upsert as a part of both statements, for the ``claimed`` attempt only."""


def _claimed(setting: str) -> str:
    """The ``claimed`` part both statements begin with: ``attempts._CLAIM`` (the attempt's
    UPDATE, only if still open and at the save count the page showed) setting ``setting``,
    returning the attempt's id."""
    return (
        f"WITH claimed AS (UPDATE attempts SET {setting} "  # noqa: S608
        "WHERE attempts.id = :attempt_id_ AND attempts.submitted_at IS NULL "
        "AND attempts.sequence = :sequence_ RETURNING attempts.id), "
    )


_SUBMIT = with_due_dates(
    f"{_claimed('sequence = :sequence, marks = :marks, submitted_at = :submitted_at')}"  # noqa: S608
    f"stored AS ({_STORED} RETURNING answers.id, answers.slot_id, answers.question_version_id), "
    "picked AS ("
    "INSERT INTO answer_picks (answer_id, option_key, attempt_id, question_version_id) "
    "SELECT stored.id, chosen.key, :attempt_id_, stored.question_version_id "
    "FROM json_to_recordset(CAST(:pick_rows AS JSON)) AS chosen (slot INTEGER, key VARCHAR) "
    "JOIN stored ON stored.slot_id = chosen.slot), "
    "moved AS ("
    "INSERT INTO practice_cards (user_id, question_id, box, due_at, updated_at) "
    "SELECT :user_id, moved.question, moved.box, :due_now, :now "
    f"FROM claimed CROSS JOIN json_to_recordset(CAST(:card_rows AS JSON)) AS moved {CARD_RECORD} "
    f"{CARDS_TO_MOVE} ORDER BY moved.question {MOVE_ON_CONFLICT} RETURNING practice_cards.box) "
    "SELECT claimed.id, EXISTS (SELECT 1 FROM moved AS card "
    f"WHERE card.box IN {DROPPED_BOXES}) AS cards_to_drop FROM claimed"
).bindparams(
    bindparam("marks", type_=_ATTEMPTS.c.marks.type),
    bindparam("submitted_at", type_=_ATTEMPTS.c.submitted_at.type),
    bindparam("corrected", type_=Answer.__table__.c.corrected.type),
    *(bindparam(rows, type_=Text()) for rows in ("answer_rows", "pick_rows", "card_rows")),
)
"""Built once, compiled once (``prepared_writes``); only constants are written into the text
(the rows' records, the box numbers of ``practice.MOVE_ON_CONFLICT``), every value is a bound
parameter. The claim's marks and finish time, and the answers' ``corrected``, take their
columns' types; the times of the cards, ``practice.with_due_dates``'."""


def submit_statements(
    user_id: int,
    graded: Sequence[SlotAnswer],
    outcomes: Mapping[int, bool],
    now: datetime,
    claim: Mapping[str, Any],
) -> tuple[ReadyStatement, list[FollowingStatement]]:
    """A submit's writes made ready (``prepared_writes``): the one statement, whose result has
    a row if the claim held, and what follows it when it did: the cards' ``DELETE``, only if
    the row says the upsert left a card to drop (``cards_to_drop``).

    ``claim``: the claim's values as ``attempts._claim_and_write`` names them (the attempt,
    the save count the page showed and the next, the marks and the finish time), which the
    statement's ``claimed`` part takes by the same names."""
    values = {
        **claim,
        "user_id": user_id,
        "corrected": False,
        "answer_rows": answer_rows(graded),
        "pick_rows": pick_rows(graded),
        "card_rows": card_rows(outcomes),
        **card_params(now),
    }
    drops = drop_statements(user_id, outcomes)
    return ready(_SUBMIT, values), [IfClaimSays("cards_to_drop", drop) for drop in drops]


_SAVE = text(
    f"{_claimed('sequence = :sequence')}stored AS ({_STORED}) "  # noqa: S608
    "SELECT claimed.id FROM claimed"
).bindparams(
    bindparam("corrected", type_=Answer.__table__.c.corrected.type),
    bindparam("answer_rows", type_=Text()),
)
"""A save's claim and answers: built once, compiled once, as ``_SUBMIT``."""


def save_statements(
    changed: Sequence[SlotAnswer],
    then: Sequence[ReadyStatement],
    claim: Mapping[str, Any],
) -> tuple[ReadyStatement, list[FollowingStatement]]:
    """A save's writes made ready: the one statement of its claim and its changed answers
    (``changed``, not empty), whose result has a row if the claim held, and ``then`` (the
    review flags changed) after it when it did. ``claim``: as ``submit_statements``' (the
    save count only)."""
    values = {**claim, "corrected": False, "answer_rows": answer_rows(changed)}
    return ready(_SAVE, values), list(then)
