"""Every question type's shuffle is a uniform permutation that includes the right arrangement.

A shuffle that leaves out the right arrangement gives the answer away: a 2-item ordering
question that never shows the right order always shows the reverse. Each test draws layouts
with many fixed seeds (deterministic, never flaky) and checks that every arrangement of a
small question appears, the right one included, about equally often.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Hashable
from itertools import permutations
from math import factorial
from typing import Any

import pytest

from quizapp.qtypes import QuestionBase
from quizapp.qtypes.cloze import Cloze
from quizapp.qtypes.matching import Matching
from quizapp.qtypes.multiple import MultipleChoice
from quizapp.qtypes.ordering import Ordering
from quizapp.qtypes.single import SingleChoice

SEEDS = 1200
"""Layouts drawn per case: about 200 per arrangement of three options."""


def arrangements(
    question: QuestionBase, pick: Callable[[dict[str, Any]], Hashable], shuffle: bool = True
) -> Counter[Hashable]:
    return Counter(
        pick(question.new_layout(random.Random(seed), shuffle=shuffle)) for seed in range(SEEDS)
    )


def assert_uniform(seen: Counter[Hashable], every: set[Hashable], right: Hashable) -> None:
    """Every arrangement appears, the right one too, each within 30% of its fair share."""
    assert right in seen, "the shuffle never shows the right arrangement"
    assert set(seen) == every
    fair = SEEDS / len(every)
    assert all(0.7 * fair <= count <= 1.3 * fair for count in seen.values()), seen


def ordering(items: list[str]) -> Ordering:
    return Ordering.model_validate({"id": "o", "type": "ordering", "text": "T", "items": items})


@pytest.mark.parametrize("items", [["a", "b"], ["a", "b", "c"]])
@pytest.mark.parametrize("shuffle", [True, False])
def test_ordering_shows_every_order_including_the_right_one(items: list[str], shuffle: bool):
    # The quiz's shuffle_choices does not matter: the bank's order is the answer, so ordering
    # always shuffles, and the right order must be as likely as any other.
    question = ordering(items)
    right = tuple(question.keys())
    seen = arrangements(question, lambda layout: tuple(layout["order"]), shuffle)
    assert_uniform(seen, set(permutations(right)), right)
    assert len(seen) == factorial(len(items))


@pytest.mark.parametrize("model", [SingleChoice, MultipleChoice])
def test_choices_show_every_order(model: type[SingleChoice] | type[MultipleChoice]):
    question = model.model_validate(
        {
            "id": "c",
            "type": model.type_name,
            "text": "T",
            "choices": [{"text": "right", "correct": True}, "other", "third"],
        }
    )
    bank_order = tuple(question.option_key(choice.text) for choice in question.choices)
    seen = arrangements(question, lambda layout: tuple(layout["order"]))
    assert_uniform(seen, set(permutations(bank_order)), bank_order)


def test_matching_shows_every_arrangement_including_the_pairs_side_by_side():
    question = Matching.model_validate(
        {
            "id": "m",
            "type": "matching",
            "text": "T",
            "pairs": [{"prompt": "p1", "answer": "a1"}, {"prompt": "p2", "answer": "a2"}],
            "distractors": ["d"],
        }
    )
    prompts = tuple(question.prompt_texts())
    answers = tuple(question.answer_texts())
    seen = arrangements(
        question, lambda layout: (tuple(layout["prompts"]), tuple(layout["answers"]))
    )
    every = {(p, a) for p in permutations(prompts) for a in permutations(answers)}
    # The right arrangement: each prompt beside its own answer, in the bank's order.
    assert_uniform(seen, every, (prompts, answers))


def test_cloze_choice_blanks_show_every_order():
    question = Cloze.model_validate(
        {
            "id": "z",
            "type": "cloze",
            "text": "Earth is the [[position]] planet.",
            "blanks": {
                "position": {
                    "type": "choice",
                    "choices": ["third", "second", "fourth"],
                    "answer": "third",
                }
            },
        }
    )
    bank_order = tuple(question.choice_keys("position"))
    seen = arrangements(question, lambda layout: tuple(layout["choices"]["position"]))
    assert_uniform(seen, set(permutations(bank_order)), bank_order)
