"""What the attempt page and the summary show beside the questions: which page each question
stands on, its state in the navigator (answered, flagged), and the review flags a page sent.

Only whether a question is answered ever reaches the page, never whether it is right.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from quizapp.attempts import is_answered
from quizapp.i18n import N_, page_translations
from quizapp.models import Attempt
from quizapp.paging import Paging
from quizapp.qtypes import InvalidResponse
from quizapp.questions import quiz_settings


def paging_of(attempt: Attempt) -> Paging:
    """The pages of an attempt, by its quiz's ``per_page`` and its number of questions."""
    return Paging.of(quiz_settings(attempt.quiz).per_page, len(attempt.slots))


def flags_of(values: Iterable[str], positions: Sequence[int]) -> dict[int, bool]:
    """The review flag of each question on the page, from its ticked ``flagged`` boxes.

    A value that is not a question of the page is refused (InvalidResponse), like an answer
    never offered."""
    ticked = set()
    for value in values:
        if not (value.isascii() and value.isdigit() and len(value) < 7) or (
            int(value) not in positions
        ):
            raise InvalidResponse(f"'{value[:20]}' is not a question of this page to flag")
        ticked.add(int(value))
    return {position: position in ticked for position in positions}


def changed_positions(
    attempt: Attempt,
    responses: Mapping[int, Mapping[str, Any]],
    flags: Mapping[int, bool] | None,
) -> list[int]:
    """The questions whose answer or flag this save changes, in order."""
    changed = []
    for slot in attempt.slots:
        saved = slot.answer.response if slot.answer else {}
        new = responses.get(slot.position, saved)
        flag_changed = flags is not None and flags.get(slot.position, slot.flagged) != slot.flagged
        if dict(new) != saved or flag_changed:
            changed.append(slot.position)
    return changed


def states_after_save(
    attempt: Attempt,
    responses: Mapping[int, Mapping[str, Any]],
    flags: Mapping[int, bool] | None,
) -> list[dict[str, Any]]:
    """Each question's navigator state once a save is stored (for the script's JSON)."""
    return [
        {
            "position": slot.position,
            "answered": bool(responses.get(slot.position)),
            "flagged": (flags or {}).get(slot.position, slot.flagged),
        }
        for slot in attempt.slots
    ]


@dataclass(frozen=True, slots=True)
class NavItem:
    """One question in the navigator, with its markup's class and label made here: the
    template writes each row with three lookups instead of four tests and two texts (the
    navigator of 20 to 40 rows was a quarter of the attempt page's template time)."""

    position: int
    page: int
    answered: bool
    flagged: bool
    on_this_page: bool
    href: str
    state: str
    """The state in words, for the navigator's and the summary's text."""
    css: str
    """The link's classes: ``qnav``, and ``qnav-answered`` and ``qnav-flagged`` as they apply."""
    label: Markup
    """The link's ``aria-label``: "Question 3, answered, flagged"."""


_QUESTION_STATE = N_("Question %(position)s, %(state)s")
_FLAGGED = N_(", flagged")


def navigator(attempt: Attempt, paging: Paging, page: int | None) -> list[NavItem]:
    """Every question with its state and a link to it (on ``page``, a link within the page).

    The texts are looked up once per page, not once per question; each label is the
    catalogue's text with its values escaped, as a template's ``_()`` makes it."""
    texts = page_translations()
    question_state = Markup(texts.ugettext(_QUESTION_STATE))  # noqa: S704  (our own catalogue)
    flagged_text = Markup(texts.ugettext(_FLAGGED))  # noqa: S704
    states = {True: _("answered"), False: _("not answered")}
    items = []
    for slot in attempt.slots:
        slot_page = paging.page_of(slot.position)
        anchor = f"question-{slot.position}"
        href = (
            f"#{anchor}"
            if slot_page == page
            else url_for(
                "student.attempt",
                attempt_id=attempt.id,
                page=slot_page if paging.pages > 1 else None,
                _anchor=anchor,
            )
        )
        answered = is_answered(slot)
        flagged = slot.flagged
        state = states[answered]
        label = question_state % {"position": slot.position, "state": state}
        items.append(
            NavItem(
                position=slot.position,
                page=slot_page,
                answered=answered,
                flagged=flagged,
                on_this_page=slot_page == page,
                href=href,
                state=state,
                css="qnav"
                + (" qnav-answered" if answered else "")
                + (" qnav-flagged" if flagged else ""),
                label=label + flagged_text if flagged else label,
            )
        )
    return items
