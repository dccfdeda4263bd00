"""Time importing big question banks, and what a student saving answers meanwhile sees.

    .venv/bin/python bench/import_bench.py           # 1,000 and 10,000 questions (~2 min)
    .venv/bin/python bench/import_bench.py --smoke   # 20 and 200 questions, nothing written
    .venv/bin/python bench/import_bench.py --database-url postgresql+psycopg://...  # EMPTIES it!
    .venv/bin/python bench/import_bench.py --postgres  # SQLite, then a throwaway PostgreSQL

For each size, a generated bank (four question types, tags, objectives, one quiz) is imported
into an empty database, in-process, through the same three catalog steps the ``quiz import``
command runs: read (hash, parse, validate), plan (compare with the database; reads only) and
write (the one write transaction: the time the write lock is held). Then the same file is
imported again unchanged (the command, in-process), and once more with one question in ten
edited. Times are medians of a few runs, as wall-clock and as this process's CPU time (the
steadier figure on a shared machine); growth is the ratio of the two sizes' medians.

While the largest bank is imported by the real command in another process, a few students
(each logged in, with an attempt open on the demo bank, each in a thread of its own, as a
threaded worker serves them) load the attempt page and save answers in a loop; the failed saves
and the worst wait are reported: what a class sees when a teacher imports during a lesson. The
same students save for a few seconds with no import first, in the same run, as the floor.

The full run replaces its own section of docs/performance.md (between the markers below);
``--smoke`` prints only and is run by the test suite so that this script cannot rot.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from load_bench import postgres_if_installed  # bench/ is the script's own folder
from report import machine, replace_section
from sqlalchemy import create_engine, text

from quizapp import catalog, create_app
from quizapp.extensions import db

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"
BEGIN_MARK = "<!-- import_bench: begin -->"
END_MARK = "<!-- import_bench: end -->"
MAX_BANK_BYTES = 50_000_000
"""The benchmark's banks are bigger than the default limit of 1 MB (10,000 questions: 1.8 MB)."""
PASSWORD = "bench password 1"
SAVED = "Your answers are saved."


BEFORE = (
    "**Before** (the import flushed after every question, and each flush walked the whole "
    "bank, all under the write lock): 1,000 questions 2.5 s, 4,000 16.8 s, 10,000 138–157 s "
    "(quadratic); an unchanged re-import of 10,000 3.2 s (it parsed the file to find nothing "
    "to do); students' saves during a 3,000-question import waited for the lock 15–27 s and "
    "failed after SQLite's 15 s busy timeout; two imports of one new bank at once on "
    "PostgreSQL ended in an IntegrityError (issues 9 and 10).\n\n"
    "**Then** (the bulk import, before the fast reader and the lazy imports; 30 Nov 07:41, "
    "load average 12.6, SQLite): 10,000 questions into an empty database 6,257 ms (2,424 ms "
    "CPU), of which reading the file 1,724 ms CPU (71%: the token scan, the node tree and a "
    "position recorded for every value); 1,000 questions 836 ms (250 ms CPU); the command's "
    "start-up (`quiz --help`) 6,054 ms (2,656 ms CPU). See `bench/startup_bench.py` below for "
    "the start-up measured before and after in the same rounds."
)


@dataclass(frozen=True)
class Mode:
    sizes: tuple[int, int]
    repeats: int
    students: int
    quiet_seconds: float = 3.0
    """How long the saving students are timed with no import running (the floor)."""
    starts: int = 3
    """How many times a command's start-up is timed (the median is reported)."""


FULL = Mode(sizes=(1_000, 10_000), repeats=3, students=4)
SMOKE = Mode(sizes=(20, 200), repeats=1, students=2, quiet_seconds=0.5, starts=1)
"""The smoke run is the test suite's: each step once, briefly (its CPU is the suite's)."""


def bank_yaml(count: int, slug: str = "bench-import", edit_every: int = 0) -> str:
    """A bank of ``count`` questions; with ``edit_every`` = n, every n-th question's text is
    edited (a new version of it on import)."""
    lines = [
        f"bank: {slug}",
        f"title: Import benchmark, {count} questions",
        "quizzes:",
        "  - {id: all, title: Every question, questions: {tags: [t0, t1, t2, t3]}, draw: 10}",
        "questions:",
    ]
    for number in range(count):
        edit = " (edited)" if edit_every and number % edit_every == 0 else ""
        lines.append(f"  - id: q{number:05d}")
        kind = number % 4
        if kind == 0:
            lines += [
                "    type: single",
                f"    text: Question {number}{edit}, which one is right?",
                "    choices:",
                f"      - {{text: Right {number}, correct: true}}",
                f"      - Wrong {number}",
                f"      - Other {number}",
            ]
        elif kind == 1:
            lines += ["    type: true_false", f"    text: Statement {number}{edit}."]
            lines += ["    answer: true"]
        elif kind == 2:
            lines += [
                "    type: short",
                f"    text: Name thing {number}{edit}.",
                f"    accept: [thing {number}, item {number}]",
            ]
        else:
            lines += [
                "    type: numeric",
                f"    text: How many {number}{edit}?",
                f"    answer: {number}",
                "    tolerance: 0.5",
            ]
        lines += [
            f"    tags: [t{number % 4}]",
            f"    objectives: [o{number % 7}]",
            f"    explanation: Because of {number}.",
        ]
    return "\n".join(lines) + "\n"


# -- databases ------------------------------------------------------------------------------


def empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class Databases:
    """A fresh, migrated database per run: a new SQLite file, or the PostgreSQL one emptied."""

    def __init__(self, workdir: Path, database_url: str | None) -> None:
        self.workdir = workdir
        self.database_url = database_url
        self.count = 0

    def fresh(self) -> tuple[Flask, str]:
        self.count += 1
        url = self.database_url or f"sqlite:///{self.workdir / f'bench-{self.count}.sqlite'}"
        if url.startswith("postgresql"):
            empty_postgres(url)
        instance = self.workdir / "instance"
        instance.mkdir(exist_ok=True)
        app = create_app(
            {
                "INSTANCE_PATH": str(instance),
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "MAX_BANK_BYTES": MAX_BANK_BYTES,
                "OPEN_QUIZZES": True,  # its student takes a quiz that no class assigns
            }
        )
        with app.app_context():
            upgrade()
        return app, url


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# -- timing ---------------------------------------------------------------------------------


@dataclass
class Timed:
    wall: float
    cpu: float


def timed(function: Callable[[], Any]) -> tuple[Any, Timed]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, Timed(time.perf_counter() - wall, time.process_time() - cpu)


@dataclass
class ImportRun:
    read: Timed
    plan: Timed
    write: Timed

    @property
    def total(self) -> Timed:
        parts = (self.read, self.plan, self.write)
        return Timed(sum(p.wall for p in parts), sum(p.cpu for p in parts))


def import_in_steps(app: Flask, path: Path) -> tuple[list[catalog.BankDiff], ImportRun]:
    """The ``quiz import`` command's steps, each timed."""
    with app.app_context():
        files, read = timed(lambda: catalog.read_bank_files([path], MAX_BANK_BYTES))
        plans, plan = timed(lambda: catalog.plan_import(files))
        diffs, write = timed(lambda: catalog.apply_import(plans))
    return diffs, ImportRun(read, plan, write)


def median_run(runs: list[ImportRun]) -> ImportRun:
    def middle(pick: Callable[[ImportRun], Timed]) -> Timed:
        return Timed(
            statistics.median(pick(run).wall for run in runs),
            statistics.median(pick(run).cpu for run in runs),
        )

    return ImportRun(middle(lambda r: r.read), middle(lambda r: r.plan), middle(lambda r: r.write))


@dataclass
class SizeResult:
    size: int
    empty: ImportRun
    unchanged: Timed
    edited: ImportRun
    edited_summary: str


def bench_size(databases: Databases, size: int, repeats: int) -> SizeResult:
    path = databases.workdir / f"bank-{size}.yaml"
    path.write_text(bank_yaml(size), encoding="utf-8")
    edited_path = databases.workdir / f"bank-{size}-edited.yaml"
    edited_path.write_text(bank_yaml(size, edit_every=10), encoding="utf-8")
    empty_runs, edited_runs, unchanged_runs = [], [], []
    edited_summary = ""
    for _ in range(repeats):
        app, _url = databases.fresh()
        [diff], run = import_in_steps(app, path)
        assert len(diff.added) == size, diff.summary()
        empty_runs.append(run)
        invoke = app.test_cli_runner().invoke
        for _ in range(3):
            result, took = timed(lambda i=invoke, p=path: i(args=["quiz", "import", str(p)]))
            assert result.exit_code == 0 and "unchanged" in result.output, result.output
            unchanged_runs.append(took)
        [diff], run = import_in_steps(app, edited_path)
        edited_summary = diff.summary()
        edited_runs.append(run)
        dispose(app)
    return SizeResult(
        size,
        median_run(empty_runs),
        Timed(
            statistics.median(t.wall for t in unchanged_runs),
            statistics.median(t.cpu for t in unchanged_runs),
        ),
        median_run(edited_runs),
        edited_summary,
    )


# -- a student saving during an import ------------------------------------------------------


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = value.group(1) if value else ""
    return fields


def text_fields(page: str) -> list[str]:
    return re.findall(r'<input[^>]*type="(?:text|number)"[^>]*name="([^"]+)"', page)


def student_with_open_attempt(app: Flask, username: str) -> tuple[FlaskClient, str]:
    """A student, registered and logged in through the forms, with an attempt open at the demo
    quiz (imported before)."""
    client = app.test_client()
    page = client.get("/auth/register").get_data(as_text=True)
    form = {"username": username, "password": PASSWORD, "confirm": PASSWORD}
    client.post("/auth/register", data={**hidden_fields(page), **form})
    home = client.get("/").get_data(as_text=True)
    quiz_url = re.search(r'href="(/quizzes/\d+)"', home)
    assert quiz_url, "the student's home page lists the demo quiz"
    page = client.get(quiz_url.group(1)).get_data(as_text=True)
    response = client.post(f"{quiz_url.group(1)}/start", data=hidden_fields(page))
    assert response.status_code == 302, response.status_code
    return client, response.headers["Location"]


@dataclass
class Saves:
    """What the saving students saw in one phase."""

    latencies: list[float]
    failed: int
    wall: float

    @property
    def worst(self) -> float:
        return max(self.latencies, default=0.0)

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else 0.0

    def describe(self) -> str:
        return (
            f"{len(self.latencies)} saves, {self.failed} failed, median {ms(self.median)}, "
            f"worst **{ms(self.worst)}**"
        )


@dataclass
class SaveResult:
    students: int
    quiet: Saves
    """The same students saving with no import running: the machine's own floor."""
    importing: Saves


def save_while(students: list[tuple[FlaskClient, str]], running: Callable[[], bool]) -> Saves:
    """Each student saves answers in a loop in a thread of its own (as a threaded worker
    serves them) while ``running()``; each save's time is the POST's, from send to answer."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def save_loop(client: FlaskClient, attempt_url: str) -> None:
        mine: list[float] = []
        failed = 0
        while running():
            page = client.get(attempt_url).get_data(as_text=True)
            data = {**hidden_fields(page), "save": "1"}
            data.update({name: "42" for name in text_fields(page)})
            began = time.perf_counter()
            response = client.post(attempt_url, data=data)
            mine.append(time.perf_counter() - began)
            if response.status_code != 302 or SAVED not in client.get(attempt_url).get_data(
                as_text=True
            ):
                failed += 1
        with lock:
            latencies.extend(mine)
            failures.append(failed)

    started = time.perf_counter()
    threads = [threading.Thread(target=save_loop, args=student) for student in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Saves(latencies, sum(failures), time.perf_counter() - started)


def bench_saves_during_import(
    databases: Databases, size: int, students: int, quiet_seconds: float
) -> SaveResult:
    """``students`` threads save answers through the app, first for a few seconds with no
    import (the floor), then while the real command imports ``size`` questions in another
    process (into an empty bank, so the write is the biggest one)."""
    app, url = databases.fresh()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["quiz", "import", str(REPO / "questions" / "demo")])
    assert result.exit_code == 0, result.output
    savers = [student_with_open_attempt(app, f"saver-{number}") for number in range(students)]
    until = time.perf_counter() + quiet_seconds
    quiet = save_while(savers, lambda: time.perf_counter() < until)

    path = databases.workdir / f"bank-{size}.yaml"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "QUIZAPP_MAX_BANK_BYTES": str(MAX_BANK_BYTES),
        "QUIZAPP_SECRET_KEY": "bench",
    }
    command = [sys.executable, "-m", "flask", "--app", "quizapp", "quiz", "import", str(path)]
    importer = subprocess.Popen(
        command, env=env, cwd=databases.workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    importing = save_while(savers, lambda: importer.poll() is None)
    output = importer.stdout.read().decode() if importer.stdout else ""
    if importer.returncode != 0 or "added" not in output:
        raise SystemExit(f"the import during the saves failed:\n{output}")
    dispose(app)
    return SaveResult(students, quiet, importing)


def command_start(workdir: Path, rounds: int) -> Timed:
    """Wall and CPU time of ``flask --app quizapp quiz --help``: a command's start-up (the
    app factory and every module it imports), median of ``rounds``."""
    runs = []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "quizapp", "quiz", "--help"],
            cwd=workdir,
            env={**os.environ, "QUIZAPP_SECRET_KEY": "bench"},
            check=True,
            capture_output=True,
        )
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        runs.append(Timed(wall, cpu))
    return Timed(
        statistics.median(run.wall for run in runs), statistics.median(run.cpu for run in runs)
    )


# -- report ---------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def report(
    results: list[SizeResult], saves: SaveResult, start: Timed, database: str, mode: Mode
) -> list[str]:
    small, large = results
    lines = [
        f"Database: {database}. Sizes {small.size:,} and {large.size:,} questions, "
        f"median of {mode.repeats} run(s); wall-clock time (CPU time of the process).",
        "",
        "| What | " + " | ".join(f"{r.size:,} questions" for r in results) + " | Target |",
        "|---|" + "---:|" * len(results) + "---|",
    ]

    def row(label: str, pick: Callable[[SizeResult], Timed], target: str = "") -> None:
        cells = " | ".join(f"{ms(pick(r).wall)} ({ms(pick(r).cpu)})" for r in results)
        lines.append(f"| {label} | {cells} | {target} |")

    ok_total = large.empty.total.wall < 3
    row(
        "import into an empty database",
        lambda r: r.empty.total,
        f"10,000 under 3 s: **{'met' if ok_total else 'not met'}**" if large.size >= 10_000 else "",
    )
    row("· read (hash, parse, validate)", lambda r: r.empty.read)
    row("· plan (compare; reads only)", lambda r: r.empty.plan)
    row("· write (the write lock is held)", lambda r: r.empty.write)
    ok_unchanged = large.unchanged.wall < 0.5
    row(
        "unchanged re-import (the command)",
        lambda r: r.unchanged,
        f"under 0.5 s: **{'met' if ok_unchanged else 'not met'}**",
    )
    row("re-import, one question in ten edited", lambda r: r.edited.total)
    row("· of which the write", lambda r: r.edited.write)
    growth_wall = large.empty.total.wall / small.empty.total.wall
    growth_cpu = large.empty.total.cpu / small.empty.total.cpu
    factor = large.size / small.size
    ok_growth = growth_wall <= 1.2 * factor
    lines += [
        "",
        f"Growth, {factor:g}× the questions: {growth_wall:.1f}× the time "
        f"({growth_cpu:.1f}× the CPU time); target at most {1.2 * factor:g}×: "
        f"**{'met' if ok_growth else 'not met'}**.",
        "",
        f"{saves.students} students saving answers (a thread each, through the app) while "
        f"another process imports {large.size:,} questions (the command, "
        f"{ms(saves.importing.wall)} from start to exit): {saves.importing.describe()} "
        f"(target: no error, no wait over 1 s: "
        f"**{'met' if saves.importing.failed == 0 and saves.importing.worst < 1 else 'not met'}"
        f"**). The same students for {mode.quiet_seconds:g} s with no import, in the same run: "
        f"{saves.quiet.describe()}.",
        "",
        f"A command's start-up (`flask --app quizapp quiz --help`): {ms(start.wall)} "
        f"({ms(start.cpu)} CPU).",
        "",
        f"Reading the file (the YAML reader and validation in `quizapp/bank/`) is "
        f"{100 * large.empty.read.cpu / large.empty.total.cpu:.0f}% of the CPU time of the "
        f"largest import; the write lock is held for the write step only. The edited "
        f"re-import reported: `{large.edited_summary}`.",
    ]
    return lines


def write_section(sections: list[tuple[str, list[str]]], header: str) -> None:
    body = [
        BEGIN_MARK,
        "## Importing banks (`bench/import_bench.py`)",
        "",
        "Written by `bench/import_bench.py` (run by `make bench`); see the script's docstring "
        "for what it does. The import reads, validates and compares every file before it takes "
        "the write lock, then writes each table in a few bulk statements in one short "
        "transaction; an unchanged file is recognised by the hash of its bytes and not parsed. "
        "A valid file is read in one pass over libyaml's events, without recording where each "
        "value was written (`read_plain` in `quizapp/bank/reader.py`); only a file with a "
        "problem is read again with positions, to place every problem.",
        "",
        f"Measured on {header}.",
        "",
        BEFORE,
    ]
    for title, lines in sections:
        body += ["", f"### {title}", "", *lines]
    body.append(END_MARK)
    replace_section("\n".join(body), BEGIN_MARK, END_MARK, DOC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes; print only")
    parser.add_argument(
        "--database-url", action="append", default=[], help="a PostgreSQL URL (EMPTIED); repeatable"
    )
    parser.add_argument("--sqlite", action="store_true", help="with --database-url: SQLite too")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="SQLite, then a throwaway PostgreSQL server it starts (as make bench runs it; "
        "SQLite only when none is installed)",
    )
    args = parser.parse_args()
    if args.postgres and not args.database_url:
        with postgres_if_installed("import bench") as url:
            if url is not None:
                args.database_url, args.sqlite = [url], True
            bench(args)
        return
    bench(args)


def bench(args: argparse.Namespace) -> None:
    """Every size on each database asked for, the saves during an import, the command's
    start-up; printed, and (not ``--smoke``) written into the import section."""
    mode = SMOKE if args.smoke else FULL
    targets: list[str | None] = list(args.database_url) or [None]
    if args.database_url and args.sqlite:
        targets.insert(0, None)
    header = machine()
    sections = []
    for url in targets:
        name = "SQLite" if url is None else "PostgreSQL"
        with tempfile.TemporaryDirectory(prefix="import-bench-") as workdir:
            databases = Databases(Path(workdir), url)
            results = [bench_size(databases, size, mode.repeats) for size in mode.sizes]
            saves = bench_saves_during_import(
                databases, mode.sizes[-1], mode.students, mode.quiet_seconds
            )
            start = command_start(Path(workdir), mode.starts)
        lines = report(results, saves, start, name, mode)
        print(f"== {name} ==")
        print("\n".join(lines))
        sections.append((name, lines))
    if not args.smoke:
        write_section(sections, header)
        print(f"Wrote the import section of {DOC.relative_to(REPO)}.")


if __name__ == "__main__":
    main()
