"""The load bench's measure of the PostgreSQL server's CPU (``load_bench.postgres_processes``,
``postgres_cpu_since``, ``MachineCpu``): the server shares the machine's cores with the app,
so the bench reports its CPU a request beside the workers' (docs/performance.md, "Session
13"). Read from /proc, on a real server: the suite's own."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import REPO, TEST_DATABASE_URL

sys.path.insert(0, str(REPO / "bench"))

import load_bench  # bench/ is not a package: its scripts import each other by name


@pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="reads a PostgreSQL server's processes: set QUIZAPP_TEST_DATABASE_URL",
)
def test_a_query_s_cpu_is_counted_for_its_backend(database_url: str) -> None:
    if not load_bench.postgres_processes():
        pytest.skip("the PostgreSQL server runs on another machine: no process of it here")
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1")).one()  # its backend is running from here
            before = load_bench.postgres_processes()
            watch = load_bench.MachineCpu(database_url)
            # Work for the server alone: the client only waits for one number.
            connection.execute(text("SELECT count(*) FROM generate_series(1, 4000000)")).one()
            spent = load_bench.postgres_cpu_since(before)
            spent_ms = watch.database_ms(1)
            busy = watch.busy()
    finally:
        engine.dispose()
    roles = {role for role, _ in before.values()}
    assert "postmaster" in roles and "backend" in roles, before
    assert spent["backend"] > 0.05, spent
    assert spent_ms is not None and spent_ms > 50, spent_ms
    assert 0.0 < busy <= 1.0


def test_on_sqlite_there_is_no_database_server_to_count() -> None:
    watch = load_bench.MachineCpu("sqlite:///instance/quizapp.db")
    assert watch.database_ms(100) is None
    assert 0.0 <= watch.busy() <= 1.0


@pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="reads a PostgreSQL server's processes: set QUIZAPP_TEST_DATABASE_URL",
)
def test_a_backend_that_exits_takes_nothing_off_the_others(database_url: str) -> None:
    """A connection closed between two readings (its process gone, with its CPU) counts for
    nothing: summed by role, it took its CPU off the other backends' (the bench once printed
    a negative server CPU)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM generate_series(1, 2000000)")).one()
            before = load_bench.postgres_processes()
            if not before:
                pytest.skip("the PostgreSQL server runs on another machine: no process of it here")
    finally:
        engine.dispose()  # that backend exits
    spent = load_bench.postgres_cpu_since(before)
    assert all(seconds >= 0 for seconds in spent.values()), spent
