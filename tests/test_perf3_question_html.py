"""The attempt page's questions rendered once per key and kept (issue 10, branch perf3):
``quizapp.student.question_html`` and ``attempt_pages.page_questions``.

A page opened again renders only the questions whose answer or flag changed, and what it keeps
is byte for byte what rendering gives: each student's own answers, flags and language, never
another's."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from quizapp.student.question_html import ENTRY_OVERHEAD, HtmlCache
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
FIELDSET = re.compile(r'<fieldset class="question".*?</fieldset>', re.S)
NAV_ROW = re.compile(r'<li><a href="[^"]*" class="qnav.*?</li>')


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


def navigator_rows(quiz: QuizActions, attempt_id: int) -> list[str]:
    page = quiz.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    return NAV_ROW.findall(page)


def test_a_page_opened_again_renders_only_the_questions_that_changed(
    demo_app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = quiz.start("tour")
    first = fieldsets(quiz, attempt_id)
    shown = len(first)
    rows = navigator_rows(quiz, attempt_id)
    assert shown > 2 and len(rows) >= shown
    # One entry per question shown and per row of the navigator, one for the navigator's
    # whole list and one for its status line.
    assert len(kept(demo_app)) == shown + len(rows) + 2
    assert fieldsets(quiz, attempt_id) == first
    assert navigator_rows(quiz, attempt_id) == rows
    assert len(kept(demo_app)) == shown + len(rows) + 2  # all taken from the cache
    answer = first_question_fields(quiz, attempt_id)
    response = quiz.save(attempt_id, {**answer, "page": ["1"], "flagged": ["2"]})
    assert response.status_code == 302
    after = fieldsets(quiz, attempt_id)
    # Question 1 (its answer) and question 2 (its flag) rendered again, and their rows in
    # the navigator, which is a new list; the rest as they were.
    assert len(kept(demo_app)) == shown + len(rows) + 2 + 5
    assert after[2:] == first[2:]
    assert after[0] != first[0] and after[1] != first[1]
    assert 'id="flag-2" name="flagged" value="2" checked' in after[1]
    assert after == rendered_afresh(demo_app, quiz, attempt_id)
    rows_after = navigator_rows(quiz, attempt_id)
    assert 'class="qnav qnav-answered" data-position="1"' in rows_after[0]
    assert 'class="qnav qnav-flagged" data-position="2"' in rows_after[1]
    assert rows_after[2:] == rows[2:]


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


def test_kept_navigator_rows_mark_the_questions_of_the_page_shown(
    take: Callable[..., QuizActions], client: FlaskClient
) -> None:
    actions = take("- {id: quiz, title: Quiz, per_page: 2}\n- {id: whole, title: Whole}\n", count=4)
    # A quiz on one page first: its rows link within the page too, but none is "current".
    whole = client.get(f"/attempts/{actions.start('whole')}").get_data(as_text=True)
    assert 'href="#question-1"' in whole
    assert not any('aria-current="true"' in row for row in NAV_ROW.findall(whole))
    attempt_id = actions.start("quiz")
    for page, here, elsewhere in ((1, (1, 2), (3, 4)), (2, (3, 4), (1, 2)), (1, (1, 2), (3, 4))):
        html = client.get(f"/attempts/{attempt_id}?page={page}").get_data(as_text=True)
        rows = {int(n): row for n, row in re.findall(r'data-position="(\d)"([^>]*)>', html)}
        assert rows.keys() == {1, 2, 3, 4}
        for position in here:
            assert 'aria-current="true"' in rows[position], (page, position)
        for position in elsewhere:
            assert 'aria-current="true"' not in rows[position], (page, position)
        assert f'href="#question-{here[0]}"' in html
        assert f'href="/attempts/{attempt_id}?page={3 - page}#question-{elsewhere[0]}"' in html


def test_the_cache_keeps_the_most_recently_used_within_its_budget() -> None:
    entry = 100 + ENTRY_OVERHEAD
    cache = HtmlCache(max_characters=3 * entry)
    for key in range(3):
        cache.put(key, escape("x" * 100))
    assert cache.get(0) == "x" * 100  # now the most recently used
    cache.put(3, escape("y" * 100))  # over budget: out goes 1, the least recently used
    assert cache.get(1) is None
    assert [cache.get(key) is not None for key in (0, 2, 3)] == [True, True, True]
    assert len(cache) == 3 and cache.characters == 3 * entry
    cache.put(0, escape("z" * 10))  # replaced: counted once, at its new size
    assert cache.get(0) == "z" * 10 and cache.characters == 2 * entry + 10 + ENTRY_OVERHEAD
    cache.put(4, escape("w" * 3 * entry))  # larger than the whole budget: nothing is kept
    assert len(cache) == 0 and cache.characters == 0
