from __future__ import annotations

from typing import Any

import pytest

from quizapp.qtypes import InvalidResponse
from quizapp.qtypes.ordering import Ordering

from .helpers import answer, layout, refused, view

ITEMS = ["Mercury", "Venus", "Earth", "Mars"]
DATA: dict[str, Any] = {"id": "planets", "type": "ordering", "text": "Order them.", "items": ITEMS}


def make(**changes: Any) -> Ordering:
    return Ordering.model_validate({**DATA, **changes})


def placed(question: Ordering, *positions: int | str) -> dict[str, Any]:
    """The response when item i (bank order) is given positions[i] ('' for none)."""
    fields = {f"pos-{key}": str(n) for key, n in zip(question.keys(), positions, strict=True)}
    return answer(question, **fields)


def fraction(question: Ordering, *positions: int | str) -> float:
    return question.grade(placed(question, *positions)).fraction


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["one"], "at least 2 items"),
        (["one", " One "], "two items have the same text"),
        (["one", ""], "at least 1 character"),
    ],
)
def test_invalid(items: list[str], message: str) -> None:
    assert message in refused(Ordering, {**DATA, "items": items})


def test_layout_is_shuffled_even_when_the_quiz_turns_shuffling_off() -> None:
    # The bank's order is the answer, so the items are always shuffled; the right order is one
    # of the shuffles, as likely as any other (tests/test_shuffle.py checks the distribution).
    question = make()
    for shuffle in (True, False):
        orders = {tuple(layout(question, seed, shuffle)["order"]) for seed in range(30)}
        assert len(orders) > 1
    assert layout(question, 5) == layout(question, 5)


def test_view() -> None:
    question = make()
    shown = view(question, 2)
    assert [entry["key"] for entry in shown["entries"]] == layout(question, 2)["order"]
    assert sorted(entry["text"] for entry in shown["entries"]) == sorted(ITEMS)
    assert shown["positions"] == [1, 2, 3, 4]


def test_right_order() -> None:
    question = make()
    response = placed(question, 1, 2, 3, 4)
    assert response == {"positions": dict(zip(question.keys(), [1, 2, 3, 4], strict=True))}
    assert question.grade(response).fraction == 1.0
    assert question.summarize(response) == "1. Mercury; 2. Venus; 3. Earth; 4. Mars"
    assert question.correct_answer() == "1. Mercury; 2. Venus; 3. Earth; 4. Mars"


def test_partial_credit_by_hand() -> None:
    question = make()
    # 6 pairs. Swap Venus and Earth: only (Venus, Earth) is out of order -> 5/6.
    assert fraction(question, 1, 3, 2, 4) == pytest.approx(5 / 6)
    # Mars first: (Me,Ma) (V,Ma) (E,Ma) wrong; (Me,V) (Me,E) (V,E) right -> 3/6.
    assert fraction(question, 2, 3, 4, 1) == pytest.approx(3 / 6)
    # Reversed: no pair right.
    assert fraction(question, 4, 3, 2, 1) == 0.0
    grade = question.grade(placed(question, 1, 3, 2, 4))
    assert grade.feedback == ["5 of 6 pairs of items are in the right order."]
    assert grade.state == "partial"


def test_blank_and_shared_positions_are_graded_not_refused() -> None:
    question = make()
    # Earth blank: pairs with Earth don't count; (Me,V) (Me,Ma) (V,Ma) right -> 3/6.
    response = placed(question, 1, 2, "", 4)
    assert len(response["positions"]) == 3
    grade = question.grade(response)
    assert grade.fraction == pytest.approx(3 / 6)
    assert "1 item was given no position." in grade.feedback
    # Venus and Earth both 2: (V,E) is not right -> 5/6.
    grade = question.grade(placed(question, 1, 2, 2, 3))
    assert grade.fraction == pytest.approx(5 / 6)
    assert "Position 2 was given to more than one item." in grade.feedback
    assert question.summarize(placed(question, 1, 2, 2, "")) == "1. Mercury; 2. Venus; 2. Earth"


def test_all_or_nothing() -> None:
    question = make(scoring="all_or_nothing")
    assert fraction(question, 1, 2, 3, 4) == 1.0
    assert fraction(question, 1, 3, 2, 4) == 0.0


def test_empty() -> None:
    question = make()
    assert answer(question) == {}
    assert placed(question, "", "", "", "") == {}
    assert question.grade({}).feedback == ["Not answered."]
    assert question.grade({"positions": {"unknown": 1}}).fraction == 0.0


@pytest.mark.parametrize("forged", ["0", "5", "one", "1.0", " 1"])
def test_forged_position(forged: str) -> None:
    question = make()
    with pytest.raises(InvalidResponse, match="positions go from 1 to 4"):
        placed(question, 1, 2, 3, forged)


def test_view_hides_the_answer_order() -> None:
    question = make()
    # The page shows the items in the attempt's shuffled order (which may be the right one, as
    # likely as any other) and nothing that tells which order is right.
    for seed in range(10):
        shown = view(question, seed)
        assert [entry["key"] for entry in shown["entries"]] == layout(question, seed)["order"]
        assert set(shown) == {"text", "entries", "positions"}
        assert shown["positions"] == [1, 2, 3, 4]
