"""A page looks its language's catalogue up once, not once per text (issue 10: Flask-Babel's
lookup on each of the attempt page's ~120 ``_()`` calls was a sixth of its CPU), and the
templates' ``_()`` still behaves as Flask-Babel's: a format string with escaped values, in the
language ``force_locale`` or ``refresh`` chose a moment ago."""

from __future__ import annotations

from collections.abc import Iterator

import flask_babel
import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale, refresh

from quizapp.i18n import page_translations
from quizapp.student.question_html import html_cache
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions

RU = {"Accept-Language": "ru-RU,ru;q=0.9"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each time Flask-Babel's domain looks a catalogue up (a counting wrapper around the
    library's own method, which still does the work)."""
    calls: list[str] = []
    original = flask_babel.Domain.get_translations

    def counted(self: flask_babel.Domain) -> object:
        calls.append(str(flask_babel.get_locale()))
        return original(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    yield calls


def attempt_page_rendered_again(
    quiz: QuizActions, auth: AuthActions, lookups: list[str], headers: dict[str, str]
) -> str:
    """A new attempt's page, opened once (templates compiled), then again with the kept
    question HTML dropped, so that every question is rendered: ``lookups`` counts only the
    second opening."""
    auth.register()
    attempt_id = quiz.start("tour")
    quiz.client.get(f"/attempts/{attempt_id}", headers=headers)
    with quiz.client.application.app_context():
        html_cache().clear()
    lookups.clear()
    response = quiz.client.get(f"/attempts/{attempt_id}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, RU])
def test_the_attempt_page_looks_its_catalogue_up_a_few_times_not_per_text(
    quiz: QuizActions, auth: AuthActions, lookups: list[str], headers: dict[str, str]
) -> None:
    page = attempt_page_rendered_again(quiz, auth, lookups, headers)
    assert ("Вопрос 1" if headers else "Question 1") in page
    assert page.count('class="question"') > 5  # many texts: each question has several
    # Python's own _() calls (views, the navigator's states) still ask Flask-Babel; the
    # templates' hundred or so texts ask once.
    assert len(lookups) <= 25, len(lookups)


@pytest.mark.parametrize("headers", [{}, ZH])
def test_the_attempt_page_looks_texts_up_once_per_page_not_per_question(
    quiz: QuizActions, auth: AuthActions, lookups: list[str], headers: dict[str, str]
) -> None:
    page = attempt_page_rendered_again(quiz, auth, lookups, headers)
    questions = page.count('class="question"')
    assert questions > 5
    # Before: 11 for these 8 questions (the navigator asked for states per question); now
    # the same 5 whatever the number of questions.
    assert len(lookups) <= 6, (len(lookups), questions)


def test_templates_follow_force_locale_and_refresh_within_one_request(app: Flask) -> None:
    template = "{{ _('Log in') }}"
    with app.test_request_context("/", headers=RU):
        assert render_template_string(template) == "Войти"
        with force_locale("en"):
            assert render_template_string(template) == "Log in"
        assert render_template_string(template) == "Войти"
        with force_locale("zh"):
            assert render_template_string(template) == "登录"
        # refresh() (a change of one's language, see test_i18n_pages) forgets the locale: the
        # next text chooses it again, and the catalogue with it.
        refresh()
        assert render_template_string(template) == "Войти"


def test_a_template_text_is_a_format_string_whose_values_are_escaped(app: Flask) -> None:
    with app.test_request_context("/", headers=RU):
        shown = render_template_string(
            "{{ _('Log out %(username)s', username=name) }}", name="<b>ada</b>"
        )
        assert shown == "Выйти (&lt;b&gt;ada&lt;/b&gt;)"
        # As Jinja's "newstyle" gettext: a literal percent sign is written %% in a text.
        assert render_template_string("{{ _('100%% done') }}") == "100% done"
        assert isinstance(page_translations().ugettext("Log in"), str)


def test_outside_a_request_the_catalogue_is_english(app: Flask) -> None:
    with app.app_context():
        assert page_translations().ugettext("Log in") == "Log in"
        assert render_template_string("{{ _('Log in') }}") == "Log in"


@pytest.mark.any_database
@pytest.mark.parametrize("headers", [{}, RU, ZH], ids=["en", "ru", "zh"])
def test_numbers_read_as_babel_writes_them_with_the_pattern_parsed_once(
    app: Flask, headers: dict[str, str]
) -> None:
    """``local_percent`` and ``local_number`` keep their parsed patterns (the statistics page
    formats about a thousand numbers; Babel parses a pattern on every call) and write exactly
    what Babel's own ``format_percent`` and ``format_decimal`` write, in each language."""
    from babel.numbers import format_decimal, format_percent
    from flask_babel import get_locale

    from quizapp.i18n import _number_pattern, local_number, local_percent

    with app.test_request_context(headers=headers):
        locale = get_locale()
        for value in (0.0, 7.25, 75.0, 1234.5):
            assert local_percent(value) == format_percent(value / 100, "#,##0%", locale=locale)
            assert local_percent(value, 1) == format_percent(value / 100, "#,##0.0%", locale=locale)
            assert local_number(value) == format_decimal(value, "0.0", locale=locale)
            assert local_number(value, 0) == format_decimal(value, "0", locale=locale)
        assert _number_pattern("0.0") is _number_pattern("0.0")
    if headers is RU:
        with app.test_request_context(headers=RU):
            assert local_number(0.5) == "0,5"
