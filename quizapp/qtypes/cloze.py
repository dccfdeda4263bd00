"""Cloze: a text with blanks to fill in, each blank a small short-answer, numeric or choice.

Blanks are written ``[[name]]`` in ``text`` and described under ``blanks:`` by the same name::

    text: Earth is the [[position]] planet and has [[moons]] moon.
    blanks:
      position: {type: choice, choices: [second, third, fourth], answer: third}
      moons: {type: numeric, answer: 1}
      ocean: {type: short, accept: [Pacific]}

A short blank compares like a short-answer question and a numeric blank reads and checks its
number like a numeric question (the same functions). Blanks are numbered by where they appear
in the text ("Blank 1", ...). The score is the mean over the blanks.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from quizapp.qtypes.base import (
    NOT_ANSWERED,
    FormData,
    Grade,
    InvalidResponse,
    NonEmptyText,
    Option,
    QuestionBase,
    Response,
    only_value,
    stored_texts,
    text_value,
)
from quizapp.qtypes.languages import LocalText, NonEmptyLocalText
from quizapp.qtypes.numeric import MAX_NUMBER_LENGTH, NumericTarget, grade_number
from quizapp.qtypes.short import AcceptedAnswers
from quizapp.translatable import Msg

BLANK = re.compile(r"\[\[\s*([^\[\]]*?)\s*\]\]")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
MAX_BLANK_LENGTH = 200


class ShortBlank(AcceptedAnswers):
    noun = Msg("a short blank")

    type: Literal["short"]


class NumericBlank(NumericTarget):
    noun = Msg("a numeric blank")

    type: Literal["numeric"]


class ChoiceBlank(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["choice"]
    choices: list[NonEmptyLocalText] = Field(min_length=2)
    answer: LocalText
    misconceptions: dict[NonEmptyText, NonEmptyText] | None = Field(
        default=None,
        description="Wrong choice text -> short id of the misconception picking it reveals.",
    )

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> ChoiceBlank:
        folded = [choice.strip().casefold() for choice in self.choices]
        if len(set(folded)) != len(folded):
            raise ValueError(Msg("two choices have the same text; make every choice different"))
        if self.answer not in self.choices:
            raise ValueError(
                Msg(
                    "the answer '%(answer)s' is not one of the choices; "
                    "copy it exactly from 'choices'",
                    answer=self.answer,
                )
            )
        for choice in self.misconceptions or {}:
            if choice not in self.choices or choice == self.answer:
                raise ValueError(
                    Msg(
                        "'misconceptions' names '%(choice)s', which is not a wrong choice; "
                        "copy its text exactly from 'choices'",
                        choice=choice,
                    )
                )
        return self


Blank = Annotated[Union[ShortBlank, NumericBlank, ChoiceBlank], Field(discriminator="type")]  # noqa: UP007


class Cloze(QuestionBase):
    type_name = "cloze"
    label = Msg("Fill in the blanks")

    type: Literal["cloze"]
    blanks: dict[str, Blank] = Field(min_length=1)

    @model_validator(mode="after")
    def _blanks_match_text(self) -> Cloze:
        in_text = BLANK.findall(self.text)
        bad = [name for name in in_text if not NAME.fullmatch(name)]
        if bad:
            raise ValueError(
                Msg(
                    "[[%(name)s]] is not a blank name; use letters, digits, '-' and '_', "
                    "e.g. [[year]]",
                    name=bad[0],
                )
            )
        twice = sorted({name for name in in_text if in_text.count(name) > 1})
        if twice:
            raise ValueError(
                Msg(
                    "the blank [[%(name)s]] appears twice in 'text'; name each blank once",
                    name=twice[0],
                )
            )
        missing = [name for name in in_text if name not in self.blanks]
        if missing:
            raise ValueError(
                Msg(
                    "no entry under 'blanks' for %(names)s",
                    names=", ".join(f"[[{name}]]" for name in missing),
                )
            )
        unused = [name for name in self.blanks if name not in in_text]
        if unused:
            raise ValueError(
                Msg(
                    "'blanks' describes %(names)s, which 'text' never uses; "
                    "write [[name]] where each blank goes, or remove it",
                    names=", ".join(f"'{name}'" for name in unused),
                )
            )
        return self

    def names(self) -> list[str]:
        """The blank names in the order they appear in the text."""
        return BLANK.findall(self.text)

    def choice_keys(self, name: str) -> dict[str, str]:
        blank = self.blanks[name]
        assert isinstance(blank, ChoiceBlank)
        return {self.option_key(choice): choice for choice in blank.choices}

    def options(self) -> list[Option]:
        """The choices of the choice blanks (a choice's key is the same in every blank)."""
        found: dict[str, Option] = {}
        for name in self.names():
            blank = self.blanks[name]
            if isinstance(blank, ChoiceBlank):
                tags = blank.misconceptions or {}
                for text in blank.choices:
                    key = self.option_key(text)
                    found.setdefault(key, Option(key, text, text == blank.answer, tags.get(text)))
        return list(found.values())

    def picked_options(self, response: Response) -> list[str]:
        offered = {option.key for option in self.options()}
        return list(dict.fromkeys(v for v in self.given(response).values() if v in offered))

    def new_layout(self, rng: random.Random, shuffle: bool = True) -> dict[str, Any]:
        choices: dict[str, list[str]] = {}
        for name in self.names():
            if isinstance(self.blanks[name], ChoiceBlank):
                choices[name] = list(self.choice_keys(name))
                if shuffle:
                    rng.shuffle(choices[name])
        return {"choices": choices}

    def public_view(self, layout: Mapping[str, Any]) -> dict[str, Any]:
        orders = layout.get("choices") or {}
        parts: list[dict[str, Any]] = []
        pieces = BLANK.split(self.text)
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                if piece:
                    parts.append({"text": piece})
                continue
            blank = self.blanks[piece]
            part: dict[str, Any] = {"blank": piece, "kind": blank.type, "number": index // 2 + 1}
            if isinstance(blank, ChoiceBlank):
                texts = self.choice_keys(piece)
                order = [key for key in orders.get(piece) or [] if key in texts] or list(texts)
                part["options"] = [{"key": key, "text": texts[key]} for key in order]
            parts.append(part)
        return {"text": self.plain_text(), "parts": parts}

    def plain_text(self) -> str:
        return BLANK.sub("____", self.text)

    def read_response(self, form: FormData, layout: Mapping[str, Any]) -> Response:
        filled: dict[str, str] = {}
        for name in self.names():
            field = f"blank-{name}"
            blank = self.blanks[name]
            if isinstance(blank, ChoiceBlank):
                value = only_value(form, field)
                if value and value not in self.choice_keys(name):
                    raise InvalidResponse(
                        Msg("'%(value)s' is not one of the choices of a blank", value=value[:40])
                    )
            elif isinstance(blank, NumericBlank):
                value = text_value(form, field, MAX_NUMBER_LENGTH)
            else:
                value = text_value(form, field, MAX_BLANK_LENGTH)
            if value.strip():
                filled[name] = value
        return {"blanks": filled} if filled else {}

    def given(self, response: Response) -> dict[str, str]:
        return stored_texts(response, "blanks")

    def _check(self, name: str, value: str) -> tuple[bool, str]:
        blank = self.blanks[name]
        if isinstance(blank, ShortBlank):
            return blank.accepts(value), ""
        if isinstance(blank, NumericBlank):
            return grade_number(blank, value)
        right_key = self.option_key(blank.answer)
        return value == right_key, ""

    def grade(self, response: Response) -> Grade:
        filled = self.given(response)
        if not filled:
            return Grade(0.0, [NOT_ANSWERED])
        right = 0
        feedback: list[str] = []
        for number, name in enumerate(self.names(), start=1):
            value = filled.get(name, "")
            if not value.strip():
                feedback.append(Msg("Blank %(number)s: not answered.", number=number))
                continue
            ok, note = self._check(name, value)
            right += ok
            feedback.append(_blank_feedback(number, ok, note))
        return Grade(right / len(self.blanks), feedback)

    def _answer_of(self, name: str) -> str:
        blank = self.blanks[name]
        if isinstance(blank, ShortBlank):
            return blank.accept[0]
        if isinstance(blank, NumericBlank):
            return blank.target_in_words()
        return blank.answer

    def correct_answer(self) -> str:
        return BLANK.sub(lambda match: f"[{self._answer_of(match.group(1))}]", self.text)

    def summarize(self, response: Response) -> str:
        filled = self.given(response)
        shown: list[str] = []
        for name in self.names():
            value = filled.get(name, "")
            if isinstance(self.blanks[name], ChoiceBlank):
                value = self.choice_keys(name).get(value, "")
            shown.append(" ".join(value.split()) or "–")
        return " | ".join(shown)


def _blank_feedback(number: int, right: bool, note: str) -> Msg:
    """ "Blank 2: wrong. Read as 4." (each sentence whole, so a translation can reorder it)."""
    if right:
        if note:
            return Msg("Blank %(number)s: right. %(note)s", number=number, note=note)
        return Msg("Blank %(number)s: right.", number=number)
    if note:
        return Msg("Blank %(number)s: wrong. %(note)s", number=number, note=note)
    return Msg("Blank %(number)s: wrong.", number=number)
