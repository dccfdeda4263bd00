"""Practice: questions a student missed come back, scheduled by a Leitner box system.

A wrong (or partly right) answer puts the question in box 1, due at once; each right answer
moves it up a box, to a longer interval; a right answer in the top box retires the card.
Practice attempts are stored apart (``is_practice``) and never change a quiz's grade.
"""

from __future__ import annotations

import functools
import random
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Select, Text, TextClause, bindparam, func, select, text

from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import (
    SEED_BITS,
    Attempt,
    AttemptSlot,
    PracticeCard,
    Question,
    QuestionVersion,
    User,
    now_utc,
)
from quizapp.prepared_writes import ReadyStatement, json_rows, ready, ready_rows, send
from quizapp.qtypes.languages import LanguageChooser, chosen_language
from quizapp.questions import question_from_version

BOX_INTERVALS = {
    1: timedelta(0),
    2: timedelta(days=1),
    3: timedelta(days=3),
    4: timedelta(days=7),
    5: timedelta(days=21),
}
"""How long a card rests in each box before it is due again."""
TOP_BOX = max(BOX_INTERVALS)
PRACTICE_SIZE = 10


_CARDS = PracticeCard.__table__
_UNSEEN = 0
"""The box a right answer's row carries into the upsert: kept by an existing card (moved up
a box), or, for a question with no card, inserted and deleted by ``_DROP`` in the same
transaction (a right answer makes no card). PostgreSQL's form leaves such a row out
(``CARDS_TO_MOVE``) unless the card went after its statement began."""
_RETIRED = TOP_BOX + 1
"""Where a right answer moves a card from the top box: deleted by ``_DROP`` (retired)."""
DROPPED_BOXES = f"({_UNSEEN}, {_RETIRED})"
"""The boxes whose rows ``_DROP`` deletes after the upsert, as SQL."""
_DROP = text(
    f"DELETE FROM practice_cards WHERE user_id = :user_id AND box IN {DROPPED_BOXES}"  # noqa: S608
)
"""Built once, like the upsert, and compiled once (``prepared_writes``); only constants are
written into the text."""


@functools.lru_cache(maxsize=256)
def _upsert(cards: int) -> TextClause:
    """The cards of ``cards`` answered questions moved by their answers, in one statement
    that reads nothing first: ``INSERT ... VALUES (...), (...) ON CONFLICT (user_id,
    question_id) DO UPDATE``. A missed question's row (box 1) makes its card or puts the
    existing one back in box 1, due at once; a right one's (box ``_UNSEEN``) moves an existing
    card up a box, due after that box's interval (``due_<box>``), or past the top box
    (``_RETIRED``); ``_DROP`` then deletes the rows of right answers that found no card and of
    retired cards.

    One statement with its rows in the order of the question ids, so two submits of one
    student side by side on PostgreSQL (two tabs, two quizzes sharing questions) lock the cards
    they share in the same order: the second waits for the first, then moves the first's card
    (a card made meanwhile by the other is moved, not inserted twice). Separate statements
    for the right and the missed answers deadlocked there.

    Why one statement of ``cards`` rows, and not an executemany of one row: pysqlite lets go
    of the GIL at every row it steps, and the writer holding SQLite's write lock then waits
    for its worker's other threads to hand it back (up to a switch interval, 5 ms, each
    time): twenty rows, twenty chances to wait with the lock held (docs/performance.md,
    "Session 11"). The student, the time and the due dates are one parameter each, not one per
    row. Written as text, because SQLAlchemy compiles an ``insert().values([...])`` of
    several rows anew at every execution (such a statement has no cache key), and a text is
    compiled once per number of cards. PostgreSQL takes the same rows as one JSON text
    (``_UPSERT_ROWS``)."""
    rows = ", ".join(
        f"(:user_id, :question_of_{row}, :box_of_{row}, :due_now, :now)" for row in range(cards)
    )
    # Only row and box numbers are written into the text; every value is a bound parameter.
    return with_due_dates(
        "INSERT INTO practice_cards (user_id, question_id, box, due_at, updated_at) "  # noqa: S608
        f"VALUES {rows} {MOVE_ON_CONFLICT}"
    )


def _moved_on_conflict() -> str:
    moved = " ".join(
        f"WHEN practice_cards.box = {box} THEN :due_{box + 1}" for box in range(1, TOP_BOX)
    )
    return (
        "ON CONFLICT (user_id, question_id) DO UPDATE SET "
        "box = CASE WHEN excluded.box = 1 THEN 1 ELSE practice_cards.box + 1 END, "
        f"due_at = CASE WHEN excluded.box = 1 THEN excluded.due_at {moved} "
        "ELSE excluded.due_at END, "
        "updated_at = excluded.updated_at"
    )


MOVE_ON_CONFLICT = _moved_on_conflict()
"""How the upsert moves a card that exists (both forms of it): only box numbers are written
into the text."""


def with_due_dates(sql: str) -> TextClause:
    when = _CARDS.c.due_at.type
    return text(sql).bindparams(
        bindparam("due_now", type_=when),
        bindparam("now", type_=when),
        *(bindparam(f"due_{box}", type_=when) for box in range(2, TOP_BOX + 1)),
    )


CARD_RECORD = "(question INTEGER, box INTEGER)"
"""How ``json_to_recordset`` reads the cards' rows (``card_rows``) on PostgreSQL."""
CARDS_TO_MOVE = (
    "WHERE moved.box = 1 OR EXISTS (SELECT 1 FROM practice_cards AS card "
    "WHERE card.user_id = :user_id AND card.question_id = moved.question)"
)
"""Which of the rows ``CARD_RECORD`` reads the upsert takes on PostgreSQL: a missed question's,
and a right one's whose card the statement finds. A right answer to a question with no card
was a row inserted only to be deleted by ``_DROP`` (with its foreign keys checked, two of them
on rows every student's cards lock): most right answers of a submit. ``_DROP`` still deletes
what retired, and a right answer's row whose card another transaction deleted after the
statement began (inserted then, in box ``_UNSEEN``). A card another transaction made after it
began is left as that one made it, as if this submit had come first."""
_UPSERT_ROWS = with_due_dates(
    "INSERT INTO practice_cards (user_id, question_id, box, due_at, updated_at) "  # noqa: S608
    "SELECT :user_id, moved.question, moved.box, :due_now, :now "
    f"FROM json_to_recordset(CAST(:rows AS JSON)) AS moved {CARD_RECORD} {CARDS_TO_MOVE} "
    f"ORDER BY moved.question {MOVE_ON_CONFLICT}"
).bindparams(bindparam("rows", type_=Text()))
"""``_upsert`` on PostgreSQL: the rows as one JSON text (one text for any number of cards, a
handful of parameters: see ``prepared_writes.ready_rows``), inserted in the order of the
question ids (the lock order ``_upsert`` explains), those of ``CARDS_TO_MOVE``."""


def schedule(user_id: int, outcomes: Mapping[int, bool], now: datetime) -> None:
    """Move each answered question's card by the answer's outcome (``outcomes``: question id
    to right or not): a wrong answer puts the card in box 1 (made if need be), due at once; a
    right one moves an existing card up a box, or retires it from the top box, and makes none.
    One upsert, and one DELETE when an answer was right; nothing is read under the lock."""
    for statement in schedule_statements(user_id, outcomes, now):
        send(statement)


def schedule_statements(
    user_id: int, outcomes: Mapping[int, bool], now: datetime
) -> list[ReadyStatement]:
    """What ``schedule`` sends, made ready without sending it (``prepared_writes``): a submit
    makes its statements before it takes the write lock, and only sends them under it."""
    if not outcomes:
        return []
    params = {"user_id": user_id, **card_params(now)}
    statements = [ready_rows(_upsert, _UPSERT_ROWS, _card_columns(outcomes), params)]
    return [*statements, *drop_statements(user_id, outcomes)]


def card_params(now: datetime) -> dict[str, datetime]:
    """The times the cards' upsert takes (``with_due_dates``): now, and when each box is due."""
    params = {"now": now, "due_now": now + BOX_INTERVALS[1]}
    params.update({f"due_{box}": now + BOX_INTERVALS[box] for box in range(2, TOP_BOX + 1)})
    return params


def card_rows(outcomes: Mapping[int, bool]) -> str:
    """The cards' rows as one JSON text (``prepared_writes.json_rows``), as ``CARD_RECORD``
    reads them, in the order of the question ids."""
    return json_rows(_card_columns(outcomes))


def _card_columns(outcomes: Mapping[int, bool]) -> dict[str, list[int]]:
    questions = sorted(outcomes)
    return {
        "question": questions,
        "box": [_UNSEEN if outcomes[question_id] else 1 for question_id in questions],
    }


def drop_statements(user_id: int, outcomes: Mapping[int, bool]) -> list[ReadyStatement]:
    """The ``DELETE`` that follows the cards' upsert, if an answer was right (``_DROP``)."""
    return [ready(_DROP, {"user_id": user_id})] if any(outcomes.values()) else []


def _live_cards(user: User) -> Select[tuple[PracticeCard]]:
    """The student's cards whose questions are still drawn (a retired question leaves
    practice with its bank), the one base for what the practice page counts and offers."""
    return (
        select(PracticeCard)
        .join(Question, Question.id == PracticeCard.question_id)
        .where(PracticeCard.user_id == user.id, Question.retired.is_(False))
    )


def due_cards(user: User, now: datetime | None = None) -> list[PracticeCard]:
    return list(
        db.session.scalars(
            _live_cards(user)
            .where(PracticeCard.due_at <= (now or now_utc()))
            .order_by(PracticeCard.box, PracticeCard.due_at, PracticeCard.id)
        )
    )


def cards_by_box(user: User) -> dict[int, int]:
    cards = _live_cards(user).subquery()
    counts = dict.fromkeys(BOX_INTERVALS, 0)
    for box, count in db.session.execute(select(cards.c.box, func.count()).group_by(cards.c.box)):
        counts[box] = count
    return counts


def next_due(user: User) -> datetime | None:
    cards = _live_cards(user).subquery()
    return db.session.scalar(select(func.min(cards.c.due_at)))


def unfinished_practice(user: User) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.user_id == user.id,
            Attempt.is_practice.is_(True),
            Attempt.submitted_at.is_(None),
        )
    )


def start_practice(user: User, choose_language: LanguageChooser | None = None) -> Attempt | None:
    """Resume the unfinished practice, or start one from the due cards (None if none due)."""
    begin_write()
    existing = unfinished_practice(user)
    if existing is not None:
        db.session.commit()
        return existing
    cards = due_cards(user)[:PRACTICE_SIZE]
    if not cards:
        db.session.rollback()
        return None
    seed = secrets.randbits(SEED_BITS)
    rng = random.Random(seed)
    attempt = Attempt(user_id=user.id, quiz_id=None, seed=seed, is_practice=True)
    db.session.add(attempt)
    question_ids = [card.question_id for card in cards]
    versions = db.session.scalars(
        select(QuestionVersion)
        .join(Question, QuestionVersion.question_id == Question.id)
        .where(
            Question.id.in_(question_ids),
            QuestionVersion.version == Question.current_version,
        )
    ).all()
    by_question = {version.question_id: version for version in versions}
    # a question turned back into a draft since it was answered is not practised
    question_ids = [
        question_id
        for question_id in question_ids
        if question_id in by_question and not by_question[question_id].data.get("draft")
    ]
    if not question_ids:
        db.session.rollback()
        return None
    rng.shuffle(question_ids)
    total = 0.0
    for position, question_id in enumerate(question_ids, start=1):
        version = by_question[question_id]
        question = question_from_version(version)
        attempt.slots.append(
            AttemptSlot(
                position=position,
                question_version=version,
                layout=question.new_layout(rng, shuffle=True),
                max_mark=question.points,
                language=chosen_language(question, choose_language),
            )
        )
        total += question.points
    attempt.max_marks = total
    db.session.commit()
    return attempt
