"""Saves and submits a worker has ready at once are written in one transaction (group commit,
``quizapp.write_batches``; issue 10, docs/performance.md "Session 12"): every one recorded as
if it were alone, a refused claim refusing only its own write, a database fault failing only
its own. SQLite only: PostgreSQL's writers do not wait for each other, and write alone."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from quizapp import write_batches
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptSlot
from quizapp.prepared_writes import ready
from tests.conftest import TEST_DATABASE_URL, AuthActions, statement_listener
from tests.quiz_actions import QuizActions
from tests.test_perf_submit4 import flashed, half_right, quiz_token

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="SQLite's writers queue for one lock; PostgreSQL's do not"
)


@contextmanager
def write_lock_held_elsewhere(app: Flask) -> Iterator[Callable[[], None]]:
    """SQLite's write lock taken by another program (a plain ``sqlite3`` connection, as the
    ``sqlite3`` shell would), so that the app's writers queue behind it until ``release``."""
    with app.app_context():
        path = db.engine.url.database
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            other.execute("ROLLBACK")
            released = True

    try:
        yield release
    finally:
        release()
        other.close()


def queued(app: Flask) -> tuple[int, int]:
    """Writes in this process's queue for the app's database: waiting, and being written."""
    with app.app_context():
        queue = write_batches._queues.get(db.engine)
    return (len(queue.waiting), len(queue.writing)) if queue else (0, 0)


def leading(app: Flask) -> bool:
    """Whether a thread of this process is writing a batch to the app's database."""
    with app.app_context():
        queue = write_batches._queues.get(db.engine)
    return queue is not None and queue.leader.locked()


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@contextmanager
def immediate_begins(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            seen.append(statement)

    with statement_listener(app, record):
        yield seen


def test_submits_ready_at_once_are_written_together_each_as_if_alone(
    demo_app: Flask, quiz: QuizActions
) -> None:
    """Four students submit while the write lock is held elsewhere, and a fifth request
    submits the first student's attempt again (a second tab): once the lock is free, the
    first writer's transaction is followed by one transaction for all the others. Every
    student's attempt is recorded with its grade and one answer a question; the second tab
    is told the attempt was already submitted."""
    students = ["ada", "bea", "cai", "dov"]
    clients, attempts, bodies = {}, {}, {}
    for name in students:
        client = demo_app.test_client()
        AuthActions(client).register(name)
        actions = QuizActions(demo_app, client)
        attempt_id = actions.start()
        clients[name], attempts[name] = client, attempt_id
        bodies[name] = {
            "csrf_token": actions.token,
            "sequence": str(actions.sequence(attempt_id)),
            "submit": "1",
            **half_right(actions, attempt_id),
        }
    second_tab = demo_app.test_client()
    AuthActions(second_tab).login("ada")
    posts = [(name, clients[name], bodies[name]) for name in students]
    posts.append(("ada", second_tab, {**bodies["ada"], "csrf_token": quiz_token(second_tab)}))
    responses: dict[int, Any] = {}

    def post(index: int) -> None:
        name, client, body = posts[index]
        responses[index] = client.post(f"/attempts/{attempts[name]}", data=body)

    with immediate_begins(demo_app) as begins, write_lock_held_elsewhere(demo_app) as release:
        threads = [threading.Thread(target=post, args=(n,)) for n in range(len(posts))]
        for thread in threads:
            thread.start()
        # The first writer to come waits for the lock with the writes queued when it came
        # (its own, perhaps another's); the others queue behind it.
        wait_for(lambda: sum(queued(demo_app)) == len(posts))
        assert leading(demo_app)
        release()
        for thread in threads:
            thread.join(60)
    assert 1 <= len(begins) <= 2, begins  # one transaction a submit would be five
    assert [responses[n].status_code for n in range(len(posts))] == [302] * len(posts)
    assert {responses[n].headers["Location"] for n in range(len(posts))} == {
        f"/attempts/{attempts[name]}/review" for name in students
    }
    told = sorted([flashed(clients["ada"]), flashed(second_tab)])
    assert told == [
        "This attempt was already submitted; nothing was changed.",
        "Your attempt is submitted.",
    ]
    with demo_app.app_context():
        for name in students:
            attempt = db.session.get(Attempt, attempts[name])
            assert attempt is not None and attempt.is_submitted, name
            slots = db.session.scalar(
                select(func.count(AttemptSlot.id)).where(AttemptSlot.attempt_id == attempt.id)
            )
            answers = db.session.execute(
                select(Answer.mark).where(Answer.attempt_id == attempt.id)
            ).all()
            assert len(answers) == slots
            assert attempt.marks == pytest.approx(sum(mark or 0 for (mark,) in answers))
            assert attempt.marks > 0


def test_a_fault_in_a_batch_fails_only_its_own_write(demo_app: Flask) -> None:
    """Three writes, the last two batched together, the second of which breaks a constraint
    (an answer for a slot that does not exist): it fails with the database's error and leaves
    nothing, not even its claim; the two others are committed."""
    attempt_ids = []
    for name in ("ada", "bea", "cai"):
        client = demo_app.test_client()
        AuthActions(client).register(name)
        attempt_ids.append(QuizActions(demo_app, client).start())

    def claim(attempt_id: int) -> Any:
        return ready(
            text("UPDATE attempts SET sequence = sequence + 1 WHERE id = :attempt_id"),
            {"attempt_id": attempt_id},
        )

    def broken(attempt_id: int) -> Any:
        return ready(
            text(
                "INSERT INTO answers (slot_id, attempt_id, question_version_id, response, "
                "saved_at, corrected) VALUES (:slot, :attempt_id, :slot, '{}', "
                "'2026-12-02 08:00:00', 0)"
            ),
            {"slot": 10**9, "attempt_id": attempt_id},
        )

    outcomes: dict[int, Any] = {}

    def write(index: int) -> None:
        attempt_id = attempt_ids[index]
        with demo_app.app_context():
            statements = [broken(attempt_id)] if index == 1 else []
            try:
                outcomes[index] = write_batches.write(claim(attempt_id), statements)
            except IntegrityError as error:
                outcomes[index] = error

    with write_lock_held_elsewhere(demo_app) as release:
        first = threading.Thread(target=write, args=(0,))
        first.start()
        # The first writer leads with its own write and waits for the lock; the next two
        # queue, and are written together after it.
        wait_for(lambda: queued(demo_app) == (0, 1))
        others = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
        for thread in others:
            thread.start()
        wait_for(lambda: queued(demo_app) == (2, 1))
        release()
        for thread in [first, *others]:
            thread.join(60)
    assert outcomes[0] is True and outcomes[2] is True
    assert isinstance(outcomes[1], IntegrityError)
    with demo_app.app_context():
        sequences = [
            db.session.scalar(select(Attempt.sequence).where(Attempt.id == attempt_id))
            for attempt_id in attempt_ids
        ]
    assert sequences == [1, 0, 1]
