"""gunicorn's settings for serving Quizapp, read by the README's deploy command and the load
bench alike (``gunicorn -c python:quizapp.gunicorn_conf ...``; a test keeps them together).

The command line still names the workers, threads and keep-alive (it overrides a config file);
what lives here is the worker class and what a command line cannot say: the hooks.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import itertools
import os
import threading
from collections.abc import Callable
from typing import Any

worker_class = "quizapp.gunicorn_worker.BalancedThreadWorker"
"""gunicorn's threaded worker (``gthread``), sharing new connections out among the workers
(``quizapp.gunicorn_worker``)."""

M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter: how many malloc arenas a process may have."""

MALLOC_ARENAS = 2
"""A worker's malloc arenas. glibc gives each new thread an arena of its own (up to eight per
core) and each arena keeps what was freed in it for later: with two, a worker held 0.7 to 2 MB
less after the load bench (two pairs of runs, docs/performance.md, session 7), and its pages
cost no more CPU (the threads mostly wait on the GIL, not on each other's allocations)."""

YOUNG_OBJECTS_BEFORE_COLLECTION = 3000
"""A worker's first garbage-collector threshold (Python's default: 700): how many more objects
that may hold references are made than freed before the collector walks the young ones.

A request makes and drops thousands of such objects (rows, dictionaries, a page's context),
so at 700 a submit on PostgreSQL paid about one young collection, 0.28 ms of CPU, and every
tenth one an older one besides: 0.4 ms in all, about 6% of a submit in the worker. At 3000
the collections fall among fewer requests and the garbage collector's CPU during submits
halved (0.15 to 0.08 s a worker over a load bench), with the workers' resident size
unchanged; at 10,000 it fell further but the workers held 3 MB more (docs/performance.md,
"Session 18"). The older generations keep Python's thresholds, so cycles are still
collected as often in proportion."""


def post_worker_init(worker: Any) -> None:
    """Once the worker has loaded the app: cap its malloc arenas (``limit_malloc_arenas``),
    load Babel's data for English without keeping Babel's global tables
    (``quizapp.i18n.load_the_default_language_without_babels_global_tables``), take what it
    loaded out of the garbage collector's walks (``gc.freeze``), and let more young objects
    come before each collection (``YOUNG_OBJECTS_BEFORE_COLLECTION``).

    A loaded worker holds about 130,000 objects that live as long as it does (modules,
    SQLAlchemy's mappers and compiled statements, Jinja's templates), and every full
    collection walked them all: 0.1-0.2 s of CPU under some request, now and then, where a
    submit costs about 20 ms (measured: docs/performance.md, "Session 6").
    The objects are not leaked or kept longer than before; the collector only stops checking
    them for cycles (they are never garbage while the app runs). Garbage made before the
    freeze is collected first, so nothing unreachable is frozen.
    """
    limit_malloc_arenas()
    from quizapp.i18n import load_the_default_language_without_babels_global_tables

    load_the_default_language_without_babels_global_tables()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTION, *gc.get_threshold()[1:])
    _after_last_trim[0] = _resident_bytes()  # the loaded app is not growth to trim


def child_exit(server: Any, worker: Any) -> None:
    """In gunicorn's master, once a worker has exited: take it off the table of connections
    the workers share (``quizapp.gunicorn_worker.vacate``), so that the others no longer leave
    new connections to it."""
    from quizapp.gunicorn_worker import vacate

    vacate(worker.age)


def limit_malloc_arenas() -> None:
    """Cap the worker's malloc arenas at ``MALLOC_ARENAS`` (as ``MALLOC_ARENA_MAX`` would), before
    its threads start; nothing to do where the C library is not glibc (musl, macOS)."""
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        mallopt(M_ARENA_MAX, MALLOC_ARENAS)


TRIM_EVERY = 64
"""Requests a worker serves between two ``malloc_trim`` calls (see ``post_request``)."""

TRIM_AFTER_GROWTH = 4 * 1024 * 1024
"""Bytes a worker's resident size may grow past its size after the last trim before it trims
at once, without waiting for the ``TRIM_EVERY``-th request (see ``post_request``)."""

TRIM_WHEN_IDLE = 1024 * 1024
"""Bytes a worker's resident size may grow past its size after the last trim before it trims
as its last request in flight ends (see ``post_request``)."""

_requests = itertools.count(1)
"""The worker's requests, counted by its threads (``next`` is atomic under the GIL)."""

_after_last_trim = [0]
"""The worker's resident size in bytes after its last trim (0: none yet)."""

_in_flight = [0]
_in_flight_lock = threading.Lock()
"""The worker's requests begun and not yet ended (its threads count them under the lock)."""


def pre_request(worker: Any, req: Any) -> None:
    """Count the request in flight (see ``post_request``); logged as gunicorn's own hook
    logs it."""
    worker.log.debug("%s %s", req.method, req.path)
    with _in_flight_lock:
        _in_flight[0] += 1


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``) every
    ``TRIM_EVERY`` requests; at once after a request that left the worker
    ``TRIM_AFTER_GROWTH`` bytes larger than its last trim did; and when the worker falls idle
    (its last request in flight ends, the response already sent) ``TRIM_WHEN_IDLE`` larger.

    A big page or export leaves freed memory in the heap, which glibc keeps for later and the
    worker's resident size keeps counting; trimmed, it returns to the system for the other
    workers. The statistics page left about 4 MB so (docs/performance.md, session 8), kept
    until the 64th request after it; now the request that grew the worker gives it back. What
    a busy spell leaves below that (a burst of submits: 1-3 MB a worker) is given back as soon
    as the worker has nothing to do, when the trim's millisecond delays no one. Reading the
    resident size (``/proc/self/statm``) costs 1.5 µs of CPU a request. Nothing to do where
    the C library is not glibc."""
    with _in_flight_lock:
        _in_flight[0] -= 1
        idle = _in_flight[0] <= 0
    grown = _resident_bytes() - _after_last_trim[0]
    if (
        next(_requests) % TRIM_EVERY == 0
        or grown >= TRIM_AFTER_GROWTH
        or (idle and grown >= TRIM_WHEN_IDLE)
    ):
        trim = _glibc("malloc_trim")
        if trim is not None:
            trim(0)
            _after_last_trim[0] = _resident_bytes()


def _resident_bytes() -> int:
    """The worker's resident size (Linux's ``/proc/self/statm``); 0 where there is none.

    The file stays open (opened by the worker's first call, in ``post_worker_init``: opened
    in gunicorn's master it would tell the master's size) and is read with ``pread``: 1.5 µs
    of CPU a request, where opening it each time cost 16 µs."""
    try:
        if not _statm:
            _statm.append(os.open("/proc/self/statm", os.O_RDONLY))
        return int(os.pread(_statm[0], 64, 0).split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


_statm: list[int] = []
"""The worker's open ``/proc/self/statm``, once read."""

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@functools.cache
def _glibc(name: str) -> Callable[..., int] | None:
    """A function of the C library, looked up once per worker (``find_library`` runs
    ``ldconfig``: about 2 ms); None where the library has no such function (not glibc)."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c")), name)  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None
