"""The saves and submits a worker has ready at once, written in one transaction (group commit).

Why: on SQLite one writer at a time holds the write lock, and each writer's turn costs more
than its statements: the turnstile's hand-over, ``BEGIN IMMEDIATE``, the commit's fsync, and
a wait for the GIL each time a statement lets go of it while the worker's other threads
run. When a class submits together, a worker's threads queue for the lock with their writes
ready (``prepared_writes``: compiled and converted, nothing left but to send them). So the
thread whose turn comes takes every write queued in its worker and sends them all in its own
transaction, one commit for the lot, and each waiting thread finds its write done when it
wakes; the thread of a write queued after the batch was taken leads the next one. A write
alone in its queue is a batch of one, as before.

A write is a claim (the attempt's UPDATE: it changes one row only if the attempt is still
open at the save count its page showed) and the statements that follow it when it holds (some
only when the claim's row says they are needed: ``IfClaimSays``). A claim that fails writes
nothing, so it needs no savepoint; the others in its batch go on. If a statement fails (a
fault of the database, not of a student), the batch is rolled back and each of its writes is
tried again alone, so that a fault costs only its own write.

PostgreSQL locks rows, not the database: writers there do not wait for each other, and each
thread writes its own (``batched`` is False).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from quizapp.database import begin_write, put_back_pending, take_pending
from quizapp.extensions import db
from quizapp.prepared_writes import ReadyStatement, ready, run, send


@dataclass(frozen=True, slots=True)
class IfClaimSays:
    """A statement that follows a claim only if the claim's row says it is needed: its column
    ``column`` is true. A claim that writes for itself (``postgres_submit``) knows whether
    what it wrote leaves anything for a later statement to do."""

    column: str
    statement: ReadyStatement


FollowingStatement = ReadyStatement | IfClaimSays


@dataclass(eq=False)
class Write:
    """One save or submit: its claim, then its statements if the claim holds."""

    claim: ReadyStatement
    statements: Sequence[FollowingStatement]
    claimed: bool = False
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


@dataclass(eq=False)
class _Queue:
    """One database's writes waiting in this process, and the lock its batch's leader holds."""

    waiting: list[Write] = field(default_factory=list)
    writing: list[Write] = field(default_factory=list)
    """The batch its leader is writing now (empty between batches)."""
    waiting_lock: threading.Lock = field(default_factory=threading.Lock)
    leader: threading.Lock = field(default_factory=threading.Lock)


_queues: weakref.WeakKeyDictionary[Engine, _Queue] = weakref.WeakKeyDictionary()
"""Each engine's queue (an app has one engine for its database)."""
_queues_lock = threading.Lock()


def write(claim: ReadyStatement, statements: Sequence[FollowingStatement]) -> bool:
    """Claim and, if the claim holds, write ``statements``, committed (with the small writes
    the session was keeping for its next write transaction, ``database.write_with_next``);
    returns whether the claim held. A database error is raised as it would be alone."""
    pending = take_pending()
    job = Write(claim, [*statements, *(ready(s, p) for s, p in pending.values())])
    engine = db.session.get_bind()
    try:
        if engine.dialect.name == "sqlite":
            _join(_queue_of(engine), job)
        else:
            _run([job])
    finally:
        if not job.claimed:  # refused, failed, or never run: they wait for the next write
            put_back_pending(pending)
    if job.error is not None:
        raise job.error
    return job.claimed


def _queue_of(engine: Engine) -> _Queue:
    with _queues_lock:
        queue = _queues.get(engine)
        if queue is None:
            queue = _queues[engine] = _Queue()
        return queue


def _join(queue: _Queue, job: Write) -> None:
    """Queue the write, then wait until a batch has written it, leading one if need be."""
    with queue.waiting_lock:
        queue.waiting.append(job)
    while not job.done.is_set():
        with queue.leader:
            if job.done.is_set():
                break
            with queue.waiting_lock:
                queue.writing, queue.waiting = queue.waiting, []
            try:
                _run(queue.writing)
            finally:
                queue.writing = []


def _run(batch: list[Write]) -> None:
    """Write the batch in the session's own transaction (this thread's), one commit; after
    an error, each write again alone. Every write of the batch is done when this returns."""
    try:
        _write_all(batch)
    except Exception as error:
        # Failed first, so that no write of the batch passes for done if the rollback fails
        # too (the error then goes up to this thread's request, and the others raise theirs).
        _failed(batch, error)
        db.session.rollback()
        if len(batch) > 1:
            for job in batch:
                job.error = None
                _run([job])
    except BaseException:
        # This thread is being stopped (its worker is shutting down): the writes it had
        # taken are told they failed, and what it began is left to be rolled back.
        _failed(batch, RuntimeError("the write was interrupted"))
        raise
    finally:
        for job in batch:
            job.done.set()


def _failed(batch: list[Write], error: BaseException) -> None:
    for job in batch:
        job.claimed, job.error = False, error


def _write_all(batch: list[Write]) -> None:
    begin_write(keep_loaded=True)
    connection = db.session.connection()
    for job in batch:
        claimed = run(job.claim, connection)
        job.claimed = claimed.rowcount == 1
        if job.claimed:
            told = claimed.mappings().one() if claimed.returns_rows else {}
            for statement in job.statements:
                if isinstance(statement, IfClaimSays):
                    if not told[statement.column]:
                        continue
                    statement = statement.statement
                send(statement, connection)
    db.session.commit()
