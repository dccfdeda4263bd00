"""gunicorn's threaded worker, with new connections shared out among the workers
(``worker_class`` in ``quizapp.gunicorn_conf``, as the README deploys).

Why: gunicorn's workers all wait on one listening socket, and whichever wakes first takes each
new connection, which then stays with that worker for as long as it is kept alive. When a
reverse proxy's pool, a class's browsers or the load bench open their connections together,
one worker often takes most of them: 14 of 16 connections on one worker of four threads while
two others held one each. That worker's requests queue for its threads and its one GIL while
the others idle: with two workers the attempt page was answered 474-549 times a second (p99
73-94 ms) against 563-581 (p99 59-60 ms) with the connections shared evenly
(docs/performance.md, "Session 20").

Here a worker already busy with a connection for each of its threads steps aside for a moment
when a new one arrives, ``STEP_ASIDE`` for each busy connection beyond that, at most
``LONGEST_STEP_ASIDE``: a worker with a free thread, back sooner, takes it first. If none does,
the worker takes the connection itself when the moment is over, so no connection waits longer.
A worker with a free thread accepts at once, as gunicorn's does. Connections kept alive with
no request for ``IDLE_AFTER`` (a student reading a page) are no load and do not count.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

STEP_ASIDE = 0.01
"""Seconds a busy worker leaves a new connection to the others for each busy connection beyond
one a thread: long enough for another worker to wake and take it under load (its main thread
may wait for the GIL, which a request thread gives up every 5 ms)."""

LONGEST_STEP_ASIDE = 0.04
"""The longest a new connection waits because every worker is busy."""

IDLE_AFTER = 1.0
"""Seconds after its last answer a kept-alive connection counts as idle, not as load."""


class BalancedThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's ``gthread`` worker, but one busy with a connection for each of its threads
    lets the other workers take a new one first (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stepped_aside_until = 0.0
        """Until when (``time.monotonic``) this worker leaves new connections to the others."""

    def accept(self, listener: Any) -> None:
        """Take the new connection, unless this worker is busy with one for each of its threads
        and has not just stepped aside for it: then step aside (``step_aside``)."""
        now = time.monotonic()
        just_stepped_aside = now < self.stepped_aside_until + LONGEST_STEP_ASIDE
        busy = self.busy_connections(now)
        if busy >= self.cfg.threads and not just_stepped_aside:
            self.step_aside(now, busy - self.cfg.threads + 1)
            return
        self.stepped_aside_until = 0.0
        super().accept(listener)

    def busy_connections(self, now: float) -> int:
        """The connections this worker holds, less those kept alive that have had no request
        for ``IDLE_AFTER``. The kept-alive ones wait oldest first, each until its keep-alive
        ends (``TConn.set_timeout``: its last answer plus ``keepalive``)."""
        idle_before = now - IDLE_AFTER + self.cfg.keepalive
        idle = 0
        for connection in self.keepalived_conns:
            if connection.timeout >= idle_before:
                break
            idle += 1
        return int(self.nr_conns) - idle

    def step_aside(self, now: float, beyond: int) -> None:
        """Stop listening for new connections for ``STEP_ASIDE`` times ``beyond`` (the busy
        connections beyond one a thread), at most ``LONGEST_STEP_ASIDE``."""
        self.stepped_aside_until = now + min(STEP_ASIDE * beyond, LONGEST_STEP_ASIDE)
        super().set_accept_enabled(False)

    def set_accept_enabled(self, enabled: bool) -> None:
        """gunicorn's main loop turns listening back on whenever it can take more connections;
        not while this worker has stepped aside."""
        if enabled and time.monotonic() < self.stepped_aside_until:
            return
        super().set_accept_enabled(enabled)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        """Wake when the moment of stepping aside is over, not up to a second later."""
        left = self.stepped_aside_until - time.monotonic()
        if left > 0:
            timeout = min(timeout, left)
        super().wait_for_and_dispatch_events(timeout)
