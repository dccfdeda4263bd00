"""gunicorn's threaded worker, with new connections shared out among the workers
(``worker_class`` in ``quizapp.gunicorn_conf``, as the README deploys).

Why: gunicorn's workers all wait on one listening socket, and whichever wakes first takes each
new connection, which then stays with that worker for as long as it is kept alive. When a
reverse proxy's pool, a class's browsers or the load bench open their connections together,
one worker often takes most of them: 14 of 16 connections on one worker of four threads while
two others held one each. That worker's requests queue for its threads and its one GIL while
the others idle (docs/performance.md, "Session 20").

Here each worker writes how many connections it holds into a table the workers share
(``_HELD``, memory mapped by gunicorn's master before it starts them). When a new connection
arrives, a worker holding the fewest (ties included) takes it at once, as gunicorn's does; one
holding more than another worker waits for one of those to take it, looking again every
``LOOK_AGAIN``, and takes it itself if none has after ``STEP_ASIDE``. So 16 connections opened
together land four on each of four workers, and a burst of 200 is taken by the workers in
turn (in 109-159 ms, against 80-91 ms with gunicorn's worker, which left them 117 and 83).
"""

from __future__ import annotations

import mmap
import select
import struct
import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

STEP_ASIDE = 0.01
"""Seconds at most a worker holding more connections than another leaves a new one to the
others: long enough for a worker to wake and take it under load (its main thread may wait for
the GIL, which a request thread gives up every 5 ms), short enough that a connection none of
them takes waits little."""

LOOK_AGAIN = 0.0005
"""Seconds between two looks at the table while a worker steps aside: as soon as the others
have caught up (a burst of connections, taken by the workers in turn), it takes its own."""

SLOTS = 256
"""Places in the shared table: each worker writes in the one of its number (gunicorn's
``age``, one more for each worker started) modulo this. More than any server's workers."""

_COUNT = struct.Struct("=i")
_VACANT = -1

_HELD = mmap.mmap(-1, SLOTS * _COUNT.size)
"""The connections each worker holds, by slot (``_VACANT``: no worker there). An anonymous
shared mapping made when gunicorn's master loads this class (before it starts the workers,
which inherit it); writing a 4-byte slot is one store, and a reader seeing a count a moment old
only makes a worker step aside when it need not or take a connection another could have."""
_HELD.write(_COUNT.pack(_VACANT) * SLOTS)


def slot_of(age: int) -> int:
    """Where in ``_HELD`` the worker numbered ``age`` writes its count (a byte offset)."""
    return (age % SLOTS) * _COUNT.size


def write_held(slot: int, count: int) -> None:
    """Write a worker's count of connections (or ``_VACANT``) into its slot."""
    _COUNT.pack_into(_HELD, slot, count)


def vacate(age: int) -> None:
    """Mark the slot of the worker numbered ``age`` as empty (gunicorn's master calls this when
    the worker exits: ``quizapp.gunicorn_conf.child_exit``), so that the others no longer
    step aside for a worker that is gone."""
    write_held(slot_of(age), _VACANT)


def _waiting(listener: Any) -> bool:
    """Whether a connection still waits on the listening socket (another worker may have taken
    it meanwhile). ``poll``, not ``select``, which cannot look at a descriptor past 1023."""
    looking = select.poll()
    looking.register(listener, select.POLLIN)
    return bool(looking.poll(0))


def fewest_held_by_others(own_slot: int) -> int | None:
    """The fewest connections another worker holds (None: no other worker)."""
    counts = [
        count
        for slot, (count,) in enumerate(_COUNT.iter_unpack(_HELD))
        if count != _VACANT and slot * _COUNT.size != own_slot
    ]
    return min(counts) if counts else None


class BalancedThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's ``gthread`` worker, but one holding more connections than another worker
    lets the others take a new one first (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slot = slot_of(self.age)
        """Where this worker writes its count in ``_HELD``: first when its main loop starts,
        once it has loaded the app and listens (until then the others do not wait for it)."""

    def publish(self) -> None:
        """Write how many connections this worker holds into its slot."""
        write_held(self.slot, int(self.nr_conns))

    def accept(self, listener: Any) -> None:
        """Take the new connection; first, while another worker holds fewer, wait (for
        ``STEP_ASIDE`` at most, looking again every ``LOOK_AGAIN``) for one of them to take
        it. If one did, the listener has nothing left to accept, and gunicorn's ``accept``
        lets that pass."""
        give_up_at = time.monotonic() + STEP_ASIDE
        while time.monotonic() < give_up_at:
            fewest = fewest_held_by_others(self.slot)
            if fewest is None or self.nr_conns <= fewest or not _waiting(listener):
                break
            time.sleep(LOOK_AGAIN)
        super().accept(listener)
        self.publish()

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        """Publish the count before waiting: connections closed since are off it."""
        self.publish()
        super().wait_for_and_dispatch_events(timeout)
