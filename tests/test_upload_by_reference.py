"""An uploaded bank is kept on the server between its check and the import, and the confirm
names it by its hash: a bank under the size limit imports however its text encodes (it used to
come back in the form twice, URL-encoded, and fail with 413), and a teacher can only confirm
their own upload, while it is fresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from quizapp import uploads
from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Bank, CheckedUpload, Question
from tests.conftest import AuthActions, csrf_token
from tests.test_bank_bounds import upload
from tests.test_teacher import DEMO_TEXT, upload_reference

CYRILLIC = "Какой город был столицей Беларуси, когда подписали соглашение о партнёрстве"
CHINESE = "中国和白俄罗斯全面战略伙伴关系的第一个工业园区位于哪个城市附近"


def big_bank(target_bytes: int) -> bytes:
    """A bank in Cyrillic and Chinese of about ``target_bytes`` (2 and 3 bytes a character)."""
    lines = ["bank: big-unicode", "title: Беларусь и Китай 白俄罗斯", "quizzes:"]
    lines += ["  - {id: all, title: Все вопросы 所有问题, draw: 5}", "questions:"]
    number = 0
    while len("\n".join(lines).encode()) < target_bytes:
        lines += [
            f"  - id: q{number:05d}",
            "    type: short",
            f"    text: «{CYRILLIC} ({number})? {CHINESE}？»",
            f"    accept: [Минск {number}, 明斯克 {number}]",
            f"    explanation: «{CHINESE}。{CYRILLIC}.»",
        ]
        number += 1
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def teacher(app: Flask, auth: AuthActions) -> AuthActions:
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
        create_user("mr-kim", "teacher password", is_teacher=True)
    auth.login("ms-lee", "teacher password")
    return auth


def confirm(client: FlaskClient, page: str, reference: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/teach/banks/upload/confirm",
        data={"csrf_token": csrf_token(page), "upload": reference or upload_reference(page)},
    )


def test_a_900_kb_bank_in_cyrillic_and_chinese_imports(
    app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    data = big_bank(900_000)
    assert 900_000 <= len(data) < app.config["MAX_BANK_BYTES"]
    checked = upload(client, data, "big.yaml")
    assert checked.status_code == 200, checked.get_data(as_text=True)[:2000]
    page = checked.get_data(as_text=True)
    assert len(page.encode()) < len(data), "the diff page does not carry the bank back"

    response = confirm(client, page)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        bank = db.session.scalar(select(Bank))
        assert bank is not None and bank.title == "Беларусь и Китай 白俄罗斯"
        count = db.session.scalar(select(func.count(Question.id)))
        assert count == data.count(b"\n  - id: q")
        assert db.session.scalar(select(func.count(CheckedUpload.id))) == 0, "forgotten once used"


def test_another_teacher_cannot_confirm_an_upload_by_its_hash(
    app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    page = upload(client, DEMO_TEXT.encode()).get_data(as_text=True)
    reference = upload_reference(page)
    other = app.test_client()
    AuthActions(other).login("mr-kim", "teacher password")
    other_page = other.get("/teach/").get_data(as_text=True)
    response = confirm(other, other_page, reference)
    assert response.status_code == 400
    assert "upload it again" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 0
    assert confirm(client, page).status_code == 303, "the uploader still can"


def test_an_expired_upload_is_refused_and_removed(
    app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    page = upload(client, DEMO_TEXT.encode()).get_data(as_text=True)
    with app.app_context():
        db.session.execute(
            update(CheckedUpload).values(
                created_at=CheckedUpload.created_at - uploads.UPLOAD_LIFETIME - timedelta(1)
            )
        )
        db.session.commit()
    response = confirm(client, page)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 0
    # The next check removes what expired; only the new upload is kept.
    upload(client, DEMO_TEXT.encode().replace(b"Demo bank", b"Demo bank 2"))
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckedUpload.id))) == 1


def test_a_reference_that_is_not_a_hash_is_a_400(
    app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    page = upload(client, DEMO_TEXT.encode()).get_data(as_text=True)
    assert confirm(client, page, "../../etc/passwd").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 0
