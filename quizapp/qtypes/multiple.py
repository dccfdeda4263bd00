"""Multiple choice: one or more correct choices; the student ticks every one that applies.

Scoring (``scoring:``):

- ``all_or_nothing`` (default): full marks only when the ticked set is exactly the correct set.
- ``partial``: ``max(0, (right ticked - wrong ticked) / number of correct choices)``. Each
  correct tick earns its share, each wrong tick cancels one share, and the score never goes
  below zero; so ticking every box scores zero unless every choice is correct.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import model_validator

from quizapp.qtypes.base import NOT_ANSWERED, FormData, Grade, Response
from quizapp.qtypes.single import Choice, ChoiceQuestion
from quizapp.translatable import Msg


def _is_text(value: object) -> bool:
    return isinstance(value, str)


class MultipleChoice(ChoiceQuestion):
    type_name = "multiple"
    label = Msg("Multiple choice")

    type: Literal["multiple"]
    scoring: Literal["all_or_nothing", "partial"] = "all_or_nothing"

    @model_validator(mode="after")
    def _at_least_one_correct(self) -> MultipleChoice:
        if not any(choice.correct for choice in self.choices):
            raise ValueError(
                Msg("a multiple-choice question needs at least one choice with 'correct: true'")
            )
        return self

    def read_response(self, form: FormData, layout: Mapping[str, Any]) -> Response:
        values = list(dict.fromkeys(value for value in form.get("choice", []) if value))
        if not values:
            return {}
        return {"choices": self._checked_keys(values)}

    def picked(self, response: Response) -> list[Choice]:
        """The ticked choices, in the order the bank lists them (unknown keys ignored)."""
        stored = response.get("choices")
        keys = set(stored) if isinstance(stored, list) and all(map(_is_text, stored)) else set()
        return [choice for key, choice in self.choices_by_key().items() if key in keys]

    def grade(self, response: Response) -> Grade:
        picked = self.picked(response)
        if not picked:
            return Grade(0.0, [NOT_ANSWERED])
        correct = sum(choice.correct for choice in self.choices)
        right = sum(choice.correct for choice in picked)
        wrong = len(picked) - right
        if self.scoring == "partial":
            fraction = max(0.0, (right - wrong) / correct)
        else:
            fraction = 1.0 if right == correct and wrong == 0 else 0.0
        return Grade(fraction, [choice.feedback for choice in picked if choice.feedback])

    def correct_answer(self) -> str:
        return "; ".join(choice.text for choice in self.choices if choice.correct)

    def summarize(self, response: Response) -> str:
        return "; ".join(choice.text for choice in self.picked(response))
