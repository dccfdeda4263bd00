"""The web side: a bank's page offers its downloads, and the upload page's "Import from Moodle /
Canvas" converts a file, shows the bank and its report, then the usual diff and confirm."""

from __future__ import annotations

import html
import io
import zipfile

import pytest
from sqlalchemy import func, select

from quizapp.bank.loader import load_bank_file
from quizapp.extensions import db
from quizapp.interop import convert, export_bank
from quizapp.models import Bank, QuestionVersion
from tests.conftest import csrf_token
from tests.interop.conftest import BANK_FILES, comparable
from tests.test_teacher import upload_reference


def _bank_page(client) -> tuple[str, str]:
    listing = client.get("/teach/").get_data(as_text=True)
    bank_id = listing.split('href="/teach/banks/', 1)[1].split('"', 1)[0]
    return bank_id, client.get(f"/teach/banks/{bank_id}").get_data(as_text=True)


def test_the_bank_page_downloads_each_format(demo_app, client, teacher) -> None:
    bank_id, page = _bank_page(client)
    assert "Download for Moodle or Canvas" in page
    demo = load_bank_file(BANK_FILES["demo"])
    for fmt, source in (("moodle-xml", "moodle-xml"), ("gift", "gift"), ("qti12", "qti")):
        link = f"/teach/interop/banks/{bank_id}/export?to={fmt}"
        assert link in page
        response = client.get(link)
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
        back = convert(response.data, "download", source).bank
        assert [comparable(q) for q in back.questions] == [comparable(q) for q in demo.questions]
    response = client.get(f"/teach/interop/banks/{bank_id}/export?to=qti21")
    assert zipfile.ZipFile(io.BytesIO(response.data)).read("imsmanifest.xml")
    assert client.get(f"/teach/interop/banks/{bank_id}/export?to=pdf").status_code == 404
    assert client.get(f"/teach/interop/banks/{bank_id}/export").status_code == 404


def test_downloads_are_for_teachers_only(demo_app, client, auth) -> None:
    auth.register()
    assert client.get("/teach/interop/banks/1/export?to=gift").status_code == 403
    assert client.get("/teach/interop/import").status_code == 403


def _post_import(client, data: bytes, filename: str):
    page = client.get("/teach/interop/import").get_data(as_text=True)
    return client.post(
        "/teach/interop/import",
        data={
            "csrf_token": csrf_token(page),
            "source_file": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )


def test_import_from_moodle_shows_report_and_diff_then_imports(app, client, teacher) -> None:
    assert "Import from Moodle / Canvas" in client.get("/teach/").get_data(as_text=True)
    assert "already exists" not in page_of_converted_demo(client)
    data, _ = export_bank(load_bank_file(BANK_FILES["demo"]), "gift")
    response = _post_import(client, data, "demo.gift.txt")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Converted from <code>demo.gift.txt</code>" in page
    assert "8</strong> questions added" in page
    assert "bank: demo" in html.unescape(page)
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 0, "nothing before confirming"

    response = client.post(
        "/teach/banks/upload/confirm",
        data={"csrf_token": csrf_token(page), "upload": upload_reference(page)},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionVersion.id))) == 8


@pytest.mark.parametrize("fmt", ["moodle-xml", "qti12", "qti21"])
def test_import_tells_the_formats_apart(client, teacher, fmt: str) -> None:
    data, _ = export_bank(load_bank_file(BANK_FILES["demo"]), fmt)
    page = _post_import(client, data, "export.bin").get_data(as_text=True)
    assert "8</strong> questions added" in page


def page_of_converted_demo(client) -> str:
    data, _ = export_bank(load_bank_file(BANK_FILES["demo"]), "moodle-xml")
    return _post_import(client, data, "demo.xml").get_data(as_text=True)


def test_converting_a_bank_that_exists_warns_that_its_quizzes_go(demo_app, client, teacher):
    page = page_of_converted_demo(client)
    assert "A bank <code>demo</code> already exists" in page
    assert "1 withdrawn" in page


def test_import_lists_what_was_not_carried(client, teacher) -> None:
    gift = b"::essay::Describe Mars.{}\n\n::red::Which planet is red?{=Mars}\n"
    page = _post_import(client, gift, "planets.txt").get_data(as_text=True)
    assert "Not carried over (1)" in page
    assert "essay questions are graded by hand" in page


def test_a_hostile_file_is_refused_with_a_message_and_nothing_changes(app, client, teacher):
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<quiz>&x;</quiz>"
    )
    response = _post_import(client, hostile, "evil.xml")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "refused" in page and "Nothing was imported" in page
    assert "root:" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 0


def test_import_without_a_file_asks_for_one(client, teacher) -> None:
    page = client.get("/teach/interop/import").get_data(as_text=True)
    response = client.post("/teach/interop/import", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert "Choose the file exported from Moodle or Canvas" in response.get_data(as_text=True)
