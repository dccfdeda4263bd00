"""People and roles: admins make teachers and admins on the Users page, never remove the
last admin, and disable accounts (logged out at once, cannot log in, nothing deleted)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, User
from tests.conftest import AuthActions, csrf_token
from tests.people_actions import PASSWORD, load, logged_in, make_user, press

ADMIN_PAGES = [
    ("GET", "/admin/users"),
    ("POST", "/admin/users/{id}/role"),
    ("POST", "/admin/users/{id}/disable"),
    ("POST", "/admin/users/{id}/enable"),
    ("POST", "/admin/users/{id}/password-link"),
]


def is_logged_in(client) -> bool:
    response = client.get("/history")
    return response.status_code == 200


def test_user_create_admin_makes_an_admin_who_is_also_a_teacher(app, runner, tmp_path):
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    result = runner.invoke(args=["user", "create", "head", "--admin", "--password-file", secret])
    assert result.exit_code == 0, result.output
    assert "Created admin 'head'." in result.output
    result = runner.invoke(args=["user", "create", "tina", "--teacher", "--password-file", secret])
    assert "Created teacher 'tina'." in result.output
    head, tina = load(app, "head"), load(app, "tina")
    assert (head.is_admin, head.is_teacher, head.role) == (True, True, "admin")
    assert (tina.is_admin, tina.is_teacher, tina.role) == (False, True, "teacher")
    # The admin does what teachers do: the teacher's workspace opens.
    assert logged_in(app, "head").get("/teach/").status_code == 200


def test_is_teacher_stays_readable_and_constructible(app):
    with app.app_context():
        db.session.add(User(username="old-style", password_hash="x", is_teacher=True))
        db.session.commit()
        user = db.session.scalar(select(User).where(User.username == "old-style"))
        assert user.is_teacher and not user.is_admin and user.role == "teacher"
        assert user.is_active and user.email is None


@pytest.mark.parametrize("role", [None, "student", "teacher"])
def test_only_admins_reach_the_admin_pages(app, role):
    target = make_user(app, "someone")
    if role is None:
        client = app.test_client()
    else:
        make_user(app, "visitor", role)
        client = logged_in(app, "visitor")
    page = client.get("/auth/account" if role else "/auth/login").get_data(as_text=True)
    for method, path in ADMIN_PAGES:
        url = path.format(id=target)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf_token(page), "role": "admin"})
        if role is None:
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        else:
            assert response.status_code == 404, (role, url)
    someone = load(app, "someone")
    assert someone.role == "student" and someone.is_active


def test_the_menu_shows_users_to_admins_only(app):
    make_user(app, "head", "admin")
    make_user(app, "tina", "teacher")
    assert 'href="/admin/users"' in logged_in(app, "head").get("/").get_data(as_text=True)
    assert 'href="/admin/users"' not in logged_in(app, "tina").get("/").get_data(as_text=True)


def test_an_admin_promotes_and_demotes_a_teacher(app):
    make_user(app, "head", "admin")
    bob = make_user(app, "bob")
    admin = logged_in(app, "head")
    bob_client = logged_in(app, "bob")
    assert bob_client.get("/teach/").status_code == 403

    response = press(admin, f"/admin/users/{bob}/role", {"role": "teacher"})
    assert response.status_code == 302
    assert "bob is now a teacher." in admin.get("/admin/users").get_data(as_text=True)
    assert load(app, "bob").role == "teacher"
    assert bob_client.get("/teach/").status_code == 200, "at once, without logging in again"

    press(admin, f"/admin/users/{bob}/role", {"role": "student"})
    assert load(app, "bob").role == "student"
    assert bob_client.get("/teach/").status_code == 403


def test_an_admin_makes_another_admin_who_can_then_be_demoted(app):
    head = make_user(app, "head", "admin")
    tina = make_user(app, "tina", "teacher")
    admin = logged_in(app, "head")
    press(admin, f"/admin/users/{tina}/role", {"role": "admin"})
    assert load(app, "tina").role == "admin"
    assert logged_in(app, "tina").get("/admin/users").status_code == 200
    # With two admins, one may step down.
    response = press(admin, f"/admin/users/{head}/role", {"role": "teacher"})
    assert response.status_code == 302
    assert load(app, "head").role == "teacher"


def test_the_last_admin_cannot_be_demoted_or_disabled(app):
    head = make_user(app, "head", "admin")
    other = make_user(app, "other", "admin")
    admin = logged_in(app, "head")
    # The other admin is disabled: head is now the last active admin.
    assert press(admin, f"/admin/users/{other}/disable").status_code == 302
    for role in ("teacher", "student"):
        response = press(admin, f"/admin/users/{head}/role", {"role": role})
        assert response.status_code == 409
        assert "head is the last admin" in response.get_data(as_text=True)
        assert load(app, "head").role == "admin"
    # The other (disabled) admin cannot disable head either, nor can head disable themself.
    response = press(admin, f"/admin/users/{head}/disable")
    assert response.status_code == 409
    assert "cannot disable your own account" in response.get_data(as_text=True)
    assert load(app, "head").is_active


def test_the_service_refuses_to_disable_the_last_admin(app):
    from quizapp import people

    head = make_user(app, "head", "admin")
    helper = make_user(app, "helper", "admin")
    with app.app_context():
        people.set_disabled(helper, True, actor_id=head)
        with pytest.raises(people.PeopleError, match="last admin"):
            people.set_disabled(head, True, actor_id=helper)
        with pytest.raises(people.PeopleError, match="must be one of"):
            people.set_role(head, "owner")
    assert load(app, "head").is_active and load(app, "head").role == "admin"


def test_a_bad_role_is_a_400_and_changes_nothing(app):
    make_user(app, "head", "admin")
    bob = make_user(app, "bob")
    admin = logged_in(app, "head")
    for role in ("owner", ""):
        response = press(admin, f"/admin/users/{bob}/role", {"role": role})
        assert response.status_code == 400
    assert "The role must be student, teacher or admin." in response.get_data(as_text=True) or (
        "Choose a role." in response.get_data(as_text=True)
    )
    assert load(app, "bob").role == "student"
    assert press(admin, "/admin/users/999999/role", {"role": "teacher"}).status_code == 404


def test_every_admin_form_needs_its_csrf_token(app):
    make_user(app, "head", "admin")
    bob = make_user(app, "bob")
    admin = logged_in(app, "head")
    for action in ("role", "disable", "password-link"):
        response = press(admin, f"/admin/users/{bob}/{action}", {"role": "admin"}, token=False)
        assert response.status_code == 400
        assert "security token" in response.get_data(as_text=True)
    bob_user = load(app, "bob")
    assert bob_user.role == "student" and bob_user.is_active
    assert logged_in(app, "bob")


def test_a_disabled_user_is_logged_out_at_once_cannot_log_in_and_keeps_everything(
    app, student, auth
):
    student.take("stu")  # a submitted attempt, in a browser session that stays open
    stu_client = logged_in(app, "stu")
    remembered = app.test_client()
    page = remembered.get("/auth/login").get_data(as_text=True)
    remembered.post(
        "/auth/login",
        data={
            "csrf_token": csrf_token(page),
            "username": "stu",
            "password": PASSWORD,
            "remember": "y",
        },
    )
    assert is_logged_in(stu_client) and is_logged_in(remembered)
    make_user(app, "head", "admin")
    admin = logged_in(app, "head")
    stu = load(app, "stu")

    response = press(admin, f"/admin/users/{stu.id}/disable")
    assert response.status_code == 302
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert "stu is disabled and logged out everywhere; nothing was deleted." in listing
    assert "disabled since" in listing

    # Their open sessions end at once, remember-me included.
    assert not is_logged_in(stu_client)
    remembered.delete_cookie("session")
    assert not is_logged_in(remembered)
    # They cannot log in, and are told why (only once the password is right).
    response = AuthActions(app.test_client()).login("stu", PASSWORD)
    assert response.status_code == 403
    assert "This account is disabled" in response.get_data(as_text=True)
    wrong = AuthActions(app.test_client()).login("stu", "not the password")
    assert wrong.status_code == 400 and "This account is disabled" not in wrong.get_data(
        as_text=True
    )
    # Nothing of theirs is deleted.
    with app.app_context():
        count = db.session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id == stu.id))
        assert count == 1

    press(admin, f"/admin/users/{stu.id}/enable")
    assert load(app, "stu").is_active
    assert is_logged_in(logged_in(app, "stu"))


def test_search_by_username_is_paginated(app):
    make_user(app, "head", "admin")
    with app.app_context():
        from werkzeug.security import generate_password_hash

        cheap = generate_password_hash("x", method="pbkdf2:sha256:1")
        for n in range(30):
            db.session.add(User(username=f"pupil-{n:02d}", password_hash=cheap))
        db.session.add(User(username="under_score", password_hash=cheap))
        db.session.commit()
    admin = logged_in(app, "head")
    first = admin.get("/admin/users?q=PUPIL").get_data(as_text=True)
    assert "30 accounts matching “PUPIL”, page 1 of 2." in first
    assert "pupil-00" in first and "pupil-24" in first and "pupil-25" not in first
    second = admin.get("/admin/users?q=pupil&page=2").get_data(as_text=True)
    assert "pupil-25" in second and "pupil-29" in second and "pupil-00" not in second
    # % and _ are letters here, not patterns.
    assert "1 account matching" in admin.get("/admin/users?q=_").get_data(as_text=True)
    assert "No account has a username containing" in admin.get("/admin/users?q=%25x").get_data(
        as_text=True
    )
    assert admin.get("/admin/users?page=0").status_code == 400
    assert admin.get("/admin/users?q=" + "x" * 81).status_code == 400


def test_registration_refuses_a_username_that_only_a_final_newline_made_long_enough(app):
    """The form's rule was a ``$`` pattern, which lets "ad\\n" through; stripped, it became a
    2-character username that ``user create`` refuses."""
    client = app.test_client()
    page = client.get("/auth/register").get_data(as_text=True)
    response = client.post(
        "/auth/register",
        data={
            "csrf_token": csrf_token(page),
            "username": "ad\n",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
