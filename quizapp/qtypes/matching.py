"""Matching: pair each prompt with its answer, picked from one shared list.

The answer list holds every pair's answer (once, even when two prompts share it) and the
``distractors``, which match no prompt. Each prompt gets a drop-down of that list.

Layout: prompts and answers are shuffled per attempt. When a quiz turns shuffling off, the
prompts keep the bank's order and the answers are listed alphabetically (the bank's order of
answers would give the pairs away).

Scoring (``scoring:``): ``partial`` (default) is the share of prompts matched right;
``all_or_nothing`` gives full marks only when every prompt is matched right.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, Literal

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
)
from quizapp.qtypes.languages import NonEmptyLocalText
from quizapp.translatable import Msg


class Pair(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: NonEmptyLocalText
    answer: NonEmptyLocalText


def _folded(text: str) -> str:
    return text.strip().casefold()


class Matching(QuestionBase):
    type_name = "matching"
    label = Msg("Matching")

    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2)
    distractors: list[NonEmptyLocalText] = Field(
        default_factory=list, description="Extra answers that match no prompt."
    )
    scoring: Literal["partial", "all_or_nothing"] = "partial"
    misconceptions: dict[NonEmptyText, NonEmptyText] | None = Field(
        default=None,
        description="Distractor text -> short id of the misconception picking it reveals.",
    )

    @model_validator(mode="after")
    def _distinct(self) -> Matching:
        prompts = [_folded(pair.prompt) for pair in self.pairs]
        if len(set(prompts)) != len(prompts):
            raise ValueError(Msg("two prompts have the same text; make every prompt different"))
        answers = {_folded(pair.answer) for pair in self.pairs}
        seen: set[str] = set()
        for distractor in self.distractors:
            folded = _folded(distractor)
            if folded in answers:
                raise ValueError(
                    Msg(
                        "the distractor '%(distractor)s' is also the answer of a pair; "
                        "remove it from 'distractors'",
                        distractor=distractor,
                    )
                )
            if folded in seen:
                raise ValueError(
                    Msg(
                        "the distractor '%(distractor)s' is listed twice; list it once",
                        distractor=distractor,
                    )
                )
            seen.add(folded)
        for distractor in self.misconceptions or {}:
            if distractor not in self.distractors:
                raise ValueError(
                    Msg(
                        "'misconceptions' names '%(distractor)s', which is not a distractor; "
                        "copy its text exactly from 'distractors'",
                        distractor=distractor,
                    )
                )
        return self

    def options(self) -> list[Option]:
        """The distractors: a pick of one is always wrong, and may reveal a misconception."""
        tags = self.misconceptions or {}
        return [
            Option(self.option_key(text), text, False, tags.get(text)) for text in self.distractors
        ]

    def picked_options(self, response: Response) -> list[str]:
        distractors = {option.key for option in self.options()}
        return list(dict.fromkeys(k for k in self.given(response).values() if k in distractors))

    def answer_texts(self) -> dict[str, str]:
        """Every answer offered (pairs' answers, then distractors), by key."""
        texts = [pair.answer for pair in self.pairs] + list(self.distractors)
        return {self.option_key(text): text for text in texts}

    def prompt_texts(self) -> dict[str, str]:
        return {self.option_key(pair.prompt): pair.prompt for pair in self.pairs}

    def right_answers(self) -> dict[str, str]:
        """Prompt key -> the key of its answer."""
        return {self.option_key(pair.prompt): self.option_key(pair.answer) for pair in self.pairs}

    def new_layout(self, rng: random.Random, shuffle: bool = True) -> dict[str, Any]:
        prompts = list(self.prompt_texts())
        answers = self.answer_texts()
        if shuffle:
            rng.shuffle(prompts)
            order = list(answers)
            rng.shuffle(order)
        else:
            order = sorted(answers, key=lambda key: (_folded(answers[key]), answers[key]))
        return {"prompts": prompts, "answers": order}

    def public_view(self, layout: Mapping[str, Any]) -> dict[str, Any]:
        prompts, answers = self.prompt_texts(), self.answer_texts()
        prompt_order = [k for k in layout.get("prompts") or [] if k in prompts] or list(prompts)
        answer_order = [k for k in layout.get("answers") or [] if k in answers] or list(answers)
        return {
            "text": self.text,
            "prompts": [{"key": key, "text": prompts[key]} for key in prompt_order],
            "answers": [{"key": key, "text": answers[key]} for key in answer_order],
        }

    def read_response(self, form: FormData, layout: Mapping[str, Any]) -> Response:
        answers = self.answer_texts()
        matches: dict[str, str] = {}
        for key in self.prompt_texts():
            value = only_value(form, f"match-{key}")
            if not value:
                continue
            if value not in answers:
                raise InvalidResponse(
                    Msg("'%(value)s' is not one of this question's answers", value=value[:40])
                )
            matches[key] = value
        return {"matches": matches} if matches else {}

    def given(self, response: Response) -> dict[str, str]:
        return stored_texts(response, "matches")

    def grade(self, response: Response) -> Grade:
        matches = self.given(response)
        if not matches:
            return Grade(0.0, [NOT_ANSWERED])
        right_answers = self.right_answers()
        right = sum(matches.get(prompt) == answer for prompt, answer in right_answers.items())
        total = len(right_answers)
        fraction = right / total if self.scoring == "partial" else float(right == total)
        return Grade(
            fraction, [Msg("%(right)s of %(total)s matched right.", right=right, total=total)]
        )

    def correct_answer(self) -> str:
        return "; ".join(f"{pair.prompt} → {pair.answer}" for pair in self.pairs)

    def summarize(self, response: Response) -> str:
        matches, answers = self.given(response), self.answer_texts()
        return "; ".join(
            f"{prompt} → {answers[matches[key]]}"
            for key, prompt in self.prompt_texts().items()
            if matches.get(key) in answers
        )
