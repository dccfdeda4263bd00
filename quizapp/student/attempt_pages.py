"""What the attempt page and the summary show: each question of a page (rendered once per key
and kept, ``question_html``), which page each question stands on, its state in the navigator
(answered, flagged), and the review flags a page sent.

Only whether a question is answered ever reaches the page, never whether it is right.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import current_app, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from quizapp.attempts import PageAttempt, PageSlot, is_answered, slot_field_prefix
from quizapp.i18n import N_, page_translations, time_zone_label
from quizapp.models import Attempt, AttemptSlot
from quizapp.paging import Paging
from quizapp.qtypes import InvalidResponse, QuestionBase
from quizapp.question_language import language_name
from quizapp.questions import quiz_settings, shown_question, version_languages
from quizapp.student import question_html


def paging_of(attempt: Attempt | PageAttempt) -> Paging:
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
_QUESTION = N_("Question %(position)s")
_MARKS = N_("(%(value)s mark%(s)s)")
_FLAG = N_("Flag question %(position)s for review before you submit")

_PAGE_TEXTS = {
    "attempt": N_("attempt"),
    "questions_count": N_("%(navigator)s question%(s)s"),
    "per_page": N_(", %(size)s to a page: this is page %(page)s of %(pages)s"),
    "saved_as_you_go": N_(
        ". Your answers are saved as you go, and when you press “Save and continue later” or "
        "change page."
    ),
    "page_of": N_("Page %(page)s of %(pages)s"),
    "save": N_("Save and continue later"),
    "previous": N_("Previous page"),
    "next": N_("Next page"),
    "done": N_("Done? The summary shows every question's state before you submit."),
    "finish": N_("Finish attempt…"),
    "questions": N_("Questions"),
    "of_answered": N_("of %(navigator)s answered"),
    "answered": N_("answered"),
    "not_answered": N_("not answered"),
    "flagged": N_("flagged"),
    "question_state": _QUESTION_STATE,
    "flagged_suffix": _FLAGGED,
    "question": _QUESTION,
    "marks": _MARKS,
    "flag": _FLAG,
}
"""The attempt page's, its navigator's and its questions' fixed texts (``page_texts``): the
ones every page shows, looked up once per catalogue rather than a dozen times on every page."""

_kept_texts: weakref.WeakKeyDictionary[Any, SimpleNamespace] = weakref.WeakKeyDictionary()


def page_texts() -> SimpleNamespace:
    """The fixed texts of the attempt page in the page's language (``t.save``, ...), each as a
    template's ``_()`` makes it: the catalogue's text as ``Markup``, so that the values a
    template fills in with ``%`` are escaped. Kept per catalogue object, so a page in another
    language (the account's language changed, a browser asking for another) gets that
    language's table at once; a catalogue is the same object for the life of the process."""
    translations = page_translations()
    texts = _kept_texts.get(translations)
    if texts is None:
        texts = SimpleNamespace(
            **{
                name: Markup(translations.ugettext(message))  # noqa: S704  (our own catalogue)
                for name, message in _PAGE_TEXTS.items()
            },
            question_labels={},
        )
        _kept_texts[translations] = texts
    return texts


def navigator(attempt: Attempt | PageAttempt, paging: Paging, page: int | None) -> list[NavItem]:
    """Every question with its state and a link to it (on ``page``, a link within the page).

    The texts come from ``page_texts`` (kept per catalogue), not looked up per question; each
    label is the catalogue's text with its values escaped, as a template's ``_()`` makes it,
    kept with the texts by position and state (``question_labels``: two a position, as many
    positions as the longest quiz): ``Markup``'s ``%`` escapes through a helper object per
    value, and it was most of the navigator's time (docs/performance.md, "Session 19").
    A link to another page is that page's address, built once per page, and the question's
    anchor (which needs no quoting): a ``url_for`` for each question was a third of the
    102-question exam page's profile, and the page costs 5% less CPU without them
    (docs/performance.md, "Session 16")."""
    texts = page_texts()
    question_state, flagged_text = texts.question_state, texts.flagged_suffix
    states = {True: texts.answered, False: texts.not_answered}
    labels: dict[tuple[int, bool], Markup] = texts.question_labels
    page_links: dict[int, str] = {}
    items = []
    for slot in attempt.slots:
        slot_page = paging.page_of(slot.position)
        anchor = f"question-{slot.position}"
        if slot_page == page:
            href = f"#{anchor}"
        else:
            link = page_links.get(slot_page)
            if link is None:
                link = page_links[slot_page] = url_for(
                    "student.attempt",
                    attempt_id=attempt.id,
                    page=slot_page if paging.pages > 1 else None,
                )
            href = f"{link}#{anchor}"
        answered = is_answered(slot)
        flagged = slot.flagged
        state = states[answered]
        label = labels.get((slot.position, answered))
        if label is None:
            label = question_state % {"position": slot.position, "state": state}
            labels[slot.position, answered] = label
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


@dataclass(frozen=True, slots=True)
class NavigatorCounts:
    """How many questions the navigator shows answered and flagged."""

    answered: int
    flagged: int

    @classmethod
    def of(cls, items: Sequence[NavItem]) -> NavigatorCounts:
        return cls(
            answered=sum(item.answered for item in items),
            flagged=sum(item.flagged for item in items),
        )


def navigator_list(items: Sequence[NavItem]) -> Markup:
    """The navigator's rows (``<li>``s) by ``student/attempt_navigator.html``, kept once
    rendered, the whole list under one key and each row under its own: a reopened page finds
    the list in one look-up, and a page after one answer changed renders one row. The rows
    rendered by the template were about a third of the page's template time
    (docs/performance.md, session 6). A key holds all a row shows; its label carries the
    page's language."""
    keep = question_html.keeper()
    several_pages = bool(items) and items[-1].page > 1

    def row(item: NavItem) -> tuple[tuple[Any, ...], Callable[[], Markup]]:
        current = item.on_this_page and several_pages
        key = (item.href, item.css, item.position, current, str(item.label))
        return key, lambda: _macros("student/attempt_navigator.html").row(item, current)

    rows = [row(item) for item in items]
    return keep(
        ("navigator-list", *(key for key, _render in rows)),
        lambda: Markup("\n").join(keep(("navigator-row", *key), render) for key, render in rows),
    )


def navigator_save_texts() -> Markup:
    """The navigator's status line with the texts static/attempt.js says after a save, in the
    page's language: the same on every attempt page of that language and time zone, so kept
    once rendered (a dozen look-ups in the catalogue otherwise, on every page)."""
    key = ("navigator-save-texts", str(get_locale()), time_zone_label())
    return question_html.keeper()(
        key, lambda: _macros("student/attempt_navigator.html").save_texts()
    )


class _Macros:
    """A template's macros, each returning its HTML as ``Markup`` (autoescaped)."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Callable[..., Markup]:
        macro = getattr(self._module, name)
        return lambda *args: Markup(macro(*args))  # noqa: S704  (autoescaped)


def _macros(template: str) -> _Macros:
    """The macros of ``template``, looked up only when a kept fragment must be rendered."""
    return _Macros(current_app.jinja_env.get_template(template).module)


@dataclass(frozen=True, slots=True)
class QuestionItem:
    """One question of the attempt page, as ``student/attempt_question.html`` reads it
    (attributes, not dict keys: Jinja looks an attribute up first, so a dict would cost a
    failed lookup per use)."""

    slot: AttemptSlot | PageSlot
    question: QuestionBase
    view: dict[str, Any]
    prefix: str
    response: dict[str, Any]
    languages: list[str]
    """The question's languages, for the switch (none for a question in one language)."""
    heading: Markup
    """"Question 3", "(2 marks)" and the flag's label: made with ``QuestionTexts``."""
    points: Markup
    flag_label: Markup


@dataclass(frozen=True, slots=True)
class QuestionTexts:
    """The texts written beside every question of the attempt page, from ``page_texts`` (kept
    per catalogue) rather than looked up three times per question (60 lookups on a page of
    20); filled in as a template's ``_()`` fills them: the catalogue's text, values escaped."""

    question: Markup
    marks: Markup
    flag: Markup

    @classmethod
    def of_page(cls) -> QuestionTexts:
        texts = page_texts()
        return cls(texts.question, texts.marks, texts.flag)

    def item(self, slot: AttemptSlot | PageSlot, response: dict[str, Any]) -> QuestionItem:
        """The page's item for ``slot``, with its saved ``response``."""
        position, mark = slot.position, slot.max_mark
        question = shown_question(slot)
        return QuestionItem(
            slot=slot,
            question=question,
            view=question.public_view(slot.layout),
            prefix=slot_field_prefix(slot),
            response=response,
            languages=version_languages(slot.question_version),
            heading=self.question % {"position": position},
            points=self.marks % {"value": f"{mark:g}", "s": "s" if mark != 1 else ""},
            flag_label=self.flag % {"position": position},
        )


@dataclass(frozen=True, slots=True)
class PageQuestion:
    """A question as the attempt page shows it: its HTML, and the slot and saved response
    that a refused save compares with what the student typed."""

    slot: AttemptSlot | PageSlot
    response: dict[str, Any]
    html: Markup


def page_questions(attempt: Attempt | PageAttempt, positions: set[int]) -> list[PageQuestion]:
    """The questions of the attempt at ``positions``, each rendered by
    ``student/attempt_question.html`` or taken from ``question_html`` when the same was
    rendered before.

    The key holds everything that fieldset shows: the question version and the language it is
    shown in (text, choices, the languages to switch to), the layout (the choices' order), the
    position (field names, "Question 3"), the marks, the flag, the saved response (checked,
    selected, typed), the page's language (the texts around), and for a question in several
    languages the attempt and the site's root (the switch's links). No correct answer or
    feedback is in it: the fieldset shows the question's public view only.

    The switch's links are the attempt's address, built once per page, with the question's
    ``lang_q<position>`` query: a ``url_for`` for each other language of each question was
    a tenth of the profile of a page whose questions were not kept (docs/performance.md,
    "Session 16")."""
    # Made at the first question not kept: the texts beside each question, and the attempt's
    # address, to which the language switch's links add their query.
    made: list[tuple[QuestionTexts, str]] = []
    page_language = str(get_locale())
    keep = question_html.keeper()
    script_root = request.script_root
    questions = []
    for slot in attempt.slots:
        if slot.position not in positions:
            continue
        response = slot.answer.response if slot.answer else {}
        version = slot.question_version
        several = len(version_languages(version)) > 1
        key = (
            "attempt-question",
            version.content_hash,
            slot.language or "",
            question_html.canonical(slot.layout),
            slot.position,
            float(slot.max_mark),
            bool(slot.flagged),
            question_html.canonical(response),
            page_language,
            (attempt.id, script_root) if several else None,
        )

        def render(
            slot: AttemptSlot | PageSlot = slot, response: dict[str, Any] = response
        ) -> Markup:
            if not made:
                attempt_url = url_for("student.attempt", attempt_id=attempt.id)
                made.append((QuestionTexts.of_page(), attempt_url))
            texts, attempt_url = made[0]
            return _macros("student/attempt_question.html").fieldset(
                texts.item(slot, response), attempt_url, language_name
            )

        questions.append(PageQuestion(slot=slot, response=response, html=keep(key, render)))
    return questions
