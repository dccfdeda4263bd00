"""In-process CPU of the student's heaviest requests, for finding and checking speed-ups.

    .venv/bin/python bench/profile_pages.py                  # CPU-ms per request, medians
    .venv/bin/python bench/profile_pages.py --profile exam   # and a cProfile of one path
    .venv/bin/python bench/profile_pages.py --repeat 200     # more requests per path
    .venv/bin/python bench/profile_pages.py --database-url postgresql+psycopg://...  # EMPTIED

It seeds the load bench's database (``load_bench.seed_database``: the article bank and the
20-question bench bank, imported by the real CLI) in a temporary directory, logs one student
in through Flask's test client, opens an attempt at the 20-question quiz and at the 102-question
exam, and then times, after a warm-up (caches as in a running worker):

- ``login``: the login page (a small template, no query: the floor of a real page);
- ``attempt``: the 20-question attempt page;
- ``exam``: the exam's attempt page (102 questions on one page);
- ``submit``: posting a filled-in 20-question attempt with its submit button (each timed
  request a fresh attempt; starting it and reading its form are not timed);
- ``submit-saved``: the same after a save of the whole page, as the page's autosave leaves an
  attempt before its submit (every answer stored already; the save is not timed);
- ``save``: saving a whole page of new answers to one open attempt (another 20-question quiz),
  as the Save button or the autosave does (reading the page for its save count is not
  timed).

Each figure is the median of the CPU time (``time.process_time``) of single requests: steadier
than wall-clock time on a shared machine, and the same quantity the load bench reports per
request under gunicorn (which adds the server's own cost). No test asserts a time.

On PostgreSQL it also prints the server's CPU a request (its processes' utime + stime read
around each timed request, by role: the app's backend, the WAL writer, autovacuum...): the
server shares the machine's cores with the app under load. The ``--profile`` is of CPU time
too (``cProfile.Profile(time.process_time)``): a wall-clock profile counts the waits for the
server's answers as the app's.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from load_bench import (
    AGENT,
    PASSWORD,
    answer_form,
    csrf_token,
    postgres_cpu_since,
    postgres_processes,
    seed_database,
    student_name,
)

PATHS = ("login", "attempt", "exam", "save", "submit", "submit-saved")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=60, help="timed requests per path")
    parser.add_argument("--profile", choices=PATHS, help="print a cProfile of this path")
    parser.add_argument("--top", type=int, default=40, help="rows of the profile")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--callers", help="also print the callers of functions matching this")
    parser.add_argument("--dump", help="also write the profile to this file (for pstats, snakeviz)")
    parser.add_argument("--language", default="", help="the student's Accept-Language")
    parser.add_argument("--sql", action="store_true", help="print each path's SQL statements")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a PostgreSQL database to use (EMPTIED first), as load_bench.py's; default a "
        "temporary SQLite file",
    )
    parser.add_argument(
        "--paths", nargs="+", choices=PATHS, default=list(PATHS), help="the paths to time"
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        help="threads of pure-Python work running beside the requests, as a worker's other "
        "threads render pages: each request's CPU is then its own thread's",
    )
    parser.add_argument(
        "--start-at",
        type=float,
        default=0,
        help="a Unix time to wait for before timing: two copies of the code started together "
        "with the same time (one on PYTHONPATH) are timed side by side, under the same load",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="quizapp-profile-") as tmp:
        site = seed_database(Path(tmp), students=1, database_url=args.database_url)
        app = site.app()
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = AGENT
        if args.language:
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = args.language
        page = client.get("/auth/login").get_data(as_text=True)
        client.post(
            "/auth/login",
            data={
                "csrf_token": csrf_token(page),
                "username": student_name(0),
                "password": PASSWORD,
            },
        )
        logged_out = app.test_client()
        logged_out.environ_base["HTTP_USER_AGENT"] = AGENT

        def start(key: str) -> int:
            quiz_id = site.quiz_ids[key]
            token = csrf_token(client.get(f"/quizzes/{quiz_id}").get_data(as_text=True))
            response = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token})
            return int(response.location.rsplit("/", 1)[1])

        attempt_20, exam = start("bench-20"), start("exam")
        rng = random.Random(0)

        def prepared_submit(saved_first: bool = False) -> Callable[[], object]:
            attempt_id = start("bench-s1")
            html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
            if saved_first:
                saved = client.post(
                    f"/attempts/{attempt_id}",
                    data=urlencode([*answer_form(html, rng), ("save", "1")]),
                    content_type="application/x-www-form-urlencoded",
                )
                if saved.status_code != 302:
                    raise SystemExit(f"save answered {saved.status_code}")
                html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
            body = urlencode([*answer_form(html, rng), ("submit", "1")])

            def post() -> object:
                response = client.post(
                    f"/attempts/{attempt_id}",
                    data=body,
                    content_type="application/x-www-form-urlencoded",
                )
                if response.status_code != 302 or "/review" not in response.location:
                    raise SystemExit(f"submit answered {response.status_code}")
                return response

            return post

        saving: list[int] = []

        def prepared_save() -> Callable[[], object]:
            if not saving:
                saving.append(start("bench-s2"))
            attempt_id = saving[0]
            html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
            # New answers, the review flags as they were (none): what an autosave sends.
            answers = [field for field in answer_form(html, rng) if field[0] != "flagged"]
            body = urlencode([*answers, ("save", "1")])

            def post() -> object:
                response = client.post(
                    f"/attempts/{attempt_id}",
                    data=body,
                    content_type="application/x-www-form-urlencoded",
                )
                if response.status_code != 302:
                    raise SystemExit(f"save answered {response.status_code}")
                return response

            return post

        def getter(url: str, who: object = client) -> Callable[[], Callable[[], object]]:
            def get() -> object:
                response = who.get(url)  # type: ignore[attr-defined]
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                return response

            return lambda: get

        makers: dict[str, Callable[[], Callable[[], object]]] = {
            "login": getter("/auth/login", logged_out),
            "attempt": getter(f"/attempts/{attempt_20}"),
            "exam": getter(f"/attempts/{exam}"),
            "save": prepared_save,
            "submit": prepared_submit,
            "submit-saved": lambda: prepared_submit(saved_first=True),
        }
        paths = args.paths
        for name in paths:  # warm-up: templates compiled, questions parsed, caches full
            for _ in range(3):
                makers[name]()()
        if args.sql:
            print_statements(app, makers, paths)
        time.sleep(max(0.0, args.start_at - time.time()))
        results: dict[str, list[float]] = {name: [] for name in paths}
        turns: dict[str, list[float]] = {name: [] for name in paths if name.startswith("submit")}
        turnstile = _turnstile(app)
        on_postgres = site.database_url.startswith("postgresql")
        server: dict[str, dict[str, float]] = {name: {} for name in paths}
        clock = time.thread_time if args.busy else time.process_time
        stop_busy = _start_busy_threads(args.busy)
        for _ in range(args.repeat):  # interleaved, so a busy minute touches every path alike
            for name in paths:
                request = makers[name]()
                held = turnstile.held_seconds if turnstile is not None else 0.0
                server_before = postgres_processes() if on_postgres else {}
                began = clock()
                request()
                results[name].append(1000 * (clock() - began))
                if on_postgres:
                    for role, spent in postgres_cpu_since(server_before).items():
                        server[name][role] = server[name].get(role, 0.0) + spent
                if name in turns and turnstile is not None:
                    turns[name].append(1000 * (turnstile.held_seconds - held))
        for name in paths:
            times = results[name]
            print(
                f"{name:12} median {statistics.median(times):6.2f} CPU-ms  "
                f"(lowest quartile {statistics.quantiles(times, n=4)[0]:6.2f}, "
                f"lowest {min(times):6.2f}, n={len(times)})"
            )
        stop_busy()
        for name, by_role in server.items():
            roles = sorted(
                ((role, seconds) for role, seconds in by_role.items() if seconds),
                key=lambda item: -item[1],
            )
            if on_postgres:
                print(
                    f"{name:12} the PostgreSQL server's CPU-ms a request (means: the clock "
                    f"ticks in 10 ms): {1000 * sum(by_role.values()) / args.repeat:.2f}"
                    + (
                        ", of which "
                        + ", ".join(f"{role} {1000 * s / args.repeat:.2f}" for role, s in roles)
                        if roles
                        else ""
                    )
                )
        for name, held_ms in turns.items():
            if held_ms:
                print(
                    f"{name}'s write turn median {statistics.median(held_ms):6.2f} ms  "
                    f"(lowest quartile {statistics.quantiles(held_ms, n=4)[0]:6.2f}, "
                    f"lowest {min(held_ms):6.2f}; wall time from the turnstile to the commit's end)"
                )
        if args.profile:
            profiler = cProfile.Profile(time.process_time)
            for _ in range(max(10, args.repeat // 3)):
                request = makers[args.profile]()
                profiler.enable()
                request()
                profiler.disable()
            if args.dump:
                profiler.dump_stats(args.dump)
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
            if args.callers:
                stats.print_callers(args.callers)
        from quizapp.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _start_busy_threads(count: int) -> Callable[[], None]:
    """Start ``count`` threads that compute in pure Python until the returned function is
    called: they hold the GIL as a worker's other threads do while rendering a page, so that
    each release of the GIL by a request (pysqlite lets go of it at every statement and at
    every row of an executemany) may cost it a switch interval (5 ms) to get it back."""
    stopping = threading.Event()

    def compute() -> None:
        total = 0
        while not stopping.is_set():
            for number in range(1000):
                total += number

    threads = [threading.Thread(target=compute, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()

    def stop() -> None:
        stopping.set()
        for thread in threads:
            thread.join()

    return stop


def _turnstile(app: Any) -> Any:
    """The SQLite file's write turnstile (``quizapp.write_turnstile``), whose counters time
    each write turn; None on PostgreSQL."""
    from quizapp.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return None
        from quizapp.write_turnstile import turnstile_of

        return turnstile_of(db.engine)


def print_statements(
    app: Any, makers: dict[str, Callable[[], Callable[[], object]]], paths: list[str]
) -> None:
    """The statements one request of each path sends (after the warm-up)."""
    from sqlalchemy import event

    from quizapp.extensions import db

    with app.app_context():
        engine = db.engine
    for name in paths:
        request = makers[name]()
        seen: list[str] = []

        def record(
            _conn: object, _cursor: object, statement: str, *_: object, seen: list[str] = seen
        ) -> None:
            seen.append(" ".join(statement.split())[:160])

        event.listen(engine, "before_cursor_execute", record)
        try:
            request()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        print(f"-- {name}: {len(seen)} statements")
        for statement in seen:
            print(f"   {statement}")


if __name__ == "__main__":
    main()
