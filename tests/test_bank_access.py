"""Banks belong to the teacher who uploaded them; site banks (questions/) to every teacher;
another teacher gets 404 on a bank, its quizzes' previews and reports, until it is shared."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.bank_access import ShareError, share_bank
from quizapp.extensions import db
from quizapp.models import Bank, Quiz, User
from tests.class_actions import post_form, teacher_client
from tests.test_teacher import DEMO_TEXT, confirm, upload

OWN_TEXT = DEMO_TEXT.replace("bank: demo", "bank: ms-lee-own", 1)


@pytest.fixture
def owned(demo_app):
    """ms-lee uploads a bank of her own; mr-wu is another teacher."""
    lee = teacher_client(demo_app, "ms-lee")
    wu = teacher_client(demo_app, "mr-wu")
    response = confirm(lee, upload(lee, OWN_TEXT).get_data(as_text=True))
    assert response.status_code == 303, response.get_data(as_text=True)
    with demo_app.app_context():
        bank = db.session.scalar(select(Bank).where(Bank.slug == "ms-lee-own"))
        assert bank is not None
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.bank_id == bank.id))
        site = db.session.scalar(select(Bank).where(Bank.slug == "demo"))
        owner = db.session.get(User, bank.owner_id) if bank.owner_id else None
        assert owner is not None and owner.username == "ms-lee"
        assert site is not None and site.owner_id is None
        return {"lee": lee, "wu": wu, "bank_id": bank.id, "quiz_id": quiz_id, "site": site.id}


def urls(bank_id: int, quiz_id: int) -> list[str]:
    return [
        f"/teach/banks/{bank_id}",
        f"/teach/interop/banks/{bank_id}/export?to=gift",
        f"/teach/quizzes/{quiz_id}/preview",
        f"/teach/reports/quizzes/{quiz_id}",
        f"/teach/reports/quizzes/{quiz_id}/attempts.csv",
        f"/teach/reports/quizzes/{quiz_id}/answers.csv",
        f"/teach/reports/banks/{bank_id}/misconceptions",
    ]


def test_another_teacher_gets_404_on_a_bank_that_is_not_theirs(demo_app, owned):
    for url in urls(owned["bank_id"], owned["quiz_id"]):
        assert owned["lee"].get(url).status_code == 200, url
        assert owned["wu"].get(url).status_code == 404, url
    assert "ms-lee-own" not in owned["wu"].get("/teach/").get_data(as_text=True)
    assert "ms-lee-own" in owned["lee"].get("/teach/").get_data(as_text=True)


def test_site_banks_are_every_teachers(demo_app, owned):
    with demo_app.app_context():
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.bank_id == owned["site"]))
    assert quiz_id is not None
    for url in urls(owned["site"], quiz_id):
        assert owned["wu"].get(url).status_code == 200, url


def test_a_shared_bank_opens_to_the_teacher_it_is_shared_with(demo_app, owned):
    page = f"/teach/banks/{owned['bank_id']}"
    share = f"{page}/share"
    # Only the owner shares, and only with a teacher.
    assert post_form(owned["wu"], "/teach/", share, username="mr-wu").status_code == 404
    refused = post_form(owned["lee"], page, share, username="nobody")
    assert refused.status_code == 400
    assert "No teacher is called" in refused.get_data(as_text=True)
    assert owned["wu"].get(page).status_code == 404
    response = post_form(owned["lee"], page, share, username="mr-wu")
    assert response.status_code == 303
    for url in urls(owned["bank_id"], owned["quiz_id"]):
        assert owned["wu"].get(url).status_code == 200, url
    # A teacher it is shared with cannot share it on.
    with demo_app.app_context():
        wu = db.session.scalar(select(User).where(User.username == "mr-wu"))
        bank = db.session.get(Bank, owned["bank_id"])
        assert wu is not None and bank is not None
        with pytest.raises(ShareError):
            share_bank(wu, bank, "ms-lee")


def test_another_teacher_cannot_upload_over_a_bank_that_is_not_theirs(demo_app, owned):
    edited = OWN_TEXT.replace("title:", "title: Changed", 1)
    page = upload(owned["wu"], edited).get_data(as_text=True)
    response = confirm(owned["wu"], page)
    assert response.status_code == 403
    with demo_app.app_context():
        bank = db.session.get(Bank, owned["bank_id"])
        assert bank is not None and not bank.title.startswith("Changed")


def test_a_teacher_cannot_assign_a_quiz_of_a_bank_they_cannot_read(demo_app, owned):
    from tests.class_actions import Teacher, post_form

    wu = Teacher(demo_app, owned["wu"])
    class_id, _ = wu.create_class()
    page = f"/teach/classes/{class_id}"
    assert f'value="{owned["quiz_id"]}"' not in owned["wu"].get(page).get_data(as_text=True)
    post_form(owned["wu"], page, f"{page}/assignments", quiz_id=str(owned["quiz_id"]))
    assert "That quiz cannot be assigned." in owned["wu"].get(page).get_data(as_text=True)
