"""`.ci/suites` (what `make test` runs) lets Python write its bytecode even where the machine
says not to (PYTHONDONTWRITEBYTECODE=1, as on CI's machines): otherwise each of its three
pytest processes, and every subprocess a test starts, compiles the app and the tests from
source and rewrites every test module's asserts again. It compiles them once before the three
start. The script runs here as `make test` runs it, with a stand-in venv whose ``pytest`` and
``python`` write down what they were given.

Its SQLite run (all but the browser tests) is two processes, pytest-xdist's two workers, each
given whole test files: the real pytest, asked what each worker would run, shows every test
file run exactly once. So is its PostgreSQL run, each worker on a database of its own (a test
empties its database first), which it creates when the server lacks it; a test's database is
emptied with DELETEs, the tables keeping their files."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import NullPool, create_engine, make_url, text

from tests.conftest import (
    REPO,
    TEST_DATABASE_URL,
    AuthActions,
    _emptied_postgres,
    _ensure_database,
    worker_database_url,
)

RECORDER = """#!/usr/bin/env bash
echo "$(basename "$0") [$*] bytecode-off=${PYTHONDONTWRITEBYTECODE:-} \
database=${QUIZAPP_TEST_DATABASE_URL:-}" >> "$RECORD"
"""


def run_suites(tmp_path: Path, **env: str) -> list[str]:
    venv_bin = tmp_path / "bin"
    venv_bin.mkdir()
    for name in ("pytest", "python"):
        (venv_bin / name).write_text(RECORDER)
        (venv_bin / name).chmod(0o755)
    record = tmp_path / "record"
    result = subprocess.run(
        ["bash", str(REPO / ".ci" / "suites"), str(venv_bin), "-x"],
        cwd=REPO,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "RECORD": str(record), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return record.read_text().splitlines()


def test_the_three_suites_may_write_bytecode_compiled_once_before(tmp_path: Path) -> None:
    url = "postgresql+psycopg://quizapp:quizapp@127.0.0.1:1/none"
    calls = run_suites(tmp_path, QUIZAPP_TEST_DATABASE_URL=url)
    assert calls[0] == "python [-m compileall -q quizapp tests bench] bytecode-off= database=" + url
    runs = sorted(calls[1:])
    assert len(runs) == 3, calls
    assert all(run.startswith("pytest [-m ") and "bytecode-off= " in run for run in runs), runs
    assert sum(run.endswith("database=") for run in runs) == 2, "SQLite and browser runs"
    assert sum(run.endswith("database=" + url) for run in runs) == 1, "the PostgreSQL run"


def test_without_postgresql_the_one_suite_may_write_bytecode(tmp_path: Path) -> None:
    calls = run_suites(tmp_path, QUIZAPP_TEST_DATABASE_URL="")
    assert calls == [
        "python [-m compileall -q quizapp tests bench] bytecode-off= database=",
        "pytest [-x] bytecode-off= database=",
    ]


def test_the_sqlite_and_postgresql_runs_are_two_workers_and_the_browser_run_one(
    tmp_path: Path,
) -> None:
    url = "postgresql+psycopg://quizapp:quizapp@127.0.0.1:1/none"
    runs = run_suites(tmp_path, QUIZAPP_TEST_DATABASE_URL=url)[1:]
    sqlite_runs = [run for run in runs if "-m not browser" in run and run.endswith("database=")]
    postgresql_runs = [run for run in runs if run.endswith("database=" + url)]
    assert len(sqlite_runs) == 1 and len(postgresql_runs) == 1, runs
    assert "-m not browser -n 2 --dist loadfile" in sqlite_runs[0]
    assert "-m not browser -n 2 --dist loadfile" in postgresql_runs[0]
    others = [run for run in runs if run not in sqlite_runs + postgresql_runs]
    assert len(others) == 1 and "-m browser" in others[0] and " -n " not in others[0], others


def test_each_worker_of_a_run_gets_a_database_of_its_own() -> None:
    """pytest-xdist names its workers gw0, gw1... in PYTEST_XDIST_WORKER; a test empties its
    database first, so two workers on one database would empty each other's mid-test."""
    url = "postgresql+psycopg://quizapp:p%40ss@127.0.0.1:5433/quizapp_test"
    assert worker_database_url(url, None) == url, "one process: the database named"
    assert worker_database_url(url, "gw0") == (
        "postgresql+psycopg://quizapp:p%40ss@127.0.0.1:5433/quizapp_test_gw0"
    )
    assert worker_database_url(url, "gw1") == (
        "postgresql+psycopg://quizapp:p%40ss@127.0.0.1:5433/quizapp_test_gw1"
    )
    assert worker_database_url(None, "gw0") is None, "SQLite: a file per test, as before"


def _sqlite_run_arguments() -> list[str]:
    """The SQLite run's pytest arguments as .ci/suites gives them (its line, unquoted)."""
    script = (REPO / ".ci" / "suites").read_text()
    command = re.search(r'"\$BIN/pytest" -m "not browser"(.*?)"\$@"', script, re.DOTALL)
    assert command, "the SQLite run's command in .ci/suites"
    return shlex.split(command.group(1).replace("\\\n", " "))


def test_the_two_workers_run_every_test_of_their_files_exactly_once(tmp_path: Path) -> None:
    """The SQLite run's own arguments, given to the real pytest (with pytest-xdist from the dev
    extras, under this project's settings: warnings are errors) on two small files: each worker
    takes whole files, and each test runs once, on one worker."""
    files = ["tests/test_config.py", "tests/qtypes/test_true_false.py"]
    arguments = [arg for arg in _sqlite_run_arguments() if not arg.startswith("--basetemp")]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "not browser", *arguments, "-v", *files],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "QUIZAPP_TEST_DATABASE_URL"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    passed = re.findall(r"\[(gw\d)\] \[ *\d+%\] PASSED (\S+)", run.stdout)
    assert {worker for worker, _ in passed} == {"gw0", "gw1"}, run.stdout[-3000:]
    tests = [test for _, test in passed]
    assert len(tests) == len(set(tests)) > 2
    assert {test.split("::")[0] for test in tests} == set(files)
    for file in files:
        workers = {worker for worker, test in passed if test.startswith(file + "::")}
        assert len(workers) == 1, (file, workers)


on_postgresql = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="PostgreSQL's run: on SQLite each test has a file of its own"
)


def _database_names(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        return set(connection.execute(text("SELECT datname FROM pg_database")).scalars())


@on_postgresql
def test_a_postgresql_worker_runs_its_tests_on_a_database_of_its_own(database_url: str) -> None:
    named = os.environ["QUIZAPP_TEST_DATABASE_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as connection:
        in_use = connection.scalar(text("SELECT current_database()"))
    expected = make_url(named).database
    assert in_use == (f"{expected}_{worker}" if worker else expected)


@on_postgresql
def test_a_missing_worker_database_is_created_on_first_use(database_url: str) -> None:
    """As a developer's server has none of the workers' databases until the first run."""
    named = os.environ["QUIZAPP_TEST_DATABASE_URL"]
    url = worker_database_url(named, "gw_created_by_test")
    assert url is not None
    name = make_url(url).database
    dropper = create_engine(named, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with dropper.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    try:
        _ensure_database.__wrapped__(url)
        assert name in _database_names(named)
        _ensure_database.__wrapped__(url)  # found: left as it is
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT current_database()")) == name
    finally:
        with dropper.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


def _files_and_rows(url: str, tables: list[str]) -> dict[str, tuple[int, int]]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        return {
            table: (
                connection.scalar(text(f"SELECT pg_relation_filenode('{table}')")),
                connection.scalar(text(f'SELECT count(*) FROM "{table}"')),
            )
            for table in tables
        }


@on_postgresql
def test_a_postgresql_database_is_emptied_row_by_row_keeping_its_files(
    database_url: str, auth: AuthActions
) -> None:
    """The rows a test left are deleted, children before parents, and the ids start at 1
    again; the tables keep their files (a TRUNCATE gives each table and index new ones, the
    server's costliest part of emptying)."""
    auth.register("ada")
    tables = ["users", "login_sessions"]
    before = _files_and_rows(database_url, tables)
    assert all(rows > 0 for _, rows in before.values()), before
    assert _emptied_postgres(database_url)
    after = _files_and_rows(database_url, tables)
    assert after == {table: (before[table][0], 0) for table in tables}
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT nextval('users_id_seq')")) == 1


@on_postgresql
def test_rows_of_a_table_the_models_do_not_know_are_truncated(
    database_url: str, auth: AuthActions
) -> None:
    auth.register("ada")
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE stray (id integer PRIMARY KEY)"))
            connection.execute(text("INSERT INTO stray VALUES (1)"))
        assert _emptied_postgres(database_url)
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM stray")) == 0
            assert connection.scalar(text("SELECT count(*) FROM users")) == 0
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS stray"))
