"""Single choice: exactly one correct choice among several."""

from __future__ import annotations

import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from quizapp.qtypes.base import (
    NOT_ANSWERED,
    FormData,
    Grade,
    InvalidResponse,
    Option,
    QuestionBase,
    Response,
    Text,
    first_value,
)
from quizapp.qtypes.languages import LocalText, NonEmptyLocalText, is_by_language
from quizapp.translatable import Msg


class Choice(BaseModel):
    """One choice; a bare string in YAML is a wrong choice with no feedback."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: NonEmptyLocalText
    correct: StrictBool = False
    feedback: LocalText = ""
    misconception: Text | None = Field(
        default=None, description="Short id of the misconception this wrong choice reveals."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_bare_text(cls, data: Any) -> Any:
        if isinstance(data, str | int | float) and not isinstance(data, bool):
            return {"text": data}
        if is_by_language(data):  # a bare choice in several languages: {en: ..., zh: ...}
            return {"text": data}
        return data


_KEYED_CHOICES = "_keyed_choices"
"""Where ``ChoiceQuestion.choices_by_key`` keeps its mapping (outside the model's fields)."""


class ChoiceQuestion(QuestionBase):
    """Shared by single and multiple choice: choices, shuffled per attempt unless told not to."""

    choices: list[Choice] = Field(min_length=2)
    shuffle: StrictBool = True

    @model_validator(mode="after")
    def _distinct_choices(self) -> ChoiceQuestion:
        texts = [choice.text.strip().casefold() for choice in self.choices]
        if len(set(texts)) != len(texts):
            raise ValueError(Msg("two choices have the same text; make every choice different"))
        return self

    def new_layout(self, rng: random.Random, shuffle: bool = True) -> dict[str, Any]:
        order = [self.option_key(choice.text) for choice in self.choices]
        if shuffle and self.shuffle:
            rng.shuffle(order)
        return {"order": order}

    def choices_by_key(self) -> Mapping[str, Choice]:
        """The choices by their keys (read only: worked out once per question object).

        A question is immutable and the app keeps one per stored version, so reading and
        grading a submit's choice questions no longer hash every choice's text each time (a
        tenth of grading a submit). The mapping is kept with the list it was made from: a copy
        in another language (``languages.in_language``, a ``model_copy``, which copies this
        cache too) has a list of its own, and so gets its own choices, not the original's.
        """
        kept = self.__dict__.get(_KEYED_CHOICES)
        if kept is None or kept[0] is not self.choices:
            by_key = {self.option_key(choice.text): choice for choice in self.choices}
            kept = self.__dict__[_KEYED_CHOICES] = (self.choices, MappingProxyType(by_key))
        return kept[1]

    def public_view(self, layout: Mapping[str, Any]) -> dict[str, Any]:
        by_key = self.choices_by_key()
        order = layout.get("order") or list(by_key)
        return {
            "text": self.text,
            "options": [{"key": key, "text": by_key[key].text} for key in order if key in by_key],
        }

    def picked_options(self, response: Response) -> list[str]:
        picked = response.get("choice") or response.get("choices") or []
        return [picked] if isinstance(picked, str) else list(picked)

    def options(self) -> list[Option]:
        return [
            Option(self.option_key(c.text), c.text, c.correct, c.misconception)
            for c in self.choices
        ]

    def _checked_keys(self, values: list[str]) -> list[str]:
        by_key = self.choices_by_key()
        for value in values:
            if value not in by_key:
                raise InvalidResponse(
                    Msg("'%(value)s' is not one of this question's choices", value=value[:40])
                )
        return values


class SingleChoice(ChoiceQuestion):
    type_name = "single"
    label = Msg("Single choice")

    type: Literal["single"]

    @model_validator(mode="after")
    def _exactly_one_correct(self) -> SingleChoice:
        correct = sum(choice.correct for choice in self.choices)
        if correct != 1:
            raise ValueError(
                Msg(
                    "a single-choice question needs exactly one choice with 'correct: true' "
                    "(found %(correct)s); use type 'multiple' for several right answers",
                    correct=correct,
                )
            )
        return self

    def read_response(self, form: FormData, layout: Mapping[str, Any]) -> Response:
        values = [value for value in form.get("choice", []) if value]
        if not values:
            return {}
        if len(values) > 1:
            raise InvalidResponse(Msg("only one choice may be picked for this question"))
        return {"choice": self._checked_keys(values)[0]}

    def grade(self, response: Response) -> Grade:
        chosen = self.choices_by_key().get(response.get("choice", ""))
        if chosen is None:
            return Grade(0.0, [NOT_ANSWERED])
        return Grade(1.0 if chosen.correct else 0.0, [chosen.feedback] if chosen.feedback else [])

    def correct_answer(self) -> str:
        return next(choice.text for choice in self.choices if choice.correct)

    def summarize(self, response: Response) -> str:
        chosen = self.choices_by_key().get(response.get("choice", ""))
        return chosen.text if chosen else ""


__all__ = ["Choice", "ChoiceQuestion", "SingleChoice", "first_value"]
