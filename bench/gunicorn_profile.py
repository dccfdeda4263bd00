"""A bench-only gunicorn config: where a worker's CPU goes, request by request.

    gunicorn -c bench/gunicorn_profile.py ... 'quizapp:create_app()'

It loads the deploy config (``quizapp/gunicorn_conf.py``) first, so the server is served as
deployed, then wraps each worker's app: every POST (a submit or a save) is timed with the
thread's own CPU clock (``time.thread_time``), and with ``BENCH_PROFILE_DIR`` set also
profiled with cProfile (a profiler per request: cProfile follows one thread). At exit each
worker writes ``<dir>/<pid>.json`` (the CPU inside the app per POST, the garbage collector's
collections and time) and ``<dir>/<pid>.prof`` (pstats, when profiling); ``bench/
submit_bench.py`` reads them. No part of the app imports this file.
"""

from __future__ import annotations

import cProfile
import gc
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from quizapp.gunicorn_conf import *  # noqa: F403  (the settings as deployed)
from quizapp.gunicorn_conf import post_worker_init as _deployed_post_worker_init

_OUT = os.environ.get("BENCH_STATS_DIR", "")
_PROFILE = os.environ.get("BENCH_PROFILE_DIR", "")


class _Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.post_cpu: list[float] = []
        self.gc_seconds = 0.0
        self.gc_collections = [0, 0, 0]
        self.gc_seconds_by_generation = [0.0, 0.0, 0.0]
        self.gc_started: dict[int, float] = {}
        self.stats: Any = None
        self.in_post = threading.local()
        self.begin_seconds: list[float] = []
        """How long each ``BEGIN IMMEDIATE`` took: its wait in SQLite's busy handler."""
        self.begin_started = threading.local()

    def before_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            self.begin_started.at = time.perf_counter()

    def after_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            elapsed = time.perf_counter() - self.begin_started.at
            with self.lock:
                self.begin_seconds.append(elapsed)

    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        if not getattr(self.in_post, "on", False):
            return  # only the collections that fall in a POST (a submit) count
        ident = threading.get_ident()
        if phase == "start":
            self.gc_started[ident] = time.thread_time()
        else:
            began = self.gc_started.pop(ident, None)
            if began is not None:
                spent = time.thread_time() - began
                self.gc_seconds += spent
                self.gc_seconds_by_generation[info["generation"]] += spent
                self.gc_collections[info["generation"]] += 1

    def add_profile(self, profiler: cProfile.Profile) -> None:
        import pstats

        with self.lock:
            if self.stats is None:
                self.stats = pstats.Stats(profiler)
            else:
                self.stats.add(profiler)

    def dump(self) -> None:
        if not _OUT:
            return
        out = Path(_OUT)
        out.mkdir(parents=True, exist_ok=True)
        from quizapp import write_turnstile

        turnstiles = list(write_turnstile._TURNSTILES.values())
        (out / f"{os.getpid()}.json").write_text(
            json.dumps(
                {
                    "post_cpu": self.post_cpu,
                    "gc_seconds": self.gc_seconds,
                    "gc_collections": self.gc_collections,
                    "gc_seconds_by_generation": self.gc_seconds_by_generation,
                    "gc_threshold": gc.get_threshold(),
                    "gc_frozen": gc.get_freeze_count(),
                    "begin_seconds": self.begin_seconds,
                    "turnstile_waits": sum(t.waits for t in turnstiles),
                    "turnstile_seconds": sum(t.waited_seconds for t in turnstiles),
                    "turnstile_timeouts": sum(t.timeouts for t in turnstiles),
                    "turnstile_turns": sum(t.turns for t in turnstiles),
                    "turnstile_held_seconds": sum(t.held_seconds for t in turnstiles),
                }
            )
        )
        if self.stats is not None:
            self.stats.dump_stats(str(out / f"{os.getpid()}.prof"))


_recorder = _Recorder()


def post_worker_init(worker: Any) -> None:
    expected = os.environ.get("BENCH_EXPECT_APP_IN")
    if expected:
        import quizapp

        served = Path(quizapp.__file__).resolve()
        if not served.is_relative_to(Path(expected).resolve()):
            print(f"this worker serves {served}, not the app in {expected}", file=sys.stderr)
            # gunicorn's "worker failed to boot" status: the master stops, not respawns it
            raise SystemExit(3)
    if not os.environ.get("BENCH_NO_DEPLOY_HOOKS"):
        _deployed_post_worker_init(worker)
    if os.environ.get("BENCH_SWITCH_INTERVAL"):
        sys.setswitchinterval(float(os.environ["BENCH_SWITCH_INTERVAL"]))
    if os.environ.get("BENCH_GIVE_WAY"):
        from quizapp import write_turnstile

        write_turnstile.GIVE_WAY_SECONDS = float(os.environ["BENCH_GIVE_WAY"])
    if os.environ.get("BENCH_GC_THRESHOLD"):
        gc.set_threshold(*map(int, os.environ["BENCH_GC_THRESHOLD"].split(",")))
    gc.callbacks.append(_recorder.on_gc)
    from sqlalchemy import Engine, event

    event.listen(Engine, "before_cursor_execute", _recorder.before_execute)
    event.listen(Engine, "after_cursor_execute", _recorder.after_execute)
    app = worker.wsgi

    def timed(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") != "POST":
            return app(environ, start_response)
        profiler = cProfile.Profile() if _PROFILE else None
        _recorder.in_post.on = True
        began = time.thread_time()
        if profiler:
            profiler.enable()
        try:
            return list(app(environ, start_response))
        finally:
            if profiler:
                profiler.disable()
                _recorder.add_profile(profiler)
            with _recorder.lock:
                _recorder.post_cpu.append(time.thread_time() - began)
            _recorder.in_post.on = False

    worker.wsgi = timed


def worker_exit(_server: Any, _worker: Any) -> None:
    _recorder.dump()
