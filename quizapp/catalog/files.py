"""Bank files read for import, with the bytes' hash compared before any parsing.

A bank's ``content_hash`` in the database is the hash of the exact file it was last imported
from. A file whose bytes hash to that value is the bank as imported: it is not read as YAML
again, so re-importing an unchanged folder of banks costs a hash and one query, not a parse.
Any other file is read, validated and cross-checked by the bank loader, all before the
database is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from quizapp.bank.errors import BankError, Problem, first_problems
from quizapp.bank.loader import find_bank_files, load_bank_bytes
from quizapp.bank.models import Bank as BankModel
from quizapp.bank.reader import size_problem
from quizapp.catalog.collector import collector_paused
from quizapp.extensions import db
from quizapp.models import Bank

HASH_PREFIX = b"quizapp bank file 1\x00"
"""Mixed into every file hash: change it when the reading rules change what a file means, and
every bank is read again on its next import."""


def file_hash(data: bytes) -> str:
    """The hash stored as ``Bank.content_hash``: the exact bytes of the imported file."""
    return hashlib.sha256(HASH_PREFIX + data).hexdigest()


@dataclass(frozen=True)
class BankFile:
    """One bank file on its way into the catalog.

    ``bank`` is the validated bank, or ``None`` when the file's bytes are exactly those last
    imported as ``slug`` (nothing to read, nothing to change).
    """

    origin: str
    content_hash: str
    slug: str
    bank: BankModel | None

    @property
    def unchanged(self) -> bool:
        return self.bank is None


def _imported_hashes(hashes: Iterable[str]) -> dict[str, str]:
    """Bank slug by content hash, for the hashes that name a bank as last imported."""
    wanted = list(dict.fromkeys(hashes))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Bank.content_hash, Bank.slug).where(Bank.content_hash.in_(wanted))
    )
    return dict(rows.all())


@collector_paused
def read_bank_bytes(data: bytes, filename: str, origin: str, max_bytes: int) -> BankFile:
    """One bank from bytes (an upload); ``BankError`` lists every problem."""
    if len(data) > max_bytes:
        raise BankError([size_problem(len(data), filename, max_bytes)])
    digest = file_hash(data)
    slug = _imported_hashes([digest]).get(digest)
    if slug is not None:
        return BankFile(origin, digest, slug, None)
    bank = load_bank_bytes(data, filename, max_bytes)
    return BankFile(origin, digest, bank.bank, bank)


@collector_paused
def read_bank_files(paths: Iterable[str | Path], max_bytes: int) -> list[BankFile]:
    """Every bank file under ``paths``, the problems of all files reported together.

    As with the loader, two files declaring the same ``bank:`` id are an error (the second
    would replace the first), whether or not either file changed.
    """
    problems: list[Problem] = []
    total = 0
    """Every problem counted; ``problems`` keeps the first ones (a hostile file has thousands)."""
    contents: list[tuple[Path, bytes]] = []
    for path in find_bank_files(paths):
        try:
            size = path.stat().st_size
            if size > max_bytes:
                # Refuse before reading: the size check must not cost the memory it protects.
                problems.append(size_problem(size, str(path), max_bytes))
                total += 1
                continue
            contents.append((path, path.read_bytes()))
        except OSError as error:
            problems.append(Problem(str(path), 1, 1, f"cannot read the file: {error.strerror}"))
            total += 1

    hashes = {path: file_hash(data) for path, data in contents}
    imported = _imported_hashes(hashes.values())
    files: list[BankFile] = []
    first_file: dict[str, str] = {}
    for path, data in contents:
        digest = hashes[path]
        slug = imported.get(digest)
        bank = None
        if slug is None:
            try:
                bank = load_bank_bytes(data, str(path), max_bytes)
            except BankError as error:
                problems = first_problems([*problems, *error.problems])
                total += error.total
                continue
            slug = bank.bank
        if slug in first_file:
            total += 1
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    f"bank id '{slug}' is already used by {first_file[slug]}; "
                    "give every bank its own id",
                )
            )
            continue
        first_file[slug] = str(path)
        files.append(BankFile(str(path), digest, slug, bank))
    if problems:
        raise BankError(problems, total)
    return files
