"""Which questions of an attempt stand on which page (pure: no Flask, no database).

A quiz may set ``per_page``; without it a short quiz stays on one page (reading it all at
once is quicker than paging), and a long one (the 102-question exam) is cut into pages of
``LONG_QUIZ_PER_PAGE``, so a phone never loads a hundred questions and the navigator stays
usable.
"""

from __future__ import annotations

from dataclasses import dataclass

ONE_PAGE_UP_TO = 20
"""A quiz without ``per_page`` and at most this many questions is shown on one page."""

LONG_QUIZ_PER_PAGE = 10
"""Questions per page of a longer quiz without ``per_page``."""


def page_size(per_page: int | None, questions: int) -> int:
    """Questions per page for a quiz's setting and an attempt's number of questions."""
    if per_page is not None:
        return per_page
    if questions <= ONE_PAGE_UP_TO:
        return max(questions, 1)
    return LONG_QUIZ_PER_PAGE


@dataclass(frozen=True)
class Paging:
    """The pages of one attempt: slot positions 1..``questions``, ``size`` to a page."""

    questions: int
    size: int

    @classmethod
    def of(cls, per_page: int | None, questions: int) -> Paging:
        return cls(questions, page_size(per_page, questions))

    @property
    def pages(self) -> int:
        return max(1, -(-self.questions // self.size))

    def page_of(self, position: int) -> int:
        """The page a slot position stands on."""
        return (position - 1) // self.size + 1

    def positions(self, page: int) -> range:
        """The slot positions on ``page`` (1-based; the caller keeps it within ``pages``)."""
        first = (page - 1) * self.size + 1
        return range(first, min(first + self.size, self.questions + 1))

    def clamp(self, page: int) -> int:
        """A page number within the attempt (a link to page 99 of 3 shows page 3)."""
        return min(max(page, 1), self.pages)
