"""Numeric: the student types a number, right when it lies within the accepted interval.

The bank gives either ``answer`` with an optional ``tolerance`` (absolute, ``0.5``, or relative,
``"10%"`` of the answer; none means exact), or ``range: [min, max]``. Bounds are inclusive.

Reading what the student typed (``parse_number``), after Unicode NFKC and outer spaces:

- ``4``, ``4.0``, ``-4``, ``.5``, ``1e3``: plain numbers, the dot is the decimal point;
- ``4,5``: a comma is a decimal comma...
- ``1,000`` / ``12,345.6``: ...unless it separates groups of exactly three digits after one to
  three leading digits (not starting with 0): then it is a thousands separator (so ``1,500`` is
  fifteen hundred, write ``1.5`` or ``1,50`` for one and a half; ``0,001`` is a thousandth);
- ``1 000`` / ``1 000,5``: spaces between groups of three digits are thousands separators;
- the question's ``unit`` typed after the number is ignored (``23 years``).

Anything else (``abc``, ``1.000,5``) is not a number: the text is stored as typed (it is the
student's answer, not a forged form) and graded wrong with the feedback "'abc' is not a number".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from quizapp.qtypes.base import (
    NOT_ANSWERED,
    FormData,
    Grade,
    QuestionBase,
    Response,
    Text,
    text_value,
)
from quizapp.qtypes.short import typed_text

MAX_NUMBER_LENGTH = 100

_PLAIN = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_COMMA_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_SPACE_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?: \d{3})+(?:[.,]\d+)?")
_DECIMAL_COMMA = re.compile(r"\d*,\d+")
_PERCENT = re.compile(r"\d+(?:\.\d+)?%")


def parse_number(text: str, unit: str = "") -> float | None:
    """The number a student typed, or None when it is not one (rules in the module docstring)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    text = " ".join(text.split())
    unit = " ".join(unicodedata.normalize("NFKC", unit).casefold().split())
    if unit and text.casefold().endswith(unit):
        text = text.casefold()[: -len(unit)].rstrip()
    sign, body = 1.0, text
    if text[:1] in ("+", "-"):
        sign, body = (-1.0 if text[0] == "-" else 1.0), text[1:].lstrip()
    if _PLAIN.fullmatch(body):
        number = float(body)
    elif _COMMA_THOUSANDS.fullmatch(body):
        number = float(body.replace(",", ""))
    elif _SPACE_THOUSANDS.fullmatch(body):
        number = float(body.replace(" ", "").replace(",", "."))
    elif _DECIMAL_COMMA.fullmatch(body):
        number = float(body.replace(",", "."))
    else:
        return None
    return sign * number if math.isfinite(number) else None


def format_number(number: float) -> str:
    """A number as a teacher would write it: ``56``, ``3.9``, ``0.001``."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("write a number here, not true or false")
    return value


def _tolerance(value: Any) -> Any:
    hint = "write a number such as 0.5, or a percentage of the answer such as '10%'"
    if isinstance(value, bool):
        raise ValueError(f"the tolerance cannot be true or false; {hint}")
    if isinstance(value, str):
        text = value.replace(" ", "")
        if _PERCENT.fullmatch(text):
            return text
        if _PLAIN.fullmatch(text):
            return float(text)
        raise ValueError(f"'{value}' is not a tolerance; {hint}")
    if isinstance(value, int | float) and value < 0:
        raise ValueError(f"the tolerance cannot be negative; {hint}")
    return value


Number = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False)]
Tolerance = Annotated[
    Annotated[float, Field(ge=0, allow_inf_nan=False)]
    | Annotated[str, Field(pattern=r"^\d+(\.\d+)?%$")],
    BeforeValidator(_tolerance),
]


class NumericTarget(BaseModel):
    """Which numbers count as right: ``answer`` ± ``tolerance``, or ``range: [min, max]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    noun: ClassVar[str] = "a numeric question"

    answer: Number | None = None
    tolerance: Tolerance | None = Field(
        default=None, description="How far off an answer may be: 0.5, or '10%' of the answer."
    )
    range: tuple[Number, Number] | None = Field(
        default=None, description="[min, max], both included; instead of 'answer'."
    )

    @model_validator(mode="after")
    def _answer_or_range(self) -> NumericTarget:
        if self.answer is None and self.range is None:
            raise ValueError(
                f"{self.noun} needs 'answer: <number>' (with an optional 'tolerance') "
                "or 'range: [min, max]'"
            )
        if self.answer is not None and self.range is not None:
            raise ValueError(
                "give either 'answer' (with an optional 'tolerance') or 'range', not both"
            )
        if self.range is not None:
            if self.tolerance is not None:
                raise ValueError(
                    "'tolerance' goes with 'answer'; a 'range' already says which numbers "
                    "count, so remove 'tolerance'"
                )
            low, high = self.range
            if low > high:
                raise ValueError(
                    f"the range [{format_number(low)}, {format_number(high)}] runs backwards; "
                    "write the smaller number first"
                )
        return self

    def bounds(self) -> tuple[float, float]:
        if self.range is not None:
            return self.range
        assert self.answer is not None
        margin = 0.0
        if isinstance(self.tolerance, str):
            margin = abs(self.answer) * float(self.tolerance[:-1]) / 100
        elif self.tolerance is not None:
            margin = self.tolerance
        return self.answer - margin, self.answer + margin

    def matches(self, number: float) -> bool:
        """Whether ``number`` lies in the bounds (inclusive, forgiving float rounding)."""
        low, high = self.bounds()
        slack = 1e-9 * max(1.0, abs(low), abs(high))
        return low - slack <= number <= high + slack

    def target_in_words(self) -> str:
        if self.range is not None:
            low, high = self.range
            return f"between {format_number(low)} and {format_number(high)}"
        assert self.answer is not None
        answer = format_number(self.answer)
        if not self.tolerance:
            return answer
        spread = (
            self.tolerance if isinstance(self.tolerance, str) else format_number(self.tolerance)
        )
        return f"{answer} (± {spread})"


def grade_number(target: NumericTarget, text: str, unit: str = "") -> tuple[bool, str]:
    """(right?, a note for the student) for a typed, non-empty answer."""
    number = parse_number(text, unit)
    if number is None:
        return False, f"'{text.strip()[:40]}' is not a number"
    stripped = text.strip()
    note = "" if _PLAIN.fullmatch(stripped.lstrip("+-")) else f"Read as {format_number(number)}."
    return target.matches(number), note


class NumericAnswer(QuestionBase, NumericTarget):
    type_name = "numeric"
    label = "Numeric"

    type: Literal["numeric"]
    unit: Text = Field(default="", description="Shown after the answer box, e.g. 'years'.")

    def public_view(self, layout: Mapping[str, Any]) -> dict[str, Any]:
        return {"text": self.text, "unit": self.unit}

    def read_response(self, form: FormData, layout: Mapping[str, Any]) -> Response:
        text = text_value(form, "answer", MAX_NUMBER_LENGTH)
        return {"answer": text} if text.strip() else {}

    def grade(self, response: Response) -> Grade:
        text = typed_text(response)
        if not text.strip():
            return Grade(0.0, [NOT_ANSWERED])
        right, note = grade_number(self, text, self.unit)
        return Grade(1.0 if right else 0.0, [note] if note else [])

    def correct_answer(self) -> str:
        return f"{self.target_in_words()} {self.unit}".strip()

    def summarize(self, response: Response) -> str:
        return typed_text(response).strip()
