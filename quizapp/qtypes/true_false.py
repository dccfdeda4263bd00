"""True or false: one statement, and the student says whether it holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, StrictBool

from quizapp.qtypes.base import (
    NOT_ANSWERED,
    FormData,
    Grade,
    InvalidResponse,
    Option,
    QuestionBase,
    Response,
    Text,
    only_value,
)
from quizapp.qtypes.languages import LocalText
from quizapp.translatable import Msg

_WORDS = {True: Msg("True"), False: Msg("False")}


class TrueFalse(QuestionBase):
    """``feedback_true`` is shown to whoever answers true, ``feedback_false`` to whoever
    answers false (whichever of them is right)."""

    type_name = "true_false"
    label = Msg("True or false")

    type: Literal["true_false"]
    answer: StrictBool
    feedback_true: LocalText = ""
    feedback_false: LocalText = ""
    misconception: Text | None = Field(
        default=None, description="Short id of the misconception the wrong answer reveals."
    )

    def public_view(self, layout: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "text": self.text,
            "options": [
                {"key": "true", "text": _WORDS[True]},
                {"key": "false", "text": _WORDS[False]},
            ],
        }

    def read_response(self, form: FormData, layout: Mapping[str, Any]) -> Response:
        value = only_value(form, "answer")
        if not value:
            return {}
        if value not in ("true", "false"):
            raise InvalidResponse(
                Msg("'%(value)s' is not an answer; send 'true' or 'false'", value=value[:40])
            )
        return {"answer": value == "true"}

    @staticmethod
    def _given(response: Response) -> bool | None:
        value = response.get("answer")
        return value if isinstance(value, bool) else None

    def grade(self, response: Response) -> Grade:
        given = self._given(response)
        if given is None:
            return Grade(0.0, [NOT_ANSWERED])
        feedback = self.feedback_true if given else self.feedback_false
        return Grade(1.0 if given == self.answer else 0.0, [feedback] if feedback else [])

    def correct_answer(self) -> str:
        return _WORDS[self.answer]

    def summarize(self, response: Response) -> str:
        given = self._given(response)
        return "" if given is None else _WORDS[given]

    def picked_options(self, response: Response) -> list[str]:
        given = self._given(response)
        return [] if given is None else [str(given).lower()]

    def options(self) -> list[Option]:
        return [
            Option(
                str(value).lower(),
                _WORDS[value],
                value == self.answer,
                None if value == self.answer else self.misconception,
            )
            for value in (True, False)
        ]
