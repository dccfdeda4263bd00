"""The committed JSON Schema of the bank format is the one the models generate."""

from __future__ import annotations

import json

from quizapp.bank.schema import SCHEMA_PATH, bank_json_schema, bank_json_schema_text

REGENERATE = "flask --app quizapp quiz schema > questions/bank.schema.json"


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_PATH.exists(), f"questions/bank.schema.json is missing; run: {REGENERATE}"
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == bank_json_schema_text(), (
        f"questions/bank.schema.json is stale (the models changed); run: {REGENERATE}"
    )


def test_schema_describes_a_bank() -> None:
    schema = bank_json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"] == "Quizapp question bank"
    assert set(schema["required"]) == {"bank", "title", "questions"}
    assert schema["additionalProperties"] is False
    # Text fields take bare numbers too: `accept: [2014]` is the text "2014".
    assert schema["properties"]["title"]["type"] == ["string", "number"]
    json.dumps(schema)
