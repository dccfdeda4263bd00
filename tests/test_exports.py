"""CSV exports: a header row, one row per attempt or answer, streamed, spreadsheet-safe cells."""

from __future__ import annotations

import codecs
import csv
import gc
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from quizapp import exports
from quizapp.extensions import db
from quizapp.login_sessions import TOUCH_INTERVAL
from quizapp.models import LoginSession, now_utc
from tests.conftest import AuthActions
from tests.test_stats import build_fixed, import_bank, login_teacher, quiz_id, take

EXPORT_BANK = """\
bank: export-test
title: A bank for exports
quizzes:
  - id: export
    title: "=Export quiz"
questions:
  - id: capital
    type: short
    text: What is the capital of France?
    accept: [Paris]
  - id: planet
    type: single
    text: Which planet is the largest?
    choices:
      - {text: Jupiter, correct: true}
      - "-Saturn"
"""


@pytest.fixture
def fixed_app(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> Flask:
    return build_fixed(app, runner, tmp_path)


@pytest.fixture
def teacher(app: Flask, auth: AuthActions) -> AuthActions:
    return login_teacher(app, auth)


def read_csv(response: TestResponse) -> list[list[str]]:
    """The rows of an export, which starts with UTF-8's byte-order mark (for Excel)."""
    data = response.get_data()
    assert data.startswith(codecs.BOM_UTF8), data[:20]
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def answers_export(
    app: Flask,
    runner: FlaskCliRunner,
    client: FlaskClient,
    tmp_path: Path,
    username: str,
    capitals: list[str],
    planet: str,
) -> TestResponse:
    """The answers export after one student per typed capital (``username`` formatted with
    the student's number) answered EXPORT_BANK's quiz, every one picking ``planet``."""
    import_bank(runner, tmp_path, EXPORT_BANK)
    for n, capital in enumerate(capitals):
        take(app, username.format(n), {"capital": capital, "planet": planet}, quiz_key="export")
    return client.get(f"/teach/reports/quizzes/{quiz_id(app, 'export')}/answers.csv")


def test_every_export_starts_with_a_byte_order_mark_and_keeps_non_latin_names(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, teacher: AuthActions, tmp_path: Path
) -> None:
    """Excel opens a CSV as the system's code page unless it starts with a BOM: names in
    Cyrillic or Chinese would come out garbled."""
    import_bank(runner, tmp_path, EXPORT_BANK)
    for name in ("Алеся", "王芳"):
        take(app, name, {"capital": "Paris", "planet": "Jupiter"}, quiz_key="export")
    base = f"/teach/reports/quizzes/{quiz_id(app, 'export')}"
    for kind, column in (("attempts", 1), ("answers", 0)):
        response = client.get(f"{base}/{kind}.csv")
        assert response.get_data()[:3] == codecs.BOM_UTF8, kind
        names = {row[column] for row in read_csv(response)[1:]}
        assert names == {"Алеся", "王芳"}, kind
        assert response.mimetype_params.get("charset") == "utf-8"


def test_attempts_csv(fixed_app: Flask, client: FlaskClient, teacher: AuthActions) -> None:
    response = client.get(f"/teach/reports/quizzes/{quiz_id(fixed_app)}/attempts.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="stats-test-fixed-attempts.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == list(exports.ATTEMPT_HEADER)
    assert len(rows) == 1 + 6, "one row per counted attempt (not fay's unfinished one)"
    by_student = [(row[1], row[6], row[7], row[8]) for row in rows[1:]]
    assert by_student[0] == ("ann", "4.0", "4.0", "100.0")
    assert ("eve", "1.0", "4.0", "25.0") in by_student


def test_answers_csv_has_one_row_per_answer(
    fixed_app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    response = client.get(f"/teach/reports/quizzes/{quiz_id(fixed_app)}/answers.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response)
    assert rows[0] == list(exports.ANSWER_HEADER)
    assert len(rows) == 1 + 6 * 3
    header = rows[0]
    eve = [dict(zip(header, row, strict=True)) for row in rows[1:] if row[0] == "eve"]
    first = {row["question"]: row for row in eve[:3]}
    assert first["q1"]["answer"] == "Saturn" and first["q1"]["mark"] == "0.0"
    assert first["q3"]["answer"] == "1959" and first["q3"]["max_mark"] == "2.0"
    assert first["q1"]["version"] == "1" and first["q1"]["quiz"] == "The fixed quiz"
    assert first["q1"]["state"] == "wrong"


def test_cells_that_look_like_formulas_are_neutralised(
    app: Flask,
    runner: FlaskCliRunner,
    client: FlaskClient,
    teacher: AuthActions,
    tmp_path: Path,
) -> None:
    # (tab and CR starts are covered by test_safe_cell: a short answer's summary trims them)
    typed = ['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)", "-2", "Paris"]
    response = answers_export(app, runner, client, tmp_path, "=cmd{}", typed, planet="-Saturn")
    rows = read_csv(response)
    assert len(rows) == 1 + 2 * len(typed)
    answers = [row[7] for row in rows[1:] if row[5] == "capital"]
    assert answers == ['\'=HYPERLINK("http://x")', "'+1+1", "'@SUM(A1)", "'-2", "Paris"]
    assert {row[7] for row in rows[1:] if row[5] == "planet"} == {"'-Saturn"}
    assert {row[0][:2] for row in rows[1:]} == {"'="}, "usernames too"
    assert {row[1] for row in rows[1:]} == {"'=Export quiz"}, "and quiz titles"
    attempts = read_csv(client.get(f"/teach/reports/quizzes/{quiz_id(app, 'export')}/attempts.csv"))
    assert all(row[1].startswith("'=cmd") for row in attempts[1:])


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain = text", "plain = text"),
        ("", ""),
        (None, ""),
        (-1.5, -1.5),
        (3, 3),
    ],
)
def test_safe_cell(value, written) -> None:
    assert exports.safe_cell(value) == written


def test_export_streams_in_chunks(
    fixed_app: Flask,
    client: FlaskClient,
    teacher: AuthActions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exports, "ROWS_PER_CHUNK", 4)
    response = client.get(
        f"/teach/reports/quizzes/{quiz_id(fixed_app)}/answers.csv", buffered=False
    )
    assert response.is_streamed
    chunks = list(response.iter_encoded())
    # 18 answer rows in chunks of 4 rows (the first also carries the header): 4+4+4+4+2
    assert len(chunks) == 5
    assert b"".join(chunks).count(b"\r\n") == 19
    response.close()


def test_answers_export_is_the_text_a_csv_writer_writes_for_awkward_cells(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, teacher: AuthActions, tmp_path: Path
) -> None:
    """The answers export writes each attempt's cells and each graded response's cells once
    and joins them per line; the file must be what ``csv.writer`` makes of whole rows, for
    cells that need quoting (commas, quotes, line breaks) as much as for plain ones."""
    typed = ['Paris, "the" capital', "two\nlines", "Paris", 'say "hi"', "Paris"]
    response = answers_export(app, runner, client, tmp_path, "o'neil, {}", typed, "Jupiter")
    rows = read_csv(response)
    assert [row[7] for row in rows[1:] if row[5] == "capital"] == [
        'Paris, "the" capital',
        "two lines",  # a short answer's summary is one line
        "Paris",
        'say "hi"',
        "Paris",
    ]
    assert {row[0] for row in rows[1:]} == {f"o'neil, {n}" for n in range(len(typed))}
    expected = io.StringIO()
    expected.write(exports.BYTE_ORDER_MARK)
    csv.writer(expected, lineterminator="\r\n").writerows(rows)
    assert response.get_data(as_text=True) == expected.getvalue()


@pytest.mark.parametrize(("kind", "rows"), [("answers", 6 * 3), ("attempts", 6)])
def test_a_download_stopped_early_closes_its_cursor(
    fixed_app: Flask,
    client: FlaskClient,
    teacher: AuthActions,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    rows: int,
) -> None:
    """A teacher who cancels a download (or a client that reads only the headers) leaves rows
    unread; the export must still close its cursor, which on PostgreSQL is a server-side
    cursor held open until closed (left to the garbage collector, psycopg warns: an error
    here, since the suite turns warnings into errors)."""
    monkeypatch.setattr(exports, "ROWS_PER_CHUNK", 2)
    url = f"/teach/reports/quizzes/{quiz_id(fixed_app)}/{kind}.csv"
    response = client.get(url, buffered=False)
    first = next(iter(response.iter_encoded()))
    assert first.startswith(codecs.BOM_UTF8) and first.count(b"\r\n") == 3
    response.close()
    del response
    gc.collect()
    assert len(read_csv(client.get(url))) == 1 + rows, "the next download is whole"


@pytest.mark.parametrize("kind", ["attempts", "answers"])
def test_a_download_whose_request_records_the_visit_streams_every_row(
    fixed_app: Flask, client: FlaskClient, teacher: AuthActions, kind: str
) -> None:
    """A teacher's first request after a minute records the login's visit when the request
    ends, with a commit, before the CSV's rows stream: the quiz the export was asked for was
    then expired and detached, and the download broke after its headers
    (DetachedInstanceError). The rows must not depend on the request's ORM objects."""
    with fixed_app.app_context():
        db.session.execute(update(LoginSession).values(last_seen_at=now_utc() - 2 * TOUCH_INTERVAL))
        db.session.commit()
    response = client.get(f"/teach/reports/quizzes/{quiz_id(fixed_app)}/{kind}.csv")
    assert response.status_code == 200
    rows = read_csv(response)
    assert len(rows) == 1 + (6 if kind == "attempts" else 6 * 3)
    with fixed_app.app_context():
        seen = db.session.scalars(select(LoginSession.last_seen_at)).all()
    assert all(now_utc() - at < TOUCH_INTERVAL for at in seen if at is not None), "visit recorded"
