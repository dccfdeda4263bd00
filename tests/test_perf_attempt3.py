"""The attempt page's GET, cheaper (issue 10, branch perf-attempt3): the attempt is read as rows
(``attempts.load_attempt_page``) rather than ORM objects, the class rules' overrides come with
the assignments, and the page's fixed texts are kept per catalogue (``attempt_pages.page_texts``).

What must not change with it: the page shows what is saved now on every request (nothing of an
attempt or a login is kept between requests), a login ended or an account disabled is refused
at once, the texts follow the reader's language, and its links lead where they did. Its speed
is measured by bench/profile_pages.py, not asserted here."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from flask import Flask, url_for
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from quizapp import login_sessions, people
from quizapp.accounts import create_user
from quizapp.attempts import applied_to, load_attempt_page, load_attempt_post
from quizapp.classes.rules import applied_settings
from quizapp.database import begin_write
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptSlot, Quiz, User, now_utc
from tests.class_actions import Teacher, join, student_actions, teacher_client
from tests.conftest import AuthActions, csrf_token, sql_statements
from tests.quiz_actions import QuizActions
from tests.quiz_banks import make_bank

RU = {"Accept-Language": "ru"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _user_id(app: Flask, name: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.username == name))
        assert found is not None
        return found


def _second_device(app: Flask, username: str = "ada") -> QuizActions:
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return QuizActions(app, client)


def test_the_page_shows_what_another_device_saved_since_the_last_request(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = quiz.start("tour")
    before = quiz.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'aria-label="Question 1, not answered"' in before
    assert '<input type="hidden" name="sequence" value="0">' in before
    phone = _second_device(demo_app)
    first = {
        name: values
        for name, values in phone.right_answers(attempt_id).items()
        if name.startswith("q1-")
    }
    saved = phone.save(attempt_id, {**first, "page": ["1"], "flagged": ["1"]})
    assert saved.status_code == 302
    after = quiz.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'aria-label="Question 1, answered, flagged"' in after
    assert '<input type="hidden" name="sequence" value="1">' in after
    assert 'id="flag-1" name="flagged" value="1" checked' in after
    assert "<strong data-answered>1</strong>" in after


def test_an_ended_login_or_a_disabled_account_is_refused_the_page_at_once(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = quiz.start("tour")
    assert quiz.client.get(f"/attempts/{attempt_id}").status_code == 200
    ada = _user_id(demo_app, "ada")
    with demo_app.app_context():
        begin_write()
        assert login_sessions.end_others(ada, keep=None) == 1
        db.session.commit()
    ended = quiz.client.get(f"/attempts/{attempt_id}")
    assert ended.status_code == 302 and "/auth/login" in ended.location

    phone = _second_device(demo_app)
    assert phone.client.get(f"/attempts/{attempt_id}").status_code == 200
    with demo_app.app_context():
        head = create_user("head", "admin password", is_admin=True)
        people.set_disabled(ada, True, actor_id=head.id)
    refused = phone.client.get(f"/attempts/{attempt_id}")
    assert refused.status_code == 302 and "/auth/login" in refused.location


def test_the_page_s_fixed_texts_follow_a_change_of_language_at_once(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = quiz.start("tour")

    def page(client: FlaskClient = quiz.client, **headers: str) -> str:
        response = client.get(f"/attempts/{attempt_id}", headers=headers)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def choose(language: str) -> None:
        account = quiz.client.get("/auth/account").get_data(as_text=True)
        response = quiz.client.post(
            "/auth/account/preferences",
            data={
                "preferences-csrf_token": csrf_token(account),
                "preferences-language": language,
                "preferences-time_zone": "",
            },
        )
        assert response.status_code == 302

    english = page()
    assert ">Save and continue later</button>" in english
    assert re.search(r"<strong data-answered>0</strong> of \d+ answered", english)
    choose("ru")
    russian = page()
    assert ">Сохранить и продолжить позже</button>" in russian
    assert re.search(r"<strong data-answered>0</strong> из \d+ отвечено", russian)
    assert ">Завершить попытку…</a>" in russian and "Save and continue later" not in russian
    # The same process serves another reader in Chinese meanwhile, and Ada in Russian again.
    AuthActions(other := demo_app.test_client()).register("bob")
    bo = QuizActions(demo_app, other)
    bo_attempt = bo.start("tour")
    chinese = other.get(f"/attempts/{bo_attempt}", headers=ZH).get_data(as_text=True)
    assert ">保存，稍后继续</button>" in chinese and ">结束作答…</a>" in chinese
    assert ">Сохранить и продолжить позже</button>" in page()
    choose("")
    assert ">Save and continue later</button>" in page()
    assert ">Сохранить и продолжить позже</button>" in page(**RU)


def test_the_page_s_links_are_the_attempt_s_and_its_summary_s(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = quiz.start("tour")
    for root in ("", "/school"):
        html = quiz.client.get(
            f"/attempts/{attempt_id}", environ_overrides={"SCRIPT_NAME": root}
        ).get_data(as_text=True)
        with demo_app.test_request_context(environ_overrides={"SCRIPT_NAME": root}):
            attempt_url = url_for("student.attempt", attempt_id=attempt_id)
            summary_url = url_for("student.summary", attempt_id=attempt_id)
        assert attempt_url.startswith(f"{root}/attempts/")
        assert f'<form method="post" action="{attempt_url}" class="attempt-form"' in html
        assert f'<p class="quiz-nav-finish"><a href="{summary_url}">' in html
    assert quiz.client.get(f"/attempts/{attempt_id}/summary").status_code == 200


QUIZ = """\
- id: essay
  title: The essay quiz
  time_limit: 20m
"""


def test_an_assigned_student_s_rules_and_override_are_read_in_one_statement(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """The class rules read the assignments with the student's override of each in one
    statement; they were two (the overrides on their own). Since session 15 that read is a part
    of the attempt's own statement (with its slots since session 13), and since session 19 the
    login is read with it too: the page sends one SELECT."""
    app.config["OPEN_QUIZZES"] = False
    result = runner.invoke(args=["quiz", "import", make_bank(tmp_path, QUIZ, 3)])
    assert result.exit_code == 0, result.output
    teacher = Teacher(app, teacher_client(app))
    class_id, code = teacher.create_class()
    ana = student_actions(app, "ana")
    assert join(ana, code).status_code == 303
    assignment_id = teacher.assign(class_id, ana.quiz_id("essay"), time_limit="20")
    override = teacher.override(class_id, assignment_id, _user_id(app, "ana"), extra_minutes="30")
    assert override.status_code == 303
    attempt_id = ana.start("essay")
    ana.client.get(f"/attempts/{attempt_id}")  # warm: parsed questions, settings
    with sql_statements(app) as seen:
        html = ana.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "You have 30 extra minutes." in html
    assert re.search(r'data-seconds-left="(29[0-9]{2}|3000)"', html)  # 20 + 30 minutes
    selects = [statement for statement in seen if statement.lstrip().upper().startswith("SELECT")]
    rules = [statement for statement in selects if "overrides" in statement]
    assert len(rules) == 1 and "assignments" in rules[0] and "attempt_slots" in rules[0], rules
    assert "login_sessions" in rules[0], rules
    assert len(selects) == 1, selects


def test_the_rules_read_with_the_attempt_are_those_the_rules_read_alone(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """The attempt's statement reads the class rules with it (``rules.assignments_of``): for a
    student in two classes that both assign the quiz, the one that closes last applies, with
    the student's override of it and not of the other; the page's and a POST's reads find
    exactly what ``applied_settings`` finds on its own, and another student's override of the
    same assignment is not theirs."""
    app.config["OPEN_QUIZZES"] = False
    result = runner.invoke(args=["quiz", "import", make_bank(tmp_path, QUIZ, 3)])
    assert result.exit_code == 0, result.output
    teacher = Teacher(app, teacher_client(app))
    (first_class, first_code), (second_class, second_code) = (
        teacher.create_class("Year 9 history"),
        teacher.create_class("Year 9 geography"),
    )
    ana, ben = student_actions(app, "ana"), student_actions(app, "ben")
    for code in (first_code, second_code):
        assert join(ana, code).status_code == 303
    assert join(ben, second_code).status_code == 303
    quiz_id = ana.quiz_id("essay")
    soon, later = ((now_utc() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M") for days in (2, 5))
    closes_soon = teacher.assign(first_class, quiz_id, time_limit="20", closes=soon)
    closes_later = teacher.assign(second_class, quiz_id, time_limit="25", closes=later)
    ana_id, ben_id = _user_id(app, "ana"), _user_id(app, "ben")
    for assignment_id, user_id, minutes in (
        (closes_soon, ana_id, "10"),
        (closes_later, ana_id, "30"),
        (closes_later, ben_id, "50"),
    ):
        response = teacher.override(
            first_class if assignment_id == closes_soon else second_class,
            assignment_id,
            user_id,
            extra_minutes=minutes,
        )
        assert response.status_code == 303
    attempt_id = ana.start("essay")
    with app.test_request_context():
        page, post = load_attempt_page(attempt_id), load_attempt_post(attempt_id)
        assert page is not None and post is not None
        alone = applied_settings(ana_id, db.session.get(Quiz, quiz_id))
        assert alone.assignment is not None and alone.assignment.id == closes_later
        assert alone.settings.time_limit == (25 + 30) * 60
        assert alone.notes == ("You have 30 extra minutes.",)
        assert applied_to(page) == applied_to(post) == alone
        assert [slot.position for slot in page.slots] == [1, 2, 3]


def test_an_attempt_read_in_one_statement_is_its_own_or_none(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    """The attempt page, a save and a submit read the attempt and its slots in one statement
    (the attempt's row first, then its slots by position): the slots are the attempt's, in
    order; an attempt that does not exist is a 404 for its page and its POST, and changes
    nothing."""
    auth.register()
    first, second = quiz.start(), quiz.start("tour")
    assert first == second  # resumed: one open attempt of the quiz
    with demo_app.app_context():
        page, post = load_attempt_page(first), load_attempt_post(first)
        stored = db.session.scalars(
            select(AttemptSlot.position)
            .where(AttemptSlot.attempt_id == first)
            .order_by(AttemptSlot.position)
        ).all()
        assert page is not None and post is not None
        assert page.id == post.id == first and page.quiz is not None
        assert [slot.position for slot in page.slots] == list(stored) == sorted(stored)
        assert [slot.position for slot in post.slots] == list(stored)
        assert all(slot.id for slot in post.slots)
        assert load_attempt_page(first + 1000) is None and load_attempt_post(first + 1000) is None
    assert quiz.client.get(f"/attempts/{first + 1000}").status_code == 404
    missing = quiz.client.post(
        f"/attempts/{first + 1000}",
        data={"csrf_token": quiz.token, "sequence": "0", "submit": "1"},
    )
    assert missing.status_code == 404
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_the_attempt_s_read_is_a_text_psycopg_keeps_converted(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    """psycopg converts a statement's text (its ``%(name)s`` to ``$n``) afresh at every
    execution when the text is over 4,096 bytes or has over 50 parameters; the attempt page's,
    a save's and a submit's read of the attempt, its rules and its slots was 4,414 and 4,936
    bytes, with a ``CAST`` for every column a part leaves empty (``attempts._empty``)."""
    auth.register()
    attempt_id = quiz.start()
    fields = quiz.right_answers(attempt_id)
    with sql_statements(demo_app) as seen:
        assert quiz.client.get(f"/attempts/{attempt_id}").status_code == 200
        assert quiz.submit(attempt_id, fields).status_code == 302
    reads = [statement for statement in seen if "attempt_slots" in statement]
    assert len(reads) == 2, reads
    for read in reads:
        assert "UNION ALL" in read and len(read.encode()) <= 4096, len(read.encode())
        assert read.count("%(") + read.count("?") <= 50, read
