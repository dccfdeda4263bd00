"""Framing by the LMS (quizapp/lti/framing.py), header by header: a session started by a
launch may be framed by its platform's origins and by no other; every other session, and
every page before a launch, keeps ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``.
The browser side (a real frame, a refused one) is tests/browser/test_lti_launch.py."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizapp.security_headers import CONTENT_SECURITY_POLICY
from tests.conftest import AuthActions, csrf_token
from tests.lti import fixtures
from tests.lti.platform import INSTRUCTOR, Launch, TestPlatform
from tests.lti.test_lti import launch, login_and_auth

served, lms, app_config = fixtures.served, fixtures.lms, fixtures.app_config
bank_path, quiz_id, registered = fixtures.bank_path, fixtures.quiz_id, fixtures.registered


def directive(response: TestResponse, name: str) -> str:
    found = re.search(rf"(?:^|; ){name} ([^;]*)", response.headers["Content-Security-Policy"])
    assert found is not None, response.headers["Content-Security-Policy"]
    return found.group(1)


def refuses_framing(response: TestResponse) -> bool:
    return (
        response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        and directive(response, "frame-ancestors") == "'none'"
        and response.headers.get("X-Frame-Options") == "DENY"
    )


def test_a_launched_session_may_be_framed_by_its_platform_only(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    before = client.get(f"/quizzes/{registered}", follow_redirects=True)
    assert refuses_framing(before)

    assert launch(client, lms).status_code == 302
    page = client.get(f"/quizzes/{registered}")

    assert page.status_code == 200
    assert directive(page, "frame-ancestors") == lms.url  # one origin, no wildcard, no other
    assert "X-Frame-Options" not in page.headers
    # The rest of the policy is unchanged.
    rest = re.sub(
        r"frame-ancestors [^;]*", "frame-ancestors 'none'", page.headers["Content-Security-Policy"]
    )
    assert rest == CONTENT_SECURITY_POLICY


def test_the_signed_return_url_adds_the_course_pages_host(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    lms.launch.return_url = "https://school.example.com/courses/1/modules?x=1"
    assert launch(client, lms).status_code == 302
    page = client.get(f"/quizzes/{registered}")
    assert directive(page, "frame-ancestors") == f"{lms.url} https://school.example.com"


def test_sessions_without_a_launch_are_never_framed(
    app: Flask, client: FlaskClient, auth: AuthActions, lms: TestPlatform, registered: int
) -> None:
    assert refuses_framing(client.get("/auth/login"))
    auth.register("local-sam")
    assert refuses_framing(client.get("/"))
    assert refuses_framing(client.get(f"/quizzes/{registered}", follow_redirects=True))

    # A launched browser that logs in with a password afterwards loses the permission.
    assert launch(client, lms).status_code == 302
    assert directive(client.get("/"), "frame-ancestors") == lms.url
    auth.logout()
    assert refuses_framing(client.get("/auth/login"))


def test_the_launch_entry_points_may_be_framed_by_registered_platforms_only(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    unregistered = client.get("/lti/login?iss=https://lms.example.org&login_hint=x")
    assert unregistered.status_code == 403
    assert directive(unregistered, "frame-ancestors") == lms.url  # the one registered platform
    refused = client.post("/lti/launch", data={"state": "x", "id_token": "x"})
    assert refused.status_code in (400, 401)
    assert directive(refused, "frame-ancestors") == lms.url
    assert "X-Frame-Options" not in refused.headers


def test_the_deep_linking_return_page_may_post_to_the_lms_only(
    app: Flask, client: FlaskClient, lms: TestPlatform, registered: int
) -> None:
    lms.launch = Launch(sub="teacher-1", name="Ms Lee", roles=[INSTRUCTOR], deep_link=True)
    action, fields = login_and_auth(client, lms)
    assert client.post(action, data=fields).status_code == 302
    picker = client.get("/lti/deep-link")
    assert directive(picker, "form-action") == "'self'"

    chosen = client.post(
        "/lti/deep-link",
        data={"csrf_token": csrf_token(picker.get_data(as_text=True)), "quiz": str(registered)},
    )

    assert chosen.status_code == 200
    assert directive(chosen, "form-action") == f"'self' {lms.url}"
    assert directive(chosen, "frame-ancestors") == lms.url
