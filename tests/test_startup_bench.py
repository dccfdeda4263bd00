"""The start-up bench's smoke mode runs in the suite, so that the script cannot rot (it asserts
what it measured, not how fast)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_startup_bench_smoke_mode_runs_and_reports_every_figure():
    command = [sys.executable, str(REPO / "bench" / "startup_bench.py"), "--smoke"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    report = result.stdout
    assert "| `python -c pass` (the floor) |" in report
    assert "| `flask --app quizapp quiz validate questions/demo` |" in report
    assert "imported by creating the app: now: none." in report
    assert "| resident set after the pages |" in report
