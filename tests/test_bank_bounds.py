"""Hostile banks on both ways in, `quiz validate` and the teacher's upload: the loader's own
message, exit 1 or a 4xx page, never a traceback or a 500, and at most 50 problems shown with
the count of all, each line of a sensible width."""

from __future__ import annotations

import hashlib
import html
import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from quizapp.extensions import db
from quizapp.models import Bank, CheckedUpload
from tests.bank import hostile
from tests.conftest import csrf_token

QUESTION = "  - {id: q, type: numeric, text: Q, answer: 1}\n"
HEAD = "bank: b\ntitle: T\nquestions:\n" + QUESTION

BAD = {
    "5,000-digit number": (
        HEAD.replace("answer: 1}", "answer: " + "9" * 5000 + "}"),
        "4:45: this number is 5,000 characters long",
    ),
    "time limit 1e300": (
        HEAD + "quizzes:\n  - {id: z, title: Z, time_limit: 1e300}\n",
        "6:35: quiz 'z': 'time_limit': the time limit can be at most a week",
    ),
    "time limit 1e400": (
        HEAD + "quizzes:\n  - {id: z, title: Z, time_limit: 1e400}\n",
        "6:35: quiz 'z': 'time_limit': the time limit can be at most a week",
    ),
    "close in year 9999 west of UTC": (
        HEAD + "quizzes:\n  - {id: z, title: Z, closes: '9999-12-31T23:59-05:00'}\n",
        "6:31: quiz 'z': 'closes': 9999-12-31 is out of range",
    ),
}


def upload(client, data: bytes, filename: str = "bank.yaml"):
    """Post the file as the upload form does. The body is encoded here, in memory: the test
    client would spool a body over 500 kB to a temporary file that it never closes."""
    token = csrf_token(client.get("/teach/").get_data(as_text=True))
    boundary, body = encode_multipart(
        {"csrf_token": token, "bank_file": FileStorage(io.BytesIO(data), filename)}
    )
    return client.post(
        "/teach/banks/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def validate(runner, tmp_path, data: bytes, name: str = "bank.yaml"):
    path = tmp_path / name
    path.write_bytes(data)
    return path, runner.invoke(args=["quiz", "validate", str(path)])


def problem_items(page: str) -> list[str]:
    found = re.search(r'<ol class="problems">(.*?)</ol>', page, re.S)
    assert found, page[:2000]
    return re.findall(r"<li>(.*?)</li>", found.group(1), re.S)


# -- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(BAD))
def test_validate_refuses_out_of_bounds_values_with_the_loaders_message(
    runner, tmp_path, case
) -> None:
    text, expected = BAD[case]
    path, result = validate(runner, tmp_path, text.encode())
    assert result.exit_code == 1
    assert f"{path}:{expected}" in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert "1 problem(s) found; nothing was imported." in result.output


@pytest.mark.any_database
def test_validate_shows_the_first_50_of_5000_problems_and_counts_them(runner, tmp_path) -> None:
    path, result = validate(runner, tmp_path, hostile.five_thousand_problems())
    assert result.exit_code == 1
    lines = result.output.splitlines()
    located = [line for line in lines if line.startswith(f"{path}:")]
    assert len(located) == 50
    assert located[0] == f"{path}:4:5: question 'q0' is missing required key 'text'"
    assert "and 4,950 more (5,000 in all)" in lines
    assert lines[-1] == "5,000 problem(s) found; nothing was imported."


@pytest.mark.any_database
def test_validate_a_one_line_megabyte_prints_short_lines(runner, tmp_path) -> None:
    _, result = validate(runner, tmp_path, hostile.long_line())
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 52
    assert max(len(line) for line in lines) < 400
    assert lines[-2].startswith("and ") and lines[-2].endswith(" in all)")


def test_validate_respects_the_size_limit(app, runner, tmp_path) -> None:
    app.config["MAX_BANK_BYTES"] = 1000
    path, result = validate(runner, tmp_path, (HEAD + "#" * 2000 + "\n").encode())
    assert result.exit_code == 1
    assert f"{path}:1:1: the file is 2,0" in result.output
    assert "more than the limit of 1,000" in result.output


# -- the upload page ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(BAD))
def test_upload_refuses_out_of_bounds_values_with_a_422_page(app, client, teacher, case) -> None:
    text, expected = BAD[case]
    response = upload(client, text.encode())
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    place, message = expected.split(": ", 1)
    assert f"<code>bank.yaml:{place}</code> {message}" in page
    assert "1 problem in bank.yaml" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 0


def test_upload_of_5000_problems_shows_50_and_the_count(app, client, teacher) -> None:
    response = upload(client, hostile.five_thousand_problems())
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "5,000 problems in bank.yaml" in page
    items = problem_items(page)
    assert len(items) == 50
    assert "bank.yaml:4:5</code> question 'q0' is missing required key 'text'" in items[0]
    assert "and 4,950 more (5,000 in all)" in page


@pytest.mark.any_database
def test_upload_of_a_one_line_megabyte_shows_short_excerpts(app, client, teacher) -> None:
    response = upload(client, hostile.long_line())
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    items = problem_items(page)
    assert len(items) == 50
    assert len(page) < 100_000  # 50 excerpts of about 100 characters, not 50 copies of 1 MB
    for item in items:
        excerpt = re.search(r'<pre class="source-line"[^>]*>(.*?)</pre>', item, re.S)
        assert excerpt, item
        source, caret = excerpt.group(1).split("\n")
        source = re.sub(r"<[^>]+>", "", source)
        caret = re.sub(r"<[^>]+>", "", caret)
        assert len(source) < 120 and source.startswith("1 | …")
        # The caret stands under the start of the value at fault: 'x' of 'answer: x<n>'.
        assert source[caret.index("^")] == "x"


@pytest.mark.parametrize("name", ["many aliases", "unknown keys everywhere", "many unknown ids"])
def test_upload_of_other_hostile_files_is_a_bounded_422(app, client, teacher, name) -> None:
    response = upload(client, hostile.HOSTILE[name](300_000))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert len(problem_items(page)) == 50
    assert re.search(r"and [\d,]+ more \([\d,]+ in all\)", page)


def test_confirm_of_a_hostile_bank_is_a_400_and_imports_nothing(app, client, teacher) -> None:
    """A bank that fails its check is never kept for a confirm: naming it by its hash finds
    nothing (and the bank's text sent back in the form is not read at all)."""
    bank = hostile.five_thousand_problems()
    assert upload(client, bank).status_code == 422
    token = csrf_token(client.get("/teach/").get_data(as_text=True))
    response = client.post(
        "/teach/banks/upload/confirm",
        data={
            "csrf_token": token,
            "upload": hashlib.sha256(bank).hexdigest(),
            "filename": "bank.yaml",
            "content": bank.decode(),
        },
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 0
        assert db.session.scalar(select(func.count(CheckedUpload.id))) == 0


def test_upload_respects_the_size_limit_and_reads_no_more(app, client, teacher) -> None:
    app.config["MAX_BANK_BYTES"] = 1000
    response = upload(client, (HEAD + "#" * 5000 + "\n").encode())
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "the file is 1,001 bytes, more than the limit of 1,000" in page
