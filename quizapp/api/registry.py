"""The API's routes, each declared once: its path, method, scope, request and response models.

``operation`` registers a view on the blueprint AND in ``OPERATIONS``, from which
``openapi_document`` builds the OpenAPI 3.1 document: the schemas are the pydantic models'
own ``model_json_schema`` (JSON Schema 2020-12, which OpenAPI 3.1 uses as is), so the
document cannot drift from what the views send. The wrapper does what every endpoint needs:
the bearer token, its scope, the rate limit, the JSON body read into its model (a 422 that
names the field otherwise), and the response model serialised as JSON.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from quizapp.api import tokens
from quizapp.api.problems import ApiProblem
from quizapp.bounded_ints import MAX_ID
from quizapp.docstrings import docstring
from quizapp.models import User

BEARER = "Bearer"
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


@dataclass(frozen=True)
class Operation:
    rule: str
    method: str
    endpoint: str
    view: Callable[..., Any]
    """The view as written: its docstring is the operation's summary (first line) and
    description (the rest), read when the document is built (``quizapp.docstrings``: workers
    run without docstrings)."""
    scope: str
    response: type[BaseModel]
    status: int
    body: type[BaseModel] | None = None
    yaml_body: bool = False
    errors: tuple[int, ...] = ()
    query: tuple[str, ...] = ()
    """Optional whole-number query parameters from 1 (``bounded_ints.int_arg``: else 400)."""
    tags: tuple[str, ...] = field(default=())

    @property
    def summary(self) -> str:
        return (docstring(self.view) or "").strip().partition("\n")[0].strip()

    @property
    def description(self) -> str:
        return " ".join((docstring(self.view) or "").strip().partition("\n")[2].split())

    @property
    def path(self) -> str:
        """The rule in OpenAPI's words: ``/quizzes/<id:quiz_id>`` -> ``/quizzes/{quiz_id}``."""
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", self.rule)

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", self.rule)


OPERATIONS: list[Operation] = []


@dataclass(frozen=True)
class Caller:
    """Who an API request acts for: the token's account and the token."""

    user: User
    token_id: int
    scopes: frozenset[str]


def _caller(scope: str) -> Caller:
    """The request's bearer token, checked: 401 without a working one, 403 without the scope
    (or ``teach`` on an account that is no longer a teacher's), 429 past the rate limit."""
    header = request.headers.get("Authorization", "")
    kind, _, token = header.partition(" ")
    challenge = {"WWW-Authenticate": f'{BEARER} realm="quizapp"'}
    if kind.lower() != BEARER.lower() or not token.strip():
        raise ApiProblem(
            401,
            "Send a personal access token as 'Authorization: Bearer <token>'; "
            "make one on your account page, under API tokens.",
            headers=challenge,
        )
    found = tokens.find_token(token.strip())
    if found is None:
        raise ApiProblem(
            401,
            "This token does not work: it is mistyped, revoked, or its account is disabled. "
            "Make a new one on your account page.",
            headers={"WWW-Authenticate": f'{BEARER} realm="quizapp", error="invalid_token"'},
        )
    row, user = found
    if scope not in row.scope_set:
        raise ApiProblem(
            403,
            f"This token lacks the '{scope}' scope this request needs; make a token with it "
            "on your account page.",
            headers={
                "WWW-Authenticate": f'{BEARER} realm="quizapp", error="insufficient_scope", '
                f'scope="{scope}"'
            },
        )
    if scope in tokens.TEACHER_SCOPES and not user.is_teacher:
        raise ApiProblem(403, "This account is no longer a teacher's, so 'teach' is refused.")
    wait = tokens.count_request(row.id, int(current_app.config["API_REQUESTS_PER_MINUTE"]))
    if wait is not None:
        raise ApiProblem(
            429,
            f"This token sent too many requests this minute; wait {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )
    caller = Caller(user=user, token_id=row.id, scopes=row.scope_set)
    g.api_caller = caller
    return caller


def _json_body(model: type[BaseModel]) -> BaseModel:
    if not request.is_json:
        raise ApiProblem(415, "Send the body as JSON, with 'Content-Type: application/json'.")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, "The body is not valid JSON.")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ApiProblem(
            422,
            "The body does not have the expected shape: " + _first_error(error),
            errors=[
                {"location": "/".join(str(p) for p in e["loc"]), "message": e["msg"]}
                for e in error.errors(include_url=False, include_input=False)[:20]
            ],
        ) from error


def _first_error(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = "/".join(str(part) for part in first["loc"]) or "the body"
    return f"{where}: {first['msg']}."


def operation(
    blueprint: Blueprint,
    rule: str,
    method: str,
    *,
    scope: str,
    response: type[BaseModel],
    status: int = 200,
    body: type[BaseModel] | None = None,
    yaml_body: bool = False,
    errors: tuple[int, ...] = (),
    query: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
) -> Callable[[Callable[..., BaseModel]], Callable[..., Response]]:
    """Register ``view(caller, **path_args[, body=model])`` as an API operation."""

    def decorator(view: Callable[..., BaseModel]) -> Callable[..., Response]:
        @wraps(view)
        def wrapped(**kwargs: Any) -> Response:
            caller = _caller(scope)
            if body is not None:
                kwargs["body"] = _json_body(body)
            result = view(caller, **kwargs)
            return Response(result.model_dump_json(), status=status, mimetype="application/json")

        blueprint.add_url_rule(rule, view.__name__, wrapped, methods=[method])
        OPERATIONS.append(
            Operation(
                rule=rule,
                method=method.lower(),
                endpoint=view.__name__,
                view=view,
                scope=scope,
                response=response,
                status=status,
                body=body,
                yaml_body=yaml_body,
                errors=errors,
                query=query,
                tags=tags,
            )
        )
        return wrapped

    return decorator


# -- the OpenAPI document -------------------------------------------------------------------

COMMON_ERRORS = (401, 403, 429, 503)
ERROR_DESCRIPTIONS = {
    400: "The body could not be read.",
    401: "No token, or one that does not work.",
    403: "The token lacks the scope, or the action is not allowed.",
    404: "Not found, or not yours to see.",
    409: "Conflicts with what is saved (already submitted, saved from elsewhere since).",
    413: "The body is too large.",
    415: "The body is not of the expected media type.",
    422: "The body was read but is not valid; 'detail' names the problem.",
    429: "Too many requests with this token this minute: wait 'Retry-After' seconds.",
    503: "The database cannot serve for a moment: try again after 'Retry-After' seconds.",
}


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = {"extra": "allow"}

    type: str
    title: str
    status: int
    detail: str


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON schemas, a model's description read from its docstring even where the
    worker runs without docstrings (``quizapp.docstrings``)."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        text = docstring(schema["cls"]) if "description" not in json_schema else None
        if text:
            json_schema["description"] = inspect.cleandoc(text)
        return json_schema


def _name(model: type[BaseModel]) -> str:
    return model.__name__


def openapi_document(prefix: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every registered operation, under ``prefix``."""
    outputs = {Problem, *(op.response for op in OPERATIONS)}
    inputs = {op.body for op in OPERATIONS if op.body is not None}
    pairs = [(model, "serialization") for model in sorted(outputs, key=_name)]
    pairs += [(model, "validation") for model in sorted(inputs, key=_name)]
    keyed, defs = models_json_schema(
        pairs, ref_template="#/components/schemas/{model}", schema_generator=_Schemas
    )
    schemas = defs.get("$defs", {})

    def ref(model: type[BaseModel], mode: str = "serialization") -> dict[str, Any]:
        return dict(keyed[(model, mode)])  # type: ignore[index]

    problem = {"application/problem+json": {"schema": ref(Problem)}}
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        responses: dict[str, Any] = {
            str(op.status): {
                "description": "Success.",
                "content": {"application/json": {"schema": ref(op.response)}},
            }
        }
        codes = set(COMMON_ERRORS) | set(op.errors)
        if op.path_parameters:
            codes.add(404)
        if op.body is not None:
            codes |= {400, 415, 422}
        if op.query:
            codes.add(400)
        for code in sorted(codes):
            responses[str(code)] = {"description": ERROR_DESCRIPTIONS[code], "content": problem}
        entry: dict[str, Any] = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "description": (op.description + f" Scope: {op.scope}.").strip(),
            "tags": list(op.tags),
            "security": [{"bearer": [op.scope]}],
            "responses": responses,
        }
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            }
            for name in op.path_parameters
        ] + [
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            }
            for name in op.query
        ]
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(op.body, "validation")}},
            }
        if op.yaml_body:
            entry["requestBody"] = {
                "required": True,
                "description": "The bank's YAML file, as the upload page takes it.",
                "content": {"application/yaml": {"schema": {"type": "string"}}},
            }
        paths.setdefault(prefix + op.path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Quizapp API",
            "version": "1",
            "description": (
                "What the pages do, for scripts: a student's quizzes, attempts and history; "
                "a teacher's banks, statistics and gradebooks. Authenticate with a personal "
                "access token from the account page. Errors are RFC 9457 problem details."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token (qz_...), scoped read/take/teach.",
                }
            },
        },
    }
