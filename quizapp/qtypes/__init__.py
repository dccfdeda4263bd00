"""TEMPORARY registry (the qtypes engineer replaces this file)."""

from typing import Annotated, Union

from pydantic import Field

from quizapp.qtypes.base import Grade, InvalidResponse, QuestionBase
from quizapp.qtypes.single import SingleChoice

TYPES = (SingleChoice,)
QUESTION_TYPES = {cls.type_name: cls for cls in TYPES}
AnyQuestion = Annotated[Union[SingleChoice], Field(discriminator="type")]  # noqa: UP007
__all__ = ["QUESTION_TYPES", "AnyQuestion", "Grade", "InvalidResponse", "QuestionBase"]
