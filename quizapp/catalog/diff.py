"""What importing a bank changes (or would change): the teacher's preview and the CLI's report."""

from __future__ import annotations

from dataclasses import dataclass, field

from quizapp.catalog.field_diff import FieldChange


@dataclass
class ChangedQuestion:
    key: str
    attempts_on_old_version: int
    fields: list[FieldChange] = field(default_factory=list)
    """What changed from the current version, field by field (see ``field_diff``)."""


@dataclass
class BankDiff:
    """What importing a bank changes (or would change)."""

    slug: str
    is_new_bank: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[ChangedQuestion] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    quizzes_added: list[str] = field(default_factory=list)
    quizzes_changed: list[str] = field(default_factory=list)
    quizzes_removed: list[str] = field(default_factory=list)
    details_changed: bool = False

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.is_new_bank
            or self.added
            or self.changed
            or self.removed
            or self.quizzes_added
            or self.quizzes_changed
            or self.quizzes_removed
            or self.details_changed
        )

    def summary(self) -> str:
        if not self.changes_anything:
            return f"{self.slug}: unchanged ({self.unchanged} questions)"
        parts = [
            f"{len(self.added)} added",
            f"{len(self.changed)} changed",
            f"{len(self.removed)} retired",
            f"{self.unchanged} unchanged",
        ]
        quizzes = len(self.quizzes_added) + len(self.quizzes_changed)
        return f"{self.slug}: questions {', '.join(parts)}; quizzes {quizzes} added or changed"
