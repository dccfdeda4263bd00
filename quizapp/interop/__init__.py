"""Banks in and out of other systems' formats: Moodle XML, GIFT, QTI 2.1 and QTI 1.2 (Canvas).

One module per format (``moodle_xml``, ``gift``, ``qti`` with ``qti21`` and ``qti12``), each
converting between the immutable ``Bank`` and the format; pure, like ``quizapp.bank``: no Flask,
no database. What a format cannot express travels where it has room (Moodle tags, QTI
metadata, GIFT comments) and is listed in a ``Report``. Importing builds a bank in our YAML
format, checked by the same loader as any bank before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from quizapp.bank.errors import BankError
from quizapp.bank.loader import load_bank_bytes
from quizapp.bank.models import Bank
from quizapp.bank.reader import MAX_BANK_BYTES
from quizapp.interop import gift, moodle_xml, qti
from quizapp.interop.common import ConversionError, Report
from quizapp.interop.document import to_yaml
from quizapp.qtypes.languages import default_language_only
from quizapp.translatable import Msg


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    suffix: str
    media_type: str
    write: Callable[[Bank, Report], bytes]


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("moodle-xml", "Moodle XML", ".xml", "application/xml", moodle_xml.export_bank),
        ExportFormat("gift", "GIFT (Moodle)", ".gift.txt", "text/plain", gift.export_bank),
        ExportFormat("qti21", "QTI 2.1 package", ".qti21.zip", "application/zip", qti.export_qti21),
        ExportFormat(
            "qti12", "QTI 1.2 package (Canvas)", ".qti12.zip", "application/zip", qti.export_qti12
        ),
    )
}

IMPORT_FORMATS: dict[str, Callable[..., tuple[dict[str, Any], Report]]] = {
    "moodle-xml": moodle_xml.import_bytes,
    "gift": gift.import_bytes,
    "qti": qti.import_bytes,
}


def detect_format(data: bytes) -> str:
    """Which importer reads these bytes: a zip is a QTI package, XML is Moodle XML, and
    anything else is read as GIFT (plain text)."""
    if data.startswith(b"PK\x03\x04"):
        return "qti"
    if data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        return "moodle-xml"
    return "gift"


def export_bank(bank: Bank, format_name: str) -> tuple[bytes, Report]:
    """The bank in a format, and what that format could not carry.

    A bank with translations is exported in its default language (no format here carries
    several languages per question); the report says so."""
    report = Report()
    if bank.languages and len(bank.languages) > 1:
        others = ", ".join(code for code in bank.languages if code != bank.language)
        report.add(
            bank.bank,
            Msg(
                "exported in the bank's language '%(language)s' only; the translations "
                "(%(others)s) are not carried",
                language=bank.language,
                others=others,
            ),
        )
        bank = default_language_only(bank)
    return EXPORT_FORMATS[format_name].write(bank, report), report


@dataclass(frozen=True)
class Conversion:
    """A file converted to our format: the YAML text, the bank it loads as, and the report."""

    yaml_text: str
    bank: Bank
    report: Report


def convert(
    data: bytes, filename: str, format_name: str, max_bytes: int = MAX_BANK_BYTES
) -> Conversion:
    """Read a Moodle XML, GIFT or QTI file into a bank in our YAML format.

    The YAML is loaded back by the bank loader (the same checks as ``quiz validate``), so a
    conversion that returns is a bank that imports; ``ConversionError`` otherwise.
    """
    document, report = IMPORT_FORMATS[format_name](data, filename, max_bytes)
    text = to_yaml(document, report, f"{filename} ({format_name})")
    try:
        bank = load_bank_bytes(text.encode("utf-8"), filename, max_bytes)
    except BankError as error:
        raise ConversionError(
            Msg(
                "%(file)s: the converted bank does not validate: %(problem)s",
                file=filename,
                problem=error.problems[0],
            )
        ) from None
    return Conversion(text, bank, report)


__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "Conversion",
    "ConversionError",
    "Report",
    "convert",
    "detect_format",
    "export_bank",
]
