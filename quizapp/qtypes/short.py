"""Short answer: the student types a word or a phrase, compared with the accepted answers.

Both sides are normalised before comparing (``normalize_answer``): Unicode NFKC (so full-width
letters and digits, ligatures and composed/decomposed accents compare equal: "ＭＩＮＳＫ" is
"MINSK"), Chinese punctuation read as its ASCII equivalent (，。：；！？（）「」《》、 and the
quotation marks), runs of white space made one space, outer spaces and trailing full stops
removed, and case ignored (Unicode case folding, so Russian and Greek too) unless
``case_sensitive: true``. Nothing else is forgiven: no spelling tolerance, no missing accents,
no transliteration (an answer in another script is right when the bank accepts it in that
script: "明斯克" and "Минск" are right when ``accept`` gives them).

A bank with translations accepts the answers of every language, whatever language the
question is shown in (a student may well type the English name in the Chinese version).

``optional_ending`` names words the question already shows after the answer box (a cloze
"the [[sea]] Sea", a short "Which ... Sea?"): an answer is right with or without them, so
"Black" and "Black Sea" are both right when ``accept: [Black Sea]`` and ``optional_ending: Sea``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, field_validator

from quizapp.qtypes.base import (
    NOT_ANSWERED,
    FormData,
    Grade,
    QuestionBase,
    Response,
    text_value,
)
from quizapp.qtypes.languages import NonEmptyLocalText, all_texts
from quizapp.translatable import Msg

MAX_ANSWER_LENGTH = 500
"""The longest typed answer accepted (the text box says so with ``maxlength``)."""

_SPACES = re.compile(r"\s+")

_CHINESE_PUNCTUATION = str.maketrans(
    {
        "\u3002": ".",  # 。 ideographic full stop
        "\uff61": ".",  # ｡ half-width ideographic full stop
        "\u3001": ",",  # 、 ideographic comma
        "\u300c": '"',  # 「
        "\u300d": '"',  # 」
        "\u300e": '"',  # 『
        "\u300f": '"',  # 』
        "\u300a": '"',  # 《 (book titles)
        "\u300b": '"',  # 》
        "\u3008": "<",  # 〈
        "\u3009": ">",  # 〉
        "\u3010": "[",  # 【
        "\u3011": "]",  # 】
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u00ab": '"',  # « (Russian quotation marks)
        "\u00bb": '"',  # »
        "\u30fb": " ",  # ・ middle dot between foreign names
        "\u00b7": " ",  # ·
    }
)
"""Punctuation of Chinese (and Russian) typing that NFKC leaves alone, as ASCII. NFKC itself
maps the full-width forms (，：；！？（）) to ASCII."""


def normalize_answer(text: str, case_sensitive: bool = False) -> str:
    """The form of an answer that comparisons see."""
    text = unicodedata.normalize("NFKC", text).translate(_CHINESE_PUNCTUATION)
    text = _SPACES.sub(" ", text).strip()
    text = text.rstrip(".").rstrip()
    if not case_sensitive:
        # casefold() can leave a decomposed sequence behind: normalise once more.
        text = unicodedata.normalize("NFKC", text.casefold())
    return text


def _listed(value: Any) -> Any:
    """One ending may be written alone (``optional_ending: Sea``)."""
    return [value] if isinstance(value, str) else value


class AcceptedAnswers(BaseModel):
    """The accepted answers of a short-answer question or blank, and how to compare them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    noun: ClassVar[str] = Msg("a short-answer question")

    accept: list[NonEmptyLocalText] = Field(json_schema_extra={"minItems": 1})
    case_sensitive: StrictBool = False
    optional_ending: Annotated[list[NonEmptyLocalText], BeforeValidator(_listed)] | None = Field(
        default=None,
        description="Words the question shows after the answer: right with or without them.",
    )

    @field_validator("accept")
    @classmethod
    def _some_answer(cls, accept: list[str]) -> list[str]:
        if not accept:
            raise ValueError(
                Msg("%(what)s needs at least one accepted answer under 'accept'", what=cls.noun)
            )
        for answer in accept:
            if not normalize_answer(answer):
                raise ValueError(
                    Msg(
                        "the accepted answer '%(answer)s' is empty once spaces and final full "
                        "stops are removed; write the answer itself",
                        answer=answer,
                    )
                )
        return accept

    def _without_ending(self, text: str) -> str:
        """The normalised answer, less one optional ending (when it is more than that)."""
        text = normalize_answer(text, self.case_sensitive)
        for ending in self.optional_ending or []:
            for written in all_texts(ending):
                tail = normalize_answer(written, self.case_sensitive)
                # Chinese writes no space before the ending (黑海: "黑" + "海").
                tails = [" " + tail] if tail.isascii() else [" " + tail, tail]
                for tail in tails:
                    if text.endswith(tail) and len(text) > len(tail):
                        return text[: -len(tail)].rstrip()
        return text

    def accepts(self, text: str) -> bool:
        """Right when it matches an accepted answer in any of the bank's languages."""
        given = self._without_ending(text)
        return bool(given) and any(
            given == self._without_ending(written)
            for answer in self.accept
            for written in all_texts(answer)
        )

    def accepted_in_words(self) -> str:
        first, *others = self.accept
        if not others:
            return first
        return Msg("%(first)s (also accepted: %(others)s)", first=first, others=", ".join(others))


def typed_text(response: Response, key: str = "answer") -> str:
    """A stored typed answer, or '' when there is none."""
    value = response.get(key)
    return value if isinstance(value, str) else ""


class ShortAnswer(QuestionBase, AcceptedAnswers):
    type_name = "short"
    label = Msg("Short answer")

    type: Literal["short"]

    def public_view(self, layout: Mapping[str, Any]) -> dict[str, Any]:
        return {"text": self.text, "max_length": MAX_ANSWER_LENGTH}

    def read_response(self, form: FormData, layout: Mapping[str, Any]) -> Response:
        text = text_value(form, "answer", MAX_ANSWER_LENGTH)
        return {"answer": text} if text.strip() else {}

    def grade(self, response: Response) -> Grade:
        text = typed_text(response)
        if not text.strip():
            return Grade(0.0, [NOT_ANSWERED])
        return Grade(1.0 if self.accepts(text) else 0.0)

    def correct_answer(self) -> str:
        return self.accepted_in_words()

    def summarize(self, response: Response) -> str:
        return " ".join(typed_text(response).split())
