"""The reports bench (``bench/reports_bench.py``), small, so that `make bench` cannot rot
unnoticed: it seeds a class, times the teacher's and student's heaviest pages in-process and
writes its table into its own section of a file, keeping the rest. No timing is asserted:
speed lives in docs/performance.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

SCRIPT = REPO / "bench" / "reports_bench.py"
PAGES = (
    "trivial page (baseline)",
    "login page (a template)",
    "history of 100 attempts",
    "a teacher's page for a student with 100 attempts",
    "quiz statistics, 10,000 answers",
    "CSV export, attempts.csv",
    "CSV export, answers.csv",
)


def test_small_run_writes_its_table_into_its_own_section(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(
        "# Performance\n\nKept.\n\n"
        "<!-- reports_bench sqlite: start (written by bench/reports_bench.py; edits here are "
        "overwritten) -->\nan old table\n<!-- reports_bench sqlite: end -->\n\n"
        "## Later\n\nKept too.\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BENCH_DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--small", "--output", str(doc)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nKept.\n\n"), text
    assert text.endswith("## Later\n\nKept too.\n"), text
    assert "an old table" not in text
    assert text.count("<!-- reports_bench sqlite: start") == 1
    assert text.count("<!-- reports_bench sqlite: end -->") == 1
    assert "### SQLite: 50 students, 500 attempts, 10,000 answers" in text

    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 6 and cells[0] in PAGES:
            rows[cells[0]] = cells
    assert set(rows) == set(PAGES), text
    for cells in rows.values():
        assert re.fullmatch(r"[\d,]+\.\d ms", cells[2]), cells
        # The targets are a full run's (500 students, 100,000 answers): a small run has none.
        assert cells[4] == "", cells
    # Each export was streamed and its size counted: the answers are the larger file.
    sizes = {
        name: float(re.match(r"([\d.]+) MB out", rows[name][5]).group(1))  # type: ignore[union-attr]
        for name in ("CSV export, attempts.csv", "CSV export, answers.csv")
    }
    assert 0 <= sizes["CSV export, attempts.csv"] < sizes["CSV export, answers.csv"], sizes
