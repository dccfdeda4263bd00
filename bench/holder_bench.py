"""The write turnstile's holder under its worker's other threads, in one process (session 10).

    .venv/bin/python bench/holder_bench.py --switch 0 0.001 --blocks 6 --seconds 6

One process stands for one gunicorn worker: ``--threads`` threads, each a student of the load
bench's database with a test client, each in a loop of the student's own requests (start an
attempt at the 20-question quiz, fetch its page, submit it filled in). Blocks of
``--seconds`` alternate the holder's switch interval (``write_turnstile.HOLDER_SWITCH_SECONDS``;
0: left at the usual 5 ms), so a busy minute of a shared machine touches every setting alike.
For each setting: submits a second, the write lock's time held a turn (from the turn to its
commit: the serial part of a submit) and the process's CPU-ms a submit, medians over blocks.
No test asserts a time; the figures go into docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from load_bench import AGENT, PASSWORD, answer_form, csrf_token, seed_database, student_name


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--switch", nargs="+", type=float, default=[0.0, 0.001])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--blocks", type=int, default=6, help="blocks of each setting")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of a block")
    args = parser.parse_args(argv)

    from quizapp import write_turnstile

    with tempfile.TemporaryDirectory(prefix="quizapp-holder-") as tmp:
        site = seed_database(Path(tmp), students=args.threads)
        app = site.app()
        clients = []
        for n in range(args.threads):
            client = app.test_client()
            client.environ_base["HTTP_USER_AGENT"] = AGENT
            page = client.get("/auth/login").get_data(as_text=True)
            client.post(
                "/auth/login",
                data={
                    "csrf_token": csrf_token(page),
                    "username": student_name(n),
                    "password": PASSWORD,
                },
            )
            clients.append(client)
        quiz_id = site.quiz_ids["bench-s1"]
        done = [0] * args.threads
        stop = threading.Event()
        go = threading.Event()

        def student(n: int) -> None:
            client, rng = clients[n], random.Random(n)
            go.wait()
            while not stop.is_set():
                token = csrf_token(client.get(f"/quizzes/{quiz_id}").get_data(as_text=True))
                started = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token})
                attempt_id = int(started.location.rsplit("/", 1)[1])
                html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
                body = urlencode([*answer_form(html, rng), ("submit", "1")])
                response = client.post(
                    f"/attempts/{attempt_id}",
                    data=body,
                    content_type="application/x-www-form-urlencoded",
                )
                if response.status_code != 302 or "/review" not in response.location:
                    raise SystemExit(f"submit answered {response.status_code}")
                done[n] += 1

        threads = [threading.Thread(target=student, args=(n,)) for n in range(args.threads)]
        for thread in threads:
            thread.start()
        from quizapp.extensions import db

        with app.app_context():
            turnstile = write_turnstile.turnstile_of(db.engine)
        assert turnstile is not None
        results: dict[float, list[dict[str, float]]] = {s: [] for s in args.switch}
        go.set()
        time.sleep(2)  # warm-up
        try:
            for _ in range(args.blocks):
                for switch in args.switch:
                    write_turnstile.HOLDER_SWITCH_SECONDS = switch
                    time.sleep(0.5)  # the turn in flight ends under the old setting
                    count, turns, held = sum(done), turnstile.turns, turnstile.held_seconds
                    began, cpu = time.monotonic(), time.process_time()
                    time.sleep(args.seconds)
                    submits = sum(done) - count
                    results[switch].append(
                        {
                            "per_second": submits / (time.monotonic() - began),
                            "held_ms": 1000
                            * (turnstile.held_seconds - held)
                            / max(1, turnstile.turns - turns),
                            "cpu_ms": 1000 * (time.process_time() - cpu) / max(1, submits),
                        }
                    )
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        for switch, blocks in results.items():
            line = ", ".join(
                f"{key} {statistics.median(b[key] for b in blocks):6.2f}"
                f" [{min(b[key] for b in blocks):.2f}–{max(b[key] for b in blocks):.2f}]"
                for key in ("per_second", "held_ms", "cpu_ms")
            )
            print(f"holder switch {switch * 1000:4.1f} ms: {line}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
