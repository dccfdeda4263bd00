"""gunicorn's settings for serving Quizapp, read by the README's deploy command and the load
bench alike (``gunicorn -c python:quizapp.gunicorn_conf ...``; a test keeps them together).

The command line still names the workers, threads and keep-alive (it overrides a config file);
what lives here is what a command line cannot say: the hooks.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import itertools
from collections.abc import Callable
from typing import Any

worker_class = "gthread"

M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter: how many malloc arenas a process may have."""

MALLOC_ARENAS = 2
"""A worker's malloc arenas. glibc gives each new thread an arena of its own (up to eight per
core) and each arena keeps what was freed in it for later: with two, a worker held 0.7 to 2 MB
less after the load bench (two pairs of runs, docs/performance.md, session 7), and its pages
cost no more CPU (the threads mostly wait on the GIL, not on each other's allocations)."""


def post_worker_init(worker: Any) -> None:
    """Once the worker has loaded the app: cap its malloc arenas (``limit_malloc_arenas``),
    and take what it loaded out of the garbage collector's walks (``gc.freeze``).

    A loaded worker holds about 130,000 objects that live as long as it does (modules,
    SQLAlchemy's mappers and compiled statements, Jinja's templates), and every full
    collection walked them all: 0.1-0.2 s of CPU under some request, now and then, where a
    submit costs about 20 ms (measured: docs/performance.md, "Session 6").
    The objects are not leaked or kept longer than before; the collector only stops checking
    them for cycles (they are never garbage while the app runs). Garbage made before the
    freeze is collected first, so nothing unreachable is frozen.
    """
    limit_malloc_arenas()
    gc.collect()
    gc.freeze()


def limit_malloc_arenas() -> None:
    """Cap the worker's malloc arenas at ``MALLOC_ARENAS`` (as ``MALLOC_ARENA_MAX`` would), before
    its threads start; nothing to do where the C library is not glibc (musl, macOS)."""
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        mallopt(M_ARENA_MAX, MALLOC_ARENAS)


TRIM_EVERY = 64
"""Requests a worker serves between two ``malloc_trim`` calls (see ``post_request``)."""

_requests = itertools.count(1)
"""The worker's requests, counted by its threads (``next`` is atomic under the GIL)."""


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """Every ``TRIM_EVERY`` requests, give the C heap's free pages back to the system
    (glibc's ``malloc_trim``). A big page or export leaves freed memory in the heap, which glibc
    keeps for later and the worker's resident size keeps counting; trimmed, it returns to the
    system for the other workers. One call costs about a millisecond; once every 64 requests
    it costs nothing measurable. Nothing to do where the C library is not glibc."""
    if next(_requests) % TRIM_EVERY == 0:
        trim = _glibc("malloc_trim")
        if trim is not None:
            trim(0)


@functools.cache
def _glibc(name: str) -> Callable[..., int] | None:
    """A function of the C library, looked up once per worker (``find_library`` runs
    ``ldconfig``: about 2 ms); None where the library has no such function (not glibc)."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c")), name)  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None
