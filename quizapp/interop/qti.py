"""QTI content packages, both ways: QTI 2.1 (``qti21``) for current systems, QTI 1.2
(``qti12``, as Canvas Classic Quizzes reads and writes it) for Canvas.

Reading takes either: each XML file of the package is read by its root element
(``assessmentItem`` is 2.1, ``questestinterop`` is 1.2); the manifest's LOM keywords of a 2.1
item's resource are its tags.
"""

from __future__ import annotations

from typing import Any

from quizapp.bank.models import Bank
from quizapp.bank.reader import MAX_BANK_BYTES
from quizapp.interop import qti12, qti21
from quizapp.interop.common import (
    UNREADABLE,
    ConversionError,
    Report,
    descendants,
    left_out,
    local,
)
from quizapp.interop.document import build_document
from quizapp.interop.qti_package import lom_values, read_package
from quizapp.translatable import Msg


def export_qti21(bank: Bank, report: Report | None = None) -> bytes:
    return qti21.export_bank(bank, report)


def export_qti12(bank: Bank, report: Report | None = None) -> bytes:
    return qti12.export_bank(bank, report)


def import_bytes(data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES):
    """A bank document (our YAML shape) and the report, from a QTI 2.1 or 1.2 package."""
    manifest, files = read_package(data, filename, max_bytes)
    keywords: dict[str, list[str]] = {}
    for resource in descendants(manifest, "resource"):
        href = resource.get("href") or ""
        for file in descendants(resource, "file"):
            href = href or file.get("href", "")
        keywords[href] = lom_values(resource, "keyword")
    titles = lom_values(next(iter(descendants(manifest, "general")), None), "title")
    report = Report()
    taken: set[str] = set()
    questions: list[dict[str, Any]] = []
    title = titles[0] if titles else ""
    bank_id = (manifest.get("identifier") or "").removeprefix("MANIFEST-")
    for name, root in files.items():
        kind = local(root)
        if kind == "assessmentItem":
            try:
                question = qti21.read_item(
                    root, keywords.get(name, []), taken, len(taken) + 1, report
                )
            except UNREADABLE as error:
                report.add(name, left_out(error))
                continue
            if question is not None:
                questions.append(question)
        elif kind == "questestinterop":
            found_id, found_title, found = qti12.read_items(root, taken, report)
            title = found_title or title
            bank_id = found_id or bank_id
            questions += found
    if not questions and not report:
        raise ConversionError(
            Msg(
                "%(file)s: no QTI items found (neither assessmentItem files nor a "
                "questestinterop assessment)",
                file=filename,
            )
        )
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return build_document(bank_id or title or stem, title or stem, questions, report), report
