"""Quizapp as an LTI 1.3 tool, end to end against ``lti1p3platform`` served on 127.0.0.1
(tests/lti/platform.py): launches, deep linking, grades at the platform's AGS endpoint, the
roster, and every refused launch with its 4xx."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from quizapp import create_app
from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    ClassMember,
    Classroom,
    ClassTeacher,
    LtiAccount,
    LtiGrade,
    LtiLaunchValue,
    LtiOutbox,
    User,
)
from tests.conftest import AuthActions, csrf_token
from tests.lti import fixtures
from tests.lti.platform import INSTRUCTOR, LEARNER, Launch, TestPlatform, launch_form
from tests.quiz_actions import QuizActions
from tests.test_regrade import decide, fix_key, key

# The fixtures of an LTI launch (shared with the browser tests): the test platform, a bank,
# the platform registered.
served, lms, app_config = fixtures.served, fixtures.lms, fixtures.app_config
bank_path, quiz_id, registered = fixtures.bank_path, fixtures.quiz_id, fixtures.registered


def login_and_auth(client: FlaskClient, lms: TestPlatform) -> tuple[str, dict[str, str]]:
    """The platform starts a launch; the tool's login initiation sends the browser to the
    platform's authentication endpoint, which answers with the launch form."""
    started = requests.get(f"{lms.url}/start", allow_redirects=False, timeout=10)
    assert started.status_code == 302
    tool_login = client.get(started.headers["Location"])
    assert tool_login.status_code == 302, tool_login.get_data(as_text=True)
    assert tool_login.headers["Location"].startswith(f"{lms.url}/auth?")
    auth = requests.get(tool_login.headers["Location"], timeout=10)
    assert auth.status_code == 200, auth.text
    return launch_form(auth.text)


def launch(client: FlaskClient, lms: TestPlatform) -> TestResponse:
    action, fields = login_and_auth(client, lms)
    return client.post(action, data=fields)


def answers(q1: str = "right q1", q2: str = "right q2", q3: str = "right q3") -> dict:
    return {
        "q1-choice": [key("q1", q1)],
        "q2-choice": [key("q2", q2)],
        "q3-choice": [key("q3", q3)],
    }


def take(app: Flask, client: FlaskClient, fields: dict[str, list[str]]) -> int:
    actions = QuizActions(app, client)
    attempt_id = actions.start("all")
    response = actions.submit(attempt_id, fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/review")
    response.close()  # the response has gone to the browser: the grade goes to the LMS now
    return attempt_id


def score_of(received: dict[str, Any]) -> tuple[str, float, float, str, str]:
    return (
        received["userId"],
        received["scoreGiven"],
        received["scoreMaximum"],
        received["activityProgress"],
        received["gradingProgress"],
    )


def teacher_client(app: Flask) -> FlaskClient:
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    teacher = app.test_client()
    AuthActions(teacher).login("ms-lee", "teacher password")
    return teacher


# -- a student's launch, the quiz, the grade at the platform ----------------------------------


def test_a_student_launch_logs_in_takes_the_quiz_and_the_grade_reaches_the_platform(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    response = launch(client, lms)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/quizzes/{registered}"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200  # logged in, no password asked; the course assigned it
    assert "All questions" in page.get_data(as_text=True)
    with app.app_context():
        account = db.session.scalar(select(LtiAccount))
        assert account is not None and account.subject == "student-1"
        user = db.session.get(User, account.user_id)
        assert user is not None and user.role == "student"
        classroom = db.session.scalar(select(Classroom))
        assert classroom is not None and classroom.name == "History 101"
        assert db.session.get(ClassMember, (classroom.id, user.id)) is not None

    take(app, client, answers(q1="wrong one q1"))

    assert lms.score_urls == ["/lineitems/1/lineitem/scores"]
    assert [score_of(s) for s in lms.scores] == [
        ("student-1", 66.67, 100, "Completed", "FullyGraded")
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", lms.scores[0]["timestamp"])


def test_a_new_attempt_and_a_regrade_send_the_updated_grade(
    app: Flask, client: FlaskClient, runner, lms: TestPlatform, registered: int, bank_path: str
) -> None:
    assert launch(client, lms).status_code == 302
    take(app, client, answers(q1="wrong one q1", q2="wrong one q2"))
    take(app, client, answers(q1="wrong one q1"))
    assert [s["scoreGiven"] for s in lms.scores] == [33.33, 66.67]  # latest attempt counts

    fix_key(runner, bank_path)  # "wrong one q1" becomes the right answer
    regraded = decide(teacher_client(app), app, "all")
    assert regraded.status_code == 303
    regraded.close()

    assert [s["scoreGiven"] for s in lms.scores] == [33.33, 66.67, 100]
    assert score_of(lms.scores[-1])[3:] == ("Completed", "FullyGraded")


def test_an_unreachable_platform_loses_no_submission_and_the_grade_is_sent_later(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    assert launch(client, lms).status_code == 302
    lms.fail_scores = True

    attempt_id = take(app, client, answers())

    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.submitted_at is not None and attempt.marks == 3
        row = db.session.scalar(select(LtiOutbox))
        assert row is not None and row.score == 100 and "503" in (row.error or "")
        assert row.tries == 1
        record = db.session.scalar(select(LtiGrade))
        assert record is not None and record.sent_grade is None
    assert lms.scores == []

    # The course's teacher, launched from the LMS, sees the note and sends them again.
    teacher = app.test_client()
    lms.launch = Launch(
        sub="teacher-1", name="Ms Lee", roles=[INSTRUCTOR], custom=lms.launch.custom
    )
    landed = launch(teacher, lms)
    assert landed.status_code == 302 and "/lti/courses/" in landed.headers["Location"]
    course_page = teacher.get(landed.headers["Location"]).get_data(as_text=True)
    assert "1 grade could not be delivered to the LMS yet" in course_page
    assert "503" in course_page

    lms.fail_scores = False
    resent = teacher.post(
        landed.headers["Location"] + "/grades", data={"csrf_token": csrf_token(course_page)}
    )
    assert resent.status_code == 302
    assert [score_of(s) for s in lms.scores] == [
        ("student-1", 100, 100, "Completed", "FullyGraded")
    ]
    assert "Every grade has reached the LMS" in teacher.get(landed.headers["Location"]).get_data(
        as_text=True
    )


def test_a_pending_grade_is_retried_on_the_next_grade_change(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    assert launch(client, lms).status_code == 302
    lms.fail_scores = True
    take(app, client, answers(q1="wrong one q1"))
    lms.fail_scores = False

    other = app.test_client()
    lms.launch = Launch(sub="student-2", name="Student Two", custom=lms.launch.custom)
    assert launch(other, lms).status_code == 302
    take(app, other, answers())

    assert sorted((s["userId"], s["scoreGiven"]) for s in lms.scores) == [
        ("student-1", 66.67),
        ("student-2", 100),
    ]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LtiOutbox)) == 0


# -- accounts -----------------------------------------------------------------------------


def test_accounts_are_linked_by_issuer_and_subject_never_by_name(
    app: Flask, lms: TestPlatform, registered: int
) -> None:
    with app.app_context():
        create_user("student.one", "a local password 1")
    first, again, namesake = app.test_client(), app.test_client(), app.test_client()
    assert launch(first, lms).status_code == 302
    assert launch(again, lms).status_code == 302
    lms.launch = Launch(sub="student-9", name="Student One", custom=lms.launch.custom)
    assert launch(namesake, lms).status_code == 302

    with app.app_context():
        links = db.session.execute(
            select(LtiAccount.subject, User.username)
            .join(User, User.id == LtiAccount.user_id)
            .order_by(LtiAccount.id)
        ).all()
    assert len(links) == 2
    assert links[0].subject == "student-1" and links[1].subject == "student-9"
    # Neither is the local account of the same name, nor each other.
    assert len({links[0].username, links[1].username, "student.one"}) == 3


# -- deep linking -------------------------------------------------------------------------


def test_a_teacher_picks_a_quiz_and_the_platform_receives_a_resource_link_with_a_line_item(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    lms.launch = Launch(sub="teacher-1", name="Ms Lee", roles=[INSTRUCTOR], deep_link=True)
    response = launch(client, lms)
    assert response.status_code == 302
    assert response.headers["Location"] == "/lti/deep-link"
    picker = client.get("/lti/deep-link").get_data(as_text=True)
    assert "All questions" in picker

    chosen = client.post(
        "/lti/deep-link", data={"csrf_token": csrf_token(picker), "quiz": str(registered)}
    )
    assert chosen.status_code == 200
    form = re.search(
        r'<form method="post" action="([^"]+)" id="deep-link-return">\s*'
        r'<input type="hidden" name="JWT" value="([^"]+)">',
        chosen.get_data(as_text=True),
    )
    assert form is not None
    assert form.group(1) == f"{lms.url}/deep-link-return"
    assert requests.post(form.group(1), data={"JWT": form.group(2)}, timeout=10).text == "received"

    [item] = lms.deep_link_items
    assert item["type"] == "ltiResourceLink"
    assert item["title"] == "All questions"
    assert item["url"] == "http://localhost/lti/launch"
    assert item["custom"] == {"quizapp_quiz": str(registered)}
    assert item["lineItem"]["scoreMaximum"] == 100
    assert item["lineItem"]["label"] == "All questions"

    # The link the LMS made launches that quiz for a student.
    student = app.test_client()
    lms.launch = Launch(custom=item["custom"], resource_link_id="link-from-deep-link")
    assert launch(student, lms).headers["Location"] == f"/quizzes/{registered}"


def test_a_student_cannot_answer_a_deep_linking_request(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    lms.launch = Launch(deep_link=True)
    response = launch(client, lms)
    assert response.status_code == 403
    assert "Only the course&#39;s teachers" in response.get_data(as_text=True)


# -- the roster ---------------------------------------------------------------------------


def test_the_roster_comes_from_the_platform_on_a_teacher_launch_and_on_request(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    assert launch(client, lms).status_code == 302  # student-1 joins by launching
    lms.members = [
        {"user_id": "teacher-1", "name": "Ms Lee", "roles": ["Instructor"], "status": "Active"},
        {"user_id": "student-2", "name": "Student Two", "roles": [LEARNER]},
        {"user_id": "student-3", "name": "Student Three", "roles": ["Learner"]},
    ]
    teacher = app.test_client()
    lms.launch = Launch(
        sub="teacher-1", name="Ms Lee", roles=[INSTRUCTOR], custom=lms.launch.custom
    )
    landed = launch(teacher, lms)
    assert "/lti/courses/" in landed.headers["Location"]

    def roster() -> tuple[set[str], set[str]]:
        with app.app_context():
            subject = select(LtiAccount.subject)
            students = set(
                db.session.scalars(
                    subject.join(ClassMember, ClassMember.user_id == LtiAccount.user_id)
                )
            )
            teachers = set(
                db.session.scalars(
                    subject.join(ClassTeacher, ClassTeacher.user_id == LtiAccount.user_id)
                )
            )
            return students, teachers

    # student-1 is no longer in the LMS course: the launch's sync took them out.
    assert roster() == ({"student-2", "student-3"}, {"teacher-1"})

    lms.members.append({"user_id": "student-1", "name": "Student One", "roles": [LEARNER]})
    page = teacher.get(landed.headers["Location"]).get_data(as_text=True)
    synced = teacher.post(
        landed.headers["Location"] + "/roster", data={"csrf_token": csrf_token(page)}
    )
    assert synced.status_code == 302
    assert "3 students, 1 teachers" in teacher.get(synced.headers["Location"]).get_data(
        as_text=True
    )
    assert roster() == ({"student-1", "student-2", "student-3"}, {"teacher-1"})
    with app.app_context():
        teacher_user = db.session.scalar(
            select(User).join(LtiAccount).where(LtiAccount.subject == "teacher-1")
        )
        assert teacher_user is not None and teacher_user.role == "teacher"


def test_a_student_cannot_open_the_course_page(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    assert launch(client, lms).status_code == 302
    with app.app_context():
        class_id = db.session.scalar(select(Classroom.id))
    assert client.get(f"/lti/courses/{class_id}").status_code == 404


# -- refused launches ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spoil", "status", "says"),
    [
        ({"forge": True}, 401, "signature does not match"),
        ({"expiration": -60}, 401, "has expired"),
        ({"deployment_id": "deployment-unknown"}, 403, "deployment of Quizapp"),
        ({"aud": "someone-else"}, 403, "the token&#39;s audience"),
    ],
    ids=["wrong-signature", "expired", "unknown-deployment", "wrong-audience"],
)
def test_a_spoiled_launch_is_refused_with_a_clear_page_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    lms: TestPlatform,
    registered: int,
    spoil: dict[str, Any],
    status: int,
    says: str,
) -> None:
    lms.launch = Launch(custom=lms.launch.custom, **spoil)
    response = launch(client, lms)

    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "This launch from your LMS was refused" in page
    assert says in page
    with app.app_context():
        assert db.session.scalar(select(func.count(LtiAccount.id))) == 0
    assert client.get(f"/quizzes/{registered}").status_code == 302  # not logged in


def test_a_replayed_launch_is_refused(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    action, fields = login_and_auth(client, lms)
    assert client.post(action, data=fields).status_code == 302

    replayed = client.post(action, data=fields)
    assert replayed.status_code == 401
    assert "This launch was used already" in replayed.get_data(as_text=True)
    # Another browser replaying it (it has no state cookie) is refused as well.
    stranger = app.test_client().post(action, data=fields)
    assert stranger.status_code == 401


def test_a_launch_may_finish_on_another_worker(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    """The nonce waits in the database, not in the process that made it: a second app (another
    worker) on the same database verifies the launch, given the browser's state cookie."""
    action, fields = login_and_auth(client, lms)
    with app.app_context():
        assert any("nonce" in k for k in db.session.scalars(select(LtiLaunchValue.key)))
    state_cookie = client.get_cookie(f"lti1p3-{fields['state']}")
    assert state_cookie is not None

    other_worker = create_app({**app.config})
    browser = other_worker.test_client()
    browser.set_cookie(state_cookie.key, state_cookie.value)
    assert browser.post(action, data=fields).status_code == 302
    with other_worker.app_context():
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        assert not any("nonce" in k for k in db.session.scalars(select(LtiLaunchValue.key)))


def test_a_login_from_an_unregistered_platform_is_refused(client: FlaskClient) -> None:
    response = client.get(
        "/lti/login?iss=https://unknown.example&login_hint=x&target_link_uri=http://localhost/lti/launch"
    )
    assert response.status_code == 403
    assert "not registered with Quizapp" in response.get_data(as_text=True)


def test_a_launch_without_a_token_is_a_400(client: FlaskClient) -> None:
    response = client.post("/lti/launch", data={"state": "state-x"})
    assert response.status_code == 400
    assert "incomplete or malformed" in response.get_data(as_text=True)
