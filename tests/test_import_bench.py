"""The import benchmark's smoke mode runs in the suite, so that the script cannot rot (it
asserts what it imported, not how fast)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO, TEST_DATABASE_URL


def test_import_bench_smoke_mode_runs_and_reports_every_figure(database_url):
    command = [sys.executable, str(REPO / "bench" / "import_bench.py"), "--smoke"]
    if TEST_DATABASE_URL:
        command += ["--database-url", database_url]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    report = result.stdout
    assert "| import into an empty database |" in report
    assert "| unchanged re-import (the command) |" in report
    assert "Growth, 10× the questions" in report
    assert ", 0 failed," in report, "every save during the import succeeded"
    assert "questions 0 added, 20 changed, 0 retired, 180 unchanged" in report
    assert "Wrote" not in report, "the smoke mode leaves docs/performance.md alone"
