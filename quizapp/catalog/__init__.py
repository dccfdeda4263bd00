"""The catalog: banks from YAML, synced into the database as versioned questions.

A question's content hash identifies its version. Importing an unchanged bank changes
nothing; an edited question gets a new version (old attempts keep pointing at theirs); a
question missing from the file is retired (no longer drawn), never deleted. An import is one
transaction: a bank with one bad question, or a batch with one bad bank, imports nothing.

An import runs in three steps, so that students are never kept waiting by it:

1. ``files``: read each file and hash its bytes; a file whose hash is the one stored for its
   bank was imported as it is, and is not parsed again. The others are read and validated.
2. ``plan``: compare each bank with the database (reads only) and list the rows to write.
3. ``write``: one short write transaction of bulk statements, after checking under the lock
   that no other import changed the banks since step 2 (else ``ImportConflict``, nothing
   written).

Steps 1 and 2 hold no lock; the cost of step 3 grows linearly with the rows written, in a
number of statements that does not grow with the number of questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from quizapp.catalog.collector import collector_paused
from quizapp.catalog.diff import BankDiff, ChangedQuestion
from quizapp.catalog.files import BankFile, file_hash, read_bank_bytes, read_bank_files
from quizapp.catalog.plan import BankPlan, plan_bank
from quizapp.catalog.write import ImportConflict, apply_plans, prepare


@collector_paused
def plan_import(files: Iterable[BankFile]) -> list[BankPlan]:
    """What importing ``files`` would write, read from the database without locking it."""
    plans = [plan_bank(file) for file in files]
    prepare(plans)
    return plans


def diff_files(files: Iterable[BankFile]) -> list[BankDiff]:
    """What importing ``files`` would change, without changing anything."""
    return [plan.diff for plan in plan_import(files)]


@collector_paused
def apply_import(plans: Sequence[BankPlan]) -> list[BankDiff]:
    """Write planned imports in one transaction; ``ImportConflict`` if a bank changed since
    its plan was made (nothing is written then)."""
    apply_plans(plans)
    return [plan.diff for plan in plans]


def import_files(files: Iterable[BankFile]) -> list[BankDiff]:
    """Plan, then write, the import of ``files`` (one transaction)."""
    return apply_import(plan_import(files))


def import_paths(paths: Iterable[str | Path], max_bytes: int) -> list[BankDiff]:
    """Read every bank under ``paths`` and import them (``BankError`` if any is bad)."""
    return import_files(read_bank_files(paths, max_bytes))


__all__ = [
    "BankDiff",
    "BankFile",
    "BankPlan",
    "ChangedQuestion",
    "ImportConflict",
    "apply_import",
    "diff_files",
    "file_hash",
    "import_files",
    "import_paths",
    "plan_import",
    "read_bank_bytes",
    "read_bank_files",
]
