"""Seed a class and time the pages that read the most: a student's history, a quiz's
statistics page and its CSV exports.

    .venv/bin/python bench/reports_bench.py            # 500 students, 100,000 answers
    .venv/bin/python bench/reports_bench.py --small    # 50 students, 10,000 answers (seconds)
    .venv/bin/python bench/reports_bench.py --database-url postgresql+psycopg://...  # empties it!
    .venv/bin/python bench/reports_bench.py --postgres  # on a throwaway server it starts

The data is seeded with bulk inserts (SQLAlchemy core ``insert()`` with lists of dicts), not
through the web: a simulated class (each student an ability, each question a difficulty, a
logistic chance of a right answer) whose answers are graded as the question types would. The
bank itself is imported by the real CLI.

Among them the teacher's page for the student with the most attempts (a paged timeline), with
its target of 200 ms, and the answers export (target: 100,000 answers in under 1 s, streamed).

Pages are requested in-process through Flask's test client, each several times after a warm-up,
and the median is reported, with the ratio to a trivial page (``/bench/ping``, a route this
script adds, returning a few bytes) measured in the same run: absolute times depend on the
machine, ratios much less. The CSV exports are also streamed once under ``tracemalloc``, which
reports the peak of memory allocated while the whole file is produced.

A full run writes its table into its own section of ``docs/performance.md`` (one per database,
between markers; ``--output`` names another file, ``--no-write`` only prints); a ``--small``
run writes only into a file that ``--output`` names (the test suite's check of this script).
``make bench`` runs it on SQLite and, with ``--postgres``, on a throwaway PostgreSQL server
started as the load bench starts its own (skipped when none is installed).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from load_bench import dialect_name, run_where_asked
from report import DOC, machine, replace_section
from sqlalchemy import create_engine, func, insert, select, text
from werkzeug.security import generate_password_hash

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import (
    Answer,
    AnswerPick,
    Attempt,
    AttemptSlot,
    QuestionVersion,
    Quiz,
    User,
)
from quizapp.questions import question_from_version

PASSWORD = "bench password"
QUESTIONS = 20
OBJECTIVES = ("recall", "reasoning", "vocabulary", "dates")
MISCONCEPTIONS = ("bigger-is-heavier", "confuses-dates", "false-friend")
BATCH = 5_000
"""Rows per bulk insert (SQLite's executemany handles these in one statement each)."""


@dataclass(frozen=True)
class Size:
    students: int
    answers: int
    heavy_attempts: int
    """Attempts of one student, for the history page (part of the answers above)."""
    repeats: int


FULL = Size(students=500, answers=100_000, heavy_attempts=1_000, repeats=7)
SMALL = Size(students=50, answers=10_000, heavy_attempts=100, repeats=5)


# -- the bank -------------------------------------------------------------------------------


def bank_yaml() -> str:
    """Twenty single-choice questions with four choices, some distractors naming a
    misconception, an objective each; one quiz over all of them."""
    lines = [
        "bank: bench",
        "title: Benchmark bank",
        "quizzes:",
        "  - {id: bench, title: Benchmark quiz, pass_mark: 60%, grading: highest}",
        "questions:",
    ]
    for n in range(1, QUESTIONS + 1):
        misconception = MISCONCEPTIONS[n % len(MISCONCEPTIONS)]
        lines += [
            f"  - id: q{n:02d}",
            "    type: single",
            f"    text: Benchmark question number {n}?",
            "    choices:",
            f"      - {{text: Right answer {n}, correct: true}}",
            f"      - {{text: Tempting answer {n}, misconception: {misconception}}}",
            f"      - Other answer {n}",
            f"      - Unlikely answer {n}",
            f"    objectives: [{OBJECTIVES[n % len(OBJECTIVES)]}]",
            f"    tags: [{OBJECTIVES[n % len(OBJECTIVES)]}]",
        ]
    return "\n".join(lines) + "\n"


# -- seeding --------------------------------------------------------------------------------


def empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(workdir: Path, database_url: str | None) -> Flask:
    instance = workdir / "instance"
    instance.mkdir(exist_ok=True)
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite'}"
    if url.startswith("postgresql"):
        empty_postgres(url)
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "OPEN_QUIZZES": True,  # its students take quizzes that no class assigns
        }
    )
    app.add_url_rule("/bench/ping", "bench_ping", lambda: "ok")
    with app.app_context():
        upgrade()
    bank = workdir / "bench.yaml"
    bank.write_text(bank_yaml(), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["quiz", "import", str(bank)])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return app


def bulk(table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start : start + BATCH])


def seed(app: Flask, size: Size, rng: random.Random) -> dict[str, int]:
    """Students, a teacher and the attempts, answers and picks, by bulk inserts."""
    with app.app_context():
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.key == "bench"))
        versions = list(db.session.scalars(select(QuestionVersion).order_by(QuestionVersion.id)))
        questions = [(version, question_from_version(version)) for version in versions]
        keys = [
            [question.option_key(choice.text) for choice in question.choices]
            for _, question in questions
        ]
        difficulty = [rng.gauss(-0.6, 1.0) for _ in questions]

        password_hash = generate_password_hash(PASSWORD)
        now = datetime(2026, 1, 5, 9)
        users = [
            {"username": f"student-{n:03d}", "password_hash": password_hash, "is_teacher": False}
            for n in range(size.students)
        ]
        users.append({"username": "teacher", "password_hash": password_hash, "is_teacher": True})
        bulk(User.__table__, users)
        user_ids = dict(db.session.execute(select(User.username, User.id)).all())
        students = [user_ids[f"student-{n:03d}"] for n in range(size.students)]
        ability = {user_id: rng.gauss(0, 1) for user_id in students}

        total_attempts = size.answers // len(questions)
        owners = [students[0]] * size.heavy_attempts
        others = students[1:]
        owners += [others[n % len(others)] for n in range(total_attempts - len(owners))]

        first_id = (db.session.scalar(select(func.max(Attempt.id))) or 0) + 1
        attempts, slots, answers, picks = [], [], [], []
        slot_id = (db.session.scalar(select(func.max(AttemptSlot.id))) or 0) + 1
        answer_id = (db.session.scalar(select(func.max(Answer.id))) or 0) + 1
        for index, user_id in enumerate(owners):
            attempt_id = first_id + index
            started = now + timedelta(days=rng.uniform(0, 84), seconds=index)
            marks = 0.0
            for position, ((version, _), choice_keys, hardness) in enumerate(
                zip(questions, keys, difficulty, strict=True), start=1
            ):
                right = rng.random() < 1 / (1 + math.exp(hardness - ability[user_id]))
                picked = choice_keys[0] if right else rng.choice(choice_keys[1:] + choice_keys[1:2])
                fraction = 1.0 if right else 0.0
                marks += fraction
                slots.append(
                    {
                        "id": slot_id,
                        "attempt_id": attempt_id,
                        "position": position,
                        "question_version_id": version.id,
                        "layout": {"order": choice_keys},
                        "max_mark": 1.0,
                    }
                )
                answers.append(
                    {
                        "id": answer_id,
                        "slot_id": slot_id,
                        "attempt_id": attempt_id,
                        "question_version_id": version.id,
                        "response": {"choice": picked},
                        "saved_at": started,
                        "fraction": fraction,
                        "mark": fraction,
                        "state": "right" if right else "wrong",
                    }
                )
                picks.append(
                    {
                        "answer_id": answer_id,
                        "attempt_id": attempt_id,
                        "option_key": picked,
                        "question_version_id": version.id,
                    }
                )
                slot_id += 1
                answer_id += 1
            attempts.append(
                {
                    "id": attempt_id,
                    "user_id": user_id,
                    "quiz_id": quiz_id,
                    "seed": rng.getrandbits(31),
                    "started_at": started,
                    "submitted_at": started + timedelta(seconds=rng.randrange(120, 900)),
                    "marks": marks,
                    "max_marks": float(len(questions)),
                    "is_practice": False,
                }
            )
        for table, rows in (
            (Attempt.__table__, attempts),
            (AttemptSlot.__table__, slots),
            (Answer.__table__, answers),
            (AnswerPick.__table__, picks),
        ):
            bulk(table, rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("attempts", "attempt_slots", "answers", "answer_picks"):
                db.session.execute(text(f"ANALYZE {table}"))
            db.session.commit()
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.session.remove()
        return {
            "quiz_id": int(quiz_id),
            "attempts": len(attempts),
            "answers": len(answers),
            "heavy_student": students[0],
        }


# -- timing ---------------------------------------------------------------------------------


def login(app: Flask, username: str) -> FlaskClient:
    import re

    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    response = client.post(
        "/auth/login",
        data={"csrf_token": token.group(1), "username": username, "password": PASSWORD},
    )
    assert response.status_code in (302, 303), f"login of {username} failed"
    return client


def median_ms(action: Callable[[], None], repeats: int) -> float:
    action()  # warm-up: templates compiled, caches filled, connection open
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def get(client: FlaskClient, url: str) -> Callable[[], None]:
    def action() -> None:
        response = client.get(url, buffered=False)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        for _chunk in response.iter_encoded():
            pass
        response.close()

    return action


def stream_memory(client: FlaskClient, url: str) -> tuple[int, int]:
    """Bytes produced and the peak of memory allocated while streaming ``url`` chunk by chunk."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    produced = 0
    response = client.get(url, buffered=False)
    for chunk in response.iter_encoded():
        produced += len(chunk)
    response.close()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return produced, peak - base


MARKERS = (
    "<!-- reports_bench {}: start (written by bench/reports_bench.py; edits here are "
    "overwritten) -->",
    "<!-- reports_bench {}: end -->",
)
"""The markers of this bench's section of docs/performance.md, one per database."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="50 students, 10,000 answers")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a PostgreSQL database to use (EMPTIED first); default a temporary SQLite file",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="start a throwaway PostgreSQL server and measure on it (skipped if none installed)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--output",
        type=Path,
        help="the file whose section is rewritten (default docs/performance.md; a --small run "
        "writes only into a file named here)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    run_where_asked(bench, parser.parse_args(), "reports bench")


def bench(args: argparse.Namespace) -> None:
    """Seed, time every page, print the table and (a full run) write it into its section."""
    size = SMALL if args.small else FULL
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="quizapp-bench-") as workdir:
        started = time.perf_counter()
        app = make_app(Path(workdir), args.database_url)
        seeded = seed(app, size, rng)
        seed_seconds = time.perf_counter() - started
        with app.app_context():
            dialect = db.engine.dialect.name

        teacher = login(app, "teacher")
        heavy = login(app, "student-000")
        quiz = f"/teach/reports/quizzes/{seeded['quiz_id']}"
        rows: list[tuple[str, str, float, float | None, str]] = []
        baseline = median_ms(get(teacher, "/bench/ping"), size.repeats * 3)
        rows.append(("trivial page (baseline)", "/bench/ping", baseline, None, ""))
        login_page = median_ms(get(app.test_client(), "/auth/login"), size.repeats)
        rows.append(("login page (a template)", "/auth/login", login_page, None, ""))
        history = median_ms(get(heavy, "/history"), size.repeats)
        rows.append(
            (
                f"history of {size.heavy_attempts:,} attempts",
                "/history",
                history,
                50.0 if size is FULL else None,
                "",
            )
        )
        # The teacher's page for that student: its first page of the timeline (it is paged).
        timeline_url = f"{quiz}/students/{seeded['heavy_student']}"
        timeline = median_ms(get(teacher, timeline_url), size.repeats)
        rows.append(
            (
                f"a teacher's page for a student with {size.heavy_attempts:,} attempts",
                timeline_url,
                timeline,
                200.0 if size is FULL else None,
                "",
            )
        )
        stats_page = median_ms(get(teacher, quiz), size.repeats)
        rows.append(
            (
                f"quiz statistics, {seeded['answers']:,} answers",
                quiz,
                stats_page,
                500.0 if size is FULL else None,
                "",
            )
        )
        for name in ("attempts.csv", "answers.csv"):
            url = f"{quiz}/{name}"
            elapsed = median_ms(get(teacher, url), max(3, size.repeats // 2))
            produced, peak = stream_memory(teacher, url)
            note = f"{produced / 1e6:.1f} MB out, peak {peak / 1e6:.2f} MB allocated"
            target = 1000.0 if size is FULL and name == "answers.csv" else None
            rows.append((f"CSV export, {name}", url, elapsed, target, note))
        total_seconds = time.perf_counter() - started

    lines = [
        f"### {dialect_name(dialect)}: {size.students} students, "
        f"{seeded['attempts']:,} attempts, {seeded['answers']:,} answers",
        "",
        "Written by `bench/reports_bench.py` (`make bench`); the figures below are replaced at "
        "each run.",
        "",
        f"- Machine: {machine()}.",
        f"- Seeded in {seed_seconds:.1f} s; the whole run took {total_seconds:.1f} s. Median of "
        "each page's requests in-process, and as a multiple of the trivial page's.",
        "",
        "| What | URL | Median | × baseline | Target | Notes |",
        "|---|---|---:|---:|---|---|",
    ]
    for what, url, ms, target, note in rows:
        verdict = ""
        if target is not None:
            verdict = f"< {target:.0f} ms: {'**met**' if ms < target else '**missed**'}"
        lines.append(
            f"| {what} | `{url}` | {ms:.1f} ms | {ms / baseline:.0f}× | {verdict} | {note} |"
        )
    section = "\n".join(lines)
    print(section)
    output = args.output or (None if args.small else DOC)
    if output is not None and not args.no_write:
        start, end = (marker.format(dialect) for marker in MARKERS)
        replace_section(section, start, end, output)
        print(f"written into {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
