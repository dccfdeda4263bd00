"""`quiz export` and `quiz convert` through the real CLI: files written, the report printed at
the end, and converted banks that pass `quiz validate`."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from tests.interop.conftest import BANK_FILES, FORMATS, IMPORT_FROM


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_convert_gives_a_bank_that_validates(
    runner: FlaskCliRunner, tmp_path: Path, fmt: str
) -> None:
    from quizapp.bank.loader import load_bank_file

    count = len(load_bank_file(BANK_FILES["article"]).questions)
    exported = tmp_path / f"article.{fmt}"
    result = runner.invoke(
        args=["quiz", "export", str(BANK_FILES["article"]), "--to", fmt, "-o", str(exported)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and f"{count} questions" in result.output
    converted = tmp_path / "back.yaml"
    result = runner.invoke(
        args=["quiz", "convert", str(exported), "--from", IMPORT_FROM[fmt], "-o", str(converted)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["quiz", "validate", str(converted)])
    assert result.exit_code == 0, result.output
    assert f"china-belarus-2015: {count} questions" in result.output
    text = converted.read_text(encoding="utf-8")
    # Written for people: long text as block scalars, short lists on one line.
    assert "explanation: >" in text
    assert "tags: [" in text


def test_the_report_lists_what_a_format_cannot_carry(runner: FlaskCliRunner, tmp_path) -> None:
    result = runner.invoke(
        args=["quiz", "export", str(BANK_FILES["demo"]), "--to", "gift", "-o", str(tmp_path / "d")]
    )
    assert result.exit_code == 0
    report = result.output.split("not carried", 1)[1]
    assert "planets-from-sun: GIFT has no ordering question" in report
    assert "earth-facts: GIFT has no question with several blanks" in report


def test_gift_and_moodle_xml_go_to_stdout_without_o(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["quiz", "export", str(BANK_FILES["demo"]), "--to", "gift"])
    assert result.exit_code == 0
    assert "::largest-planet::Which planet is the largest" in result.stdout
    assert "not carried" not in result.stdout  # the report goes to stderr


def test_qti_without_o_writes_a_zip_named_after_the_bank(
    runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["quiz", "export", str(BANK_FILES["demo"]), "--to", "qti12"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "demo.qti12.zip") as archive:
        assert "imsmanifest.xml" in archive.namelist()


MOODLE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Planets</text></category></question>
  <question type="essay">
    <name><text>Describe Mars</text></name>
    <questiontext format="html"><text>&lt;p&gt;Describe Mars.&lt;/p&gt;</text></questiontext>
  </question>
  <question type="shortanswer">
    <name><text>Red planet</text></name>
    <questiontext format="html"><text>&lt;p&gt;Which planet is red? It is the fourth
      planet from the Sun, and the second smallest of the eight; its surface is dusty and
      its sky is pink.&lt;/p&gt;</text></questiontext>
    <defaultgrade>2</defaultgrade>
    <answer fraction="100"><text>Mars</text></answer>
    <answer fraction="50"><text>Ares</text></answer>
  </question>
</quiz>
"""


def test_convert_writes_comments_where_something_was_not_carried(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "moodle.xml"
    source.write_text(MOODLE, encoding="utf-8")
    out = tmp_path / "planets.yaml"
    result = runner.invoke(
        args=["quiz", "convert", str(source), "--from", "moodle-xml", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "planets: 1 questions (1 short)" in result.output
    assert "describe-mars: Moodle 'essay' questions have no counterpart" in result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Converted from ")
    assert "#   describe-mars: Moodle 'essay' questions have no counterpart here" in text
    assert "  # Not carried over: answers worth part marks are not carried: Ares\n" in text
    assert "    text: >-\n" in text  # a long text as a folded block scalar
    assert "points: 2" in text
    assert runner.invoke(args=["quiz", "validate", str(out)]).exit_code == 0


def test_a_file_with_no_question_we_can_carry_writes_nothing(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "essay.gift"
    source.write_text("::essay::Describe Mars.{}\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = runner.invoke(args=["quiz", "convert", str(source), "--from", "gift", "-o", str(out)])
    assert result.exit_code == 1
    assert "no question could be carried over" in result.output
    assert "essay questions are graded by hand" in result.output
    assert not out.exists()
