"""Small helpers for the question-type tests."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from quizapp.qtypes import QuestionBase


def refused(model: type[BaseModel], data: Mapping[str, Any]) -> str:
    """The validation error text for data that must not validate."""
    with pytest.raises(ValidationError) as error:
        model.model_validate(data)
    return str(error.value)


def layout(question: QuestionBase, seed: int = 0, shuffle: bool = True) -> dict[str, Any]:
    return question.new_layout(random.Random(seed), shuffle=shuffle)


def view(question: QuestionBase, seed: int = 0) -> dict[str, Any]:
    return question.public_view(layout(question, seed))


def answer(question: QuestionBase, seed: int = 0, **fields: str | list[str]) -> dict[str, Any]:
    """read_response on form fields given as keywords (a list for several values)."""
    form = {name: value if isinstance(value, list) else [value] for name, value in fields.items()}
    return question.read_response(form, layout(question, seed))
