"""Tokens made through the real account page, and API calls with them (no cookies)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token

ANSWER_FIELDS = {"correct_answer", "feedback", "explanation", "correct", "accept", "tolerance"}
"""Keys that would carry an answer (the question types' own names included)."""


def create_token_page(
    client: FlaskClient, name: str = "script", scopes: Iterable[str] = ("read", "take")
) -> TestResponse:
    """POST the account page's "Create token" form (the client is logged in)."""
    page = client.get("/auth/account").get_data(as_text=True)
    token = csrf_token(page)
    return client.post(
        "/account/tokens", data={"csrf_token": token, "name": name, "scopes": list(scopes)}
    )


def make_token(
    client: FlaskClient, name: str = "script", scopes: Iterable[str] = ("read", "take")
) -> str:
    """A new token, read from the page that shows it once."""
    response = create_token_page(client, name, scopes)
    assert response.status_code == 200, response.get_data(as_text=True)
    match = re.search(
        r'<code id="new-token">(qz_[A-Za-z0-9_-]+)</code>', response.get_data(as_text=True)
    )
    assert match, "the page shows no new token"
    return match.group(1)


class Api:
    """Calls to /api/v1 with a bearer token, from a client that holds no session cookie."""

    def __init__(self, app: Flask, token: str | None) -> None:
        self.client = app.test_client(use_cookies=False)
        self.token = token

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, **headers: str) -> TestResponse:
        return self.client.get(f"/api/v1{path}", headers=self._headers(headers))

    def post(self, path: str, json: Any = None, **headers: str) -> TestResponse:
        return self.client.post(f"/api/v1{path}", json=json, headers=self._headers(headers))

    def put(self, path: str, json: Any = None, **headers: str) -> TestResponse:
        return self.client.put(f"/api/v1{path}", json=json, headers=self._headers(headers))

    def post_yaml(self, path: str, text: str) -> TestResponse:
        return self.client.post(
            f"/api/v1{path}",
            data=text.encode(),
            headers=self._headers({"Content-Type": "application/yaml"}),
        )


def assert_problem(response: TestResponse, status: int, *words: str) -> dict[str, Any]:
    """An RFC 9457 problem document with this status, whose detail says ``words``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    for word in words:
        assert word in body["detail"], body["detail"]
    return body


def keys_in(value: Any) -> set[str]:
    """Every key of every object nested in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()
