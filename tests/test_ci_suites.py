"""`.ci/suites` (what `make test` runs) lets Python write its bytecode even where the machine
says not to (PYTHONDONTWRITEBYTECODE=1, as on CI's machines): otherwise each of its three
pytest processes, and every subprocess a test starts, compiles the app and the tests from
source and rewrites every test module's asserts again. It compiles them once before the three
start. The script runs here as `make test` runs it, with a stand-in venv whose ``pytest`` and
``python`` write down what they were given."""

from __future__ import annotations

import os
import subprocess
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
