"""The JSON Schema of the bank format, generated from the models (never written by hand).

Editors use it to complete keys and flag mistakes while a teacher types
(``# yaml-language-server: $schema=bank.schema.json``). The committed copy lives at
``questions/bank.schema.json``; a test fails when it is stale. Regenerate it with
``flask --app quizapp quiz schema > questions/bank.schema.json`` (or
``python -m quizapp.bank.schema questions/bank.schema.json``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from quizapp.bank.models import Bank
from quizapp.bank.scalars import as_text

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "questions" / "bank.schema.json"


class _BankSchemaGenerator(GenerateJsonSchema):
    """Says that text fields also take a bare number (``accept: [2014]`` is the text "2014")."""

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> JsonSchemaValue:
        inner = super().function_before_schema(schema)
        if schema["function"].get("function") is as_text and inner.get("type") == "string":
            inner = {**inner, "type": ["string", "number"]}
        return inner


def bank_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one bank file."""
    schema = Bank.model_json_schema(schema_generator=_BankSchemaGenerator)
    return {
        "$schema": SCHEMA_DIALECT,
        **schema,
        "title": "Quizapp question bank",
        "description": (
            "One YAML file of questions and the quizzes made from them. "
            "Generated from quizapp.bank.models; do not edit by hand."
        ),
    }


def bank_json_schema_text() -> str:
    """The schema as the committed file holds it: pretty, sorted keys, trailing newline."""
    return json.dumps(bank_json_schema(), indent=2, sort_keys=True) + "\n"


def write_bank_json_schema(path: str | Path = SCHEMA_PATH) -> Path:
    """Write the schema file (by default ``questions/bank.schema.json``)."""
    path = Path(path)
    path.write_text(bank_json_schema_text(), encoding="utf-8")
    return path


def main(argv: list[str]) -> None:
    """``python -m quizapp.bank.schema [PATH]``: print the schema, or write it to PATH."""
    if argv:
        write_bank_json_schema(argv[0])
    else:
        sys.stdout.write(bank_json_schema_text())


if __name__ == "__main__":
    main(sys.argv[1:])


__all__ = [
    "SCHEMA_PATH",
    "bank_json_schema",
    "bank_json_schema_text",
    "write_bank_json_schema",
]
