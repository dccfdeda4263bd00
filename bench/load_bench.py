"""Load bench: the student's pages under gunicorn and wrk, against Flask's hello world.

    .venv/bin/python bench/load_bench.py                 # the real run (a few minutes)
    .venv/bin/python bench/load_bench.py --students 150  # a bigger class walking the pages
    .venv/bin/python bench/load_bench.py --submits 400   # fewer prepared submits a round
    .venv/bin/python bench/load_bench.py --smoke         # seconds; what the test suite runs

It seeds its own database in a temporary directory (the article bank from
``questions/china-belarus-2015`` and a bench bank of 20-question quizzes, imported by the real
CLI; students inserted in bulk; their attempts made through the pages over HTTP), starts two
gunicorns on 127.0.0.1 with the same settings (2 workers x 4 threads): Quizapp, and
``bench/hello_app.py`` (the ceiling). Then, in interleaved rounds (ceiling, then each path),
wrk drives each path with prepared requests (``bench/requests.lua``): every student's own
session cookie, and for the submits one prepared attempt per request, each posted once. The
class walks the pages; the submit rounds post ``--submits`` prepared submits each (800 by
default): the class's own and, for the rest, those of students who only submit
(``SUBMITS_A_ROUND`` says why a round needs that many).

For each path it reports requests/s, p50 and p99 latency, the CPU time of the gunicorn
processes per request (utime + stime from ``/proc/PID/stat``: steadier than requests/s on a
shared machine), the SQL statements one request sends (counted in-process, on a test client
request of the same page, with a SQLAlchemy event listener), and the ratios to the ceiling
and to the login page (medians of the per-round ratios). The table is printed and written
into its own section of ``docs/performance.md``; the rest of that file is left as it is.

After the rounds comes the burst: ``--burst`` students (200 by default, each a user of their
own with one open 20-question attempt) post their filled-in forms at the same moment, one wrk
connection each, as a class does at the end of an exam. Every submit must be recorded (counted
in the database afterwards), and its p99 is reported against the target of 2 s.

``--postgres`` runs the same bench on a throwaway PostgreSQL server that it starts itself (as
``.ci/run`` does: the newest ``/usr/lib/postgresql/*/bin``, a temporary data directory, run as
the ``postgres`` user, removed at the end), with 4 gunicorn workers unless ``--workers`` says
otherwise; without a server installed it says so and skips. ``make bench`` runs both.

No test asserts a time: ``--smoke`` (a tiny class, one short round, plain HTTP requests when
wrk is missing) only keeps the harness from rotting.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask.testing import FlaskClient
from report import replace_section  # bench/ is the script's own folder

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
ARTICLE_BANK = REPO / "questions" / "china-belarus-2015"
LUA = BENCH / "requests.lua"
DOC = REPO / "docs" / "performance.md"
MARKERS = (
    "<!-- load_bench {}: start (written by bench/load_bench.py; edits here are overwritten) -->",
    "<!-- load_bench {}: end -->",
)
"""Each database has its own section (SQLite by default, PostgreSQL with --database-url)."""

PASSWORD = "bench password"
AGENT = "quizapp-load-bench"
"""The User-Agent of every request: Flask-Login's "strong" session protection ties a session
to the client's address and agent, so wrk must send the agent the session was made with."""
QUESTIONS = 20
LOGIN = "login page"
ATTEMPT_20 = "attempt page, 20 questions"
EXAM = "exam attempt page, 102 questions"
SUBMIT = "submit and grade 20 answers"
QUIZ_LIST = "quiz list (14 quizzes)"
BURST_QUIZ = "bench-s1"
"""The quiz the burst students submit (each student a user of their own, see ``burst_name``)."""
BURST_P99_TARGET_MS = 2000
BURST_SECONDS = 120
"""How long the burst may take; also wrk's timeout in it, so every answer's latency counts."""
KEEP_ALIVE = 130
"""gunicorn's --keep-alive, as the README deploys it: longer than the burst may take, so that
no connection already answered is closed under wrk while the others are still served."""
GUNICORN_CONFIG = "python:quizapp.gunicorn_conf"
"""gunicorn's -c, as the README deploys it: its hooks (``gc.freeze`` once a worker has loaded
the app) are part of what is measured."""
WORKER_CLASS = "quizapp.gunicorn_worker.BalancedThreadWorker"
"""gunicorn's worker class as the README deploys it (``quizapp.gunicorn_conf``'s): the threaded
worker that shares new connections out among the workers. The hello-world ceiling is served by
the same, so that the two are served alike."""
OPTIMIZE = 2
"""``PYTHONOPTIMIZE`` as the README's deploy command sets it for gunicorn (``-OO``: the workers
keep no docstrings, 5-6 MB each; docs/performance.md, session 9)."""
SUBMIT_QUIZZES = ("bench-s1", "bench-s2", "bench-s3", "bench-s4", "bench-s5")
"""Quizzes whose attempts are prepared for the submit rounds: one unfinished attempt per
student and quiz (the class's and the submitters', see ``SUBMITS_A_ROUND``)."""
SUBMITS_A_ROUND = 800
"""Prepared submits a submit round posts (``--submits``): the class's own (5 a student) and,
for the rest, those of students who only submit (``submitter_name``), whose five attempts are
opened while the class is prepared.

Why so many: a round starts with all 16 connections posting at the same moment, from a wrk
just started, and a submit is posted only once, so a round lasts as long as its submits do.
With the class's 100 a round (60 students) a round lasted 0.4 s on PostgreSQL, and its first
16 submits took 100-160 ms to come back where the next ones took 50 (polled: docs/performance.md,
"Session 21"): that start was a quarter of the round's time and a sixth of its latencies, so
the round's rate was its start's (213 a second, against 290-300 between its 50th and 100th
submit) and its p99 one of the first 16 submits'. The GET paths' rounds last 8 s. At 800 a
round (2-3 s) the start is 2% of the latencies, so the p99 is the steady state's."""


# -- the bench bank --------------------------------------------------------------------------


def bench_bank_yaml() -> str:
    """Twenty questions of five types; a quiz of all of them for the attempt page, and copies
    for the submits. With the article bank's eight quizzes the list shows fourteen."""
    lines = [
        "bank: load-bench",
        "title: Load bench",
        "quizzes:",
        "  - {id: bench-20, title: Twenty questions, shuffle_questions: true, "
        "shuffle_choices: true, pass_mark: 60%}",
    ]
    lines += [
        f"  - {{id: {key}, title: Twenty questions ({key}), shuffle_questions: true, "
        "shuffle_choices: true, pass_mark: 60%}"
        for key in SUBMIT_QUIZZES
    ]
    lines.append("questions:")
    for n in range(1, QUESTIONS + 1):
        kind = ("single", "single", "multiple", "true_false", "numeric", "short")[n % 6]
        lines += [f"  - id: q{n:02d}", f"    type: {kind}", f"    text: Bench question {n}?"]
        if kind == "single":
            lines += [
                "    choices:",
                f"      - {{text: Right answer {n}, correct: true, feedback: Well done {n}.}}",
                f"      - {{text: Tempting answer {n}, misconception: tempting-{n % 3}}}",
                f"      - {{text: Other answer {n}}}",
                f"      - {{text: Far answer {n}}}",
            ]
        elif kind == "multiple":
            lines += [
                "    scoring: partial",
                "    choices:",
                f"      - {{text: First right {n}, correct: true}}",
                f"      - {{text: Second right {n}, correct: true}}",
                f"      - {{text: Wrong one {n}}}",
                f"      - {{text: Wrong two {n}}}",
            ]
        elif kind == "true_false":
            lines.append(f"    answer: {'true' if n % 4 else 'false'}")
        elif kind == "numeric":
            lines += [f"    answer: {n * 7}", "    tolerance: 0"]
        else:
            lines.append(f"    accept: [word {n}, the word {n}]")
        lines += [
            f"    explanation: Explanation of bench question {n}.",
            f"    tags: [bench, part-{n % 4}]",
        ]
    return "\n".join(lines) + "\n"


# -- the database ----------------------------------------------------------------------------


@dataclass
class Site:
    """A seeded database and the settings every process that serves it needs."""

    workdir: Path
    database_url: str
    secret_key: str = "load-bench-secret"
    quiz_ids: dict[str, int] = field(default_factory=dict)
    engine: Any = None
    """An engine of this process for the bench's own reads, made when first needed
    (``own_engine``)."""

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "QUIZAPP_SECRET_KEY": self.secret_key,
                "QUIZAPP_OPEN_QUIZZES": "true",  # its students take quizzes no class assigns
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        return env

    def own_engine(self) -> Any:
        """This process's engine on the database (``engine``), made on first use."""
        if self.engine is None:
            from sqlalchemy import create_engine

            self.engine = create_engine(self.database_url)
        return self.engine

    def app(self) -> Any:
        """The app in this process, on the same database (for counting SQL statements)."""
        from quizapp import create_app

        return create_app(
            {
                "INSTANCE_PATH": str(self.workdir / "instance"),
                "SQLALCHEMY_DATABASE_URI": self.database_url,
                "SECRET_KEY": self.secret_key,
                "OPEN_QUIZZES": True,
            }
        )


def empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def seed_database(
    workdir: Path,
    students: int,
    database_url: str | None = None,
    burst: int = 0,
    submitters: int = 0,
) -> Site:
    """Migrate, import the two banks through the CLI, and add the students in bulk: the class,
    the ``burst`` students and the ``submitters`` (students who only submit).

    The students' password hash is a cheap pbkdf2 one (Werkzeug checks any method it wrote):
    logging in hundreds of students with the default scrypt would take longer than the bench,
    and the login POST is not one of the paths measured.
    """
    from flask_migrate import upgrade
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from quizapp.extensions import db
    from quizapp.models import Quiz, User

    (workdir / "instance").mkdir(exist_ok=True)
    url = database_url or f"sqlite:///{workdir / 'load-bench.sqlite'}"
    if url.startswith("postgresql"):
        empty_postgres(url)
    site = Site(workdir=workdir, database_url=url)
    app = site.app()
    with app.app_context():
        upgrade()
    bank = workdir / "load-bench.yaml"
    bank.write_text(bench_bank_yaml(), encoding="utf-8")
    for path in (ARTICLE_BANK, bank):
        result = app.test_cli_runner().invoke(args=["quiz", "import", str(path)])
        if result.exit_code != 0:
            raise SystemExit(f"import of {path} failed:\n{result.output}")
    cheap_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    with app.app_context():
        rows = [
            {"username": student_name(n), "password_hash": cheap_hash, "is_teacher": False}
            for n in range(students + 1)  # the last one is the in-process SQL counter's
        ]
        rows += [
            {"username": burst_name(n), "password_hash": cheap_hash, "is_teacher": False}
            for n in range(burst)
        ]
        rows += [
            {"username": submitter_name(n), "password_hash": cheap_hash, "is_teacher": False}
            for n in range(submitters)
        ]
        db.session.execute(insert(User.__table__), rows)
        db.session.commit()
        site.quiz_ids = {
            key: quiz_id for key, quiz_id in db.session.execute(select(Quiz.key, Quiz.id))
        }
        db.session.remove()
        db.engine.dispose()
    return site


def student_name(n: int) -> str:
    return f"student-{n:04d}"


def burst_name(n: int) -> str:
    return f"burst-{n:04d}"


def submitter_name(n: int) -> str:
    """A student who only submits: the submit rounds' prepared submits beyond the class's own
    (``SUBMITS_A_ROUND``)."""
    return f"submitter-{n:04d}"


def submitters_needed(students: int, submits_a_round: int, rounds: int) -> int:
    """How many students who only submit a run needs for ``submits_a_round`` prepared submits
    in each of ``rounds``, beyond the class's own (one a student and quiz of
    ``SUBMIT_QUIZZES``)."""
    missing = submits_a_round * rounds - students * len(SUBMIT_QUIZZES)
    return max(0, -(-missing // len(SUBMIT_QUIZZES)))


# -- servers ---------------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's programs (Debian's layout), or None."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: [int(part) for part in re.findall(r"\d+", path.parent.name)],
    )
    found = [path for path in found if (path / "initdb").exists()]
    return found[-1] if found else None


@contextlib.contextmanager
def throwaway_postgres(pgbin: Path) -> Any:
    """A PostgreSQL server of the bench's own on 127.0.0.1 (as ``.ci/run`` starts one), in a
    temporary directory, stopped and removed when the block ends; yields its database URL.

    Run as the ``postgres`` user (initdb refuses root). Unlike the tests' server it keeps
    fsync on: a submit's commit waits for the disk, as it would in a school.
    """
    root = Path(tempfile.mkdtemp(prefix="quizapp-bench-pg-"))
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres", "postgres")
    root.chmod(0o700)
    data = root / "data"

    def run(*command: str) -> None:
        subprocess.run([*as_postgres, *command], cwd="/tmp", check=True, capture_output=True)

    try:
        run(
            str(pgbin / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256",
        )  # fmt: skip
        run(
            str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w",
            "-t", "30", "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {root}", "start",
        )  # fmt: skip
        try:
            run(
                str(pgbin / "psql"), "-h", str(root), "-p", str(port), "-U", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q",
                "-c", "CREATE ROLE quizapp LOGIN PASSWORD 'quizapp'",
                "-c", "CREATE DATABASE quizapp_bench OWNER quizapp",
            )  # fmt: skip
            yield f"postgresql+psycopg://quizapp:quizapp@127.0.0.1:{port}/quizapp_bench"
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):
                run(str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def postgres_if_installed(bench_name: str) -> Iterator[str | None]:
    """A bench's ``--postgres``: a throwaway server's URL for the block
    (``throwaway_postgres``), or None where no PostgreSQL is installed, which it says."""
    pgbin = postgres_bin()
    if pgbin is None:
        print(
            f"{bench_name} on PostgreSQL skipped: no server installed "
            "(apt-get install postgresql; /usr/lib/postgresql/*/bin)",
            file=sys.stderr,
        )
        yield None
        return
    with throwaway_postgres(pgbin) as url:
        yield url


def run_where_asked(
    bench: Callable[[argparse.Namespace], None], args: argparse.Namespace, bench_name: str
) -> None:
    """Run ``bench(args)`` on the database ``args`` name; with ``--postgres`` (and no
    ``--database-url``) on a throwaway server, or not at all where none is installed."""
    if args.postgres and not args.database_url:
        with postgres_if_installed(bench_name) as url:
            if url is not None:
                args.database_url = url
                bench(args)
        return
    bench(args)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Gunicorn:
    """A gunicorn on 127.0.0.1, stopped (SIGTERM to its own master) when the block ends."""

    def __init__(
        self,
        app: str,
        env: dict[str, str],
        workers: int = 2,
        threads: int = 4,
        extra: Sequence[str] = (),
        pythonpath: Path | None = None,
        cwd: Path = REPO,
        worker_class: str | None = WORKER_CLASS,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            *(("--worker-class", worker_class) if worker_class else ()),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            *extra,
        ]
        if pythonpath:
            command += ["--pythonpath", str(pythonpath)]
        command.append(app)
        self.command = command
        self.cwd = cwd
        """Where gunicorn starts: its config file imports ``quizapp`` from there (the
        current directory comes first on its ``sys.path``), before any ``--chdir``."""
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd)
        # Generous: on a shared machine under load, four workers importing the app take a while.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited at start: {' '.join(self.command)}")
            # Closed whatever happens: a probe that a starting worker resets would otherwise
            # be left to the garbage collector (a ResourceWarning in whichever test runs then).
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            with contextlib.suppress(OSError), contextlib.closing(connection):
                connection.request("GET", "/", headers={"User-Agent": AGENT})
                connection.getresponse().read()
                if len(self.pids()) > 1:
                    return self
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise SystemExit("gunicorn did not answer within 120 s")

    def __exit__(self, *_: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def settle(self, quiet: float = 0.5, limit: float = 60) -> None:
        """Wait until the processes use no CPU for ``quiet`` seconds (``limit`` at most)."""
        deadline = time.monotonic() + limit
        last = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.cpu_seconds()
            if now - last < 0.02:
                return
            last = now

    def pids(self) -> list[int]:
        """The master and its workers."""
        assert self.process is not None
        master = self.process.pid
        pids = [master]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    stat = (entry / "stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                        pids.append(int(entry.name))
        return pids

    def worker_memory_mb(self) -> list[tuple[float, float, float]]:
        """Each worker's resident set now, at its peak, and the part of it mapped from files
        (VmRSS, VmHWM, RssFile), in MB."""
        assert self.process is not None
        sizes = []
        for pid in self.pids():
            if pid == self.process.pid:
                continue
            with contextlib.suppress(OSError):
                status = dict(
                    line.split(":", 1)
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if ":" in line
                )
                rss, peak, mapped = (
                    int(status[key].split()[0]) / 1024 for key in WORKER_MEMORY_KEYS
                )
                sizes.append((rss, peak, mapped))
        return sizes

    def cpu_seconds(self) -> float:
        """utime + stime of the master and its workers, in seconds."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)
        return total / ticks


# -- a small browser over HTTP ---------------------------------------------------------------


class Browser:
    """One student's session over plain HTTP: a cookie, no redirects followed."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        """Status, Location and body text. A 503 (a write that waited longer than the busy
        timeout: it happens while preparing on a machine starved of CPU) is tried again, a
        few times: preparing the class is not what is measured."""
        for _ in range(4):
            status, location, text = self._request(method, path, body)
            if status != 503:
                break
            print(f"preparing: {method} {path} answered 503, trying again", file=sys.stderr)
            time.sleep(1)
        return status, location, text

    def _request(self, method: str, path: str, body: str | None) -> tuple[int, str, str]:
        headers = {"User-Agent": AGENT}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers.get("Location", ""), text
        finally:
            connection.close()

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def login(self, username: str) -> None:
        status, _, page = self.request("GET", "/auth/login")
        token = csrf_token(page)
        body = urlencode({"csrf_token": token, "username": username, "password": PASSWORD})
        status, _, _ = self.request("POST", "/auth/login", body)
        if status not in (302, 303):
            raise SystemExit(f"login of {username} failed with {status}")

    def start(self, quiz_id: int) -> int:
        """Start (or resume) an attempt at the quiz; its id."""
        status, _, page = self.request("GET", f"/quizzes/{quiz_id}")
        body = urlencode({"csrf_token": csrf_token(page)})
        status, location, _ = self.request("POST", f"/quizzes/{quiz_id}/start", body)
        match = re.search(r"/attempts/(\d+)$", location)
        if status != 302 or not match:
            raise SystemExit(f"starting quiz {quiz_id} failed: {status} {location}")
        return int(match.group(1))

    def submit_body(self, attempt_id: int, rng: random.Random, saved: bool = False) -> str:
        """The attempt page's form, filled as a student might, with the submit button; with
        ``saved``, the same answers are saved first, as the page's autosave leaves them before
        the student submits (every answer stored: the submit replaces them)."""
        status, _, page = self.request("GET", f"/attempts/{attempt_id}")
        if status != 200:
            raise SystemExit(f"attempt page {attempt_id} answered {status}")
        answers = answer_form(page, rng)
        if saved:
            status, location, _ = self.request(
                "POST", f"/attempts/{attempt_id}", urlencode([*answers, ("save", "1")])
            )
            if status != 302:
                raise SystemExit(f"saving attempt {attempt_id} failed: {status} {location}")
            # The save moved the attempt's sequence on: the submit carries the page's new
            # hidden fields (as the autosave's answer updates them) and the same answers.
            before, after = _FormReader(), _FormReader()
            before.feed(page)
            after.feed(self.request("GET", f"/attempts/{attempt_id}")[2])
            hidden = {name for name, _ in before.hidden}
            answers = after.hidden + [pair for pair in answers if pair[0] not in hidden]
        return urlencode([*answers, ("submit", "1")])


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not match:
        raise SystemExit("a page had no CSRF token (was the student logged out?)")
    return match.group(1)


class _FormReader(HTMLParser):
    """The fields of a page's forms: hidden values, radio and checkbox groups, selects, texts."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: list[tuple[str, str]] = []
        self.choices: dict[str, list[str]] = {}
        self.multi: dict[str, list[str]] = {}
        self.selects: dict[str, list[str]] = {}
        self.texts: dict[str, bool] = {}  # name -> numeric?
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "hidden":
                self.hidden.append((name, a.get("value", "")))
            elif kind == "radio":
                self.choices.setdefault(name, []).append(a.get("value", ""))
            elif kind == "checkbox":
                self.multi.setdefault(name, []).append(a.get("value", ""))
            elif kind in ("text", "number"):
                self.texts[name] = a.get("inputmode") == "decimal"
        elif tag == "select" and name:
            self._select = name
            self.selects[name] = []
        elif tag == "option" and self._select and a.get("value"):
            self.selects[self._select].append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def answer_form(html: str, rng: random.Random) -> list[tuple[str, str]]:
    """Answers for every question on an attempt page: some right, some wrong, at random.

    Position drop-downs of one ordering question get distinct positions, as a student would.
    """
    reader = _FormReader()
    reader.feed(html)
    fields = list(reader.hidden)
    for name, values in reader.choices.items():
        fields.append((name, rng.choice(values)))
    for name, values in reader.multi.items():
        for value in rng.sample(values, rng.randint(1, min(2, len(values)))):
            fields.append((name, value))
    orderings: dict[str, list[str]] = {}
    for name, options in reader.selects.items():
        prefix, _, _ = name.partition("pos-")
        if "pos-" in name:
            orderings.setdefault(prefix, []).append(name)
        elif options:
            fields.append((name, rng.choice(options)))
    for names in orderings.values():
        positions = reader.selects[names[0]][:]
        rng.shuffle(positions)
        fields += list(zip(names, positions, strict=False))
    for name, numeric in reader.texts.items():
        fields.append((name, str(rng.randint(1, 200)) if numeric else f"word {rng.randint(1, 20)}"))
    return fields


# -- preparing the class ---------------------------------------------------------------------


@dataclass
class Student:
    name: str
    cookie: str = ""
    attempt_20: int = 0
    exam: int = 0
    submits: list[tuple[int, str]] = field(default_factory=list)
    """Prepared submits: (attempt id, form body)."""


def prepare_student(base: str, site: Site, n: int, submits: int, saved: bool = False) -> Student:
    """Log in; take and submit one Overview attempt (history for the quiz list); open an
    attempt at the 20-question quiz and at the exam (left open: the pages measured); and open
    ``submits`` attempts whose filled-in forms the submit rounds will post."""
    rng = random.Random(n)
    student = Student(student_name(n))
    browser = Browser(base)
    browser.login(student.name)
    overview = browser.start(site.quiz_ids["overview"])
    status, location, _ = browser.request(
        "POST", f"/attempts/{overview}", browser.submit_body(overview, rng)
    )
    if status != 302 or "/review" not in location:
        raise SystemExit(f"submitting overview attempt {overview} failed: {status} {location}")
    student.attempt_20 = browser.start(site.quiz_ids["bench-20"])
    student.exam = browser.start(site.quiz_ids["exam"])
    student.submits = open_submits(browser, site, rng, saved, SUBMIT_QUIZZES[:submits])
    student.cookie = browser.cookie_header()
    return student


def open_submits(
    browser: Browser,
    site: Site,
    rng: random.Random,
    saved: bool,
    quizzes: Sequence[str] = SUBMIT_QUIZZES,
) -> list[tuple[int, str]]:
    """An attempt opened at each of ``quizzes`` and its form filled in: (attempt id, form
    body), submits ready to post."""
    submits = []
    for key in quizzes:
        attempt_id = browser.start(site.quiz_ids[key])
        submits.append((attempt_id, browser.submit_body(attempt_id, rng, saved)))
    return submits


def prepare_submitter(base: str, site: Site, n: int, saved: bool = False) -> Student:
    """Log a student who only submits in and open one attempt at each quiz of
    ``SUBMIT_QUIZZES``, whose filled-in forms the submit rounds will post."""
    rng = random.Random(20_000 + n)
    student = Student(submitter_name(n))
    browser = Browser(base)
    browser.login(student.name)
    student.submits = open_submits(browser, site, rng, saved)
    student.cookie = browser.cookie_header()
    return student


def prepare_burst_student(
    base: str, site: Site, n: int, saved: bool = False
) -> tuple[str, str, str]:
    """Log a burst student in and open one attempt; its submit, ready to post."""
    browser = Browser(base)
    browser.login(burst_name(n))
    attempt_id = browser.start(site.quiz_ids[BURST_QUIZ])
    body = browser.submit_body(attempt_id, random.Random(10_000 + n), saved)
    return f"/attempts/{attempt_id}", browser.cookie_header(), body


PreparedOne = TypeVar("PreparedOne")


def for_each_of(count: int, prepare: Callable[[int], PreparedOne]) -> list[PreparedOne]:
    """``prepare(n)`` for n in 0..count-1, eight at a time (each logs a student in and opens
    attempts over HTTP), in the order of n."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(prepare, range(count)))


def prepare_burst(base: str, site: Site, count: int, saved: bool = False) -> Target:
    prepared = for_each_of(count, lambda n: prepare_burst_student(base, site, n, saved))
    return Target(
        "burst",
        [("POST", url, cookie, body) for url, cookie, body in prepared],
        once=True,
        expect="review",
    )


def prepare_class(
    base: str, site: Site, students: int, submits: int, saved: bool = False
) -> list[Student]:
    return for_each_of(students, lambda n: prepare_student(base, site, n, submits, saved))


def prepare_submitters(base: str, site: Site, count: int, saved: bool = False) -> list[Student]:
    return for_each_of(count, lambda n: prepare_submitter(base, site, n, saved))


@dataclass(frozen=True)
class Target:
    """One path measured: its name, the prepared requests (method, path, cookie, body) and
    whether each is posted only once."""

    name: str
    requests: list[tuple[str, str, str, str]]
    once: bool = False
    expect: str = "200"


def paths_for(
    students: list[Student], rounds: int, submitters: Sequence[Student] = ()
) -> tuple[list[Target], list[list[Target]]]:
    """The GET paths (walked round and round by the class) and, per round, its own share of
    the submits (the class's and the ``submitters'``)."""
    gets = [
        Target(LOGIN, [("GET", "/auth/login", "", "")]),
        Target(
            ATTEMPT_20,
            [("GET", f"/attempts/{s.attempt_20}", s.cookie, "") for s in students],
        ),
        Target(
            EXAM,
            [("GET", f"/attempts/{s.exam}", s.cookie, "") for s in students],
        ),
        Target(QUIZ_LIST, [("GET", "/", s.cookie, "") for s in students]),
    ]
    everyone = [*students, *submitters]
    every_submit = [
        ("POST", f"/attempts/{attempt_id}", s.cookie, body)
        for index in range(max(len(s.submits) for s in everyone))
        for s in everyone
        if index < len(s.submits)
        for attempt_id, body in [s.submits[index]]
    ]
    share = len(every_submit) // rounds if rounds else 0
    submits = [
        [
            Target(
                SUBMIT,
                every_submit[r * share : (r + 1) * share],
                once=True,
                expect="review",
            )
        ]
        for r in range(rounds)
    ]
    return gets, submits


# -- SQL statements per request, in-process --------------------------------------------------


def count_statements(site: Site, username: str) -> dict[str, int]:
    """The statements each path sends, on one test client request of the same page by a
    student of its own (warmed up first, so caches are as in a running worker)."""
    from sqlalchemy import event

    from quizapp.extensions import db

    app = site.app()
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = AGENT
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post(
        "/auth/login",
        data={"csrf_token": csrf_token(page), "username": username, "password": PASSWORD},
    )
    if response.status_code not in (302, 303):
        raise SystemExit("the in-process student could not log in")

    def start(key: str) -> int:
        quiz_id = site.quiz_ids[key]
        token = csrf_token(client.get(f"/quizzes/{quiz_id}").get_data(as_text=True))
        location = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token}).location
        return int(location.rsplit("/", 1)[1])

    attempt_20, exam, to_submit = start("bench-20"), start("exam"), start("bench-s1")
    rng = random.Random(0)
    body = urlencode(
        [
            *answer_form(client.get(f"/attempts/{to_submit}").get_data(as_text=True), rng),
            ("submit", "1"),
        ]
    )
    counts: dict[str, int] = {}
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    def measure(
        client: FlaskClient, name: str, method: str, url: str, data: str | None = None
    ) -> None:
        nonlocal statements
        if method == "GET":
            client.get(url)  # warm-up
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        statements = 0
        try:
            if method == "GET":
                response = client.get(url)
                ok = response.status_code == 200
            else:
                response = client.post(
                    url, data=data, content_type="application/x-www-form-urlencoded"
                )
                ok = response.status_code == 302 and "/review" in response.location
        finally:
            event.remove(engine, "before_cursor_execute", count)
        if not ok:
            raise SystemExit(f"{name}: the in-process request answered {response.status_code}")
        counts[name] = statements

    logged_out = app.test_client()
    logged_out.environ_base["HTTP_USER_AGENT"] = AGENT
    measure(logged_out, LOGIN, "GET", "/auth/login")
    measure(client, ATTEMPT_20, "GET", f"/attempts/{attempt_20}")
    measure(client, EXAM, "GET", f"/attempts/{exam}")
    measure(client, SUBMIT, "POST", f"/attempts/{to_submit}", body)
    measure(client, QUIZ_LIST, "GET", "/")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return counts


# -- load ------------------------------------------------------------------------------------


def analyze_after_preparing(site: Site) -> None:
    """On PostgreSQL, ``VACUUM ANALYZE`` the database once the class is prepared.

    Why: the bench makes its tables and fills them within a minute, and PostgreSQL's
    autovacuum visits new rows about once a minute: until its first visit the planner has no
    statistics of the attempts and answers, and the same attempt page then cost the server
    1.2-1.4 CPU-ms in one run against 0.5 in the next, as the visit fell before or after the
    rounds (docs/performance.md, "Session 20"). A school's server has long been visited. SQLite
    keeps no statistics unless told (``ANALYZE``, which the app never runs): nothing to do."""
    if not site.database_url.startswith("postgresql"):
        return
    from sqlalchemy import text

    with site.own_engine().connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def submitted_counter(site: Site, target: Target) -> Callable[[], int]:
    """How many of the target's prepared attempts are submitted by now (read from the
    database, which is where a submit that counted is).

    The ids go as one parameter (an array on PostgreSQL, a JSON list on SQLite): ``run_wrk``
    counts while the submits run, on the same cores, and with one bound parameter an id (800
    a round) each count cost 2.4 CPU-ms in this process and 1.3 in PostgreSQL's, about 13% of
    the machine at a count every 10 ms; as one parameter 0.6 and 0.7 (docs/performance.md,
    "Session 21")."""
    from sqlalchemy import text

    ids = [int(url.rsplit("/", 1)[1]) for _, url, _, _ in target.requests]
    engine = site.own_engine()
    submitted = "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL AND id"
    if engine.dialect.name == "postgresql":
        query, params = text(f"{submitted} = ANY(:ids)"), {"ids": ids}
    else:
        query = text(f"{submitted} IN (SELECT value FROM json_each(:ids))")
        params = {"ids": json.dumps(ids)}

    def count() -> int:
        with engine.connect() as connection:
            return int(connection.execute(query, params).scalar_one())

    return count


def next_count_in(answered: int, total: int, elapsed: float) -> float:
    """Seconds until ``run_wrk`` counts the answered submits again: a quarter of the time the
    rest should take at the rate so far, between 10 ms (so the round's end is seen within 10 ms,
    as before) and 100 ms; 50 ms before the first answer. Counting every 10 ms from the start
    was 180 counts in a round of 800 submits, each costing CPU on the cores the submits use."""
    if answered <= 0:
        return 0.05
    rest = (total - answered) * elapsed / answered
    return min(0.1, max(0.01, rest / 4))


@dataclass
class Run:
    """One wrk run of one path (or a few plain requests in smoke mode without wrk)."""

    requests: int
    seconds: float
    ok: int
    bad: int
    socket_errors: dict[str, int]
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    bad_statuses: dict[int, int] = field(default_factory=dict)
    """The HTTP status of each answer counted in ``bad``, by status (wrk only)."""
    database_cpu_ms_per_request: float | None = None
    """CPU of the PostgreSQL server's processes per request (None on SQLite, which runs in the
    workers): it shares the machine's cores with the workers."""
    machine_busy: float = 0.0
    """The share of all the machine's cores busy during the run (``/proc/stat``): near 100%,
    the run was bound by CPU (the app's, the server's, wrk's); well under, by waits."""
    wrk_seconds: float = 0.0
    """The run's time as wrk reports it (wrk only): for prepared requests posted once, up
    to a tick of its threads (100 ms) longer than ``seconds``, which ends at the last answer."""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class MachineCpu:
    """The CPU a run cost outside the workers: the PostgreSQL server's processes (every
    process called ``postgres`` on the machine: the bench's own server, or the one
    ``--database-url`` names when it runs here) and the machine's cores as a whole."""

    def __init__(self, database_url: str) -> None:
        self.postgres = database_url.startswith("postgresql")
        self.busy_ticks, self.all_ticks = _cores_ticks()
        self.database = postgres_processes() if self.postgres else {}

    def busy(self) -> float:
        """The share of the machine's cores busy since this object was made."""
        busy, total = _cores_ticks()
        if total <= self.all_ticks:
            return 0.0
        return (busy - self.busy_ticks) / (total - self.all_ticks)

    def database_ms(self, requests: int) -> float | None:
        """The server's CPU-ms per request since this object was made (None on SQLite)."""
        if not self.postgres:
            return None
        spent = sum(postgres_cpu_since(self.database).values())
        return 1000 * spent / requests if requests else 0.0


def _cores_ticks() -> tuple[int, int]:
    """(busy, all) ticks of every core since boot, from ``/proc/stat``'s first line."""
    with contextlib.suppress(OSError, ValueError):
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields[:8]) - idle, sum(fields[:8])
    return 0, 0


def postgres_processes() -> dict[int, tuple[str, float]]:
    """Each running process called ``postgres``: its role and its utime + stime in seconds.
    The role is "backend" for a client's connection, else the process's title ("walwriter",
    "checkpointer", "autovacuum launcher"...; "postmaster" for the server itself)."""
    ticks, found = os.sysconf("SC_CLK_TCK"), dict[int, tuple[str, float]]()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                name, rest = stat.split("(", 1)[1].rsplit(")", 1)
                if name != "postgres":
                    continue
                fields = rest.split()
                title = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
                role = title.removeprefix("postgres: ").strip() if ": " in title else "postmaster"
                if "(" in role:  # "user database host(port) state": a client's backend
                    role = "backend"
                found[int(entry.name)] = (role, (int(fields[11]) + int(fields[12])) / ticks)
    return found


def postgres_cpu_since(before: dict[int, tuple[str, float]]) -> dict[str, float]:
    """The CPU seconds the ``postgres`` processes running now spent since ``before``
    (``postgres_processes``), by role: a process started since counts whole; one that has
    exited since is not counted (its CPU went with it; the pool keeps its connections for the
    whole run), rather than taken off the others'."""
    spent: dict[str, float] = {}
    for pid, (role, seconds) in postgres_processes().items():
        earlier = before.get(pid, (role, 0.0))[1]
        spent[role] = spent.get(role, 0.0) + seconds - earlier
    return spent


def write_requests(path: Path, requests: list[tuple[str, str, str, str]]) -> None:
    for _, url, cookie, body in requests:
        if "\t" in url + cookie + body or "\n" in url + cookie + body:
            raise SystemExit("a prepared request holds a tab or a newline")
    path.write_text("".join("\t".join(r) + "\n" for r in requests), encoding="utf-8")


def run_wrk(
    server: Gunicorn,
    target: Target,
    workdir: Path,
    duration: float,
    connections: int,
    threads: int,
    think_ms: int = 0,
    done: Callable[[], int] | None = None,
    timeout: float = 30,
) -> Run:
    """One wrk run of ``target``; ``done`` counts the prepared once-only requests answered.

    ``timeout``: wrk's ``--timeout``. An answer slower than that is not a latency in wrk's
    histogram but a "timeout" socket error (the request is not cut off): the burst passes
    its whole duration, so that every answer's latency is measured."""
    requests_file = workdir / "requests.tsv"
    write_requests(requests_file, target.requests)
    env = dict(os.environ)
    env.update(
        {
            "WRK_REQUESTS": str(requests_file),
            "WRK_ONCE": "1" if target.once else "0",
            "WRK_THREADS": str(threads),
            "WRK_EXPECT": target.expect,
            "WRK_THINK_MS": str(think_ms),
            "WRK_AGENT": AGENT,
        }
    )
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        f"{max(1, round(timeout))}s",
        "-s",
        str(LUA),
        server.url + "/",
    ]
    cpu_before, around = server.cpu_seconds(), MachineCpu(server.env.get("DATABASE_URL", ""))
    started, answered = time.perf_counter(), None
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as wrk:
        if target.once and done is not None:
            # wrk runs for its whole -d even when every thread has stopped: end it (SIGINT)
            # once the prepared requests are answered. The run's time is this loop's, from
            # wrk's start to the last answer seen (counted every 10 ms near the end,
            # ``next_count_in``): wrk's own count goes on to the next 100 ms tick of its threads
            # after the signal, which added up to 150 ms (with the old 50 ms poll) to a round of
            # 100 submits that lasts 0.35-1 s (docs/performance.md, "Session 12").
            deadline = started + duration
            while time.perf_counter() < deadline and wrk.poll() is None:
                so_far = done()
                if so_far >= len(target.requests):
                    answered = time.perf_counter()
                    wrk.send_signal(signal.SIGINT)
                    break
                elapsed = time.perf_counter() - started
                time.sleep(next_count_in(so_far, len(target.requests), elapsed))
        stdout, stderr = wrk.communicate(timeout=duration + 60)
    busy = around.busy()
    # Requests still in flight when wrk stops are served all the same: wait for them, so
    # their CPU time counts here (and not in the next run), and the next run starts on an
    # idle server.
    server.settle()
    cpu = server.cpu_seconds() - cpu_before
    # What the server served: the submits the database holds; for pages walked round and
    # round, those answered plus one in flight on each connection when wrk stopped.
    served = done() if target.once and done is not None else None
    output = subprocess.CompletedProcess(command, wrk.returncode, stdout, stderr)
    match = re.search(r"^RESULT (\{.*\})$", output.stdout, re.MULTILINE)
    if output.returncode != 0 or not match:
        raise SystemExit(f"wrk failed ({output.returncode}):\n{output.stdout}\n{output.stderr}")
    result = json.loads(match.group(1))
    counted = result["ok"] + result["bad"]
    database_cpu = around.database_ms(served or counted + connections)
    socket_errors = {k: result[k] for k in ("connect", "read", "write", "timeout")}
    bad_statuses: dict[int, int] = {}
    for status in result.get("bad_statuses", "").split():
        bad_statuses[int(status)] = bad_statuses.get(int(status), 0) + 1
    return Run(
        requests=counted,
        seconds=answered - started if answered is not None else result["duration_us"] / 1e6,
        wrk_seconds=result["duration_us"] / 1e6,
        ok=result["ok"],
        bad=result["bad"],
        socket_errors=socket_errors,
        bad_statuses=bad_statuses,
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        cpu_ms_per_request=1000 * cpu / (served or counted + connections)
        if (served or counted)
        else 0.0,
        database_cpu_ms_per_request=database_cpu,
        machine_busy=busy,
    )


def run_plain(server: Gunicorn, target: Target, count: int) -> Run:
    """A few requests one after another, for smoke mode where wrk is missing."""
    host, port = "127.0.0.1", server.port
    requests = (
        target.requests[:count]
        if target.once
        else [target.requests[i % len(target.requests)] for i in range(count)]
    )
    times, ok, bad = [], 0, 0
    cpu_before = server.cpu_seconds()
    started = time.perf_counter()
    for method, url, cookie, body in requests:
        headers = {"User-Agent": AGENT}
        if cookie:
            headers["Cookie"] = cookie
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        begin = time.perf_counter()
        connection = http.client.HTTPConnection(host, port, timeout=60)
        with contextlib.closing(connection):
            connection.request(method, url, body=body or None, headers=headers)
            response = connection.getresponse()
            response.read()
        times.append(time.perf_counter() - begin)
        location = response.headers.get("Location", "")
        good = (
            response.status in (302, 303) and "/review" in location
            if target.expect == "review"
            else response.status == 200
        )
        ok, bad = ok + good, bad + (not good)
    seconds = time.perf_counter() - started
    server.settle()
    cpu = server.cpu_seconds() - cpu_before
    times.sort()
    return Run(
        requests=len(times),
        seconds=seconds,
        ok=ok,
        bad=bad,
        socket_errors={},
        p50_ms=1000 * times[len(times) // 2] if times else 0.0,
        p99_ms=1000 * times[min(len(times) - 1, int(len(times) * 0.99))] if times else 0.0,
        cpu_ms_per_request=1000 * cpu / len(times) if times else 0.0,
    )


def run_burst(server: Gunicorn, site: Site, burst: Target, workdir: Path, have_wrk: bool) -> str:
    """Every burst student posts their submit at the same moment (one connection each); the
    line for the report: how many the database recorded, and the latencies."""
    count = len(burst.requests)
    recorded = submitted_counter(site, burst)
    server.settle()
    if have_wrk:
        run = run_wrk(
            server, burst, workdir, BURST_SECONDS, count, min(4, count), done=recorded,
            timeout=BURST_SECONDS,
        )  # fmt: skip
    else:
        run = run_plain(server, burst, count)
    saved = recorded()
    verdict = "met" if saved == count and run.p99_ms < BURST_P99_TARGET_MS else "**not met**"
    statuses = ", ".join(f"{n} × {status}" for status, n in sorted(run.bad_statuses.items()))
    errors = ", ".join(f"{n} {kind}" for kind, n in run.socket_errors.items() if n)
    return (
        f"A burst of {count} students submitting at once ({count} connections, each posting "
        f"one graded submit of 20 answers): {saved} of {count} recorded, {run.bad} answered "
        f"otherwise{f' ({statuses})' if statuses else ''}, "
        f"{sum(run.socket_errors.values())} socket errors{f' ({errors})' if errors else ''}; "
        f"p50 {run.p50_ms:,.0f} ms, "
        f"p99 {run.p99_ms:,.0f} ms, all done in {run.seconds:.1f} s, "
        f"{run.cpu_ms_per_request:.1f} CPU-ms a submit"
        + (
            f" (and {run.database_cpu_ms_per_request:.1f} the database server's)"
            if run.database_cpu_ms_per_request is not None
            else ""
        )
        + f", cores {run.machine_busy:.0%} busy. Target: every one recorded, p99 under "
        f"{BURST_P99_TARGET_MS / 1000:g} s: {verdict}."
    )


# -- the report ------------------------------------------------------------------------------


RSS_TARGET_MB = 100
"""Issue 10: a worker's resident set after the whole bench."""


WORKER_MEMORY_KEYS = ("VmRSS", "VmHWM", "RssFile")
"""What ``Gunicorn.worker_memory_mb`` reads of each worker's ``/proc/PID/status``."""


def worker_memory_line(sizes: Sequence[tuple[float, float, float]]) -> str:
    """The report's line on the workers' memory after every path, the burst included, with
    the part of it mapped from files: code and libraries (on PostgreSQL, psycopg's own libpq
    and OpenSSL), the same pages of the disk cache in every worker, though each one's resident
    size counts them all (docs/performance.md, session 8)."""
    if not sizes:
        return "Workers' memory after the run: not read (no worker found)."
    largest = max(rss for rss, _, _ in sizes)
    verdict = "met" if largest < RSS_TARGET_MB else "**not met**"
    return (
        f"Workers' memory after the whole run (every path and the burst): resident "
        f"{', '.join(f'{rss:.1f}' for rss, _, _ in sizes)} MB (peaks "
        f"{', '.join(f'{peak:.1f}' for _, peak, _ in sizes)} MB; mapped from files "
        f"{', '.join(f'{mapped:.1f}' for _, _, mapped in sizes)} MB). Target: under "
        f"{RSS_TARGET_MB} MB each: {verdict}."
    )


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    return (
        f"{os.cpu_count()} cores ({model or platform.processor() or 'unknown CPU'}){memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def dialect_name(dialect: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(dialect, dialect)


def driver(dialect: str) -> str:
    """Which psycopg the workers load, for a PostgreSQL run (they share this process's packages
    and environment, so they make the same choice): ``binary`` (the ``psycopg[binary]`` wheel,
    with its own libpq and OpenSSL, as ``make install`` installs it) or ``c`` (the README's
    optional build against the system's libpq: about 1.5 MB less in each worker,
    docs/performance.md, session 10); ``python`` where neither is installed."""
    if dialect != "postgresql":
        return ""
    import psycopg

    return f" (psycopg {psycopg.__version__}, {psycopg.pq.__impl__} implementation)"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def table(
    names: list[str],
    runs: dict[str, list[Run]],
    ceilings: list[Run],
    statements: dict[str, int],
) -> list[str]:
    """One row per path: medians over the rounds; ratios are medians of per-round ratios."""
    lines = [
        "| path | req/s | p50 | p99 | CPU-ms/req | DB CPU-ms/req | cores busy | SQL/req "
        "| × ceiling | × login page | answers | non-2xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    login = runs.get(LOGIN, [])

    def row(name: str, these: list[Run], sql: str) -> str:
        to_ceiling = [r.rate / c.rate for r, c in zip(these, ceilings, strict=False) if c.rate]
        to_login = [r.rate / g.rate for r, g in zip(these, login, strict=False) if g.rate]
        bad = sum(r.bad for r in these)
        errors = sum(sum(r.socket_errors.values()) for r in these)
        total = sum(r.requests for r in these)
        return (
            f"| {name} | {median([r.rate for r in these]):,.1f} "
            f"| {median([r.p50_ms for r in these]):,.1f} ms "
            f"| {median([r.p99_ms for r in these]):,.0f} ms "
            f"| {median([r.cpu_ms_per_request for r in these]):.2f} "
            f"| {database_cpu(these)} | {median([r.machine_busy for r in these]):.0%} | {sql} "
            f"| {percent(median(to_ceiling))} | {percent(median(to_login))} "
            f"| {total:,} | {bad} | {errors} |"
        )

    lines.append(row("hello world (the ceiling)", ceilings, "–"))
    for name in names:
        lines.append(row(name, runs[name], str(statements.get(name, "?"))))
    return lines


def database_cpu(runs: list[Run]) -> str:
    """The median of the runs' database server CPU-ms per request, or a dash (SQLite)."""
    spent = [r.database_cpu_ms_per_request for r in runs]
    if not spent or any(ms is None for ms in spent):
        return "–"
    return f"{median([ms for ms in spent if ms is not None]):.2f}"


def percent(ratio: float) -> str:
    if ratio >= 0.095:
        return f"{100 * ratio:.0f}%"
    return f"{100 * ratio:.1f}%"


def write_section(doc: Path, section: str, label: str) -> None:
    """Replace this script's section for ``label`` (between its markers), keeping the rest."""
    start, end = (marker.format(label) for marker in MARKERS)
    replace_section(section, start, end, doc)


# -- main ------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (``--help``); the defaults serve as the README deploys."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--students", type=int, default=60, help="class size, walking the pages (default 60)"
    )
    parser.add_argument(
        "--submits",
        type=int,
        default=SUBMITS_A_ROUND,
        help=f"prepared submits a submit round (default {SUBMITS_A_ROUND}; students who only "
        "submit make up what the class's own five each do not)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds (default 3; 0: the burst only)"
    )
    parser.add_argument("--duration", type=float, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c (default 16)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk -t (default 2)")
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default 2; 4 with --postgres)"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=KEEP_ALIVE,
        help=f"gunicorn --keep-alive (default {KEEP_ALIVE}, as the README's deploy command)",
    )
    parser.add_argument(
        "--config",
        default=GUNICORN_CONFIG,
        help=f"gunicorn -c for the app (default {GUNICORN_CONFIG}, as the README deploys it)",
    )
    parser.add_argument(
        "--optimize",
        type=int,
        choices=(0, 1, 2),
        default=OPTIMIZE,
        help=f"PYTHONOPTIMIZE for gunicorn (default {OPTIMIZE}, as the README's deploy command)",
    )
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
    parser.add_argument(
        "--burst", type=int, default=200, help="students submitting at once (default 200)"
    )
    parser.add_argument(
        "--output", type=Path, default=DOC, help="the file whose section is rewritten"
    )
    parser.add_argument(
        "--autosaved",
        action="store_true",
        help="save the answers of every prepared submit first, as the attempt page's autosave "
        "leaves them (the submits and the burst then replace stored answers)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny class, one short round; wrk optional"
    )
    args = parser.parse_args(argv)
    if args.workers is None:
        args.workers = 4 if args.postgres else 2
    return args


def main(argv: Sequence[str] | None = None) -> None:
    run_where_asked(bench, parse_args(argv), "load bench")


def bench(args: argparse.Namespace) -> None:
    """The whole run: seed, serve, prepare, measure in rounds, burst, report."""
    # Stopped from outside, still stop our servers (the with-blocks) and remove the temp dir.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    if args.smoke:
        # The smallest run that still drives every path (one worker each, 1 s a path): the
        # test suite runs it, and its CPU is the suite's.
        args.students, args.rounds, args.duration, args.workers = 3, 1, 1, 1
        args.submits = 20  # the class's own 15, and 5 of one student who only submits
        args.burst = min(args.burst, 5)
    have_wrk = shutil.which("wrk") is not None
    if not have_wrk and not args.smoke:
        raise SystemExit("wrk is missing: apt-get install wrk (or run --smoke)")

    load_before = load()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="quizapp-load-bench-") as tmp:
        workdir = Path(tmp)
        submitters = submitters_needed(args.students, args.submits, args.rounds)
        site = seed_database(
            workdir, args.students, args.database_url, burst=args.burst, submitters=submitters
        )
        dialect = site.database_url.split(":", 1)[0].split("+", 1)[0]
        # The README's deploy command: a keep-alive longer than the burst may take. wrk keeps a
        # connection whose prepared submits are used up open and idle; closed under it by
        # gunicorn's keep-alive timeout, wrk counts a "read" error and opens a new one at
        # once, and gunicorn 27's gthread worker then gives that connection a thread for up to
        # 5 s to send its first bytes (--keep-alive 0 does the same after every answer): the
        # submits still queued wait behind them. See "The burst" in docs/performance.md.
        # Both servers run with the README's PYTHONOPTIMIZE (0 is Python's default: unset).
        env = {**site.env(), "PYTHONOPTIMIZE": str(args.optimize)} if args.optimize else site.env()
        server_args: dict[str, Any] = {
            "workers": args.workers,
            "threads": args.threads,
            "extra": ("--keep-alive", str(args.keep_alive)),
        }
        with (
            Gunicorn(
                "quizapp:create_app()",
                env,
                **{**server_args, "extra": ("-c", args.config, *server_args["extra"])},
            ) as app_server,
            Gunicorn("hello_app:app", env, pythonpath=BENCH, **server_args) as ceiling,
        ):
            prepared_at = time.perf_counter()
            students = prepare_class(
                app_server.url, site, args.students, len(SUBMIT_QUIZZES), args.autosaved
            )
            only_submitting = prepare_submitters(app_server.url, site, submitters, args.autosaved)
            burst = (
                prepare_burst(app_server.url, site, args.burst, args.autosaved)
                if args.burst
                else None
            )
            analyze_after_preparing(site)
            prepare_seconds = time.perf_counter() - prepared_at
            statements = count_statements(site, student_name(args.students))
            gets, submits = paths_for(students, args.rounds, only_submitting)
            names = [LOGIN, ATTEMPT_20, EXAM, SUBMIT, QUIZ_LIST]
            runs: dict[str, list[Run]] = {name: [] for name in names}
            ceilings: list[Run] = []

            def measure(server: Gunicorn, target: Target) -> Run:
                if have_wrk:
                    # In smoke mode a submit round waits for its few submits, however slow.
                    smoke_wait = args.smoke and target.once
                    return run_wrk(
                        server,
                        target,
                        workdir,
                        60 if smoke_wait else args.duration,
                        args.connections,
                        args.wrk_threads,
                        done=submitted_counter(site, target) if target.once else None,
                    )
                return run_plain(server, target, 5)

            hello = Target("hello world", [("GET", "/", "", "")])
            if not args.smoke and args.rounds:
                measure(ceiling, hello)  # warm-up of both servers
                for target in gets:
                    measure(app_server, target)
            for round_number in range(args.rounds):
                ceilings.append(measure(ceiling, hello))
                for target in [*gets, *submits[round_number]]:
                    run = measure(app_server, target)
                    runs[target.name].append(run)
                    print(
                        f"round {round_number + 1}: {target.name}: {run.rate:,.1f} req/s"
                        + (
                            f" in {run.seconds:.2f} s (wrk's clock: {run.wrk_seconds:.2f} s)"
                            if target.once and run.wrk_seconds
                            else ""
                        )
                        + f", p99 {run.p99_ms:,.0f} ms, {run.cpu_ms_per_request:.2f} CPU-ms"
                        + (
                            f" (+{run.database_cpu_ms_per_request:.2f} the database's)"
                            if run.database_cpu_ms_per_request is not None
                            else ""
                        )
                        + f", cores {run.machine_busy:.0%} busy, "
                        f"{run.bad} failed{f' {run.bad_statuses}' if run.bad else ''}, "
                        f"socket errors {run.socket_errors}",
                        file=sys.stderr,
                    )
            burst_line = ""
            if burst is not None:
                burst_line = run_burst(app_server, site, burst, workdir, have_wrk)
                print(burst_line, file=sys.stderr)
            memory_line = worker_memory_line(app_server.worker_memory_mb())
            print(memory_line, file=sys.stderr)
        total_seconds = time.perf_counter() - started

    submits_per_round = len(submits[0][0].requests) if submits else 0
    lines = [
        f"## Load: the student's pages under gunicorn ({dialect_name(dialect)})",
        "",
        "Written by `bench/load_bench.py` (`make bench`); the figures below are replaced at "
        "each run.",
        "",
        f"- Machine: {machine()}.",
        f"- Load average (1 / 5 / 15 min): {load_before} before, {load()} after.",
        f"- Database: {dialect}{driver(dialect)}; "
        f"gunicorn {args.workers} workers × {args.threads} threads "
        f"({WORKER_CLASS.rsplit('.', 1)[1]}, -c {args.config}, --keep-alive {args.keep_alive}, "
        f"PYTHONOPTIMIZE={args.optimize}) on 127.0.0.1; "
        + (
            f"wrk -t{args.wrk_threads} -c{args.connections}, {args.duration:g} s a run, "
            f"{args.rounds} interleaved round{'s' if args.rounds != 1 else ''} "
            "(the ceiling, then each path)."
            if have_wrk
            else "no wrk: 5 plain requests a path, one at a time (smoke only)."
        ),
        f"- Class: {args.students} students, each with a submitted Overview attempt and open "
        f"attempts at the 20-question quiz and the exam"
        + (
            f"; students who only submit: {submitters} (five open attempts each)"
            if submitters
            else ""
        )
        + f"; {submits_per_round} prepared "
        f"submits a round (one attempt each, posted once; a round ends early when they run "
        f"out{'; every answer saved first, as the autosave leaves it' if args.autosaved else ''}"
        f"). Prepared over HTTP in {prepare_seconds:.0f} s; the whole run took "
        f"{total_seconds:.0f} s.",
        "- req/s, p50, p99 and CPU-ms/req (utime + stime of the gunicorn master and workers "
        "per request) are medians over the rounds, as are DB CPU-ms/req (the PostgreSQL "
        "server's processes, on the same cores) and cores busy (the share of the machine's "
        "cores in use during the run, from /proc/stat: near 100% the path was bound by CPU); "
        "× ceiling and × login page are medians of "
        "the per-round ratios of req/s. SQL/req: statements sent by one request of the page, "
        "counted in-process. answers: responses counted over the rounds; non-2xx: a page that "
        "did not answer 200, or a submit that did not redirect to its review; socket errors: "
        "wrk's connect, read, write and timeout errors.",
        "",
        *table(names, runs, ceilings, statements),
        "",
        burst_line,
        "",
        memory_line,
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_write:
        write_section(args.output, section, dialect)
        print(f"written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
