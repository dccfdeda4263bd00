"""Numeric: the student types a number, right when it lies within the accepted interval.

The bank gives either ``answer`` with an optional ``tolerance`` (absolute, ``0.5``, or relative,
``"10%"`` of the answer; none means exact), or ``range: [min, max]``. Bounds are inclusive.

Reading what the student typed (``read_number``, the one place that reads a number as people
write it), after Unicode NFKC (so no-break and narrow spaces are spaces) and outer spaces:

- ``4``, ``4.0``, ``-4``, ``.5``, ``1e3``: plain numbers, the dot is the decimal point;
  full-width digits and points (``１２３．５``) are read as ASCII (NFKC), and a Chinese full
  stop between digits (``3。9``) is a decimal point;
- ``4,5``: a comma is a decimal comma...
- ``1,000`` / ``12,345.6``: ...unless it separates groups of exactly three digits after one to
  three leading digits (not starting with 0): then it is a thousands separator (so ``1,500`` is
  fifteen hundred, write ``1.5`` or ``1,50`` for one and a half; ``0,001`` is a thousandth);
- ``1 000`` / ``1 000,5`` / ``1'000``: spaces or apostrophes between groups of three digits are
  thousands separators;
- ``70th``, ``1st``, ``22nd``, ``3rd``: an ordinal is its number;
- words and signs before or after the number are units: the words of the question's ``unit``
  count as written (``23 years``, ``US$4 billion`` for the unit ``billion US$``), and the bank
  may declare more under ``units`` with Moodle's multipliers (``million: 1000`` when the
  answer is in billions: 1 billion is 1000 million, so ``400 million`` reads as 0.4). A word
  the question does not know is refused with a message naming it and the units it knows.

Anything else (``abc``, ``1.000,5``) is not a number: the text is stored as typed (it is the
student's answer, not a forged form) and graded wrong with the feedback "'abc' is not a number".
Every form read before units and ordinals existed reads as before, so regrading a stored
answer gives the grade it had.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from quizapp.qtypes.base import (
    NOT_ANSWERED,
    FormData,
    Grade,
    NonEmptyText,
    Option,
    QuestionBase,
    Response,
    Text,
    text_value,
)
from quizapp.qtypes.languages import LocalText, all_texts
from quizapp.qtypes.short import typed_text
from quizapp.translatable import Msg

MAX_NUMBER_LENGTH = 100

_PLAIN = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_COMMA_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_SPACE_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?: \d{3})+(?:[.,]\d+)?")
_APOSTROPHE_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:'\d{3})+(?:[.,]\d+)?")
_DECIMAL_COMMA = re.compile(r"\d*,\d+")
_PERCENT = re.compile(r"\d+(?:\.\d+)?%")
_FIGURE = re.compile(r"(?:\d(?:[\d,.' ]*\d)?\.?|\.\d+)(?:[eE][+-]?\d+)?")
"""Where the number lies in what was typed (its form is checked after)."""
_ORDINAL = re.compile(r"(st|nd|rd|th)(?=\s|$)", re.IGNORECASE)
_SIGNS = "+-"
_IDEOGRAPHIC_POINT = re.compile(r"(?<=\d)[\u3002\uff61](?=\d)")
"""A Chinese full stop between digits (3。9, typed with a Chinese input method): a decimal
point. NFKC already makes full-width digits and the full-width point (１２３．５) ASCII."""


@dataclass(frozen=True)
class Reading:
    """What a typed answer says: its number (in the question's unit), or why it has none."""

    number: float | None
    problem: str = ""


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _figure(body: str) -> float | None:
    """The value of the digits alone (thousands separators and decimal comma read)."""
    if _PLAIN.fullmatch(body):
        return float(body)
    if _COMMA_THOUSANDS.fullmatch(body):
        return float(body.replace(",", ""))
    if _SPACE_THOUSANDS.fullmatch(body):
        return float(body.replace(" ", "").replace(",", "."))
    if _APOSTROPHE_THOUSANDS.fullmatch(body):
        return float(body.replace("'", "").replace(",", "."))
    if _DECIMAL_COMMA.fullmatch(body):
        return float(body.replace(",", "."))
    return None


def _unit_words(unit: str, units: Mapping[str, float] | None) -> dict[str, float]:
    """Every unit word the question knows, with its multiplier: the words of ``unit`` (and
    the whole of it) count 1, then the declared ``units``."""
    known: dict[str, float] = {}
    for written in all_texts(unit):  # the unit in every language the bank gives it
        folded = _folded(written)
        if folded:
            known.setdefault(folded, 1.0)
            for word in folded.split():
                known.setdefault(word, 1.0)
    for name, multiplier in (units or {}).items():
        known[_folded(name)] = float(multiplier)
    return known


def _read_units(words: str, known: dict[str, float]) -> tuple[float, str]:
    """(the product of the multipliers, '' or the first word that is no known unit)."""
    multiplier, used = 1.0, set()
    rest = words
    names = sorted(known, key=len, reverse=True)
    while rest:
        name = next((n for n in names if rest == n or rest.startswith(n + " ")), None)
        if name is None or name in used:
            return multiplier, rest.split()[0]
        used.add(name)
        multiplier *= known[name]
        rest = rest[len(name) :].strip()
    return multiplier, ""


def read_number(text: str, unit: str = "", units: Mapping[str, float] | None = None) -> Reading:
    """The number a student typed, in the question's unit (rules in the module docstring)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    text = " ".join(_IDEOGRAPHIC_POINT.sub(".", text).split())
    match = _FIGURE.search(text)
    if match is None:
        return Reading(None)
    prefix, body, suffix = text[: match.start()], match.group(), text[match.end() :]
    sign = 1.0
    prefix = prefix.strip()
    if prefix[-1:] in _SIGNS and prefix[-1:]:
        sign, prefix = (-1.0 if prefix[-1] == "-" else 1.0), prefix[:-1].strip()
    elif prefix[:1] in _SIGNS and prefix[:1]:
        sign, prefix = (-1.0 if prefix[0] == "-" else 1.0), prefix[1:].strip()
    number = _figure(body)
    if number is None or not math.isfinite(number):
        return Reading(None)
    ordinal = _ORDINAL.match(suffix)
    if ordinal and number.is_integer():
        suffix = suffix[ordinal.end() :]
    suffix = suffix.strip().removesuffix(".").strip()
    words = _folded(f"{prefix} {suffix}")
    if not words:
        return Reading(sign * number)
    if not any(
        char.isalpha() or unicodedata.category(char) == "Sc" or char == "%" for char in words
    ):
        return Reading(None)  # stray signs or digits ('--4', '4 5'): no number at all
    known = _unit_words(unit, units)
    multiplier, unknown = _read_units(words, known)
    if unknown:
        return Reading(None, _unknown_unit(unknown, unit, known))
    value = sign * number / multiplier
    return Reading(value if math.isfinite(value) else None)


def _unknown_unit(word: str, unit: str, known: dict[str, float]) -> Msg:
    if not known:
        return Msg("'%(word)s' is not understood; write only the number", word=word[:20])
    names = ", ".join(sorted({name for name in known if " " not in name} or set(known)))
    if unit:
        return Msg(
            "'%(word)s' is not a unit this question knows (%(units)s); "
            "write the number in %(unit)s",
            word=word[:20],
            units=names,
            unit=unit,
        )
    return Msg(
        "'%(word)s' is not a unit this question knows (%(units)s); write the number",
        word=word[:20],
        units=names,
    )


def parse_number(
    text: str, unit: str = "", units: Mapping[str, float] | None = None
) -> float | None:
    """The number a student typed, or None when it is not one (rules in the module docstring)."""
    return read_number(text, unit, units).number


def format_number(number: float) -> str:
    """A number as a teacher would write it: ``56``, ``3.9``, ``0.001``."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(Msg("write a number here, not true or false"))
    return value


def _tolerance(value: Any) -> Any:
    hint = Msg("write a number such as 0.5, or a percentage of the answer such as '10%'")
    if isinstance(value, bool):
        raise ValueError(Msg("the tolerance cannot be true or false; %(hint)s", hint=hint))
    if isinstance(value, str):
        text = value.replace(" ", "")
        if _PERCENT.fullmatch(text):
            return text
        if _PLAIN.fullmatch(text):
            return float(text)
        raise ValueError(Msg("'%(value)s' is not a tolerance; %(hint)s", value=value, hint=hint))
    if isinstance(value, int | float) and value < 0:
        raise ValueError(Msg("the tolerance cannot be negative; %(hint)s", hint=hint))
    return value


Number = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False)]
Multiplier = Annotated[float, BeforeValidator(_number), Field(gt=0, allow_inf_nan=False)]
Tolerance = Annotated[
    Annotated[float, Field(ge=0, allow_inf_nan=False)]
    | Annotated[str, Field(pattern=r"^\d+(\.\d+)?%$")],
    BeforeValidator(_tolerance),
]


class NumericBounds(BaseModel):
    """Which numbers: ``answer`` ± ``tolerance``, or ``range: [min, max]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    noun: ClassVar[str] = Msg("a numeric question")

    answer: Number | None = None
    tolerance: Tolerance | None = Field(
        default=None, description="How far off an answer may be: 0.5, or '10%' of the answer."
    )
    range: tuple[Number, Number] | None = Field(
        default=None, description="[min, max], both included; instead of 'answer'."
    )

    @model_validator(mode="after")
    def _answer_or_range(self) -> NumericBounds:
        if self.answer is None and self.range is None:
            raise ValueError(
                Msg(
                    "%(what)s needs 'answer: <number>' (with an optional 'tolerance') "
                    "or 'range: [min, max]'",
                    what=self.noun,
                )
            )
        if self.answer is not None and self.range is not None:
            raise ValueError(
                Msg("give either 'answer' (with an optional 'tolerance') or 'range', not both")
            )
        if self.range is not None:
            if self.tolerance is not None:
                raise ValueError(
                    Msg(
                        "'tolerance' goes with 'answer'; a 'range' already says which numbers "
                        "count, so remove 'tolerance'"
                    )
                )
            low, high = self.range
            if low > high:
                raise ValueError(
                    Msg(
                        "the range [%(low)s, %(high)s] runs backwards; "
                        "write the smaller number first",
                        low=format_number(low),
                        high=format_number(high),
                    )
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
            return Msg(
                "between %(low)s and %(high)s", low=format_number(low), high=format_number(high)
            )
        assert self.answer is not None
        answer = format_number(self.answer)
        if not self.tolerance:
            return answer
        spread = (
            self.tolerance if isinstance(self.tolerance, str) else format_number(self.tolerance)
        )
        return f"{answer} (± {spread})"


class NumericTarget(NumericBounds):
    """Which numbers count as right, and the units a student may write them in."""

    units: dict[NonEmptyText, Multiplier] | None = Field(
        default=None,
        description=(
            "More units a student may write, each with Moodle's multiplier: how many of it make "
            "one of the answer's unit (answer in billions: million: 1000)."
        ),
    )


class WrongNumber(NumericBounds):
    """A wrong number (or range) the teacher expects, with what it reveals: a misreading of
    the source, a figure of another year, a unit slip (millions for billions)."""

    noun: ClassVar[str] = Msg("a wrong answer")

    misconception: Text | None = Field(
        default=None, description="Short id of the misconception this wrong number reveals."
    )
    feedback: LocalText = ""


def grade_number(target: NumericTarget, text: str, unit: str = "") -> tuple[bool, str]:
    """(right?, a note for the student) for a typed, non-empty answer."""
    reading = read_number(text, unit, target.units)
    number = reading.number
    if number is None:
        return False, reading.problem or Msg("'%(text)s' is not a number", text=text.strip()[:40])
    stripped = text.strip()
    plain = _PLAIN.fullmatch(stripped.lstrip("+-"))
    note = "" if plain else Msg("Read as %(number)s.", number=format_number(number))
    return target.matches(number), note


class NumericAnswer(QuestionBase, NumericTarget):
    type_name = "numeric"
    label = Msg("Numeric")

    type: Literal["numeric"]
    unit: LocalText = Field(default="", description="Shown after the answer box, e.g. 'years'.")
    wrong_answers: list[WrongNumber] | None = Field(
        default=None,
        description="Wrong numbers worth naming, each with its misconception and feedback.",
    )

    def _wrong_answer(self, response: Response) -> tuple[int, WrongNumber] | None:
        """The named wrong number a (wrong) response matches, with its index."""
        text = typed_text(response)
        number = read_number(text, self.unit, self.units).number if text.strip() else None
        if number is None or self.matches(number):
            return None
        for index, wrong in enumerate(self.wrong_answers or []):
            if wrong.matches(number):
                return index, wrong
        return None

    def _wrong_key(self, index: int) -> str:
        return self.option_key(f"wrong-answer-{index}")

    def options(self) -> list[Option]:
        return [
            Option(self._wrong_key(index), wrong.target_in_words(), False, wrong.misconception)
            for index, wrong in enumerate(self.wrong_answers or [])
        ]

    def picked_options(self, response: Response) -> list[str]:
        found = self._wrong_answer(response)
        return [] if found is None else [self._wrong_key(found[0])]

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
        feedback = [note] if note else []
        found = None if right else self._wrong_answer(response)
        if found is not None and found[1].feedback:
            feedback.append(found[1].feedback)
        return Grade(1.0 if right else 0.0, feedback)

    def correct_answer(self) -> str:
        if not self.unit:
            return self.target_in_words()
        # The unit is the bank's own word; the target may be words ("between 3 and 5").
        return Msg("%(target)s %(unit)s", target=self.target_in_words(), unit=self.unit)

    def summarize(self, response: Response) -> str:
        return typed_text(response).strip()
