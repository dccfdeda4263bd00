"""Registering platforms (the admin page and ``flask lti``), the tool's keys and their
rotation, and the configuration an LMS is given."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import LtiDeployment, LtiPlatform
from tests.conftest import AuthActions, csrf_token

GOOD = {
    "name": "School Moodle",
    "issuer": "https://moodle.school.example",
    "client_id": "abc123",
    "auth_login_url": "https://moodle.school.example/mod/lti/auth.php",
    "auth_token_url": "https://moodle.school.example/mod/lti/token.php",
    "key_set_url": "https://moodle.school.example/mod/lti/certs.php",
    "deployment_ids": "1\n2, 2",
}


def admin(app: Flask) -> FlaskClient:
    with app.app_context():
        create_user("principal", "quiet garden lamp 77", is_admin=True)
    client = app.test_client()
    AuthActions(client).login("principal", "quiet garden lamp 77")
    return client


def kids(client: FlaskClient) -> list[str]:
    return [key["kid"] for key in client.get("/lti/jwks").get_json()["keys"]]


def test_the_admin_page_registers_a_platform_and_refuses_bad_details(app: Flask) -> None:
    client = admin(app)
    page = client.get("/lti/admin")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for url in ("/lti/login", "/lti/launch", "/lti/jwks", "/lti/config.json"):
        assert f"http://localhost{url}" in html

    bad = client.post(
        "/lti/admin",
        data={
            **GOOD,
            "auth_login_url": "moodle.school.example/auth",
            "csrf_token": csrf_token(html),
        },
    )
    assert bad.status_code == 400
    assert "Authentication request URL: give a full URL" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(LtiPlatform.id))) == 0

    good = client.post("/lti/admin", data={**GOOD, "csrf_token": csrf_token(html)})
    assert good.status_code == 302
    listed = client.get("/lti/admin").get_data(as_text=True)
    assert "School Moodle" in listed and "abc123" in listed
    with app.app_context():
        assert sorted(db.session.scalars(select(LtiDeployment.deployment_id))) == ["1", "2"]

    again = client.post("/lti/admin", data={**GOOD, "csrf_token": csrf_token(html)})
    assert again.status_code == 400
    assert "is registered already" in again.get_data(as_text=True)


def test_only_admins_see_the_lti_admin_page(app: Flask, client: FlaskClient, auth) -> None:
    assert client.get("/lti/admin").status_code == 302  # asked to log in
    auth.register()
    assert client.get("/lti/admin").status_code == 404
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert (
        client.post("/lti/admin/rotate-key", data={"rotate-csrf_token": token}).status_code == 404
    )


def test_the_cli_registers_a_platform_and_says_what_is_wrong(app: Flask, runner) -> None:
    args = [
        "lti",
        "add-platform",
        "--issuer",
        "https://canvas.instructure.com",
        "--client-id",
        "10000000000001",
        "--auth-login-url",
        "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "--token-url",
        "https://sso.canvaslms.com/login/oauth2/token",
        "--key-set-url",
        "https://sso.canvaslms.com/api/lti/security/jwks",
        "--deployment-id",
        "7:abc",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Registered https://canvas.instructure.com" in result.output

    bad = runner.invoke(args=[*args[:-4], "--key-set-url", "ftp://x", *args[-2:]])
    assert bad.exit_code == 1
    assert "Key set URL: give a full URL" in bad.output
    with app.app_context():
        assert db.session.scalar(select(func.count(LtiPlatform.id))) == 1


def test_keys_rotate_and_the_old_one_stays_published_until_removed(
    app: Flask, client: FlaskClient, runner
) -> None:
    [first] = kids(client)
    assert runner.invoke(args=["lti", "rotate-key"]).exit_code == 0
    published = kids(client)
    assert len(published) == 2 and published[0] == first

    refused = runner.invoke(args=["lti", "remove-key", "--kid", published[1]])
    assert refused.exit_code == 1
    assert "is the signing key" in refused.output

    removed = runner.invoke(args=["lti", "remove-key"])
    assert removed.exit_code == 0 and "Removed 1 retired key" in removed.output
    assert kids(client) == [published[1]]

    # The admin page's button rotates too.
    page_client = admin(app)
    page = page_client.get("/lti/admin").get_data(as_text=True)
    rotated = page_client.post(
        "/lti/admin/rotate-key", data={"rotate-csrf_token": csrf_token(page)}
    )
    assert rotated.status_code == 302
    assert len(kids(client)) == 2


def test_the_tool_configuration_json_names_the_tool_urls(client: FlaskClient) -> None:
    config = client.get("/lti/config.json").get_json()
    assert config["oidc_initiation_url"] == "http://localhost/lti/login"
    assert config["target_link_uri"] == "http://localhost/lti/launch"
    assert config["public_jwk_url"] == "http://localhost/lti/jwks"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in config["scopes"]
