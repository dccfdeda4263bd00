"""Ordering: put items in the right order, by giving each item its position (1 = first).

The page shows the items shuffled (always, even when a quiz turns choice shuffling off: the
bank's order is the answer), each with a drop-down of positions 1..n; no JavaScript needed.

The response keeps what the student gave, ``{"positions": {item key: position}}``: a blank
position is left out, and two items given the same position are the student's mistake, not a
forged form, so they are stored and graded, not refused.

Scoring (``scoring:``):

- ``partial`` (default): the share of pairs in the right relative order, Kendall-style. Of the
  n(n-1)/2 pairs of items, a pair counts when both items have a position and the one that
  comes first in the right order has the strictly smaller position. A reversed list scores 0;
  one swap of two neighbours in a list of 4 scores 5/6.
- ``all_or_nothing``: full marks only for the exact order.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from itertools import combinations
from typing import Any, Literal

from pydantic import Field, model_validator

from quizapp.qtypes.base import (
    NOT_ANSWERED,
    FormData,
    Grade,
    InvalidResponse,
    QuestionBase,
    Response,
    only_value,
)
from quizapp.qtypes.languages import NonEmptyLocalText
from quizapp.translatable import Msg


class Ordering(QuestionBase):
    type_name = "ordering"
    label = Msg("Ordering")

    type: Literal["ordering"]
    items: list[NonEmptyLocalText] = Field(min_length=2, description="In the right order.")
    scoring: Literal["partial", "all_or_nothing"] = "partial"

    @model_validator(mode="after")
    def _distinct_items(self) -> Ordering:
        texts = [item.strip().casefold() for item in self.items]
        if len(set(texts)) != len(texts):
            raise ValueError(Msg("two items have the same text; make every item different"))
        return self

    def keys(self) -> list[str]:
        """The item keys in the right order."""
        return [self.option_key(item) for item in self.items]

    def new_layout(self, rng: random.Random, shuffle: bool = True) -> dict[str, Any]:
        # Always shuffled (the bank's order is the answer), by a uniform permutation that
        # includes the right order itself: a shuffle that never shows the right order gives
        # it away (with 2 items, it would always show the reverse).
        order = self.keys()
        rng.shuffle(order)
        return {"order": order}

    def public_view(self, layout: Mapping[str, Any]) -> dict[str, Any]:
        by_key = dict(zip(self.keys(), self.items, strict=True))
        order = [key for key in layout.get("order") or [] if key in by_key] or list(by_key)
        return {
            "text": self.text,
            "entries": [{"key": key, "text": by_key[key]} for key in order],
            "positions": list(range(1, len(self.items) + 1)),
        }

    def read_response(self, form: FormData, layout: Mapping[str, Any]) -> Response:
        offered = {str(n): n for n in range(1, len(self.items) + 1)}
        positions: dict[str, int] = {}
        for key in self.keys():
            value = only_value(form, f"pos-{key}")
            if not value:
                continue
            if value not in offered:
                raise InvalidResponse(
                    Msg(
                        "'%(value)s' is not a position; positions go from 1 to %(last)s",
                        value=value[:40],
                        last=len(offered),
                    )
                )
            positions[key] = offered[value]
        return {"positions": positions} if positions else {}

    def given(self, response: Response) -> dict[str, int]:
        """The stored positions of known items."""
        positions = response.get("positions")
        if not isinstance(positions, dict):
            return {}
        known = set(self.keys())
        return {
            key: value
            for key, value in positions.items()
            if key in known and isinstance(value, int) and not isinstance(value, bool)
        }

    def grade(self, response: Response) -> Grade:
        positions = self.given(response)
        if not positions:
            return Grade(0.0, [NOT_ANSWERED])
        pairs = list(combinations(self.keys(), 2))
        right = sum(
            1
            for first, second in pairs
            if first in positions and second in positions and positions[first] < positions[second]
        )
        if self.scoring == "partial":
            fraction = right / len(pairs)
        else:
            fraction = 1.0 if right == len(pairs) else 0.0
        feedback: list[str] = [
            Msg(
                "%(right)s of %(pairs)s pairs of items are in the right order.",
                right=right,
                pairs=len(pairs),
            )
        ]
        missing = len(self.items) - len(positions)
        if missing > 1:
            feedback.append(Msg("%(missing)s items were given no position.", missing=missing))
        elif missing:
            feedback.append(Msg("1 item was given no position."))
        shared = sorted(n for n, count in Counter(positions.values()).items() if count > 1)
        if shared:
            numbers = ", ".join(str(n) for n in shared)
            feedback.append(
                Msg("Position %(numbers)s was given to more than one item.", numbers=numbers)
            )
        return Grade(fraction, feedback)

    def correct_answer(self) -> str:
        return "; ".join(f"{n}. {item}" for n, item in enumerate(self.items, start=1))

    def summarize(self, response: Response) -> str:
        positions = self.given(response)
        given = sorted(
            (positions[key], index, item)
            for index, (key, item) in enumerate(zip(self.keys(), self.items, strict=True))
            if key in positions
        )
        return "; ".join(f"{n}. {item}" for n, _, item in given)
