"""Hostile files are refused as YAML banks are: XML with a DTD, external entities or an entity
bomb; QTI zips that are bombs, hold path-traversal names or oversized members; files over
MAX_BANK_BYTES. Each gets a clear message from `quiz convert`, and nothing is written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from quizapp.bank.loader import load_bank_file
from quizapp.interop import export_bank
from tests.interop.conftest import BANK_FILES

MOODLE_QUESTION = (
    '<question type="shortanswer"><name><text>q</text></name>'
    '<questiontext format="html"><text>Which planet? &xxe;</text></questiontext>'
    '<answer fraction="100"><text>Mars</text></answer></question>'
)


def _convert(runner: FlaskCliRunner, source: Path, fmt: str, tmp_path: Path):
    out = tmp_path / "out.yaml"
    result = runner.invoke(args=["quiz", "convert", str(source), "--from", fmt, "-o", str(out)])
    return result, out


def _refused(result, out: Path, *words: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output
    assert "Nothing was written" in result.output
    assert not out.exists()
    assert not list(out.parent.glob(".out.yaml*"))


def test_external_entities_are_refused_and_never_read(runner, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the-secret")
    source = tmp_path / "xxe.xml"
    source.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        f"<quiz>{MOODLE_QUESTION}</quiz>"
    )
    result, out = _convert(runner, source, "moodle-xml", tmp_path)
    _refused(result, out, "refused", "DTD")
    assert "the-secret" not in result.output


def test_entity_expansion_bombs_are_refused(runner, tmp_path: Path) -> None:
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    source = tmp_path / "bomb.xml"
    source.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE quiz [{"".join(lol)}]>\n'
        f"<quiz>{MOODLE_QUESTION.replace('&xxe;', '&lol9;')}</quiz>"
    )
    result, out = _convert(runner, source, "moodle-xml", tmp_path)
    _refused(result, out, "refused")


def test_a_bare_dtd_is_refused(runner, tmp_path: Path) -> None:
    source = tmp_path / "dtd.xml"
    source.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://example.com/quiz.dtd">\n'
        f"<quiz>{MOODLE_QUESTION.replace('&xxe;', '')}</quiz>"
    )
    result, out = _convert(runner, source, "moodle-xml", tmp_path)
    _refused(result, out, "refused", "DOCTYPE")


def test_xml_inside_a_qti_package_gets_the_same_protection(runner, tmp_path: Path) -> None:
    source = tmp_path / "package.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr(
            "imsmanifest.xml",
            '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<manifest>&x;</manifest>",
        )
    result, out = _convert(runner, source, "qti", tmp_path)
    _refused(result, out, "refused", "imsmanifest.xml")


def _qti_package() -> dict[str, bytes]:
    data, _ = export_bank(load_bank_file(BANK_FILES["demo"]), "qti21")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def test_a_genuine_package_converts(runner, tmp_path: Path) -> None:
    """The control for the zip tests below: the same package, untampered, converts."""
    source = _zip(tmp_path / "demo.zip", _qti_package())
    result, out = _convert(runner, source, "qti", tmp_path)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_zip_bombs_are_refused(runner, tmp_path: Path) -> None:
    files = _qti_package()
    files["items/padding.xml"] = b"<a>" + b" " * 900_000 + b"</a>"
    source = _zip(tmp_path / "bomb.zip", files)
    assert source.stat().st_size < 20_000
    result, out = _convert(runner, source, "qti", tmp_path)
    _refused(result, out, "refused", "zip bomb")


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "items/../../evil.xml"])
def test_path_traversal_names_are_refused(runner, tmp_path: Path, name: str) -> None:
    files = _qti_package()
    files[name] = b"<a/>"
    source = _zip(tmp_path / "traversal.zip", files)
    result, out = _convert(runner, source, "qti", tmp_path)
    _refused(result, out, "refused", "path traversal")
    assert not (tmp_path.parent / "evil.xml").exists()


def test_oversized_members_are_refused(app, runner, tmp_path: Path) -> None:
    app.config["MAX_BANK_BYTES"] = 50_000
    files = _qti_package()
    # Random-looking text does not compress: it is large without being a bomb.
    files["items/large.xml"] = b"<a>" + bytes(range(33, 127)) * 700 + b"</a>"
    source = _zip(tmp_path / "large.zip", files)
    assert source.stat().st_size < 50_000
    result, out = _convert(runner, source, "qti", tmp_path)
    _refused(result, out, "refused", "MAX_BANK_BYTES")


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift", "qti"])
def test_files_over_max_bank_bytes_are_refused(app, runner, tmp_path: Path, fmt: str) -> None:
    app.config["MAX_BANK_BYTES"] = 1_000
    source = tmp_path / "big.txt"
    source.write_bytes(b"x" * 1_001)
    result, out = _convert(runner, source, fmt, tmp_path)
    _refused(result, out, "1,001 bytes", "MAX_BANK_BYTES")


def test_malformed_xml_names_the_line(runner, tmp_path: Path) -> None:
    source = tmp_path / "broken.xml"
    source.write_text('<?xml version="1.0"?>\n<quiz>\n<question type="truefalse">\n</quiz>\n')
    result, out = _convert(runner, source, "moodle-xml", tmp_path)
    _refused(result, out, "broken.xml:4:", "not well-formed")


def test_a_damaged_question_is_left_out_and_the_rest_still_converts(tmp_path: Path) -> None:
    """A QTI item whose answer names a choice that is not there, and a GIFT "missing word"
    with no right answer, used to stop the whole conversion with a traceback."""
    from quizapp.interop import convert

    files = _qti_package()
    moons = files["items/moons.xml"].decode()
    files["items/moons.xml"] = moons.replace("<value>P1 A1</value>", "<value>P1 A9</value>")
    result = convert(_zip(tmp_path / "damaged.zip", files).read_bytes(), "damaged.zip", "qti")
    assert len(result.bank.questions) == 7
    assert "moons" not in {q.id for q in result.bank.questions}
    assert any("left out" in line for line in result.report.lines())

    gift = b"::broken::The planet {~Mars ~Venus} is red.\n\n::fine::Mars is red.{T}\n"
    result = convert(gift, "damaged.gift", "gift")
    assert [q.id for q in result.bank.questions] == ["fine"]
    assert result.report.for_question("broken")
