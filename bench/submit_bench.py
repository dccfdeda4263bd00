"""Submits under gunicorn, setting against setting, back to back (issue 10: the burst).

    .venv/bin/python bench/submit_bench.py                        # the settings below, 1 round
    .venv/bin/python bench/submit_bench.py --configs readme 2x2 --rounds 2
    .venv/bin/python bench/submit_bench.py --configs readme --profile   # cProfile the workers
    .venv/bin/python bench/submit_bench.py --configs readme --baseline ../base --rounds 4
    .venv/bin/python bench/submit_bench.py --configs readme --autosaved   # answers saved first

It seeds the load bench's database once (``load_bench.seed_database``), prepares every submit
it will post through one gunicorn (students logged in, attempts opened, forms filled in), then
for each round and each setting starts a fresh gunicorn with that setting
(``bench/gunicorn_profile.py``, which loads the deploy config ``quizapp/gunicorn_conf.py``),
warms it up with a few submits, and measures:

- the burst: ``--burst`` submits posted at the same moment, one wrk connection each (every one
  must be recorded); p50, p99, CPU-ms a submit (the gunicorn processes' utime + stime), and
  the CPU-ms a submit spent inside the app's WSGI call in its own thread (``time.thread_time``:
  what the in-process profile sees; the rest is the server's own work);
- the login page for a few seconds at 16 connections (the floor of a real page), CPU-ms each.

With ``--autosaved`` each prepared attempt's answers are saved before its submit is prepared,
as the attempt page's autosave leaves them when a class submits at the end of an exam: the
submits then replace stored answers rather than write new ones.

Settings run back to back in interleaved rounds, so they meet the same load. ``--baseline DIR``
adds one more setting, ``baseline``: the README's, serving the app from another checkout (a
``git worktree`` of the commit before a change), so that two versions of the code meet the
same minutes of a host whose speed moves from one minute to the next. No test asserts a
time; the figures go into docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from load_bench import (
    BENCH,
    BURST_SECONDS,
    KEEP_ALIVE,
    REPO,
    SUBMIT_QUIZZES,
    Browser,
    Gunicorn,
    Target,
    burst_name,
    for_each_of,
    open_submits,
    run_wrk,
    seed_database,
    submitted_counter,
)

CONFIGS: dict[str, tuple[int, int, dict[str, str], tuple[str, ...]]] = {
    # name: (workers, threads, environment for bench/gunicorn_profile.py, gunicorn options)
    "readme": (2, 4, {}, ()),
    "no-turnstile": (2, 4, {"QUIZAPP_SQLITE_WRITE_TURNSTILE": "false"}, ()),
    "switch-1ms": (2, 4, {"BENCH_SWITCH_INTERVAL": "0.001"}, ()),
    # threads that wait while another thread of their worker holds the turn (readme: 50 ms)
    "no-give-way": (2, 4, {"BENCH_GIVE_WAY": "0"}, ()),
    "no-freeze": (2, 4, {"BENCH_NO_DEPLOY_HOOKS": "1"}, ()),
    "preload": (2, 4, {}, ("--preload",)),
    "sync-normal": (2, 4, {"QUIZAPP_SQLITE_SYNCHRONOUS": "NORMAL"}, ()),
    "gen0-10k": (2, 4, {"BENCH_GC_THRESHOLD": "10000,10,10"}, ()),
    "2x2": (2, 2, {}, ()),
    "3x2": (3, 2, {}, ()),
    "4x2": (4, 2, {}, ()),
    "2x1": (2, 1, {}, ()),
    "4x4": (4, 4, {}, ()),
}


def prepare(
    base: str, site: Any, users: int, saved: bool = False
) -> list[tuple[str, str, str, str]]:
    """One prepared submit per (user, quiz): the user logged in, the attempt opened (and,
    with ``saved``, its answers saved first, as the page's autosave leaves them)."""

    def one(n: int) -> list[tuple[str, str, str, str]]:
        browser = Browser(base)
        browser.login(burst_name(n))
        submits = open_submits(browser, site, random.Random(n), saved)
        cookie = browser.cookie_header()
        return [("POST", f"/attempts/{attempt_id}", cookie, body) for attempt_id, body in submits]

    return [row for rows in for_each_of(users, one) for row in rows]


def worker_stats(directory: Path) -> dict[str, Any]:
    post_cpu: list[float] = []
    gc_seconds, collections = 0.0, [0, 0, 0]
    begins: list[float] = []
    turnstile = {"waits": 0, "seconds": 0.0, "timeouts": 0, "turns": 0, "held_seconds": 0.0}
    for path in directory.glob("*.json"):
        data = json.loads(path.read_text())
        post_cpu += data["post_cpu"]
        begins += data.get("begin_seconds", [])
        for key in turnstile:
            turnstile[key] += data.get(f"turnstile_{key}", 0)
        gc_seconds += data["gc_seconds"]
        collections = [a + b for a, b in zip(collections, data["gc_collections"], strict=True)]
    return {
        "app_cpu_ms": 1000 * statistics.median(post_cpu) if post_cpu else 0.0,
        "app_cpu_mean_ms": 1000 * statistics.fmean(post_cpu) if post_cpu else 0.0,
        "gc_ms": 1000 * gc_seconds,
        "collections": collections,
        "posts": len(post_cpu),
        # BEGIN IMMEDIATE that waited (over 1 ms: in SQLite's busy handler), and for how long
        "begins": len(begins),
        "begin_waits": sum(b > 0.001 for b in begins),
        "begin_wait_s": sum(b for b in begins if b > 0.001),
        "begin_max_ms": 1000 * max(begins, default=0.0),
        "turnstile_waits": turnstile["waits"],
        "turnstile_wait_s": turnstile["seconds"],
        "turnstile_timeouts": turnstile["timeouts"],
        # the write lock's time from turn to commit, a turn (the part of a submit that is serial)
        "held_ms": 1000 * turnstile["held_seconds"] / max(1, turnstile["turns"]),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20, help="warm-up submits per server")
    parser.add_argument("--login-seconds", type=float, default=4)
    parser.add_argument("--profile", action="store_true", help="cProfile every POST")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--database-url", help="a PostgreSQL database (EMPTIED first)")
    parser.add_argument("--database-workers", type=int, help="workers on PostgreSQL runs")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of the app, served as one more setting (README's) in each round",
    )
    parser.add_argument(
        "--autosaved",
        action="store_true",
        help="save each prepared attempt's answers before its submit, as the page's autosave "
        "does: the submits then replace stored answers",
    )
    args = parser.parse_args(argv)
    if args.baseline is not None:
        tree = args.baseline.resolve()
        if not (tree / "quizapp" / "__init__.py").is_file():
            raise SystemExit(f"--baseline: {tree} holds no quizapp package")
        # gunicorn starts in the tree (its config file imports quizapp from the current
        # directory, before --chdir applies), and the workers check that they serve it.
        CONFIGS["baseline"] = (
            2,
            4,
            {"PYTHONPATH": str(tree), "BENCH_EXPECT_APP_IN": str(tree)},
            ("--chdir", str(tree)),
        )
        args.configs.append("baseline")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    per_run = args.burst + args.warm
    runs = len(args.configs) * args.rounds
    users = -(-per_run * runs // len(SUBMIT_QUIZZES))
    with tempfile.TemporaryDirectory(prefix="quizapp-submit-bench-") as tmp:
        workdir = Path(tmp)
        site = seed_database(workdir, 1, args.database_url, burst=users)
        began = time.perf_counter()
        with Gunicorn("quizapp:create_app()", site.env()) as server:
            prepared = prepare(server.url, site, users, args.autosaved)
        print(
            f"prepared {len(prepared)} submits in {time.perf_counter() - began:.0f} s",
            file=sys.stderr,
        )
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in args.configs}
        cursor = 0
        for round_number in range(args.rounds):
            for name in args.configs:
                workers, threads, extra_env, options = CONFIGS[name]
                stats_dir = workdir / f"stats-{name}-{round_number}"
                env = {**site.env(), **extra_env, "BENCH_STATS_DIR": str(stats_dir)}
                if args.profile:
                    env["BENCH_PROFILE_DIR"] = str(stats_dir)
                if args.database_workers and site.database_url.startswith("postgresql"):
                    workers = args.database_workers
                chunk = prepared[cursor : cursor + per_run]
                cursor += per_run
                warm = Target("warm", chunk[: args.warm], once=True, expect="review")
                burst = Target("burst", chunk[args.warm :], once=True, expect="review")
                login = Target("login", [("GET", "/auth/login", "", "")])
                server = Gunicorn(
                    "quizapp:create_app()",
                    env,
                    workers=workers,
                    threads=threads,
                    extra=(
                        "-c",
                        str(BENCH / "gunicorn_profile.py"),
                        "--keep-alive",
                        str(KEEP_ALIVE),
                        *options,
                    ),
                    cwd=Path(extra_env.get("BENCH_EXPECT_APP_IN", REPO)),
                )
                with server:
                    for _ in range(2):  # every worker imports what a page needs
                        run_wrk(server, login, workdir, 1, 4, 1)
                    run_wrk(server, warm, workdir, 60, 4, 1, done=submitted_counter(site, warm))
                    login_run = run_wrk(server, login, workdir, args.login_seconds, 16, 2)
                    cpu_before = server.cpu_seconds()
                    counter = submitted_counter(site, burst)
                    burst_run = run_wrk(
                        server, burst, workdir, BURST_SECONDS, args.burst,
                        min(4, args.burst), done=counter, timeout=BURST_SECONDS,
                    )  # fmt: skip
                    cpu = server.cpu_seconds() - cpu_before
                    recorded = counter()
                # written by the workers at exit: the warm-up's submits too (the median of the
                # CPU in the app hardly moves; the gc time is of every submit served)
                stats = worker_stats(stats_dir)
                row = {
                    "round": round_number + 1,
                    "workers": workers,
                    "threads": threads,
                    "login_rps": login_run.rate,
                    "login_cpu_ms": login_run.cpu_ms_per_request,
                    "burst_recorded": recorded,
                    "burst_bad": burst_run.bad,
                    "burst_socket_errors": sum(burst_run.socket_errors.values()),
                    "burst_p50_ms": burst_run.p50_ms,
                    "burst_p99_ms": burst_run.p99_ms,
                    "burst_seconds": burst_run.seconds,
                    "burst_cpu_ms": 1000 * cpu / max(1, recorded),
                    **stats,
                }
                results[name].append(row)
                print(f"{name}: {json.dumps(row)}", file=sys.stderr)
                if args.profile:
                    import pstats

                    profiles = sorted(stats_dir.glob("*.prof"))
                    if profiles:
                        merged = pstats.Stats(*map(str, profiles), stream=sys.stdout)
                        merged.strip_dirs().sort_stats("cumulative").print_stats(args.top)
                        merged.sort_stats("tottime").print_stats(args.top)
        print(
            "| setting | workers × threads | burst p50 | burst p99 | burst CPU-ms/submit "
            "| in the app (median) | gc ms | login CPU-ms | recorded "
            "| BEGIN IMMEDIATE waited | turnstile waited | lock held a turn |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, rows in results.items():
            for row in rows:
                print(
                    f"| {name} (round {row['round']}) | {row['workers']} × {row['threads']} "
                    f"| {row['burst_p50_ms']:,.0f} ms | {row['burst_p99_ms']:,.0f} ms "
                    f"| {row['burst_cpu_ms']:.1f} | {row['app_cpu_ms']:.1f} "
                    f"| {row['gc_ms']:.0f} | {row['login_cpu_ms']:.2f} "
                    f"| {row['burst_recorded']}/{args.burst} "
                    f"| {row['begin_waits']}/{row['begins']}, {row['begin_wait_s']:.1f} s "
                    f"| {row['turnstile_waits']}, {row['turnstile_wait_s']:.1f} s "
                    f"| {row['held_ms']:.1f} ms |"
                )


if __name__ == "__main__":
    main()
