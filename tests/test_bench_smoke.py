"""The load bench's smoke mode, so that `make bench` cannot rot unnoticed.

It runs the real harness (seed, two gunicorns on 127.0.0.1, the students' sessions, prepared
submits, SQL counting, the table) on a tiny class for one short round, with wrk when it is
installed and plain HTTP requests when it is not. No timing is asserted: speed lives in
docs/performance.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SCRIPT = REPO / "bench" / "load_bench.py"
PATHS = (
    "login page",
    "attempt page, 20 questions",
    "exam attempt page, 102 questions",
    "submit and grade 20 answers",
    "quiz list (14 quizzes)",
)

pytestmark = pytest.mark.skipif(
    shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None,
    reason="gunicorn is not installed (the serve extra)",
)


def test_smoke_run_rewrites_only_its_own_section(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(
        "# Performance\n\nAnother script's figures, kept.\n\n"
        "<!-- load_bench sqlite: start (written by bench/load_bench.py; edits here are "
        "overwritten) -->\nan old table, to be replaced\n<!-- load_bench sqlite: end -->\n\n"
        "## A later section\n\nAlso kept.\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--output", str(doc)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    text = doc.read_text(encoding="utf-8")
    assert "Another script's figures, kept." in text
    assert "## A later section\n\nAlso kept." in text
    assert "an old table" not in text
    assert text.count("<!-- load_bench sqlite: start") == 1
    assert text.count("<!-- load_bench sqlite: end -->") == 1

    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 13 and cells[0] in (*PATHS, "hello world (the ceiling)"):
            rows[cells[0]] = cells
    assert set(rows) == {*PATHS, "hello world (the ceiling)"}, text
    for name in PATHS:
        sql, non_2xx = rows[name][7], rows[name][11]
        assert non_2xx == "0", f"{name}: {rows[name]}"
        assert re.fullmatch(r"\d+", sql), f"{name}: {rows[name]}"
        # SQLite runs in the workers: no database server's CPU; the cores' share, read from
        # /proc/stat, is a percentage.
        assert rows[name][5] == "–", f"{name}: {rows[name]}"
        assert re.fullmatch(r"\d+%", rows[name][6]) and int(rows[name][6][:-1]) <= 100, rows[name]
    # The login page sends no SQL; every page of a logged-in student does.
    assert rows["login page"][7] == "0"
    for name in PATHS[1:]:
        assert int(rows[name][7]) > 0, rows[name]
    # The burst: every student's submit, posted at once, is in the database.
    burst = re.search(
        r"A burst of (\d+) students submitting at once .*?: (\d+) of (\d+) recorded", text
    )
    assert burst, text
    assert int(burst.group(1)) > 1 and burst.group(2) == burst.group(3) == burst.group(1), text
    # The submit round posted the class's prepared submits and, for the rest of its 20, those
    # of a student who only submits (each one graded and counted in the database).
    assert "students who only submit: 1 (five open attempts each); 20 prepared submits" in text
    if shutil.which("wrk"):
        assert rows["submit and grade 20 answers"][10] == "20", rows["submit and grade 20 answers"]
    # Every path was really requested, the submits included (each one graded).
    for name in ("hello world (the ceiling)", "login page", "submit and grade 20 answers"):
        assert int(rows[name][10].replace(",", "")) > 0, rows[name]
    # The workers' memory after the whole run (issue 10: under 100 MB each), read from /proc.
    memory = re.search(r"Workers' memory after the whole run .*?: resident ([\d., ]+) MB", text)
    assert memory, text
    assert all(0 < float(size) < 10_000 for size in memory.group(1).split(", ")), memory.group(0)
    # And the part of each mapped from files (code and libraries), which is less.
    mapped = re.search(r"mapped from files ([\d., ]+) MB", text)
    assert mapped, text
    resident = [float(size) for size in memory.group(1).split(", ")]
    assert all(
        0 < float(size) < rss
        for size, rss in zip(mapped.group(1).split(", "), resident, strict=True)
    ), mapped.group(0)
