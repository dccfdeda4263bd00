"""SQLite writers of this app take turns at a turnstile before ``BEGIN IMMEDIATE``.

Why: SQLite's busy handler does not queue a writer that finds the write lock taken; it SLEEPS
(1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms, ...) and tries again. So the lock sits idle
while its waiters sleep, and a waiter deep in its back-off keeps losing to newcomers: under a
burst of submits most of a request's time was spent asleep with the database free (issue 10).

The turnstile lets our own writers wait with an exact wake-up instead: a thread takes its
process's ``threading.Lock`` for the database file (the other threads of the worker sleep on
it and wake the moment it is released), then an exclusive ``flock`` on a lock file beside the
database (``<db>.write-lock``; the kernel releases it if a process dies), which orders the
workers. The holder then begins with ``BEGIN IMMEDIATE``, which finds the lock free, and lets
go of both after its commit or rollback.

It only orders; SQLite's own lock still guards. A writer that does not come through here (the
``sqlite3`` shell, another program) is waited for by SQLite's busy handler as before, and a
writer that cannot have its turn in time (or cannot open the lock file: a read-only
directory) goes straight to SQLite, which decides. No part of this is needed on PostgreSQL.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Engine

POLL_SECONDS = 0.0005
"""How often the thread at the head of a worker's queue retries another worker's ``flock``
(which has no timeout of its own): half a millisecond, against a write of a few."""

GIVE_WAY_SECONDS = 0.05
"""How long, at most, a thread of this process waits at ``give_way`` while another thread of
it holds a turn (0: it never waits)."""

_way_clear = threading.Event()
_way_clear.set()
_holder = [0]
"""Whether no thread of this process is sending a turn's statements (set), and which one is
(its ident): from its turn until its commit begins (``clear_the_way``) or the turn ends."""


def give_way() -> None:
    """Wait, briefly, while another thread of this process sends a write turn's statements.

    Why: the lock is the one thing every writer of every worker waits for, and its holder
    shares its worker's GIL with the other threads: they take it at every statement the
    holder sends (pysqlite lets go of it around each step), so a write of about 4 ms alone
    held the lock 6-10 ms a turn among four threads; waiting here, 15-27% less, and the
    burst's submits sooner (docs/performance.md, "Session 10: the lead's runs"). Threads that
    are about to start work of their own (a statement, grading a submit) wait here until the
    holder's commit begins (``clear_the_way``: the commit needs the disk, not the GIL), so the
    holder runs nearly alone and the next writer gets the lock sooner; the wait is bounded
    (``GIVE_WAY_SECONDS``) and the holder itself never waits. A shorter switch interval while
    the turn is held was measured too and did not help (sessions 10 and 14): it hands the GIL
    round sooner, not more of it to the holder."""
    if GIVE_WAY_SECONDS > 0 and not _way_clear.is_set() and _holder[0] != threading.get_ident():
        _way_clear.wait(GIVE_WAY_SECONDS)


def clear_the_way() -> None:
    """Let the threads waiting at ``give_way`` go on: the turn's statements are sent, and
    what is left of it is its commit, which needs the disk, not the GIL.

    Why: with ``synchronous = FULL`` the commit waits for its fsync, about half of a submit's
    turn (0.6 of 1.1 ms in-process), and pysqlite lets go of the GIL around it; the worker's
    other threads, held back until the turn's end, left its core idle meanwhile (a third of
    the machine idle through a class's submits). Let go as the commit begins, they grade and
    render while the disk works; the turn itself is held until ``leave``. Measured under
    gunicorn, four pairs: the submit's throughput 19-21% of the login page's before, 22-31%
    after (docs/performance.md, "Session 14")."""
    _holder[0] = 0
    _way_clear.set()


class WriteTurnstile:
    """One database file's turnstile in this process (one per file: see ``for_database``)."""

    def __init__(self, lock_path: str) -> None:
        self.lock_path = lock_path
        self._threads = threading.Lock()
        self._fd = -1
        self.waits = 0
        """Turns that had to wait (for a thread of this process or another worker)."""
        self.waited_seconds = 0.0
        self.timeouts = 0
        """Turns not had within the timeout (the writer went on to SQLite's own lock).
        These counters are for measurements (``bench/submit_bench.py``); ``timeouts`` is
        counted outside the lock, so two at the same instant may count once."""
        self.turns = 0
        self.held_seconds = 0.0
        """Turns had, and their time from the turn to its end (the lock's busy time)."""
        self._turn_began = 0.0

    def enter(self, timeout: float) -> float | None:
        """Wait at most ``timeout`` seconds for the turn; the seconds waited, or None when the
        turn was not had (timed out, or no lock file), in which case nothing is held."""
        began = time.monotonic()
        queued = (
            self._threads.acquire(timeout=timeout) if timeout > 0 else self._threads.acquire(False)
        )
        if not queued:
            self.timeouts += 1
            return None
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            self._threads.release()
            return None
        deadline = began + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    self._threads.release()
                    self.timeouts += 1
                    return None
                time.sleep(POLL_SECONDS)
        self._fd = fd
        _holder[0] = threading.get_ident()
        _way_clear.clear()
        self._turn_began = now = time.monotonic()
        waited = now - began
        if waited > POLL_SECONDS:
            self.waits += 1
            self.waited_seconds += waited
        return waited

    def leave(self) -> None:
        """End the turn: the next worker, then the next thread of this one, may go."""
        fd, self._fd = self._fd, -1
        self.turns += 1
        self.held_seconds += time.monotonic() - self._turn_began
        clear_the_way()
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)  # even if a fork meanwhile copied the descriptor
            os.close(fd)
        finally:
            self._threads.release()

    def _after_fork(self) -> None:
        # A child has one thread: a lock another thread of the parent held would never be
        # released, and the parent's descriptor is not the child's turn.
        self._threads = threading.Lock()
        if self._fd >= 0:
            os.close(self._fd)  # the child's copy; the parent still holds and releases it
        self._fd = -1


class TurnstileConnection(sqlite3.Connection):
    """A pysqlite connection whose write transactions begin at the database's turnstile
    (``write_turnstile``) and leave it when they end, however they end: its commit, its
    rollback (SQLAlchemy's, or the pool's on check-in), or its close."""

    turnstile: WriteTurnstile | None = None
    turn = False
    """Whether this connection's write transaction holds the turnstile."""

    def begin_in_turn(self, connection: Any, milliseconds: int) -> None:
        """``BEGIN IMMEDIATE`` once the turn comes, within the busy timeout in all: what the
        turnstile took is taken from SQLite's own wait (past the timeout SQLite gets no wait,
        so a lock still held fails as ``database is locked``, the 503 page)."""
        assert self.turnstile is not None
        waited = self.turnstile.enter(milliseconds / 1000)
        self.turn = waited is not None
        left = 0 if waited is None else max(0, milliseconds - round(waited * 1000))
        if left != milliseconds:
            self.execute(f"PRAGMA busy_timeout = {left:d}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._leave()
            raise
        finally:
            if left != milliseconds:
                self.execute(f"PRAGMA busy_timeout = {milliseconds:d}")

    def commit(self) -> None:
        if self.turn:
            clear_the_way()  # nothing but the commit is left of the turn
        try:
            super().commit()
        finally:
            if self.turn and not self.in_transaction:
                self._leave()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            if self.turn and not self.in_transaction:
                self._leave()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave()

    def _leave(self) -> None:
        if self.turn:
            self.turn = False
            assert self.turnstile is not None
            self.turnstile.leave()


def turnstile_of(engine: Engine) -> WriteTurnstile | None:
    """The turnstile of the engine's database file; None in memory."""
    database = engine.url.database
    if database in (None, "", ":memory:"):
        return None
    if engine.url.query.get("uri") and database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
        if database in ("", ":memory:") or engine.url.query.get("mode") == "memory":
            return None
    return for_database(database)


_TURNSTILES: weakref.WeakValueDictionary[str, WriteTurnstile] = weakref.WeakValueDictionary()
_REGISTRY_LOCK = threading.Lock()


def for_database(database: str) -> WriteTurnstile:
    """The turnstile of a database file, shared by every engine of this process on it."""
    lock_path = os.path.realpath(database) + ".write-lock"
    with _REGISTRY_LOCK:
        turnstile = _TURNSTILES.get(lock_path)
        if turnstile is None:
            turnstile = _TURNSTILES[lock_path] = WriteTurnstile(lock_path)
        return turnstile


def _forget_in_child() -> None:
    global _REGISTRY_LOCK
    _REGISTRY_LOCK = threading.Lock()
    clear_the_way()  # the child's one thread holds no turn: none of its statements waits
    for turnstile in list(_TURNSTILES.values()):
        turnstile._after_fork()


os.register_at_fork(after_in_child=_forget_in_child)
