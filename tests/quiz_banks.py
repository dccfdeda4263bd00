"""Small banks written as YAML text for tests of quiz settings and attempts: one quiz (given as
YAML) over ``count`` single-choice questions tagged ``odd`` or ``even``."""

from __future__ import annotations

import textwrap
from pathlib import Path


def single(qid: str, tags: str = "[t]") -> str:
    return textwrap.dedent(
        f"""\
          - id: {qid}
            type: single
            text: Question {qid}?
            tags: {tags}
            explanation: Because {qid}.
            choices:
              - {{text: right {qid}, correct: true}}
              - wrong one {qid}
              - wrong two {qid}
        """
    )


def make_bank(tmp_path: Path, quiz: str, count: int = 6) -> str:
    questions = "".join(
        single(f"q{n}", "[even]" if n % 2 == 0 else "[odd]") for n in range(1, count + 1)
    )
    text = (
        "bank: settings\ntitle: Settings\nquizzes:\n"
        + textwrap.indent(textwrap.dedent(quiz), "  ")
        + "questions:\n"
        + questions
    )
    path = tmp_path / "settings.yaml"
    path.write_text(text)
    return str(path)
