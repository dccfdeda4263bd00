"""Keep-alive soak: do gunicorn's kept-alive connections get reset under a class's load?

    .venv/bin/python bench/keepalive_soak.py                       # each setting, 120 s each
    .venv/bin/python bench/keepalive_soak.py --seconds 300 --think-ms 4000
    .venv/bin/python bench/keepalive_soak.py --setting "--keep-alive 0"

30 students (wrk -c30, one connection each) load their quiz list and their open 20-question
attempt page over and over, optionally pausing a random 0..think-ms before each request (a
student reading), against gunicorn 2 workers x 4 threads (the README's worker class: gthread,
sharing out new connections) on 127.0.0.1 with each setting in turn. It prints wrk's socket
errors (connect, read, write, timeout: a read error is a connection the server closed or reset
under the client) and the non-2xx answers per setting.
Seeding, the students' sessions and the wrk script are those of bench/load_bench.py.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_bench import (  # a script beside this one
    Gunicorn,
    Target,
    load,
    machine,
    prepare_class,
    run_wrk,
    seed_database,
)

SETTINGS = (
    "",  # gunicorn's defaults: --keep-alive 2
    "--keep-alive 0",
    "--keep-alive 75",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120, help="per setting (default 120)")
    parser.add_argument(
        "--think-ms", type=int, default=0, help="a random pause of 0..N ms before each request"
    )
    parser.add_argument(
        "--setting",
        action="append",
        help="gunicorn options to soak (repeatable); default: the defaults, "
        "--keep-alive 0, --keep-alive 75",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    settings = args.setting or list(SETTINGS)
    print(f"{machine()}; load {load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="quizapp-soak-") as tmp:
        workdir = Path(tmp)
        site = seed_database(workdir, args.students)
        with Gunicorn("quizapp:create_app()", site.env()) as server:
            students = prepare_class(server.url, site, args.students, 0)
        requests = [
            request
            for s in students
            for request in (
                ("GET", "/", s.cookie, ""),
                ("GET", f"/attempts/{s.attempt_20}", s.cookie, ""),
            )
        ]
        target = Target("quiz list and attempt page", requests)
        for setting in settings:
            with Gunicorn("quizapp:create_app()", site.env(), extra=shlex.split(setting)) as server:
                run = run_wrk(
                    server,
                    target,
                    workdir,
                    args.seconds,
                    connections=args.students,
                    threads=2,
                    think_ms=args.think_ms,
                )
            errors = sum(run.socket_errors.values())
            print(
                f"setting {setting or '(defaults: --keep-alive 2)'!r}: {run.requests:,} "
                f"answers in {run.seconds:.0f} s ({run.rate:,.1f}/s), p50 {run.p50_ms:,.0f} ms, "
                f"p99 {run.p99_ms:,.0f} ms, {run.cpu_ms_per_request:.1f} CPU-ms/req; "
                f"non-2xx {run.bad}; socket errors "
                f"{run.socket_errors} = {errors} "
                f"({'none' if not errors else f'1 in {run.requests / errors:,.0f} requests'}); "
                f"think 0..{args.think_ms} ms; load {load()}",
                flush=True,
            )


if __name__ == "__main__":
    main()
