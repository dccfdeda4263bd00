"""The bank format: pydantic models of a YAML question bank.

One file is one ``Bank``: where its questions come from (``source``), the questions themselves
(one model per question type, in ``quizapp.qtypes``) and the quizzes made from them.

Every model is frozen and forbids unknown keys (a misspelt key is an error, not silently
ignored). Numbers, durations and dates have bounds that any real quiz fits in and that keep the
app's own arithmetic safe (a time limit of ``1e300`` minutes, or a close in year 9999 plus a
time limit, would overflow Python's dates later, when a student starts an attempt): counts
from 1 to ``MAX_COUNT``, a time limit from 1 second to ``MAX_TIME_LIMIT`` (a week), a pass
mark from 0 to 100 %, opening and closing times between ``EARLIEST`` and ``LATEST``.

Parsed values are plain types (seconds, percent, naive UTC datetimes), and
``model_dump(mode="json")`` validates back to an equal model: the app stores a quiz's settings
as JSON and re-validates them.

The cross-references (ids that must exist, tags that must match something, draws that must be
possible) live in ``quizapp.bank.checks``: the loader runs them there to point at the exact line;
``Bank``'s own validator runs the same checks for any other caller.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from quizapp.bank.scalars import PlainFloat, PlainInt
from quizapp.qtypes import AnyQuestion
from quizapp.qtypes.base import NonEmptyText, QuestionBase, Text
from quizapp.qtypes.languages import DEFAULT_LANGUAGE, LANGUAGE_CODE
from quizapp.translatable import Msg

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Slug = Annotated[
    str,
    Field(
        pattern=SLUG_PATTERN,
        max_length=80,
        description="Lower-case letters, digits and hyphens, e.g. 'trade-2014'.",
    ),
]

LanguageCode = Annotated[
    str,
    Field(pattern=LANGUAGE_CODE.pattern, description="A language code: en, zh, ru, pt-BR."),
]


def bank_language(document: Any) -> str:
    """The default language a raw bank document declares (``en`` when it says none)."""
    language = document.get("language") if isinstance(document, dict) else None
    if isinstance(language, str) and LANGUAGE_CODE.fullmatch(language):
        return language
    return DEFAULT_LANGUAGE


DEFER_CROSS_CHECKS = "defer_cross_checks"
"""Validation context key: the loader runs the cross-checks itself, with positions."""


def rule_error(message: Msg, key: str) -> PydanticCustomError:
    """A broken rule between fields; ``key`` tells the loader which key to point at."""
    # The message itself rides along too: pydantic keeps only its text, the page wants the Msg.
    return PydanticCustomError("bank_rule", message, {"key": key, "message": message})


def _whole_number(value: Any) -> Any:
    """Refuse true/false where a count is expected (pydantic would read true as 1)."""
    if isinstance(value, bool):
        raise ValueError(Msg("write a whole number here, not true or false"))
    return value


MAX_COUNT = 10_000
"""Most attempts allowed, or questions drawn: more than any quiz needs."""

Count = Annotated[int, Field(ge=1, le=MAX_COUNT), BeforeValidator(_whole_number)]
"""A whole number from 1 to ``MAX_COUNT``, e.g. how many questions to draw."""


# -- time limits -----------------------------------------------------------------------------

_DURATION = re.compile(
    r"(?:(?P<h>\d+)\s*(?:h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<m>\d+)\s*(?:m|min|mins|minute|minutes))?\s*"
    r"(?:(?P<s>\d+)\s*(?:s|sec|secs|second|seconds))?",
    re.IGNORECASE,
)
TIME_LIMIT_FORMS = Msg("a number of minutes (15), or text like 15m, 45 min, 1h30m, 90s")
MAX_TIME_LIMIT = 7 * 24 * 3600
"""The longest time limit, in seconds: a week (168h, 10080 minutes)."""
_TOO_LONG = Msg(
    "the time limit can be at most a week (168h, or 10080 minutes); "
    "for longer, leave it out and give the quiz a 'closes' date"
)


def parse_time_limit(value: Any) -> Any:
    """A time limit in seconds.

    In YAML a bare number is minutes (``time_limit: 15``); the parsed value is seconds, and a
    plain Python ``int`` (not a ``PlainInt`` from YAML, e.g. from the stored JSON) is seconds.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(Msg("write the time limit as %(forms)s", forms=TIME_LIMIT_FORMS))
    if isinstance(value, PlainInt | PlainFloat):
        seconds: float = float(value) * 60
    elif isinstance(value, int):
        return value
    elif isinstance(value, str):
        text = value.strip()
        match = _DURATION.fullmatch(text)
        if text.isdigit():
            seconds = _whole(text) * 60
        elif text and match and any(match.groupdict().values()):
            parts = {name: _whole(number or "0") for name, number in match.groupdict().items()}
            seconds = parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
        else:
            raise ValueError(
                Msg(
                    "'%(value)s' is not understood; write %(forms)s",
                    value=_cut(value),
                    forms=TIME_LIMIT_FORMS,
                )
            )
    else:
        raise ValueError(Msg("write the time limit as %(forms)s", forms=TIME_LIMIT_FORMS))
    if math.isnan(seconds) or seconds > MAX_TIME_LIMIT:
        raise ValueError(_TOO_LONG)
    if seconds != int(seconds) or seconds < 1:
        raise ValueError(Msg("the time limit must be a whole number of seconds, at least 1s"))
    return int(seconds)


def _whole(digits: str) -> float:
    """Digits as a number; beyond any bound here as infinity (Python refuses to read integers
    of more than 4,300 digits)."""
    return int(digits) if len(digits) <= 12 else math.inf


def _cut(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


TimeLimit = Annotated[
    int,
    Field(ge=1, le=MAX_TIME_LIMIT, description="Seconds once parsed."),
    BeforeValidator(parse_time_limit),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_TIME_LIMIT // 60,
                    "description": "Minutes.",
                },
                {
                    "type": "string",
                    "pattern": r"^\s*(\d+\s*h\w*)?\s*(\d+\s*m\w*)?\s*(\d+\s*s\w*)?\s*$",
                    "examples": ["15m", "45 min", "1h30m", "90s"],
                },
            ],
            "description": f"Time allowed for one attempt: {TIME_LIMIT_FORMS}; at most a week.",
        }
    ),
]


# -- pass marks ------------------------------------------------------------------------------


def parse_percent(value: Any) -> Any:
    """A pass mark in percent: ``70%`` or ``70`` (not ``0.7``, which would mean 0.7%)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(Msg("write the pass mark as a percentage, e.g. 70%"))
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        try:
            value = float(text)
        except ValueError:
            raise ValueError(
                Msg(
                    "'%(value)s' is not understood; write a percentage, e.g. 70%%",
                    value=_cut(value),
                )
            ) from None
    if isinstance(value, int | float) and not 0 <= value <= 100:
        raise ValueError(
            Msg("a pass mark is a percentage from 0 to 100, not %(value)s", value=_shown(value))
        )
    if isinstance(value, int | float) and 0 < value < 1:
        raise ValueError(
            Msg(
                "a pass mark of %(value)s would mean %(value)s%%; write percent, e.g. 70%% "
                "(not 0.7)",
                value=value,
            )
        )
    return value


PassMark = Annotated[
    float,
    Field(ge=0, le=100),
    BeforeValidator(parse_percent),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100},
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"},
            ],
            "description": "The score needed to pass, in percent: 70% or 70.",
        }
    ),
]


def _shown(value: float) -> str:
    if isinstance(value, PlainInt | PlainFloat):
        return _cut(value.raw)
    return _cut(str(value))


EARLIEST = datetime(1970, 1, 1)
LATEST = datetime(2100, 1, 1)
"""Opening and closing times lie in [EARLIEST, LATEST), in UTC: far from the ends of Python's
dates, so adding a time limit or a time zone to them can never overflow."""


def as_naive_utc(value: datetime | None) -> datetime | None:
    """The app compares with naive UTC datetimes: a time without a zone is taken as UTC.

    Times outside [EARLIEST, LATEST) are refused first (converting 9999-12-31T23:59-05:00 to
    UTC would overflow).
    """
    if value is None:
        return None
    if not EARLIEST.year <= value.year < LATEST.year:
        raise ValueError(_out_of_range(value))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if not EARLIEST <= value < LATEST:
        raise ValueError(_out_of_range(value))
    return value


def _out_of_range(value: datetime) -> Msg:
    return Msg(
        "%(date)s is out of range; write a date from %(earliest)s to %(latest)s (UTC)",
        date=value.date().isoformat(),
        earliest=EARLIEST.strftime("%Y-%m-%d"),
        latest=str(LATEST.year - 1) + "-12-31",
    )


When = Annotated[
    datetime,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$",
            "examples": ["2025-03-01", "2025-03-01 09:00", "2025-03-01T09:00+02:00"],
            "description": (
                "A date, or a date and time; UTC unless a zone is given; "
                f"from {EARLIEST:%Y-%m-%d} to {LATEST.year - 1}-12-31."
            ),
        }
    ),
]
"""A moment a quiz opens or closes; stored as a naive UTC datetime, as the app compares."""


# -- the models -----------------------------------------------------------------------------


class Source(BaseModel):
    """The text a bank's questions are written from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: NonEmptyText
    author: Text | None = None
    publisher: Text | None = None
    published: date | None = Field(default=None, description="YYYY-MM-DD.")
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None


class TagSelector(BaseModel):
    """Selects every question that has ANY of these tags, in bank order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tags: list[Text] = Field(min_length=1)

    def matches(self, question: QuestionBase) -> bool:
        return any(tag in question.tags for tag in self.tags)


def _selector_kind(value: Any) -> str:
    return "tags" if isinstance(value, dict | TagSelector) else "ids"


QuestionIds = Annotated[list[Text], Field(min_length=1)]

Selector = Annotated[
    Annotated[QuestionIds, Tag("ids")] | Annotated[TagSelector, Tag("tags")],
    Discriminator(_selector_kind),
]
"""Which questions: a list of question ids, or ``{tags: [...]}``."""


class Pool(BaseModel):
    """Draw ``draw`` questions at random from these questions, for each attempt."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    questions: Selector
    draw: Count


class Quiz(BaseModel):
    """A quiz over a bank: which questions, and the rules of an attempt."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    title: NonEmptyText
    description: Text = ""
    questions: Selector | None = Field(
        default=None, description="Question ids or {tags: [...]}; omitted: every question."
    )
    pools: list[Pool] | None = Field(
        default=None, min_length=1, description="Instead of 'questions': draw from each pool."
    )
    draw: Count | None = Field(
        default=None, description="A random sample of this many questions per attempt."
    )
    exclusive: list[Selector] | None = Field(
        default=None,
        min_length=1,
        description=(
            "Groups of questions that give each other away: an attempt holds at most one of "
            "each group. Each group is a list of question ids or {tags: [...]}."
        ),
    )
    shuffle_questions: StrictBool = False
    shuffle_choices: StrictBool = True
    time_limit: TimeLimit | None = None
    per_page: Count | None = Field(
        default=None,
        description="Questions per page of an attempt; omitted: all on one page for up to 20 "
        "questions, else 10.",
    )
    attempts: Count | None = Field(default=None, description="Omitted: unlimited.")
    grading: Literal["highest", "latest", "first", "average"] = "highest"
    pass_mark: PassMark | None = None
    show_answers: Literal["after_submit", "after_close", "never"] = "after_submit"
    opens: When | None = None
    closes: When | None = None

    @field_validator("opens", "closes")
    @classmethod
    def _naive_utc(cls, value: datetime | None) -> datetime | None:
        return as_naive_utc(value)

    @model_validator(mode="after")
    def _consistent(self) -> Quiz:
        if self.pools is not None and self.questions is not None:
            raise rule_error(
                Msg("a quiz takes either 'questions' or 'pools', not both; remove one"), "pools"
            )
        if self.pools is not None and self.draw is not None:
            raise rule_error(
                Msg("'draw' does not go with 'pools': give each pool its own 'draw'"), "draw"
            )
        if self.opens and self.closes and self.closes <= self.opens:
            raise rule_error(Msg("'closes' must be later than 'opens'"), "closes")
        if self.show_answers == "after_close" and self.closes is None:
            raise rule_error(
                Msg(
                    "'show_answers: after_close' needs a 'closes' date; add one, "
                    "or choose after_submit or never"
                ),
                "show_answers",
            )
        return self


class Bank(BaseModel):
    """One bank file: its questions and the quizzes made from them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bank: Slug = Field(description="The bank's id, e.g. 'china-belarus-2015'.")
    title: NonEmptyText
    description: Text = ""
    language: LanguageCode = Field(
        default=DEFAULT_LANGUAGE,
        description="The language of the questions' plain text, shown where a student's "
        "language has no translation, e.g. 'en'.",
    )
    languages: list[LanguageCode] | None = Field(
        default=None,
        min_length=1,
        description="Every language the questions are written in, e.g. [en, zh, ru]; "
        "needed when any text is given by language ({en: ..., zh: ...}).",
    )
    source: Source | None = None
    quizzes: list[Quiz] = Field(default_factory=list)
    questions: list[AnyQuestion] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_language_declared(self) -> Bank:
        if self.languages is not None and self.language not in self.languages:
            raise rule_error(
                Msg(
                    "'languages' must include the bank's language '%(language)s'; add it",
                    language=self.language,
                ),
                "languages",
            )
        if self.languages is not None and len(set(self.languages)) != len(self.languages):
            raise rule_error(Msg("'languages' names a language twice; name each once"), "languages")
        return self

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Bank:
        if info.context and info.context.get(DEFER_CROSS_CHECKS):
            return self
        from quizapp.bank.checks import cross_check

        problems = cross_check(self)
        if problems:
            raise ValueError("; ".join(problem.text() for problem in problems))
        return self

    @cached_property
    def _by_id(self) -> dict[str, QuestionBase]:
        return {question.id: question for question in self.questions}

    def question(self, question_id: str) -> QuestionBase:
        """The question with this id; ``KeyError`` if there is none."""
        return self._by_id[question_id]

    def quiz(self, quiz_id: str) -> Quiz:
        """The quiz with this id; ``KeyError`` if there is none."""
        for quiz in self.quizzes:
            if quiz.id == quiz_id:
                return quiz
        raise KeyError(quiz_id)

    def select(self, selector: list[str] | TagSelector | None) -> list[QuestionBase]:
        """The questions a selector names: ids in their order, tags in bank order."""
        if selector is None:
            return list(self.questions)
        if isinstance(selector, TagSelector):
            return [question for question in self.questions if selector.matches(question)]
        return [self._by_id[question_id] for question_id in selector if question_id in self._by_id]

    def exclusive_groups(self, quiz: Quiz) -> list[set[str]]:
        """The quiz's exclusive groups as sets of question ids (an attempt holds at most one
        question of each)."""
        return [{q.id for q in self.select(group)} for group in quiz.exclusive or []]

    def questions_for(self, quiz: Quiz) -> list[QuestionBase]:
        """The quiz's candidate questions, before any draw (for pools: all pools, in order)."""
        if quiz.pools is None:
            return self.select(quiz.questions)
        seen: dict[str, QuestionBase] = {}
        for pool in quiz.pools:
            for question in self.select(pool.questions):
                seen.setdefault(question.id, question)
        return list(seen.values())


__all__ = [
    "DEFAULT_LANGUAGE",
    "EARLIEST",
    "LATEST",
    "MAX_COUNT",
    "MAX_TIME_LIMIT",
    "Bank",
    "Count",
    "PassMark",
    "Pool",
    "Quiz",
    "Selector",
    "Slug",
    "Source",
    "TagSelector",
    "TimeLimit",
    "bank_language",
    "parse_percent",
    "parse_time_limit",
]
