"""Regrading a quiz after an import fixed a question's key (Moodle's regrade)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp import stats
from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AttemptSlot, MarkChange, QuestionVersion, Quiz, Regrade
from tests.conftest import AuthActions, csrf_token, sql_statements
from tests.quiz_actions import QuizActions
from tests.quiz_banks import make_bank

QUIZ = "- id: all\n  title: All questions\n"


def key(qid: str, text: str) -> str:
    """A choice's form value (as the question types make it)."""
    return hashlib.sha256(f"{qid}\x00{text}".encode()).hexdigest()[:10]


@pytest.fixture
def course(app, runner, tmp_path):
    path = make_bank(tmp_path, QUIZ, 3)
    assert runner.invoke(args=["quiz", "import", path]).exit_code == 0
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    teacher = app.test_client()
    AuthActions(teacher).login("ms-lee", "teacher password")
    return path, teacher


def take(app, username: str, q1: str, q2: str = "right q2") -> int:
    """A student's submitted attempt choosing ``q1`` and ``q2`` as the answers of q1 and q2."""
    client = app.test_client()
    AuthActions(client).register(username)
    actions = QuizActions(app, client)
    attempt_id = actions.start("all")
    actions.submit(attempt_id, {"q1-choice": [key("q1", q1)], "q2-choice": [key("q2", q2)]})
    return attempt_id


def fix_key(runner, path: str, text: str | None = None) -> None:
    """Make 'wrong one q1' the correct choice of q1 (or replace the whole bank's text)."""
    with open(path) as file:
        bank = file.read()
    if text is None:
        text = bank.replace("- {text: right q1, correct: true}", "- right q1").replace(
            "- wrong one q1\n", "- {text: wrong one q1, correct: true}\n"
        )
    assert text != bank
    with open(path, "w") as file:
        file.write(text)
    assert runner.invoke(args=["quiz", "import", path]).exit_code == 0


def quiz_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Quiz.id).where(Quiz.key == "all"))


def marks(app) -> dict[int, tuple[float, float]]:
    """Each attempt's (marks, mark of q1)."""
    with app.app_context():
        rows = db.session.execute(
            select(Attempt.id, Attempt.marks, Answer.mark)
            .join(AttemptSlot, AttemptSlot.attempt_id == Attempt.id)
            .join(Answer, Answer.slot_id == AttemptSlot.id)
            .where(AttemptSlot.position == 1)
        )
        return {attempt: (total, mark) for attempt, total, mark in rows}


def decide(client, app, mode: str, old_version: str | None = None):
    url = f"/teach/quizzes/{quiz_id(app)}/regrade"
    page = client.get(url).get_data(as_text=True)
    if old_version is None:
        found = re.search(r'name="old_version" value="(\d+)"', page)
        assert found, "a question is pending"
        old_version = found.group(1)
    return client.post(
        url, data={"csrf_token": csrf_token(page), "old_version": old_version, "mode": mode}
    )


def test_regrade_all_gives_new_marks_totals_and_history(app, runner, course):
    path, teacher = course
    right, wrong = take(app, "ann", "right q1"), take(app, "bob", "wrong one q1")
    assert marks(app) == {right: (2, 1), wrong: (1, 0)}
    fix_key(runner, path)
    page = teacher.get(f"/teach/quizzes/{quiz_id(app)}/regrade").get_data(as_text=True)
    assert "Dry run: 2 attempts would change" in page
    assert "<dt>Choices</dt>" in page
    assert marks(app) == {right: (2, 1), wrong: (1, 0)}, "a dry run changes nothing"

    response = decide(teacher, app, "all")
    assert response.status_code == 303
    assert marks(app) == {right: (1, 0), wrong: (2, 1)}
    with app.app_context():
        changes = db.session.scalars(select(MarkChange).order_by(MarkChange.attempt_id)).all()
        assert [(c.attempt_id, c.old_mark, c.new_mark) for c in changes] == [
            (right, 1, 0),
            (wrong, 0, 1),
        ]
        regrade = db.session.scalar(select(Regrade))
        assert regrade.mode == "all" and regrade.attempts_changed == 2
        assert all(c.regrade_id == regrade.id for c in changes)
        current = db.session.scalar(select(QuestionVersion.id).where(QuestionVersion.version == 2))
        versions = set(db.session.scalars(select(AttemptSlot.question_version_id).where(
            AttemptSlot.position == 1)))  # fmt: skip
        assert versions == {current}
        assert stats.summary(quiz_id(app)).mean == pytest.approx(50)
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "Regraded: 2 attempt(s) changed" in page
    assert "Nothing to decide" in page
    history = page.split("History of regrades", 1)[1]
    assert "Regraded all attempts" in history and "ms-lee" in history


def test_from_now_on_changes_nothing_stored_and_is_recorded(app, runner, course):
    path, teacher = course
    right = take(app, "ann", "right q1")
    fix_key(runner, path)
    before = marks(app)
    assert decide(teacher, app, "from_now_on").status_code == 303
    assert marks(app) == before
    with app.app_context():
        assert db.session.scalar(select(Regrade.mode)) == "from_now_on"
        assert db.session.scalar(select(func.count(MarkChange.id))) == 0
    page = teacher.get(f"/teach/quizzes/{quiz_id(app)}/regrade").get_data(as_text=True)
    assert "Nothing to decide" in page and "From now on only" in page
    # A new attempt uses the new key.
    new = take(app, "cat", "wrong one q1")
    assert marks(app)[new] == (2, 1) and marks(app)[right] == before[right]


def test_a_mark_a_teacher_set_is_kept_by_a_regrade(app, runner, course):
    path, teacher = course
    right = take(app, "ann", "right q1")
    url = f"/teach/attempts/{right}/questions/1"
    page = teacher.get(url).get_data(as_text=True)
    teacher.post(url, data={"csrf_token": csrf_token(page), "mark": "0.5", "comment": "ok"})
    fix_key(runner, path)
    page = teacher.get(f"/teach/quizzes/{quiz_id(app)}/regrade").get_data(as_text=True)
    assert "1 marked by a teacher would keep that mark" in page
    decide(teacher, app, "all")
    assert marks(app)[right] == (1.5, 0.5)


def test_changed_options_cannot_be_regraded_all(app, runner, course):
    path, teacher = course
    take(app, "ann", "right q1")
    with open(path) as file:
        text = file.read().replace("right q1", "right answer q1")
    fix_key(runner, path, text)
    page = teacher.get(f"/teach/quizzes/{quiz_id(app)}/regrade").get_data(as_text=True)
    assert "only “from now on” is possible" in page
    before = marks(app)
    response = decide(teacher, app, "all")
    assert response.status_code == 400
    assert "options of &#39;q1&#39; changed" in response.get_data(as_text=True)
    assert marks(app) == before


@pytest.mark.parametrize(
    ("mode", "version"), [("everything", None), ("all", "99999"), ("all", "x")]
)
def test_bad_regrade_forms_are_400_and_change_nothing(app, runner, course, mode, version):
    path, teacher = course
    take(app, "ann", "right q1")
    fix_key(runner, path)
    before = marks(app)
    assert decide(teacher, app, mode, version).status_code == 400
    assert marks(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(Regrade.id))) == 0


def test_students_cannot_regrade(app, runner, course, client, auth):
    auth.register("eve")
    assert client.get(f"/teach/quizzes/{quiz_id(app)}/regrade").status_code == 403


def test_a_regrade_runs_the_same_statements_for_2_or_8_attempts(app, runner, tmp_path):
    counts = []
    for run, students in enumerate((2, 8)):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        path = make_bank(folder, QUIZ.replace("all", f"all{run}", 1), 3)
        text = Path(path).read_text().replace("bank: settings", f"bank: settings{run}")
        Path(path).write_text(text)
        assert runner.invoke(args=["quiz", "import", path]).exit_code == 0
        if run == 0:
            with app.app_context():
                create_user("ms-lee", "teacher password", is_teacher=True)
            teacher = app.test_client()
            AuthActions(teacher).login("ms-lee", "teacher password")
        for number in range(students):
            client = app.test_client()
            AuthActions(client).register(f"s{run}-{number}")
            actions = QuizActions(app, client)
            attempt_id = actions.start(f"all{run}")
            actions.submit(attempt_id, {"q1-choice": [key("q1", "right q1")]})
        fix_key(runner, path)
        with app.app_context():
            quiz = db.session.scalar(select(Quiz.id).where(Quiz.key == f"all{run}"))
        url = f"/teach/quizzes/{quiz}/regrade"
        page = teacher.get(url).get_data(as_text=True)
        old = re.search(r'name="old_version" value="(\d+)"', page).group(1)
        data = {"csrf_token": csrf_token(page), "old_version": old, "mode": "all"}
        with sql_statements(app) as seen:
            assert teacher.post(url, data=data).status_code == 303
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
