"""The OpenAPI document against the app itself: schemathesis generates requests for every
operation (a few examples each) and sends them to the real app through WSGI, with a token
that holds every scope: no 5xx, and every response matches the document (status code, media
type, headers, body schema). Part of the normal suite: a bounded number of examples."""

from __future__ import annotations

import re

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks as st_checks

from tests.api.api_client import Api, make_token
from tests.class_actions import Teacher, teacher_client

# The responses against the OpenAPI document: their shape is the app's, whatever
# database it reads (the PostgreSQL run skips them).
pytestmark = pytest.mark.any_database

MAX_EXAMPLES = 4

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture
def api_token(demo_app: Flask) -> str:
    """A teacher's token with every scope (a teacher may take quizzes too), with an open
    attempt and a class of id 1, so that generated ids (1 among them) reach real objects."""
    client = teacher_client(demo_app)
    token = make_token(client, "schemathesis", ["read", "take", "teach"])
    Teacher(demo_app, client).create_class()
    started = Api(demo_app, token).post("/quizzes/1/attempts")
    assert started.status_code == 201 and started.get_json()["id"] == 1
    return token


def test_every_response_matches_the_document(demo_app: Flask, api_token: str) -> None:
    """Each operation in turn, with a few generated requests (valid ones and not)."""
    demo_app.config["API_REQUESTS_PER_MINUTE"] = 0  # no limit: the test sends a burst
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app)
    headers = {"Authorization": f"Bearer {api_token}"}
    labels = []
    statuses: set[tuple[str, int]] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)

        # Generated ids seldom hit a row: half the cases name the open attempt, the class,
        # the demo quiz (id 1 each), so that the real answers are checked too.
        @given(case=operation.as_strategy(), real_id=st.sampled_from((1, None)))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: schemathesis.Case, real_id: int | None) -> None:
            if real_id is not None and case.path_parameters:
                case.path_parameters = dict.fromkeys(case.path_parameters, real_id)
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.add((case.operation.label, response.status_code))

        call()
    assert len(labels) >= 10, labels
    succeeded = {label for label, status in statuses if status < 300}
    assert {
        "GET /api/v1/quizzes",
        "GET /api/v1/banks",
        "GET /api/v1/history",
        "GET /api/v1/attempts/{attempt_id}",
        "GET /api/v1/quizzes/{quiz_id}/statistics",
        "GET /api/v1/classes/{class_id}/gradebook",
    } <= succeeded, sorted(statuses)


def test_the_document_is_openapi_3_1_and_covers_every_api_route(demo_app: Flask) -> None:
    document = demo_app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    routes = {
        (rule.rule, method.lower())
        for rule in demo_app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }

    documented = {
        (re.sub(r"\{([a-z_]+)\}", r"<id:\1>", path), method)
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert routes == documented
    for operations in document["paths"].values():
        for operation in operations.values():
            assert operation["security"] and "401" in operation["responses"]


def test_docs_api_md_names_every_operation_and_no_other(demo_app: Flask) -> None:
    """docs/api.md's scope table lists each operation of the document, with its scope."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    document = demo_app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {
        (method.upper(), path.removeprefix("/api/v1"), operation["security"][0]["bearer"][0])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    in_table = set()
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 2 and cells[0].strip("`") in ("read", "take", "teach"):
            for method, path in re.findall(r"`(GET|POST|PUT) ([^`]+)`", cells[1]):
                in_table.add((method, re.sub(r"\{[a-z_]*id\}", "{}", path), cells[0].strip("`")))
    normalised = {(m, re.sub(r"\{[a-z_]+\}", "{}", p), s) for m, p, s in documented}
    assert in_table == normalised
