"""The attempt page's questions rendered once per key and kept (issue 10, branch perf3):
``quizapp.student.question_html`` and ``attempt_pages.page_questions``.

A page opened again renders only the questions whose answer or flag changed, and what it keeps
is byte for byte what rendering gives: each student's own answers, flags and language, never
another's."""

from __future__ import annotations

import re

from flask import Flask

from quizapp.student.question_html import HtmlCache
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
FIELDSET = re.compile(r'<fieldset class="question".*?</fieldset>', re.S)


def kept(app: Flask) -> HtmlCache:
    cache = app.extensions["quizapp.question_html"]
    assert isinstance(cache, HtmlCache)
    return cache


def fieldsets(
    quiz: QuizActions, attempt_id: int, headers: dict[str, str] | None = None
) -> list[str]:
    response = quiz.client.get(f"/attempts/{attempt_id}", headers=headers or {})
    assert response.status_code == 200
    return FIELDSET.findall(response.get_data(as_text=True))


def rendered_afresh(
    app: Flask, quiz: QuizActions, attempt_id: int, headers: dict[str, str] | None = None
) -> list[str]:
    """The page's questions rendered with nothing kept (as while templates reload)."""
    app.jinja_env.auto_reload = True
    try:
        return fieldsets(quiz, attempt_id, headers)
    finally:
        app.jinja_env.auto_reload = False


def first_question_fields(quiz: QuizActions, attempt_id: int) -> dict[str, list[str]]:
    return {
        name: values
        for name, values in quiz.right_answers(attempt_id).items()
        if name.startswith("q1-")
    }


def test_a_page_opened_again_renders_only_the_questions_that_changed(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = quiz.start("tour")
    first = fieldsets(quiz, attempt_id)
    shown = len(first)
    assert shown > 2
    assert len(kept(demo_app)) == shown
    assert fieldsets(quiz, attempt_id) == first
    assert len(kept(demo_app)) == shown  # all taken from the cache
    answer = first_question_fields(quiz, attempt_id)
    response = quiz.save(attempt_id, {**answer, "page": ["1"], "flagged": ["2"]})
    assert response.status_code == 302
    after = fieldsets(quiz, attempt_id)
    # Question 1 (its answer) and question 2 (its flag) rendered again; the rest as they were.
    assert len(kept(demo_app)) == shown + 2
    assert after[2:] == first[2:]
    assert after[0] != first[0] and after[1] != first[1]
    assert 'id="flag-2" name="flagged" value="2" checked' in after[1]
    assert after == rendered_afresh(demo_app, quiz, attempt_id)


def test_kept_questions_show_the_answer_saved_now(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = quiz.start("tour")
    empty = fieldsets(quiz, attempt_id)
    answer = first_question_fields(quiz, attempt_id)
    assert quiz.save(attempt_id, {**answer, "page": ["1"]}).status_code == 302
    answered = fieldsets(quiz, attempt_id)
    assert answered[0] != empty[0]
    assert answered == rendered_afresh(demo_app, quiz, attempt_id)
    # Clearing the answer shows the empty question again (the kept one), not the last answer.
    cleared = {name: [""] for name in answer}
    assert quiz.save(attempt_id, {**cleared, "page": ["1"]}).status_code == 302
    assert fieldsets(quiz, attempt_id) == empty == rendered_afresh(demo_app, quiz, attempt_id)


def test_kept_questions_are_each_students_own_and_in_the_page_language(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register("ada")
    ada = quiz.start("tour")
    answer = first_question_fields(quiz, ada)
    assert quiz.save(ada, {**answer, "page": ["1"], "flagged": ["1"]}).status_code == 302
    english = fieldsets(quiz, ada)
    chinese = fieldsets(quiz, ada, ZH)
    assert '<span class="qnum">Question 1</span>' in english[0]
    assert '<span class="qnum">第 1 题</span>' in chinese[0]
    assert chinese == rendered_afresh(demo_app, quiz, ada, ZH)
    assert fieldsets(quiz, ada) == english

    auth.logout()
    quiz.token = None
    auth.register("grace")
    grace = quiz.start("tour")
    assert grace != ada
    theirs = fieldsets(quiz, grace)
    assert theirs == rendered_afresh(demo_app, quiz, grace)
    assert not any(" checked" in fieldset or " selected" in fieldset for fieldset in theirs)
