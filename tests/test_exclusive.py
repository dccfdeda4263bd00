"""A quiz's exclusive groups: questions that give each other away never share an attempt."""

from __future__ import annotations

import random
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.attempts import choose_questions
from quizapp.bank.errors import BankError
from quizapp.bank.loader import load_bank_bytes
from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.questions import question_from_version
from tests.quiz_banks import make_bank

GROUPS = [{"q1", "q2"}, {"q3", "q4", "q5"}]


def load(tmp_path: Path, quiz: str, count: int = 8):
    return load_bank_bytes(Path(make_bank(tmp_path, quiz, count)).read_bytes(), "settings.yaml")


def clashes(ids: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in combinations(ids, 2) if any({a, b} <= group for group in GROUPS)]


@pytest.mark.parametrize(
    "quiz",
    [
        "- id: quiz\n  title: Quiz\n  draw: 5\n  exclusive: [[q1, q2], [q3, q4, q5]]\n",
        "- id: quiz\n  title: Quiz\n  exclusive: [[q1, q2], {tags: [three]}]\n",
        "- id: quiz\n  title: Quiz\n  shuffle_questions: true\n  pools:\n"
        "    - {questions: [q1, q3, q4, q6], draw: 1}\n"
        "    - {questions: [q2, q5, q7, q8], draw: 2}\n"
        "  exclusive: [[q1, q2], [q3, q4, q5]]\n",
    ],
    ids=["draw", "all-questions-with-a-tag-group", "pools"],
)
def test_no_draw_over_many_seeds_holds_two_of_a_group(tmp_path: Path, quiz: str) -> None:
    data = Path(make_bank(tmp_path, quiz, 8)).read_text()
    for qid in ("q3", "q4", "q5"):  # the tag 'three' names the second group
        data = data.replace(
            f"text: Question {qid}?\n  tags: [", f"text: Question {qid}?\n  tags: [three, "
        )
    bank = load_bank_bytes(data.encode(), "settings.yaml")
    settings = bank.quizzes[0]
    live = list(bank.questions)
    seen: set[str] = set()
    for seed in range(500):
        ids = [q.id for q in choose_questions(settings, live, random.Random(seed))]
        assert clashes(ids) == [], (seed, ids)
        assert len(ids) == len(set(ids))
        if settings.draw:
            assert len(ids) == settings.draw
        if settings.pools:
            assert len(ids) == sum(pool.draw for pool in settings.pools)
        seen.update(ids)
    assert seen == {q.id for q in live}, "every question still gets its turn"


def test_without_groups_the_draw_is_what_it_was(tmp_path: Path) -> None:
    """Quizzes without exclusive groups draw exactly as before for the same seed."""
    bank = load(tmp_path, "- id: quiz\n  title: Quiz\n  draw: 3\n")
    live = list(bank.questions)
    for seed in range(50):
        expected = random.Random(seed).sample(live, 3)
        drawn = choose_questions(bank.quizzes[0], live, random.Random(seed))
        assert drawn == sorted(expected, key=live.index)


@pytest.mark.parametrize(
    ("quiz", "message"),
    [
        (
            "- id: quiz\n  title: Quiz\n  exclusive: [[q1, q99]]\n",
            "settings.yaml:6:22: quiz 'quiz' names question 'q99', which is not in this bank",
        ),
        (
            "- id: quiz\n  title: Quiz\n  exclusive: [[q1]]\n",
            "has an exclusive group of 1 question",
        ),
        (
            "- id: quiz\n  title: Quiz\n  draw: 7\n  exclusive: [[q1, q2], [q3, q4]]\n",
            "quiz 'quiz' draws 7 questions, but with its exclusive groups an attempt can hold "
            "only 6",
        ),
        (
            "- id: quiz\n  title: Quiz\n  pools:\n"
            "    - {questions: [q1, q2, q3], draw: 2}\n"
            "    - {questions: [q4, q5], draw: 2}\n"
            "  exclusive: [[q1, q2, q4]]\n",
            "draws 2 questions from pool 2, but with its exclusive groups (and the other pools' "
            "draws) it can surely offer only 1",
        ),
    ],
)
def test_impossible_or_unknown_groups_are_refused_with_their_line(
    tmp_path: Path, quiz: str, message: str
) -> None:
    with pytest.raises(BankError) as refused:
        load(tmp_path, quiz)
    assert message in str(refused.value)


def test_attempts_through_the_app_honour_the_groups(take, app) -> None:
    actions = take(
        "- id: quiz\n  title: Quiz\n  draw: 3\n  exclusive: [[q1, q2], [q3, q4, q5]]\n", count=6
    )
    for _ in range(12):
        attempt_id = actions.start("quiz")
        actions.submit(attempt_id, {})
    with app.app_context():
        attempts = db.session.scalars(select(Attempt)).all()
        assert len(attempts) == 12
        for attempt in attempts:
            ids = [question_from_version(slot.question_version).id for slot in attempt.slots]
            assert len(ids) == 3 and clashes(ids) == [], ids
