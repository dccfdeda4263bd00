"""Writers take turns at the write turnstile (``quizapp/write_turnstile.py``), not in SQLite's
sleeping busy handler: a writer that waited for another, of this worker or of another process,
issues its ``BEGIN IMMEDIATE`` only once that one has committed, so SQLite never makes it wait
(and sleep past the release). Past the busy timeout the wait still ends in the 503 page.

Each writer's ``BEGIN IMMEDIATE`` is checked at the moment it is issued: a probe connection
tries the write lock without waiting. Before the turnstile, the waiting writers issued it at
once and slept in SQLite while the lock was held, and the probe found it taken."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from quizapp.accounts import create_user
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import User
from quizapp.write_turnstile import for_database
from tests import test_faults
from tests.conftest import TEST_DATABASE_URL
from tests.test_faults import Student, assert_unavailable_page, make_app, saved_state

fault_app = test_faults.fault_app
"""The demo quiz on a database with a busy timeout of 0.2 s (the fault tests' fixture)."""

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="the write turnstile is SQLite's (PostgreSQL locks rows)"
)

HOLDER = textwrap.dedent(
    """
    import sys
    from quizapp import create_app
    from quizapp.database import begin_write
    from quizapp.extensions import db
    from quizapp.models import User

    url, instance = sys.argv[1:3]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance,
                      "SECRET_KEY": "tests-only-secret"})
    with app.app_context():
        begin_write()
        db.session.add(User(username="holder", password_hash="-"))
        db.session.flush()
        print("held", flush=True)
        sys.stdin.readline()
        db.session.commit()
        print("committed", flush=True)
    """
)
"""Another process of the app (a second gunicorn worker) in a write transaction, which it
commits when told to (a line on its stdin)."""


@contextmanager
def writer_in_another_process(database_url: str, instance: Path) -> Iterator[Callable[[], None]]:
    """The app's write transaction held in another process; yields its commit."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, database_url, str(instance)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        assert process.stdout.readline().strip() == "held"

        def commit() -> None:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write("go\n")
            process.stdin.flush()
            assert process.stdout.readline().strip() == "committed"

        yield commit
    finally:
        process.kill()
        process.wait()
        process.stdin.close()
        process.stdout.close()


def database_path(app: Flask) -> str:
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    assert database
    return database


def write_lock_free(database: str) -> bool:
    """Whether SQLite's write lock can be taken this instant (no waiting)."""
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


@contextmanager
def begins_probed(app: Flask) -> Iterator[list[bool]]:
    """For each ``BEGIN IMMEDIATE`` the app issues, whether the write lock was free then."""
    free: list[bool] = []
    database = database_path(app)

    def probe(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            free.append(write_lock_free(database))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", probe)
    try:
        yield free
    finally:
        event.remove(engine, "before_cursor_execute", probe)


def waiting_to_begin(thread: threading.Thread) -> bool:
    """Whether the thread is inside the engine's begin of a transaction (queued for the write
    lock, in the turnstile or, without one, in SQLite's busy handler)."""
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "_on_begin" and code.co_filename.endswith("database.py"):
            return True
        frame = frame.f_back
    return False


def until(condition: Callable[[], bool]) -> None:
    """Wait for a state the test needs before going on (not a timing assertion)."""
    for _ in range(3000):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("the state never came")


def start_writers(app: Flask, names: list[str]) -> list[threading.Thread]:
    def write(name: str) -> None:
        with app.app_context():
            create_user(name, "a password 123")

    threads = [threading.Thread(target=write, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    return threads


def usernames(app: Flask) -> set[str]:
    with app.app_context():
        names = set(db.session.scalars(select(User.username)))
        db.session.remove()
        return names


def test_a_writer_waiting_for_another_process_begins_after_its_commit(app: Flask, tmp_path):
    turnstile = for_database(database_path(app))
    waits_before = turnstile.waits
    with (
        begins_probed(app) as free,
        writer_in_another_process(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path) as commit,
    ):
        [writer] = start_writers(app, ["late"])
        until(lambda: waiting_to_begin(writer))
        commit()
        writer.join()
    assert free == [True], "the writer's BEGIN IMMEDIATE found the lock held: it slept in SQLite"
    assert turnstile.waits == waits_before + 1
    assert {"holder", "late"} <= usernames(app)


def test_the_threads_of_a_worker_queue_at_the_turnstile_not_in_sqlite(app: Flask):
    names = [f"writer-{n}" for n in range(4)]
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with app.app_context():
            begin_write()
            db.session.add(User(username="first", password_hash="-"))
            db.session.flush()
            holding.set()
            release.wait()
            db.session.commit()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait()
    with begins_probed(app) as free:
        writers = start_writers(app, names)
        until(lambda: all(waiting_to_begin(writer) for writer in writers))
        release.set()
        holder.join()
        for writer in writers:
            writer.join()
    assert free == [True] * len(names)
    assert {"first", *names} <= usernames(app)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == len(names) + 1


def test_a_turn_not_had_within_the_busy_timeout_is_the_503_page(
    fault_app: Flask, database_url: str, tmp_path: Path
):
    app = fault_app
    student = Student(app)
    before = saved_state(app, student.attempt_id)
    turnstile = for_database(database_path(app))
    timeouts_before = turnstile.timeouts
    with writer_in_another_process(database_url, tmp_path) as commit:
        assert_unavailable_page(student.save())
        assert_unavailable_page(student.post("submit"))
        assert turnstile.timeouts == timeouts_before + 2
        assert saved_state(app, student.attempt_id) == before
        commit()
    assert student.save().status_code == 302
    assert saved_state(app, student.attempt_id) != before


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_a_turnstile_setting_that_is_not_true_or_false_is_refused_at_start(tmp_path, value):
    with pytest.raises(ValueError, match="SQLITE_WRITE_TURNSTILE must be true or false"):
        make_app(tmp_path, f"sqlite:///{tmp_path / 'site.sqlite'}", SQLITE_WRITE_TURNSTILE=value)


def test_without_the_turnstile_writers_queue_in_sqlite_as_before(tmp_path):
    """``SQLITE_WRITE_TURNSTILE=false`` (the measurements' "before"): no lock file, and the
    writes still go through, SQLite's busy handler ordering them."""
    database = tmp_path / "site.sqlite"
    app = make_app(
        tmp_path,
        f"sqlite:///{database}",
        SQLITE_WRITE_TURNSTILE=False,
        DATABASE_BUSY_TIMEOUT=15,
        PASSWORD_HASH_METHOD="scrypt:1024:8:1",
    )
    with app.app_context():
        upgrade()
    for thread in start_writers(app, ["a", "b", "c"]):
        thread.join()
    assert {"a", "b", "c"} <= usernames(app)
    assert not Path(f"{database}.write-lock").exists()
    with app.app_context():
        db.engine.dispose()


def test_a_forked_worker_waits_for_its_parents_turn_and_then_has_its_own(tmp_path):
    """gunicorn forks its workers (with ``--preload``, after the app was made): a child must
    not inherit the parent's turn (its thread lock taken, or a copy of its locked file), and
    must wait for it like any other worker."""
    turnstile = for_database(str(tmp_path / "site.sqlite"))
    assert turnstile.enter(1.0) is not None
    to_child_read, to_child_write = os.pipe()
    from_child_read, from_child_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report each outcome as one byte
        status = 1
        try:
            waited = turnstile.enter(0.05)
            os.write(from_child_write, b"n" if waited is None else b"y")
            os.read(to_child_read, 1)  # the parent has left
            waited = turnstile.enter(5.0)
            os.write(from_child_write, b"n" if waited is None else b"y")
            status = 0
        finally:
            os._exit(status)
    try:
        first = os.read(from_child_read, 1)
        turnstile.leave()
        os.write(to_child_write, b"x")
        second = os.read(from_child_read, 1)
    finally:
        _, status = os.waitpid(pid, 0)
        for fd in (to_child_read, to_child_write, from_child_read, from_child_write):
            os.close(fd)
    assert (first, second, os.waitstatus_to_exitcode(status)) == (b"n", b"y", 0)
