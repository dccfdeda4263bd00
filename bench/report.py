"""What every bench shares in its report: a line about the machine, and the replacement of the
bench's own section of docs/performance.md between its two markers (the rest of the file, the
other benches' sections, stays as it is)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def machine() -> str:
    """Cores, the load when the bench started (a loaded machine's figures are noisier, though
    ratios against a baseline measured in the same run still hold), Python, the time."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} cores, load average {load:.1f} at the start, "
        f"Python {sys.version.split()[0]}, {datetime.now(UTC):%d %b %Y %H:%M} UTC"
    )


def replace_section(section: str, begin: str, end: str, doc: Path = DOC) -> None:
    """Put ``section`` between the markers ``begin`` and ``end`` of ``doc`` (markers included
    in ``section`` or not: they are added when missing), or append it when the markers are not
    there yet."""
    body = section.strip("\n")
    if not body.startswith(begin):
        body = f"{begin}\n{body}"
    if not body.endswith(end):
        body = f"{body}\n{end}"
    current = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if begin in current and end in current:
        before = current[: current.index(begin)]
        after = current[current.index(end) + len(end) :].lstrip("\n")
        updated = before + body + "\n" + ("\n" + after if after else "")
    else:
        updated = current.rstrip("\n") + ("\n\n" if current else "") + body + "\n"
    doc.write_text(updated, encoding="utf-8")
