"""The question types, by their YAML ``type:`` name.

Adding a type is one module (a ``QuestionBase`` subclass with ``type: Literal["<name>"]``) and
one line in ``TYPES``.
"""

from typing import Annotated, Union

from pydantic import Field

from quizapp.qtypes.base import Grade, InvalidResponse, QuestionBase
from quizapp.qtypes.cloze import Cloze
from quizapp.qtypes.matching import Matching
from quizapp.qtypes.multiple import MultipleChoice
from quizapp.qtypes.numeric import NumericAnswer
from quizapp.qtypes.ordering import Ordering
from quizapp.qtypes.short import ShortAnswer
from quizapp.qtypes.single import SingleChoice
from quizapp.qtypes.true_false import TrueFalse

TYPES: tuple[type[QuestionBase], ...] = (
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    ShortAnswer,
    NumericAnswer,
    Ordering,
    Matching,
    Cloze,
)

QUESTION_TYPES: dict[str, type[QuestionBase]] = {cls.type_name: cls for cls in TYPES}

AnyQuestion = Annotated[Union[TYPES], Field(discriminator="type")]  # type: ignore[valid-type]  # noqa: UP007
"""Any question, chosen by its ``type:`` key (for the bank's models)."""

__all__ = ["QUESTION_TYPES", "TYPES", "AnyQuestion", "Grade", "InvalidResponse", "QuestionBase"]
