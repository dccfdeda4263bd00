"""Attempts: start (freeze the layout), save answers, submit once, grade.

Each function that writes is one transaction and commits itself; views only call them.
An attempt is graded against the question versions it was started with.
"""

from __future__ import annotations

import functools
import random
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Row,
    Select,
    Update,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from quizapp import write_batches
from quizapp.answer_store import (
    SlotAnswer,
    answer_statements,
    flag_statements,
    update_attempt,
    write_answers,
)
from quizapp.bank.models import Quiz as QuizSettings
from quizapp.bank.models import TagSelector
from quizapp.classes.rules import (
    Applied,
    applied_for,
    applied_from_rows,
    applied_settings,
    assignments_of,
    deadline_for,
)
from quizapp.database import begin_write, give_way_to_a_writer
from quizapp.extensions import db
from quizapp.grade_events import announce
from quizapp.i18n import local_datetime, reason, time_zone_label
from quizapp.login_sessions import LIVE_LOGIN
from quizapp.models import (
    SEED_BITS,
    Answer,
    Assignment,
    Attempt,
    AttemptSlot,
    LtiResourceLink,
    Question,
    QuestionVersion,
    Quiz,
    User,
    now_utc,
)
from quizapp.postgres_submit import save_statements, submit_statements
from quizapp.practice import schedule as schedule_practice
from quizapp.practice import schedule_statements
from quizapp.prepared_writes import ReadyStatement, on_postgresql, ready
from quizapp.qtypes import InvalidResponse, QuestionBase
from quizapp.qtypes.languages import LanguageChooser, chosen_language
from quizapp.questions import (
    VERSION_WITHOUT_DATA,
    parse_versions,
    question_from_version,
    quiz_settings,
    shown_question,
    version_languages,
)
from quizapp.translatable import Msg

LATE_GRACE = timedelta(seconds=10)
"""A submission this late after the deadline still counts (the request was on its way)."""


class AttemptRefused(Exception):
    """An action the quiz's rules do not allow; the message is meant for the student."""

    status_code = 409


class QuizNotOpen(AttemptRefused):
    status_code = 403


class NoAttemptsLeft(AttemptRefused):
    status_code = 403


# -- choosing the questions ---------------------------------------------------------------


def choose_questions(
    settings: QuizSettings, live: Sequence[QuestionBase], rng: random.Random
) -> list[QuestionBase]:
    """The questions of one attempt: the quiz's selection, pools and draw, maybe shuffled;
    never two questions of one of the quiz's ``exclusive`` groups. Drafts (``draft: true``) are
    never among them: a teacher has not accepted them yet."""
    live = [question for question in live if not question.draft]
    groups = [{q.id for q in _select(group, live)} for group in settings.exclusive or []]
    sample = _sampler(groups) if groups else _plain_sample
    if settings.pools:
        chosen: list[QuestionBase] = []
        for pool in settings.pools:
            candidates = [q for q in _select(pool.questions, live) if q not in chosen]
            picked = sample(candidates, pool.draw, rng, chosen)
            chosen.extend(sorted(picked, key=live.index))
    else:
        chosen = _select(settings.questions, live)
        if groups and not settings.draw:
            picked = sample(chosen, len(chosen), rng, [])
            chosen = sorted(picked, key=chosen.index)
        elif settings.draw:
            picked = sample(chosen, settings.draw, rng, [])
            chosen = sorted(picked, key=chosen.index)
    if settings.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def quiz_selection(settings: QuizSettings, live: Sequence[QuestionBase]) -> list[QuestionBase]:
    """Every question an attempt at the quiz could draw (each pool's, or the quiz's
    selection), in the bank's order: which quizzes use a question, for the bank's page."""
    if not settings.pools:
        return _select(settings.questions, live)
    wanted = {id(q) for pool in settings.pools for q in _select(pool.questions, live)}
    return [question for question in live if id(question) in wanted]


Sampler = Callable[[list[QuestionBase], int, random.Random, list[QuestionBase]], list[QuestionBase]]
"""(candidates, how many, rng, already chosen) -> the drawn questions."""


def _plain_sample(
    candidates: list[QuestionBase], count: int, rng: random.Random, chosen: list[QuestionBase]
) -> list[QuestionBase]:
    """A random sample (as every draw was before exclusive groups: same seed, same draw)."""
    return rng.sample(candidates, min(count, len(candidates)))


def _sampler(groups: list[set[str]]) -> Sampler:
    """A draw that skips any question sharing an exclusive group with one already chosen:
    the candidates in random order, each taken unless a chosen one excludes it."""

    def sample(
        candidates: list[QuestionBase],
        count: int,
        rng: random.Random,
        chosen: list[QuestionBase],
    ) -> list[QuestionBase]:
        blocked: set[str] = set()
        for question in chosen:
            blocked |= _partners(question.id, groups)
        order = list(candidates)
        rng.shuffle(order)
        picked: list[QuestionBase] = []
        for question in order:
            if len(picked) == count:
                break
            if question.id in blocked:
                continue
            picked.append(question)
            blocked |= _partners(question.id, groups)
        return picked

    return sample


def _partners(question_id: str, groups: list[set[str]]) -> set[str]:
    """The ids a question excludes: every member of its groups (itself included)."""
    return {question_id}.union(*(group for group in groups if question_id in group))


def _select(
    selector: list[str] | TagSelector | None, live: Sequence[QuestionBase]
) -> list[QuestionBase]:
    if selector is None:
        return list(live)
    if isinstance(selector, TagSelector):
        wanted = set(selector.tags)
        return [question for question in live if wanted & set(question.tags)]
    by_id = {question.id: question for question in live}
    return [by_id[key] for key in selector if key in by_id]


def live_versions(quiz: Quiz) -> list[QuestionVersion]:
    """The current version of every question of the quiz's bank that is not retired."""
    return list(
        db.session.scalars(
            select(QuestionVersion)
            .join(Question, QuestionVersion.question_id == Question.id)
            .where(
                Question.bank_id == quiz.bank_id,
                Question.retired.is_(False),
                QuestionVersion.version == Question.current_version,
            )
            .order_by(Question.id)
        )
    )


# -- what a student may do ----------------------------------------------------------------


def closed_reason(
    quiz: Quiz, settings: QuizSettings | None = None, now: datetime | None = None
) -> str | None:
    """Why the quiz cannot be attempted now, or None when it is open. ``settings`` are those
    that apply to the student (``classes.rules``); without them, the bank's."""
    settings = settings or quiz_settings(quiz)
    now = now or now_utc()
    if quiz.retired:
        return _("This quiz has been withdrawn.")
    if settings.opens and now < settings.opens:
        return _(
            "This quiz opens on %(opens)s (%(zone)s).",
            opens=local_datetime(settings.opens),
            zone=time_zone_label(),
        )
    if settings.closes and now >= settings.closes:
        return _(
            "This quiz closed on %(closes)s (%(zone)s).",
            closes=local_datetime(settings.closes),
            zone=time_zone_label(),
        )
    return None


def attempts_of(user: User, quiz: Quiz) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(
                Attempt.user_id == user.id,
                Attempt.quiz_id == quiz.id,
                Attempt.is_practice.is_(False),
            )
            .order_by(Attempt.started_at, Attempt.id)
        )
    )


def attempts_by_quiz(user: User) -> dict[int, list[Attempt]]:
    """The student's attempts at every quiz (not practice), oldest first, in one statement."""
    grouped: dict[int, list[Attempt]] = {}
    for attempt in db.session.scalars(
        select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.is_practice.is_(False))
        .order_by(Attempt.started_at, Attempt.id)
    ):
        grouped.setdefault(attempt.quiz_id or 0, []).append(attempt)
    return grouped


def attempts_left(user: User, quiz: Quiz, applied: Applied | None = None) -> int | None:
    """How many more attempts the student may start (by the settings that apply to them,
    override included); None means no limit."""
    applied = applied or applied_settings(user.id, quiz)
    allowed = applied.settings.attempts
    if allowed is None:
        return None
    used = db.session.scalar(
        select(func.count(Attempt.id)).where(
            Attempt.user_id == user.id,
            Attempt.quiz_id == quiz.id,
            Attempt.is_practice.is_(False),
        )
    )
    return max(0, allowed - (used or 0))


def unfinished_attempt(user: User, quiz: Quiz) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.user_id == user.id,
            Attempt.quiz_id == quiz.id,
            Attempt.submitted_at.is_(None),
            Attempt.is_practice.is_(False),
        )
    )


def start_attempt(
    user: User, quiz: Quiz, choose_language: LanguageChooser | None = None
) -> Attempt:
    """Resume the student's unfinished attempt, or start a new one with a frozen layout (and
    each translated question in the language ``choose_language`` picks)."""
    expire_overdue(user)
    begin_write()
    # One start at a time per student (a double click must not make two attempts).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    existing = unfinished_attempt(user, quiz)
    if existing is not None:
        db.session.commit()
        return existing
    applied = applied_settings(user.id, quiz)
    if not applied.visible:
        db.session.rollback()
        raise QuizNotOpen(_("This quiz is not assigned to any of your classes."))
    settings = applied.settings
    reason = closed_reason(quiz, settings)
    if reason:
        db.session.rollback()
        raise QuizNotOpen(reason)
    if attempts_left(user, quiz, applied) == 0:
        db.session.rollback()
        raise NoAttemptsLeft(_("You have used every attempt this quiz allows."))

    seed = secrets.randbits(SEED_BITS)
    rng = random.Random(seed)
    versions = live_versions(quiz)
    live = [question_from_version(version) for version in versions]
    version_of = {question.id: version for question, version in zip(live, versions, strict=True)}
    chosen = choose_questions(settings, live, rng)
    if not chosen:
        db.session.rollback()
        raise QuizNotOpen(_("This quiz has no questions yet."))

    now = now_utc()
    attempt = Attempt(
        user_id=user.id,
        quiz_id=quiz.id,
        seed=seed,
        started_at=now,
        deadline=deadline_for(settings, now),
    )
    db.session.add(attempt)
    for position, question in enumerate(chosen, start=1):
        attempt.slots.append(
            AttemptSlot(
                position=position,
                question_version=version_of[question.id],
                layout=question.new_layout(rng, shuffle=settings.shuffle_choices),
                max_mark=question.points,
                language=chosen_language(question, choose_language),
            )
        )
    attempt.max_marks = sum(question.points for question in chosen)
    db.session.commit()
    return attempt


# -- answering ----------------------------------------------------------------------------


def slot_field_prefix(slot: AttemptSlot) -> str:
    return f"q{slot.position}-"


def read_form(attempt: Attempt, form: Mapping[str, Sequence[str]]) -> dict[int, dict[str, Any]]:
    """Each slot's response from the submitted form (fields named ``q<position>-<field>``).

    Raises InvalidResponse, naming the question, when a value was never offered.
    """
    fields: dict[int, dict[str, list[str]]] = {}
    for name, values in form.items():
        head, _dash, rest = name.partition("-")
        if head[:1] == "q" and head[1:].isascii() and head[1:].isdigit() and len(head) < 8:
            fields.setdefault(int(head[1:]), {})[rest] = list(values)
    responses: dict[int, dict[str, Any]] = {}
    for slot in attempt.slots:
        question = question_from_version(slot.question_version)
        try:
            responses[slot.position] = question.read_response(
                fields.get(slot.position, {}), slot.layout
            )
        except InvalidResponse as error:
            raise InvalidResponse(
                _(
                    "Question %(position)s: %(problem)s",
                    position=slot.position,
                    problem=reason(error),
                )
            ) from error
    return responses


_LOAD_ATTEMPT = (
    select(Attempt)
    .where(Attempt.id == bindparam("attempt_id"))
    .options(joinedload(Attempt.quiz).undefer(Quiz.open_book))  # type: ignore[attr-defined]
)
_LOAD_SLOTS = (
    select(AttemptSlot)
    .where(AttemptSlot.attempt_id == bindparam("attempt_id"))
    .order_by(AttemptSlot.position)
    .options(
        joinedload(AttemptSlot.question_version).options(VERSION_WITHOUT_DATA),
        joinedload(AttemptSlot.answer),
    )
)
"""Built once: building them (their options and their paths) cost a third of a millisecond on
every page and action of an attempt, before SQLAlchemy found them compiled in its cache. The
slots are read by a statement of their own rather than ``selectinload``, whose loader builds
its statement's cache key again on every load."""


def load_attempt(attempt_id: int) -> Attempt | None:
    """An attempt with its quiz, slots, question versions and answers, in two statements, so
    no page or action on it runs a statement per question. The versions' JSON is read only for
    those this process has not parsed yet (one more statement, see ``parse_versions``)."""
    params = {"attempt_id": attempt_id}
    attempt = db.session.scalar(_LOAD_ATTEMPT, params)
    if attempt is not None:
        slots = list(db.session.scalars(_LOAD_SLOTS, params).unique())
        set_committed_value(attempt, "slots", slots)
        parse_versions(slot.question_version for slot in slots)
    return attempt


# -- the attempt page's read-only load ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageQuiz:
    """What the attempt page and the class rules read of a quiz (``applied_settings`` takes
    it where it takes a ``Quiz``: id, settings, retired)."""

    id: int
    bank_id: int
    title: str
    settings: dict[str, Any]
    retired: bool
    open_book: bool


@dataclass(frozen=True, slots=True)
class PageVersion:
    """A slot's question version as the page needs it: the parsed question is found by its
    content hash (``questions.question_from_version``, filled by ``parse_versions``)."""

    id: int
    content_hash: str


@dataclass(frozen=True, slots=True)
class PageAnswer:
    """A slot's saved response (``slot.answer.response``, as on an ``Answer``)."""

    response: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PageSlot:
    """One slot of an attempt as its page reads it: the attributes of an ``AttemptSlot`` the
    page, the navigator and ``shown_question`` use, and nothing that could be written."""

    position: int
    question_version: PageVersion
    layout: dict[str, Any]
    max_mark: float
    flagged: bool
    language: str | None
    answer: PageAnswer | None


@dataclass
class PageAttempt:
    """An open attempt as its page shows it, loaded as rows rather than ORM objects (the
    page only reads; a save or a submit reads a ``PostAttempt``, ``load_attempt_post``). It has
    the attributes of an ``Attempt`` that the page, its navigator and the rules of time
    (``applied_to``, ``due_at``, ``is_overdue``) read. Not slotted: ``applied_to`` keeps the
    class rules in its ``__dict__`` for the request, as on an ``Attempt``."""

    id: int
    user_id: int
    quiz_id: int | None
    deadline: datetime | None
    submitted_at: datetime | None
    sequence: int
    quiz: PageQuiz | None
    slots: list[PageSlot]

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def title(self) -> str | Msg:
        """As ``Attempt.title``: the quiz's title, or "Practice" in the reader's language."""
        return self.quiz.title if self.quiz is not None else Msg("Practice")


_attempts, _quizzes = Attempt.__table__.c, Quiz.__table__.c
_slots, _versions, _answers = (
    AttemptSlot.__table__.c,
    QuestionVersion.__table__.c,
    Answer.__table__.c,
)
_PAGE_ATTEMPT = (
    select(
        _attempts.id,
        _attempts.user_id,
        _attempts.quiz_id,
        _attempts.deadline,
        _attempts.submitted_at,
        _attempts.sequence,
        _quizzes.bank_id,
        _quizzes.title,
        _quizzes.settings,
        _quizzes.retired,
        Quiz.open_book.expression,  # type: ignore[attr-defined]
    )
    .select_from(Attempt.__table__.outerjoin(Quiz.__table__, _quizzes.id == _attempts.quiz_id))
    .where(_attempts.id == bindparam("attempt_id"))
)
_QUIZ_COLUMNS = 5
"""The quiz's columns in ``_PAGE_ATTEMPT``'s row, after the attempt's six (``PageQuiz``'s)."""
_PAGE_SLOTS = (
    select(
        _slots.position,
        _slots.question_version_id,
        _versions.content_hash,
        _slots.layout,
        _slots.max_mark,
        _slots.flagged,
        _slots.language,
        _answers.id,
        _answers.response,
    )
    .select_from(
        AttemptSlot.__table__.join(
            QuestionVersion.__table__, _versions.id == _slots.question_version_id
        ).outerjoin(
            Answer.__table__,
            and_(_answers.slot_id == _slots.id, _answers.attempt_id == bindparam("attempt_id")),
        )
    )
    .where(_slots.attempt_id == bindparam("attempt_id"))
    .order_by(_slots.position)
)
"""Built once, like ``_LOAD_ATTEMPT``; the same two reads, of the tables' columns, sent as
one statement (``_attempt_read``): run on the session's connection, they skip the ORM's
compile and result steps altogether. The answers are those of the attempt
(``answers.attempt_id``, indexed) as well as of its slots: PostgreSQL's planner otherwise read
the whole answers table to join it to twenty slots (a hash join: 0.4 ms of the server's time a
page with 4,000 answers, growing with them)."""


def load_attempt_page(attempt_id: int) -> PageAttempt | None:
    """An attempt with its quiz, slots, versions and saved responses, for its page, in one
    statement (and ``parse_versions``' one for versions not parsed yet), as rows: the ORM
    objects ``load_attempt`` makes (an attempt, a quiz, and a slot, version and answer per
    question) cost three times as much (1.1 ms against 0.34 for 20 questions,
    docs/performance.md, session 8), and the page writes nothing. The rows are read afresh
    on every request: nothing of an attempt is kept between requests."""
    return _load_as_rows(attempt_id, _PAGE_READ, _page_slot, PageAttempt)


def _page_slot(
    position: int,
    version_id: int,
    content_hash: str,
    layout: dict[str, Any],
    max_mark: float,
    flagged: bool,
    language: str | None,
    answer_id: int | None,
    response: dict[str, Any],
) -> PageSlot:
    """A row of ``_PAGE_SLOTS`` as a ``PageSlot``."""
    return PageSlot(
        position=position,
        question_version=PageVersion(version_id, content_hash),
        layout=layout,
        max_mark=max_mark,
        flagged=bool(flagged),
        language=language,
        answer=PageAnswer(response) if answer_id is not None else None,
    )


_Loaded = TypeVar("_Loaded", bound="PageAttempt")


@dataclass(frozen=True, slots=True)
class _AttemptRead:
    """An attempt, the class rules of its quiz and its slots in one statement
    (``_attempt_read``), and perhaps the request's login too."""

    statement: CompoundSelect
    attempt_columns: int
    """How many of a row's columns are the attempt's."""
    login_columns: int
    """How many columns after those are the login's (none unless it is read too)."""
    assignment_columns: int
    """How many columns after those are an assignment's (the rest: a slot's, then the part
    and the order)."""


_ATTEMPT_PART, _ASSIGNMENT_PART, _SLOT_PART = 0, 1, 2
"""A row of ``_attempt_read``'s statement is the attempt's, an assignment's or a slot's: its
last but one column says which."""


def _attempt_read(
    attempt: Select[Any], slots: Select[Any], login: Select[Any] | None = None
) -> _AttemptRead:
    """One statement of three reads: the attempt's row (``attempt``), the assignments of its
    quiz to its student's classes with their overrides (``rules.assignments_of``, for
    ``applied_to``), then its slots' rows (``slots``), as ``UNION ALL`` of rows as wide as all
    three, each part's columns empty (NULL, of the column's type: PostgreSQL takes a column's
    type from the first two parts that have one, and two bare NULLs make a text column) in the
    others' rows, ordered by part, then by assignment and by slot position.

    With ``login`` (``login_sessions.LIVE_LOGIN``) the first row is the request's login with
    the attempt joined to it (``_with_login``): there is no first row without a live login,
    and its attempt's columns are NULL if there is no such attempt (``read_with_login``).

    Why one: each statement is a round trip to PostgreSQL, and a round trip costs CPU on both
    sides (the server's process wakes for it and wakes the app's thread with the answer: about
    0.1 ms of the app's and 0.06 of the server's for a bare ``SELECT 1`` on this project's
    machine, more under load), besides SQLAlchemy's work for each execution; every attempt
    page, save and submit reads all three (docs/performance.md, "Session 13" and "Session
    15"), and the login besides ("Session 19"). Not a join of the attempt to each slot, which
    would send the quiz's settings (JSON) again with every slot, to be parsed again."""
    assignments = assignments_of(_attempts.user_id, _attempts.quiz_id).where(
        _attempts.id == bindparam("attempt_id")
    )
    first = attempt if login is None else _with_login(attempt, login)
    parts = (
        (first, literal(-1, Integer)),
        (assignments, Assignment.__table__.c.id),
        (slots, _slots.position),
    )
    columns = [list(part.selected_columns) for part, _ in parts]
    rows_of_parts = [
        part.with_only_columns(
            *(
                column if index == own else _empty(column, index, own)
                for index, part_columns in enumerate(columns)
                for column in part_columns
            ),
            literal_column(str(own), Integer).label("read_part"),
            order.label("read_order"),
        ).order_by(None)
        for own, (part, order) in enumerate(parts)
    ]
    every = union_all(*rows_of_parts)
    by = every.selected_columns
    attempt_columns = len(attempt.selected_columns)
    return _AttemptRead(
        every.order_by(by.read_part, by.read_order),
        attempt_columns,
        len(columns[0]) - attempt_columns,
        len(columns[1]),
    )


def _with_login(attempt: Select[Any], login: Select[Any]) -> Select[Any]:
    """``attempt``'s read joined to the login's: the login's row (none if no live login),
    with the attempt's columns, then the login's, the attempt's NULL where it has none of
    that id. One row, not a part of its own: a part's columns are written out again as NULL in
    every other part (and with a ``CAST`` in the first), and the statement of a save or a
    submit would have grown past the length psycopg keeps converted (``_empty``)."""
    (attempt_from,) = attempt.get_final_froms()
    (login_from,) = login.get_final_froms()
    return (
        select(*attempt.selected_columns, *login.selected_columns)
        .select_from(login_from.outerjoin(attempt_from, attempt.whereclause))
        .where(login.whereclause)  # type: ignore[arg-type]
    )


def _empty(column: ColumnElement[Any], part: int, row_of: int) -> ColumnElement[Any]:
    """The NULL that stands for ``column`` (of part ``part``) in the rows of part ``row_of``.

    Only the first part's rows say the column's type (SQLAlchemy reads a ``UNION``'s result by
    its first part's columns), and only for a column of a part after the second is the type
    written into the SQL (``CAST``): PostgreSQL takes a column's type from the first two parts
    that have one, and two bare NULLs would make it text. Everywhere else a bare ``NULL``,
    with no name in the rows after the first (``literal_column``: a ``UNION``'s columns are
    named by its first part; ``null()`` would be labelled ``NULL AS anon__12`` each time).
    Why not a ``CAST`` each: the statement is then short enough for psycopg to keep its
    conversion of the text (it converts afresh one of over 4,096 bytes at every execution;
    with a ``CAST`` for every empty column the attempt's read was 4,936)."""
    if row_of != 0:
        return literal_column("NULL")
    if part >= 2:
        return cast(null(), column.type)
    return type_coerce(null(), column.type)


def _load_as_rows(
    attempt_id: int,
    read: _AttemptRead,
    slot_of_row: Callable[..., Any],
    kind: type[_Loaded],
) -> _Loaded | None:
    """An attempt read by its one statement (``_PAGE_READ`` or ``_POST_READ``)."""
    rows = db.session.connection().execute(read.statement, {"attempt_id": attempt_id}).all()
    return _attempt_of_rows(rows, read, slot_of_row, kind)


def _attempt_of_rows(
    rows: Sequence[Row[Any]],
    read: _AttemptRead,
    slot_of_row: Callable[..., Any],
    kind: type[_Loaded],
) -> _Loaded | None:
    """The attempt in the rows of ``read``'s statement: the attempt's row with the quiz's
    columns, the rules that apply to it (kept for ``applied_to``), then a slot made of each
    slot's row by ``slot_of_row``; columns after the quiz's in the attempt's row go to
    ``kind``'s own fields. None if the attempt's row is not there (or, read with the login,
    is empty: no attempt of that id)."""
    if not rows or rows[0][-2] != _ATTEMPT_PART or rows[0][0] is None:
        return None
    attempt_end = read.attempt_columns
    assignment_start = attempt_end + read.login_columns
    slot_start = assignment_start + read.assignment_columns
    (id_, user_id, quiz_id, deadline, submitted_at, sequence, *rest) = rows[0][:attempt_end]
    quiz_columns, extra = rest[:_QUIZ_COLUMNS], rest[_QUIZ_COLUMNS:]
    quiz = PageQuiz(quiz_id, *quiz_columns) if quiz_id is not None else None
    slots = [slot_of_row(*row[slot_start:-2]) for row in rows if row[-2] == _SLOT_PART]
    parse_versions(slot.question_version for slot in slots)
    loaded = kind(id_, user_id, quiz_id, deadline, submitted_at, sequence, quiz, slots, *extra)
    if quiz is not None:
        assigned = [row[assignment_start:slot_start] for row in rows if row[-2] == _ASSIGNMENT_PART]
        _keep_applied(loaded, applied_from_rows(user_id, quiz, assigned))
    return loaded


@dataclass(frozen=True, slots=True)
class ReadWithLogin:
    """What ``read_with_login`` read: the login's row (``login_sessions.LIVE_LOGIN``'s, None
    if no live login matched) and the rows of attempt ``attempt_id`` as ``load`` reads it,
    made into the attempt by ``attempt``."""

    attempt_id: int
    load: Callable[[int], PageAttempt | None]
    login: Sequence[Any] | None
    rows: Sequence[Row[Any]]

    def attempt(self) -> PageAttempt | None:
        """The attempt as ``load`` would have loaded it; None if there is none of that id."""
        read, slot_of_row, kind = _READS_WITH_LOGIN[self.load]
        return _attempt_of_rows(self.rows, read, slot_of_row, kind)


def read_with_login(
    attempt_id: int,
    login_params: dict[str, Any],
    load: Callable[[int], PageAttempt | None],
) -> ReadWithLogin:
    """The request's login and an attempt as ``load`` (``load_attempt_page``, or
    ``load_attempt_post`` for a save or submit) reads it, in one statement: a request for an
    attempt's page reads its login first (``login_sessions.resume``, before the view), and
    that was a statement of its own on every page, save and submit, about a tenth of the
    page's CPU on PostgreSQL (docs/performance.md, "Session 19"). The attempt is read whoever
    logged in: the view decides whose it is (``student.views._own_attempt``).

    Only read here: the attempt is made of its rows later (``ReadWithLogin.attempt``), in the
    view, because making it may translate a text, and the page's language waits for the
    login being read."""
    read = _READS_WITH_LOGIN[load][0]
    rows = (
        db.session.connection()
        .execute(read.statement, {"attempt_id": attempt_id, **login_params})
        .all()
    )
    login = None
    if rows and rows[0][-2] == _ATTEMPT_PART:
        login = rows[0][read.attempt_columns : read.attempt_columns + read.login_columns]
    return ReadWithLogin(attempt_id, load, login, rows)


_PAGE_READ = _attempt_read(_PAGE_ATTEMPT, _PAGE_SLOTS)
"""The attempt page's read, built once."""
_PAGE_READ_WITH_LOGIN = _attempt_read(_PAGE_ATTEMPT, _PAGE_SLOTS, LIVE_LOGIN)


# -- a save's and a submit's read-only load -------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostVersion:
    """A slot's question version as a save or a submit needs it: the page's, and the question
    whose practice card a grade moves."""

    id: int
    content_hash: str
    question_id: int


@dataclass(frozen=True, slots=True)
class PostAnswer:
    """A slot's saved answer as a save or a submit needs it (``slot.answer`` on an ``Answer``):
    its response, and when it was saved (kept if the response is sent again unchanged). The
    write finds the stored row by its slot (``answer_store.write_answers``' upsert)."""

    response: dict[str, Any]
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class PostSlot:
    """One slot as a save or a submit reads it: a ``PageSlot`` with the ids the writes need."""

    id: int
    position: int
    question_version_id: int
    question_version: PostVersion
    layout: dict[str, Any]
    max_mark: float
    flagged: bool
    language: str | None
    answer: PostAnswer | None


@dataclass
class PostAttempt(PageAttempt):
    """An open attempt as a save or a submit of its page reads it, as rows (``PageAttempt``,
    with ``PostSlot`` slots): whatever the POST then does (re-show the page, save, submit) it
    writes with Core statements and reads nothing of it again. ``linked``: whether an LMS
    links its quiz (a submit's grade then goes to the LMS's outbox, ``lti.grades``)."""

    linked: bool = False

    def __post_init__(self) -> None:
        self.linked = bool(self.linked)  # SQLite's EXISTS is 0 or 1


_POST_ATTEMPT = _PAGE_ATTEMPT.add_columns(
    select(LtiResourceLink.__table__.c.id)
    .where(LtiResourceLink.__table__.c.quiz_id == _attempts.quiz_id)
    .exists()
    .label("linked")
)
_POST_SLOTS = _PAGE_SLOTS.add_columns(_slots.id, _versions.question_id, _answers.saved_at)
"""The page's two reads (``_PAGE_ATTEMPT``, ``_PAGE_SLOTS``) with the ids a write needs and
whether an LMS links the quiz, sent as one statement (``_POST_READ``); built once."""
_POST_READ = _attempt_read(_POST_ATTEMPT, _POST_SLOTS)
_POST_READ_WITH_LOGIN = _attempt_read(_POST_ATTEMPT, _POST_SLOTS, LIVE_LOGIN)


def load_attempt_post(attempt_id: int) -> PostAttempt | None:
    """An attempt as a POST of its page reads it (a save, a submit), in the page's one
    statement: rows, not ORM objects. A submit loading an ``Attempt`` with its slots,
    versions and answers (``load_attempt``) spent a seventh of its CPU making, expiring and
    snapshotting objects it never wrote through (docs/performance.md, session 9)."""
    return _load_as_rows(attempt_id, _POST_READ, _post_slot, PostAttempt)


def _post_slot(
    position: int,
    version_id: int,
    content_hash: str,
    layout: dict[str, Any],
    max_mark: float,
    flagged: bool,
    language: str | None,
    answer_id: int | None,
    response: dict[str, Any],
    slot_id: int,
    question_id: int,
    saved_at: datetime,
) -> PostSlot:
    """A row of ``_POST_SLOTS`` as a ``PostSlot``."""
    return PostSlot(
        id=slot_id,
        position=position,
        question_version_id=version_id,
        question_version=PostVersion(version_id, content_hash, question_id),
        layout=layout,
        max_mark=max_mark,
        flagged=bool(flagged),
        language=language,
        answer=PostAnswer(response, saved_at) if answer_id is not None else None,
    )


_READS_WITH_LOGIN: dict[
    Callable[[int], PageAttempt | None],
    tuple[_AttemptRead, Callable[..., Any], type[PageAttempt]],
] = {
    load_attempt_page: (_PAGE_READ_WITH_LOGIN, _page_slot, PageAttempt),
    load_attempt_post: (_POST_READ_WITH_LOGIN, _post_slot, PostAttempt),
}
"""The loaders ``read_with_login`` stands in for: each one's read with the login, and how
its rows make the attempt."""


@dataclass(frozen=True)
class _Locked:
    """The attempt's row as read under the write lock."""

    submitted: bool
    sequence: int


def _lock(attempt_id: int) -> _Locked:
    """Take the write lock and re-read the attempt's state under a row lock, so that two
    submissions cannot both pass the checks (the ORM objects read before are now stale, and
    not expired: nothing after the lock reads them, see ``begin_write``; what finishes an
    overdue attempt reads it again with ``populate_existing``)."""
    begin_write(keep_loaded=True)
    submitted_at, sequence = db.session.execute(_LOCK_ATTEMPT, {"attempt_id": attempt_id}).one()
    return _Locked(submitted=submitted_at is not None, sequence=sequence)


_LOCK_ATTEMPT = (
    select(Attempt.submitted_at, Attempt.sequence)
    .where(Attempt.id == bindparam("attempt_id"))
    .with_for_update()
)
"""Built once, like ``_LOAD_ATTEMPT``: every save and submit runs it."""


class AttemptFinished(AttemptRefused):
    """A save or submit of an attempt that is finished: submitted before, or found overdue
    (and finished with its saved answers): the student goes to its review."""


class StaleAttempt(AttemptRefused):
    """A save or submit built from a page older than what is saved now (another tab or device
    saved since): refused, so that it cannot overwrite newer answers."""

    status_code = 409


def applied_to(attempt: Attempt | PageAttempt) -> Applied | None:
    """The settings that apply to the attempt's student for its quiz (None for practice),
    looked up once per loaded attempt: the page and the checks of one request ask several
    times, and an attempt object lives for one request only."""
    if attempt.quiz is None:
        return None
    cached: Applied | None = attempt.__dict__.get("_applied")
    if cached is None:
        cached = applied_settings(attempt.user_id, attempt.quiz)
        _keep_applied(attempt, cached)
    return cached


def _keep_applied(attempt: Attempt | PageAttempt, applied: Applied) -> None:
    """Keep what applies to the attempt for the rest of the request (``applied_to``)."""
    attempt.__dict__["_applied"] = applied


def _closes(attempt: Attempt | PageAttempt) -> datetime | None:
    applied = applied_to(attempt)
    return applied.settings.closes if applied is not None else None


def due_at(attempt: Attempt | PageAttempt) -> datetime | None:
    """When an open attempt ends: its time limit, or the quiz's close, whichever comes first.

    As in Moodle's overdue handling, no attempt outlives its quiz: an attempt without a time
    limit that is still open when the quiz closes ends then, before classmates may see the
    answers (``show_answers: after_close``). The close is the one that applies to the student
    now (bank, class assignment, override), so a teacher who moves the close date, or gives
    one student a later one, moves the end of open attempts too.
    """
    closes = _closes(attempt)
    return min((t for t in (attempt.deadline, closes) if t is not None), default=None)


def seconds_left(attempt: Attempt | PageAttempt, now: datetime | None = None) -> int | None:
    """Whole seconds until the attempt ends (never below 0), or None if it has no end."""
    due = due_at(attempt)
    if due is None:
        return None
    return max(0, int((due - (now or now_utc())).total_seconds()))


def is_overdue(attempt: Attempt | PageAttempt, now: datetime | None = None) -> bool:
    due = due_at(attempt)
    return due is not None and (now or now_utc()) > due + LATE_GRACE


def overdue_message(attempt: Attempt | PageAttempt) -> str:
    """What a student is told when an attempt ended before their last answers arrived."""
    closes = _closes(attempt)
    if closes is not None and due_at(attempt) == closes:
        # In the student's language and time zone, as every page writes a moment.
        return _(
            "The quiz closed on %(closes)s (%(zone)s), so your attempt was "
            "submitted with the answers saved before then; answers sent after the close "
            "do not count.",
            closes=local_datetime(closes),
            zone=time_zone_label(),
        )
    return _("Time was up, so your attempt was submitted with the answers saved before then.")


_CLAIM = update(Attempt.__table__).where(
    _attempts.id == bindparam("attempt_id_"),
    _attempts.submitted_at.is_(None),
    _attempts.sequence == bindparam("sequence_"),
)
"""A save's or a submit's first write, built once: it sets the attempt's save count (and a
submit's marks and finish time) only if the attempt is still open and still at the save count
the student's page showed. Its row count decides, so nothing is read under the write lock; on
PostgreSQL it takes the attempt's row lock, so a second submit of the attempt waits for the
first and then finds it submitted."""


@functools.lru_cache(maxsize=8)
def _claim_setting(columns: tuple[str, ...]) -> Update:
    """``_CLAIM`` setting the save count and ``columns`` (a submit's marks and finish time),
    each from the parameter of its name: one statement per set of columns, compiled once."""
    return _CLAIM.values({name: bindparam(name) for name in ("sequence", *columns)})


ClaimWithWrites = Callable[
    [dict[str, Any]], tuple[ReadyStatement, list[write_batches.FollowingStatement]]
]
"""A claim that carries writes of its own (``postgres_submit``), made from the claim's values:
the statement, whose result has a row if the claim held, and what follows it then."""


def _claim_and_write(
    attempt: Attempt | PostAttempt,
    sequence: int | None,
    writes: Sequence[ReadyStatement] = (),
    *,
    claim_with_writes: ClaimWithWrites | None = None,
    **values: Any,
) -> int:
    """Claim the attempt for this save or submit and write ``writes`` with the claim, in one
    committed transaction (``write_batches``: with other saves and submits of this worker
    ready at the same moment); ``values``: the attempt's columns a submit sets;
    ``claim_with_writes``: instead of ``writes``, a claim that writes them itself. Returns the
    attempt's new save count. Refuses what its rules do not allow now: an attempt submitted,
    or found overdue (then finished with its saved answers, and the student told why), or saved
    from another page since ``sequence`` (stale)."""
    attempt_id = attempt.id
    if attempt.submitted_at is not None:
        raise AttemptFinished(_("This attempt was already submitted; nothing was changed."))
    if is_overdue(attempt):
        message = overdue_message(attempt)
        begin_write(keep_loaded=True)
        finished = _finish_saved(attempt_id)
        db.session.commit()
        if finished:
            raise AttemptFinished(message)
    if sequence is not None and sequence == attempt.sequence:
        claim_values = {
            "attempt_id_": attempt_id,
            "sequence_": sequence,
            "sequence": sequence + 1,
            **values,
        }
        if claim_with_writes is not None:
            claim, writes = claim_with_writes(claim_values)
        else:
            claim = ready(_claim_setting(tuple(sorted(values))), claim_values)
        if write_batches.write(claim, writes):
            # Ends this thread's read too: another thread's transaction may have written it.
            db.session.commit()
            return sequence + 1
    # Refused: whether someone else submitted first decides the message, read in a
    # transaction begun after the claim (not in the snapshot the page was loaded in).
    db.session.rollback()
    submitted_at = db.session.scalar(select(Attempt.submitted_at).where(Attempt.id == attempt_id))
    db.session.rollback()
    if submitted_at is not None:
        raise AttemptFinished(_("This attempt was already submitted; nothing was changed."))
    raise StaleAttempt(
        _(
            "Your answers were saved from another page or device after this page was loaded, "
            "so nothing was changed."
        )
    )


def switch_language(attempt: Attempt, position: int, language: str) -> None:
    """Show one question of an open attempt in another of its bank's languages.

    The answers are kept as they are: choices are stored by language-independent keys, and a
    typed answer is accepted in any of the bank's languages. Refused (nothing changed) for a
    question the attempt does not have, a language the question is not written in, or an
    attempt already submitted."""
    slot = next((slot for slot in attempt.slots if slot.position == position), None)
    if slot is None:
        raise InvalidResponse(_("This attempt has no question %(position)s.", position=position))
    languages = version_languages(slot.question_version)
    if language not in languages:
        if languages:
            raise InvalidResponse(
                _(
                    "Question %(position)s is not written in '%(language)s'; "
                    "it is written in %(languages)s.",
                    position=position,
                    language=language[:20],
                    languages=", ".join(languages),
                )
            )
        raise InvalidResponse(
            _(
                "Question %(position)s is not written in '%(language)s'.",
                position=position,
                language=language[:20],
            )
        )
    slot_id = slot.id
    if _lock(attempt.id).submitted:
        db.session.rollback()
        raise AttemptRefused(_("This attempt was already submitted; nothing was changed."))
    db.session.execute(
        update(AttemptSlot).where(AttemptSlot.id == slot_id).values(language=language)
    )
    db.session.commit()


def save_answers(
    attempt: Attempt | PostAttempt,
    responses: Mapping[int, Mapping[str, Any]],
    sequence: int | None,
    flags: Mapping[int, bool] | None = None,
) -> int:
    """Store the student's answers so far (a reload or a crash loses nothing), and the review
    flags of the positions in ``flags``; returns the attempt's new save count.

    ``sequence`` is the attempt's save count as the student's page showed it. The attempt is
    read by ``load_attempt_post`` (a page's save) or ``load_attempt`` (the API's); what changed
    is worked out before the write lock.
    """
    now = now_utc()
    changed = [
        answer
        for slot, answer in _answers(attempt, responses, now)
        if slot.answer is None or slot.answer.response != answer.response
    ]
    flag_changes = {
        slot.id: flags[slot.position]
        for slot in attempt.slots
        if flags is not None and slot.position in flags and slot.flagged != flags[slot.position]
    }
    flagging = flag_statements(flag_changes)
    if changed and on_postgresql():
        save = functools.partial(save_statements, changed, flagging)
        return _claim_and_write(attempt, sequence, claim_with_writes=save)
    return _claim_and_write(attempt, sequence, [*answer_statements(attempt.id, changed), *flagging])


def is_answered(slot: AttemptSlot | PageSlot) -> bool:
    """Whether a slot has a saved answer (a response with anything in it)."""
    return slot.answer is not None and bool(slot.answer.response)


def with_page_answers(
    attempt: Attempt, typed: Mapping[int, Mapping[str, Any]], positions: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """The saved answers, with those of the slots at ``positions`` (one page of the attempt)
    replaced by what the page sent, blank ones included: a page's form holds only its own
    questions, and the others must keep what was saved."""
    merged = {
        slot.position: dict(slot.answer.response) if slot.answer else {} for slot in attempt.slots
    }
    merged.update({position: dict(typed.get(position, {})) for position in positions})
    return merged


def submit_attempt(
    attempt: Attempt | PostAttempt, responses: Mapping[int, Mapping[str, Any]], sequence: int | None
) -> None:
    """Store the last answers and grade the attempt, once: read, graded and its statements
    made ready (``prepared_writes``) before the write lock, then written in one short
    transaction of statements constant in the number of questions (the attempt claimed, the
    answers, their picks, the practice cards; on PostgreSQL one statement of them all,
    ``postgres_submit``), none of them a read, with the other saves and submits of this worker
    ready at the same moment (``write_batches``, SQLite). ``announce`` is told
    whether an LMS links the quiz when the load read it (a ``PostAttempt``), so a quiz no LMS
    links costs no second transaction."""
    now = now_utc()
    give_way_to_a_writer()
    graded = _graded(attempt, responses, now)
    attempt_id, user_id, quiz_id = attempt.id, attempt.user_id, attempt.quiz_id
    linked = attempt.linked if isinstance(attempt, PostAttempt) else None
    marks = sum(answer.mark or 0.0 for answer in graded)
    outcomes = _outcomes(graded)
    if on_postgresql():
        claim_with_writes = functools.partial(submit_statements, user_id, graded, outcomes, now)
        _claim_and_write(
            attempt, sequence, claim_with_writes=claim_with_writes, marks=marks, submitted_at=now
        )
    else:
        writes = [
            *answer_statements(attempt_id, graded),
            *schedule_statements(user_id, outcomes, now),
        ]
        _claim_and_write(attempt, sequence, writes, marks=marks, submitted_at=now)
    announce(quiz_id, [user_id], linked=linked)


def with_saved_answers(
    attempt: Attempt, typed: Mapping[int, Mapping[str, Any]]
) -> dict[int, dict[str, Any]]:
    """The saved answers with the questions answered in ``typed`` replaced: how a student's
    answers from a stale page are put back on top of what another page saved since."""
    merged = {
        slot.position: dict(slot.answer.response) if slot.answer else {} for slot in attempt.slots
    }
    merged.update({position: dict(r) for position, r in typed.items() if r})
    return merged


def close_overdue(user: User | None = None, now: datetime | None = None) -> int:
    """Finish every open attempt (of ``user``, or of everyone) that ended, at its end time,
    with the answers saved before then; returns how many.

    Run by ``flask quiz close-overdue`` from a timer, and before every read that counts
    attempts (the student's pages, the teacher's reports), so grades never wait for cron.
    """
    now = now or now_utc()
    query = (
        select(Attempt)
        .options(joinedload(Attempt.quiz))
        .where(Attempt.submitted_at.is_(None), Attempt.quiz_id.is_not(None))
    )
    if user is not None:
        query = query.where(Attempt.user_id == user.id)
    open_attempts = list(db.session.scalars(query))
    # What applies to each student, read for all of them at once (not once per attempt).
    applied = applied_for((a.user_id, a.quiz) for a in open_attempts if a.quiz is not None)
    for attempt in open_attempts:
        if attempt.quiz is not None:
            attempt.__dict__["_applied"] = applied[(attempt.user_id, attempt.quiz.id)]
    overdue = [
        (attempt.id, attempt.quiz_id, attempt.user_id)
        for attempt in open_attempts
        if is_overdue(attempt, now)
    ]
    if not overdue:
        return 0
    begin_write()
    finished = [
        (quiz_id, user_id)
        for attempt_id, quiz_id, user_id in overdue
        if _finish_saved(attempt_id, now)
    ]
    db.session.commit()
    for quiz_id, user_id in finished:
        announce(quiz_id, [user_id])
    return len(finished)


def expire_overdue(user: User) -> None:
    """Finish the user's attempts that ended (see ``close_overdue``)."""
    close_overdue(user)


def _answers(
    attempt: Attempt | PostAttempt, responses: Mapping[int, Mapping[str, Any]], now: datetime
) -> list[tuple[AttemptSlot | PostSlot, SlotAnswer]]:
    """Each slot with the answer to store for it: the new response, or the stored one."""
    return [
        (slot, _slot_answer(slot, dict(responses.get(slot.position, {})), now))
        for slot in attempt.slots
    ]


def _slot_answer(
    slot: AttemptSlot | PostSlot, response: dict[str, Any], now: datetime, **grade: Any
) -> SlotAnswer:
    """A slot's answer to store: ``response``, saved ``now`` unless it is the stored one."""
    stored = slot.answer
    unchanged = stored is not None and stored.response == response
    return SlotAnswer(
        slot_id=slot.id,
        question_version_id=slot.question_version_id,
        question_id=slot.question_version.question_id,
        response=response,
        saved_at=stored.saved_at if unchanged and stored is not None else now,
        **grade,
    )


def _graded(
    attempt: Attempt | PostAttempt, responses: Mapping[int, Mapping[str, Any]], now: datetime
) -> list[SlotAnswer]:
    """Every slot's answer with its grade and the options it picked (each answer made once,
    graded: not made and then copied by ``dataclasses.replace``)."""
    graded = []
    for slot in attempt.slots:
        response = dict(responses.get(slot.position, {}))
        question = question_from_version(slot.question_version)
        grade = question.grade(response)
        graded.append(
            _slot_answer(
                slot,
                response,
                now,
                fraction=grade.fraction,
                mark=grade.fraction * slot.max_mark,
                state=grade.state,
                picks=tuple(dict.fromkeys(question.picked_options(response))),
            )
        )
    return graded


def _write_grades(
    attempt_id: int, user_id: int, graded: list[SlotAnswer], at: datetime, **values: Any
) -> None:
    """Store a finished attempt's grades, its marks and finish time, and schedule practice."""
    write_answers(attempt_id, graded)
    update_attempt(
        attempt_id, marks=sum(answer.mark or 0.0 for answer in graded), submitted_at=at, **values
    )
    _schedule(user_id, graded, at)


def _schedule(user_id: int, graded: Sequence[SlotAnswer], at: datetime) -> None:
    """Move the practice cards of the graded questions (``practice.schedule``)."""
    schedule_practice(user_id, _outcomes(graded), at)


def _outcomes(graded: Sequence[SlotAnswer]) -> dict[int, bool]:
    """Each graded question, and whether its answer was right (what moves its practice card)."""
    return {answer.question_id: answer.state == "right" for answer in graded}


def _finish_saved(attempt_id: int, now: datetime | None = None) -> bool:
    """Under the write lock: finish an overdue attempt at its end, grading what was saved.

    ``at`` is the recorded finish time: the end of the attempt, not when it was noticed.
    """
    attempt = db.session.scalar(
        select(Attempt)
        .where(Attempt.id == attempt_id, Attempt.submitted_at.is_(None))
        .options(
            joinedload(Attempt.quiz),
            selectinload(Attempt.slots).options(
                joinedload(AttemptSlot.question_version), joinedload(AttemptSlot.answer)
            ),
        )
        .execution_options(populate_existing=True)
    )
    if attempt is None or not is_overdue(attempt, now):
        return False
    at = due_at(attempt) or now_utc()
    saved = {slot.position: slot.answer.response if slot.answer else {} for slot in attempt.slots}
    _write_grades(attempt.id, attempt.user_id, _graded(attempt, saved, at), at)
    return True


# -- grades over attempts -----------------------------------------------------------------


def quiz_grade(attempts: Sequence[Attempt], method: str) -> float | None:
    """The student's grade for a quiz in percent, by the quiz's grading method."""
    scores = [a.score_percent for a in attempts if a.is_submitted and a.score_percent is not None]
    if not scores:
        return None
    if method == "latest":
        return scores[-1]
    if method == "first":
        return scores[0]
    if method == "average":
        return sum(scores) / len(scores)
    return max(scores)


@dataclass(frozen=True)
class ReviewItem:
    """One question of a submitted attempt, as the review page shows it."""

    slot: AttemptSlot
    question: QuestionBase
    response: dict[str, Any]
    state: str
    mark: float
    feedback: list[str]

    @property
    def answered(self) -> bool:
        """Whether the student gave any answer (``read_response`` keeps nothing for a blank)."""
        return bool(self.response)

    @property
    def group(self) -> str:
        """The result page's jump list groups questions by this: a state, or "unanswered"."""
        return self.state if self.answered else "unanswered"


def review_items(attempt: Attempt) -> list[ReviewItem]:
    items = []
    for slot in attempt.slots:
        question = shown_question(slot)  # in the language the student saw
        response = slot.answer.response if slot.answer else {}
        grade = question.grade(response)
        items.append(
            ReviewItem(
                slot=slot,
                question=question,
                response=response,
                state=slot.answer.state if slot.answer and slot.answer.state else grade.state,
                mark=slot.answer.mark if slot.answer and slot.answer.mark is not None else 0.0,
                feedback=grade.feedback,
            )
        )
    return items
