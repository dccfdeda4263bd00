"""`.ci/suites` (what `make test` runs) lets Python write its bytecode even where the machine
says not to (PYTHONDONTWRITEBYTECODE=1, as on CI's machines): otherwise each of its three
pytest processes, and every subprocess a test starts, compiles the app and the tests from
source and rewrites every test module's asserts again. It compiles them once before the three
start. The script runs here as `make test` runs it, with a stand-in venv whose ``pytest`` and
``python`` write down what they were given.

Its SQLite run (all but the browser tests) is two processes, pytest-xdist's two workers, each
given whole test files: the real pytest, asked what each worker would run, shows every test
file run exactly once."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

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


def test_the_sqlite_run_is_two_workers_and_the_others_one(tmp_path: Path) -> None:
    url = "postgresql+psycopg://quizapp:quizapp@127.0.0.1:1/none"
    runs = run_suites(tmp_path, QUIZAPP_TEST_DATABASE_URL=url)[1:]
    sqlite_runs = [run for run in runs if "-m not browser" in run and run.endswith("database=")]
    assert len(sqlite_runs) == 1, runs
    assert "-n 2 --dist loadfile" in sqlite_runs[0]
    others = [run for run in runs if run not in sqlite_runs]
    assert len(others) == 2 and not any(" -n " in run for run in others), others


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
