"""gunicorn's settings for serving Quizapp, read by the README's deploy command and the load
bench alike (``gunicorn -c python:quizapp.gunicorn_conf ...``; a test keeps them together).

The command line still names the workers, threads and keep-alive (it overrides a config file);
what lives here is what a command line cannot say: the hooks.
"""

from __future__ import annotations

import gc
from typing import Any

worker_class = "gthread"


def post_worker_init(worker: Any) -> None:
    """Once the worker has loaded the app: take what it loaded out of the garbage collector's
    walks (``gc.freeze``).

    A loaded worker holds about 130,000 objects that live as long as it does (modules,
    SQLAlchemy's mappers and compiled statements, Jinja's templates), and every full
    collection walked them all: 0.1-0.2 s of CPU under some request, now and then, where a
    submit costs about 20 ms (measured: docs/performance.md, "Session 6").
    The objects are not leaked or kept longer than before; the collector only stops checking
    them for cycles (they are never garbage while the app runs). Garbage made before the
    freeze is collected first, so nothing unreachable is frozen.
    """
    gc.collect()
    gc.freeze()
