"""Every YAML example in docs/authoring.md imports as it stands."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from quizapp.bank.loader import load_bank_bytes

DOC = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"
EXAMPLES = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def as_bank(example: str) -> str:
    """A whole bank stays as it is; a list of questions gets a minimal bank around it."""
    if example.startswith("bank:"):
        return example
    return "bank: example\ntitle: Example\nquestions:\n" + textwrap.indent(example, "  ")


def test_the_guide_has_an_example_of_every_type():
    from quizapp.qtypes import QUESTION_TYPES

    shown = {match for example in EXAMPLES for match in re.findall(r"type: (\w+)", example)}
    assert set(QUESTION_TYPES) <= shown


@pytest.mark.any_database
@pytest.mark.parametrize("example", EXAMPLES, ids=[e.split("\n", 1)[0] for e in EXAMPLES])
def test_example_imports(example: str, runner, tmp_path):
    bank = load_bank_bytes(as_bank(example).encode(), "docs/authoring.md")
    assert bank.questions
    path = tmp_path / "example.yaml"
    path.write_text(as_bank(example), encoding="utf-8")
    result = runner.invoke(args=["quiz", "import", str(path)])
    assert result.exit_code == 0, result.output
