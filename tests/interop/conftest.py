"""Shared by the interop tests: the two banks every format must carry, and how two questions
are compared after a round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quizapp.bank.loader import load_bank_file
from quizapp.bank.models import Bank
from quizapp.qtypes.base import QuestionBase

REPO = Path(__file__).resolve().parents[2]
BANK_FILES = {
    "demo": REPO / "questions" / "demo" / "demo.yaml",
    "article": REPO / "questions" / "china-belarus-2015" / "bank.yaml",
}
FORMATS = ("moodle-xml", "gift", "qti21", "qti12")
IMPORT_FROM = {"moodle-xml": "moodle-xml", "gift": "gift", "qti21": "qti", "qti12": "qti"}


def comparable(question: QuestionBase) -> dict[str, Any]:
    """The question as data. ``tolerance: 0`` and no tolerance grade alike and no format
    tells them apart (Moodle always writes a tolerance), so both read as none."""
    data = question.model_dump(mode="json")
    targets = [data, *(data.get("blanks") or {}).values()]
    for target in targets:
        if target.get("tolerance") == 0:
            target["tolerance"] = None
    return data


@pytest.fixture(params=sorted(BANK_FILES))
def bank(request: pytest.FixtureRequest) -> Bank:
    return load_bank_file(BANK_FILES[request.param])
