"""An import reads, validates and compares everything before it takes the write lock: the
statements the database sees fall in two phases, reads (the whole diff worked out), then one
short write whose statements do not depend on the bank's size."""

from __future__ import annotations

import re

from tests.conftest import sql_statements
from tests.test_import_bulk import generated_bank

WRITE_START = re.compile(r"^\s*(BEGIN IMMEDIATE|INSERT|UPDATE|DELETE)\b|\bFOR UPDATE\b", re.I)
"""The write lock (SQLite), a row lock (PostgreSQL) or a change: the write phase begins."""


def phases(statements: list[str]) -> tuple[list[str], list[str]]:
    first = next(
        (index for index, sql in enumerate(statements) if WRITE_START.search(sql)),
        len(statements),
    )
    return statements[:first], statements[first:]


def test_the_import_compares_everything_before_its_first_write(app, runner, tmp_path):
    writes = {}
    for size in (30, 300):
        path = tmp_path / f"bank-{size}.yaml"
        slug = f"bank-{size}"
        path.write_text(generated_bank(size, slug=slug))
        assert runner.invoke(args=["quiz", "import", str(path)]).exit_code == 0
        # Every question edited, the first two removed, two new ones: every part of the diff.
        path.write_text(generated_bank(size, slug=slug, edit=" (edited)", start=2))
        with sql_statements(app) as statements:
            result = runner.invoke(args=["quiz", "import", str(path)])
        assert result.exit_code == 0, result.output
        assert f"{slug}: questions 2 added, {size - 2} changed, 2 retired" in result.output

        reads, write = phases(statements)
        assert reads and write, statements
        assert {sql.split()[0].upper() for sql in reads} <= {"BEGIN", "SELECT", "COMMIT"}, reads
        # The diff's last query (attempts that keep the versions being replaced) ran before
        # the lock; the write phase reads back only the ids it has just inserted.
        assert any("attempt_slots" in sql for sql in reads)
        assert not any("attempt_slots" in sql for sql in write)
        writes[size] = [sql.split()[0].upper() for sql in write]
    assert writes[30] == writes[300], writes
    assert len(writes[300]) <= 12, writes
