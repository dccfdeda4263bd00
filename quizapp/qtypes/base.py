"""The contract every question type follows (after Moodle's question engine).

A question type is a pydantic model (the YAML shape of that type) with four duties:

- ``new_layout(rng)``: the per-attempt randomisation (e.g. shuffled choice order), stored
  with the attempt so a reload shows the same page;
- ``public_view(layout)``: what the browser may see before submission (never the answer);
- ``read_response(form, layout)``: turn submitted form fields into a response (a JSON-able
  dict), refusing anything the question did not offer with ``InvalidResponse``;
- ``grade(response)``: a ``Grade`` (fraction 0..1 and feedback), deterministic.

No Flask, no database: these are pure units.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, model_validator

from quizapp.bank.scalars import as_text
from quizapp.qtypes.languages import LocalText, NonEmptyLocalText, identity_of
from quizapp.translatable import Msg

Text = Annotated[str, BeforeValidator(as_text)]
"""A piece of text in a bank. A plain YAML scalar keeps its exact text (``1.10`` stays "1.10")."""

NonEmptyText = Annotated[str, Field(min_length=1), BeforeValidator(as_text)]
"""Text that may not be empty (the length is checked on the text, so the error says so)."""

Response = dict[str, Any]
"""What a student sent for one question, as stored (JSON-able)."""

FormData = Mapping[str, Sequence[str]]
"""Submitted form fields for one question, names without the per-slot prefix."""


class InvalidResponse(ValueError):
    """A submitted value that the question never offered (a forged or stale form)."""


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response: a fraction of the marks and what to tell the student."""

    fraction: float
    feedback: list[str] = field(default_factory=list)

    @property
    def state(self) -> Literal["right", "partial", "wrong"]:
        if self.fraction >= 1 - 1e-9:
            return "right"
        if self.fraction > 1e-9:
            return "partial"
        return "wrong"


class Citation(BaseModel):
    """Where in the bank's source a question's answer lies: one paragraph, or several when
    the answer brings together what the source says in more than one place."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paragraph: int | None = Field(
        default=None, ge=1, description="Paragraph number in the source text, from 1."
    )
    paragraphs: list[Annotated[int, Field(ge=1)]] | None = Field(
        default=None,
        min_length=1,
        description="Instead of 'paragraph': several paragraph numbers, e.g. [5, 10].",
    )
    quote: Text | None = Field(
        default=None,
        description="A locator phrase of at most 8 words from (one of) the paragraph(s).",
    )

    @model_validator(mode="after")
    def _one_way(self) -> Citation:
        if (self.paragraph is None) == (self.paragraphs is None):
            raise ValueError(
                Msg("a source needs 'paragraph: N' or 'paragraphs: [N, M]' (one of the two)")
            )
        return self

    def numbers(self) -> list[int]:
        """The cited paragraph numbers, in the order written."""
        return [self.paragraph] if self.paragraph is not None else list(self.paragraphs or [])


@dataclass(frozen=True)
class Option:
    """An answer a student can pick whose picks teachers count (a choice, true or false, a
    wrong number the bank names, a matching distractor, a cloze choice)."""

    key: str
    text: str
    correct: bool | None
    misconception: str | None = None


class QuestionBase(BaseModel):
    """Fields every question has, whatever its type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type_name: ClassVar[str] = ""
    """The ``type:`` value in YAML, e.g. ``single``."""
    label: ClassVar[str] = ""
    """How teachers call this type, e.g. 'Single choice' (a ``Msg``: pages translate it)."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)]
    text: NonEmptyLocalText
    points: float = Field(default=1, gt=0, le=100)
    explanation: LocalText = ""
    tags: list[Text] = Field(default_factory=list)
    objectives: list[Text] = Field(default_factory=list)
    difficulty: Literal["easy", "medium", "hard"] | None = None
    source: Citation | list[Citation] | None = Field(
        default=None,
        description="Where the answer lies in the source: one citation or a list of them.",
    )
    draft: StrictBool | None = Field(
        default=None,
        description="true: a proposal not yet accepted by a teacher; never served to students.",
    )

    # -- the contract -----------------------------------------------------------------------
    def new_layout(self, rng: random.Random, shuffle: bool = True) -> dict[str, Any]:
        """The per-attempt randomisation; most types have none."""
        return {}

    def public_view(self, layout: Mapping[str, Any]) -> dict[str, Any]:
        """Everything the page needs to show the question, and nothing that gives the answer."""
        raise NotImplementedError

    def read_response(self, form: FormData, layout: Mapping[str, Any]) -> Response:
        """The student's answer from the form; ``{}`` when nothing was answered."""
        raise NotImplementedError

    def grade(self, response: Response) -> Grade:
        raise NotImplementedError

    def correct_answer(self) -> str:
        """The right answer in words, for the review page after submission."""
        raise NotImplementedError

    def summarize(self, response: Response) -> str:
        """A one-line summary of a response, for history and teachers' reports."""
        raise NotImplementedError

    def plain_text(self) -> str:
        """The question's text as reports show it (a cloze shows its blanks as ____)."""
        return self.text

    def picked_options(self, response: Response) -> list[str]:
        """Option keys the response picked (choices, true/false), for teachers' per-option
        counts; types without options pick none."""
        return []

    def options(self) -> list[Option]:
        """The options whose picks are counted (``picked_options`` gives their keys), with
        the misconception a wrong one reveals; types without options have none."""
        return []

    def citations(self) -> list[Citation]:
        """The question's citations: none, one, or several."""
        if self.source is None:
            return []
        return [self.source] if isinstance(self.source, Citation) else list(self.source)

    def cited_paragraphs(self) -> set[int]:
        return {number for citation in self.citations() for number in citation.numbers()}

    # -- helpers shared by the types -------------------------------------------------------
    def content_hash(self) -> str:
        """Identifies this version of the question: any edit to its content makes a new hash."""
        payload = self.model_dump_json(exclude_none=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def option_key(self, text: str) -> str:
        """An opaque, stable key for an option, so form values reveal neither order nor answer."""
        # The default-language text: a choice keeps its key in every language.
        return hashlib.sha256(f"{self.id}\x00{identity_of(text)}".encode()).hexdigest()[:10]


NOT_ANSWERED = Msg("Not answered.")
"""The feedback of a question (or blank) left empty."""


def stored_texts(response: Response, key: str) -> dict[str, str]:
    """The text values stored under ``response[key]``: an old or odd stored response (not a
    mapping, or not text) reads as nothing rather than breaking grading or review."""
    stored = response.get(key)
    if not isinstance(stored, dict):
        return {}
    return {name: value for name, value in stored.items() if isinstance(value, str)}


def first_value(form: FormData, name: str) -> str:
    """The first submitted value of a field, or '' when the field is missing."""
    values = form.get(name) or []
    return values[0] if values else ""


def only_value(form: FormData, name: str) -> str:
    """The one submitted value of a field ('' when missing).

    Every field a question renders sends at most one value (checkboxes aside), so several
    values mean a forged form.
    """
    values = form.get(name) or []
    if len(values) > 1:
        raise InvalidResponse(
            Msg(
                "the field '%(name)s' was sent %(times)s times; send it once",
                name=name,
                times=len(values),
            )
        )
    return values[0] if values else ""


def text_value(form: FormData, name: str, max_length: int) -> str:
    """A typed answer, as typed; refuses what no text box of the page can send."""
    text = only_value(form, name)
    if len(text) > max_length:
        raise InvalidResponse(
            Msg(
                "the answer is %(length)s characters long; write at most %(most)s",
                length=len(text),
                most=max_length,
            )
        )
    if "\x00" in text:
        raise InvalidResponse(Msg("the answer contains a NUL character, which no one can type"))
    return text
