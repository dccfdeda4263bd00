"""A teacher's preview of a quiz, answerable like an attempt, with nothing recorded.

A preview is drawn from a seed exactly as an attempt is (the quiz's selection, draw, pools,
shuffles); the page carries the seed and the question versions it showed. On submit the same
draw is made again from the seed and must give the same versions (else the bank changed in
between: ``PreviewChanged``), the answers are read and graded by the question types, and the
result is shown. No row is written, so statistics, reports, gradebooks and histories cannot
count a preview.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizapp.attempts import choose_questions, live_versions
from quizapp.models import Quiz
from quizapp.qtypes import Grade, InvalidResponse, QuestionBase
from quizapp.questions import question_from_version, quiz_settings


class PreviewChanged(Exception):
    """The quiz's questions changed since the preview was drawn."""


@dataclass(frozen=True)
class PreviewItem:
    position: int
    version_id: int
    question: QuestionBase
    layout: dict[str, Any]

    @property
    def prefix(self) -> str:
        return f"p{self.position}-"

    @property
    def view(self) -> dict[str, Any]:
        return self.question.public_view(self.layout)


@dataclass(frozen=True)
class PreviewResult:
    item: PreviewItem
    response: dict[str, Any]
    grade: Grade

    @property
    def mark(self) -> float:
        return self.grade.fraction * self.item.question.points


def draw_preview(quiz: Quiz, seed: int) -> list[PreviewItem]:
    """The questions and layouts an attempt started with ``seed`` would show."""
    settings = quiz_settings(quiz)
    rng = random.Random(seed)
    versions = live_versions(quiz)
    live = [question_from_version(version) for version in versions]
    version_of = {q.id: v.id for q, v in zip(live, versions, strict=True)}
    chosen = choose_questions(settings, live, rng)
    return [
        PreviewItem(
            position=position,
            version_id=version_of[question.id],
            question=question,
            layout=question.new_layout(rng, shuffle=settings.shuffle_choices),
        )
        for position, question in enumerate(chosen, start=1)
    ]


def versions_field(items: Sequence[PreviewItem]) -> str:
    """The versions a preview showed, as its form carries them."""
    return ",".join(str(item.version_id) for item in items)


def grade_preview(
    quiz: Quiz, seed: int, shown_versions: str, form: Mapping[str, Sequence[str]]
) -> list[PreviewResult]:
    """Grade a submitted preview; ``PreviewChanged`` if the draw no longer gives what was
    shown, ``InvalidResponse`` (naming the question) for a value the page never offered."""
    items = draw_preview(quiz, seed)
    if versions_field(items) != shown_versions:
        raise PreviewChanged(
            "The quiz's questions changed since this preview was drawn (a bank was imported "
            "meanwhile), so it was not graded. Draw the preview again."
        )
    results = []
    for item in items:
        fields = {
            name[len(item.prefix) :]: list(values)
            for name, values in form.items()
            if name.startswith(item.prefix)
        }
        try:
            response = item.question.read_response(fields, item.layout)
        except InvalidResponse as error:
            raise InvalidResponse(f"Question {item.position}: {error}") from error
        results.append(PreviewResult(item, response, item.question.grade(response)))
    return results
