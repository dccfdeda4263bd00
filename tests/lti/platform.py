"""A tiny LMS for the LTI tests: ``lti1p3platform`` (an independent LTI 1.3 platform
implementation) behind a Flask app served on 127.0.0.1 in a thread.

It starts launches (OIDC login initiation to the tool), answers the tool's authentication
request with a signed id_token, serves its JWKS and an OAuth2 token endpoint, and records what
the tool sends to its Assignment and Grade Services endpoint, its roster endpoint and its
deep-linking return URL. Each test sets what the next launch carries with ``next_launch``.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, abort, jsonify, redirect, request
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from werkzeug.serving import make_server

TOOL = "http://localhost"
CLIENT_ID = "quizapp-client"
DEPLOYMENT_ID = "deployment-1"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


@functools.cache
def new_key(holder: str) -> tuple[str, str]:
    """A key pair (private, public PEM) for ``holder``, made once a session: a 2048-bit RSA
    key costs a tenth of a second, and every LTI test makes a platform; the tests only read
    the PEM strings (none tests key making: the tool's own keys are made by the app)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    )


@dataclass
class Launch:
    """What the platform's next launch carries (and how a test spoils it)."""

    sub: str = "student-1"
    name: str = "Student One"
    roles: list[str] = field(default_factory=lambda: [LEARNER])
    deep_link: bool = False
    resource_link_id: str = "link-1"
    custom: dict[str, str] = field(default_factory=dict)
    context_id: str = "course-1"
    context_title: str = "History 101"
    lineitem: bool = True
    expiration: int = 300
    deployment_id: str = DEPLOYMENT_ID
    aud: str | None = None
    """Re-sign the id_token with this audience (the platform's own key)."""
    forge: bool = False
    """Re-sign the id_token with another key under the platform's key id."""
    return_url: str | None = None
    """The launch_presentation claim's return_url (Canvas: the course page, on its own host)."""


class _FlaskRequest(Request):
    def build_metadata(self, flask_request: Any) -> TRequest:
        return {
            "method": flask_request.method,
            "form_data": flask_request.form.to_dict(),
            "get_data": flask_request.args.to_dict(),
            "headers": dict(flask_request.headers),
            "content_type": flask_request.content_type,
            "path": flask_request.path,
            "json": flask_request.get_json(silent=True),
        }


class TestPlatform:
    __test__ = False

    def __init__(self) -> None:
        self.private_key, self.public_key = new_key("platform")
        self.other_private_key, _ = new_key("forger")
        self.url = ""
        self.tool = TOOL
        """Where the tool is served: the test client's ``http://localhost`` or a live server."""
        self.launch = Launch()
        self.tool_keys: dict[str, Any] | None = None
        self.scores: list[dict[str, Any]] = []
        self.score_urls: list[str] = []
        self.deep_link_items: list[dict[str, Any]] = []
        self.members: list[dict[str, Any]] = []
        self.fail_scores = False
        self._scored = threading.Condition()
        self.app = self._make_app()

    def wait_for_scores(self, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The scores received, once there are ``count`` of them: the tool sends a grade after
        its response, so a browser can see the result page before the LMS has the grade."""
        with self._scored:
            self._scored.wait_for(lambda: len(self.scores) >= count, timeout)
        return self.scores

    # -- the platform's configuration, as lti1p3platform holds it -----------------------------

    def _config(self, deployment_id: str = DEPLOYMENT_ID) -> LTI1P3PlatformConfAbstract:
        platform = self

        class Conf(LTI1P3PlatformConfAbstract):
            def init_platform_config(self, **kwargs: Any) -> None:
                registration = (
                    Registration()
                    .set_iss(platform.url)
                    .set_client_id(CLIENT_ID)
                    .set_deployment_id(deployment_id)
                    .set_oidc_login_url(f"{platform.tool}/lti/login")
                    .set_launch_url(f"{platform.tool}/lti/launch")
                    .set_deeplink_launch_url(f"{platform.tool}/lti/launch")
                    .set_tool_key_set_url(f"{platform.tool}/lti/jwks")
                    .set_platform_public_key(platform.public_key)
                    .set_platform_private_key(platform.private_key)
                )
                if platform.tool_keys is not None:
                    registration.set_tool_key_set(platform.tool_keys)  # type: ignore[arg-type]
                self._registration = registration

            def get_registration_by_params(self, **kwargs: Any) -> Registration:
                assert self._registration is not None
                return self._registration

        return Conf()

    @property
    def kid(self) -> str:
        return str(Registration.get_jwk(self.public_key)["kid"])

    def registration_args(self) -> list[str]:
        """``flask lti add-platform`` arguments that register this platform with the tool."""
        return [
            "lti",
            "add-platform",
            "--name",
            "Test LMS",
            "--issuer",
            self.url,
            "--client-id",
            CLIENT_ID,
            "--auth-login-url",
            f"{self.url}/auth",
            "--token-url",
            f"{self.url}/token",
            "--key-set-url",
            f"{self.url}/jwks",
            "--deployment-id",
            DEPLOYMENT_ID,
        ]

    # -- the platform's pages and services ------------------------------------------------

    def _make_app(self) -> Flask:
        app = Flask("test-platform")
        platform = self

        class Login(OIDCLoginAbstract):
            def set_lti_message_hint(self, **kwargs: Any) -> None:
                self._lti_message_hint = kwargs["hint"]

            def get_redirect(self, url: str) -> Response:
                return redirect(url)

        class Launcher(LTIAdvantageMessageLaunchAbstract):
            def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> str:
                token = platform._spoil(launch_data["id_token"])
                return (
                    f'<form method="post" action="{launch_data["launch_url"]}">'
                    f'<input name="id_token" value="{token}">'
                    f'<input name="state" value="{launch_data["state"]}"></form>'
                    # An LMS posts the form at once, as a browser's script.
                    "<script>document.forms[0].submit()</script>"
                )

        @app.get("/start")
        def start() -> Response:
            login = Login(None, self._config(self.launch.deployment_id))
            login.set_lti_message_hint(hint="launch")
            if self.launch.deep_link:
                login.set_deeplinking_launch_url()
            return login.initiate_login(self.launch.sub)  # type: ignore[no-any-return]

        @app.get("/course")
        def course() -> str:
            """An LMS's course page holding the tool in a frame, as Moodle and Canvas do."""
            return (
                "<!doctype html><title>History 101</title><h1>History 101</h1>"
                '<iframe id="tool" title="Quizapp" src="/start" width="1000" height="700">'
                "</iframe>"
            )

        @app.get("/auth")
        def auth() -> str:
            wanted = self.launch
            if request.args.get("login_hint") != wanted.sub:
                abort(403)
            launcher = Launcher(_FlaskRequest(request), self._config(wanted.deployment_id))
            launcher.set_id_token_expiration(wanted.expiration)
            launcher.set_user_data(wanted.sub, wanted.roles, full_name=wanted.name)
            launcher.set_launch_context_claim(wanted.context_id, context_title=wanted.context_title)
            launcher.set_nrps(f"{self.url}/memberships")
            if wanted.return_url:
                launcher.set_launch_presentation_claim(
                    document_target="iframe", return_url=wanted.return_url
                )
            if wanted.deep_link:
                launcher.set_dl(f"{self.url}/deep-link-return", title="Add an activity")
            else:
                launcher.set_resource_link_claim(wanted.resource_link_id)
                if wanted.custom:
                    launcher.set_custom_parameters_claim(wanted.custom)
                launcher.set_ags(
                    f"{self.url}/lineitems",
                    f"{self.url}/lineitems/1/lineitem" if wanted.lineitem else None,
                )
            return launcher.lti_launch()  # type: ignore[no-any-return]

        @app.get("/jwks")
        def jwks() -> Response:
            conf = self._config()
            conf.get_registration()
            return jsonify(conf.get_jwks())

        @app.post("/token")
        def token() -> Response:
            return jsonify(self._config().get_access_token(request.form.to_dict()))

        def _authorised(scope: str) -> None:
            header = request.headers.get("Authorization", "")
            conf = self._config()
            conf.get_registration()
            if not header.startswith("Bearer ") or not conf.validate_token(
                header[7:], allowed_scopes=[scope]
            ):
                abort(401)

        @app.post("/lineitems/<int:item>/lineitem/scores")
        def scores(item: int) -> tuple[str, int]:
            _authorised(SCORE_SCOPE)
            if self.fail_scores:
                return "The gradebook is down for maintenance", 503
            assert request.content_type == "application/vnd.ims.lis.v1.score+json"
            with self._scored:
                self.score_urls.append(request.path)
                self.scores.append(request.get_json(force=True))
                self._scored.notify_all()
            return "", 200

        @app.get("/memberships")
        def memberships() -> Response:
            _authorised(NRPS_SCOPE)
            return jsonify(
                {
                    "id": f"{self.url}/memberships",
                    "context": {"id": self.launch.context_id, "title": "History 101"},
                    "members": self.members,
                }
            )

        @app.post("/deep-link-return")
        def deep_link_return() -> str:
            conf = self._config()
            conf.get_registration()
            self.deep_link_items.extend(conf.validate_deeplinking_resp(request.form.to_dict()))
            return "received"

        return app

    def _spoil(self, token: str) -> str:
        """The id_token as a test wants it spoiled (re-signed), or unchanged."""
        if not (self.launch.forge or self.launch.aud):
            return token
        claims = jwt.decode(token, options={"verify_signature": False})
        if self.launch.aud:
            claims["aud"] = self.launch.aud
            claims["azp"] = self.launch.aud
        key = self.other_private_key if self.launch.forge else self.private_key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})


def launch_form(html: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the platform's auto-submitting launch form."""
    action = re.search(r'action="([^"]+)"', html)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', html))
    assert action is not None, html
    return action.group(1), fields


def serve(platform: TestPlatform) -> Iterator[TestPlatform]:
    server = make_server("127.0.0.1", 0, platform.app, threaded=True)
    platform.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        thread.join()


def query(url: str, **params: str) -> str:
    return f"{url}?{urlencode(params)}"
