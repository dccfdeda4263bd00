"""How the attempt page renders its questions: cheaply, and the same markup as before.

Each type's fields are a macro (``qtypes/<type>.html``, dispatched by ``qtypes/_question.html``)
imported once, not an ``include`` per question; the include still works for pages that use it.
The page reads the questions' versions without their JSON once this process has parsed them.
Speed itself is measured by ``bench/load_bench.py``, never asserted here.
"""

from __future__ import annotations

import random
import re

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from quizapp import questions
from quizapp.extensions import db
from quizapp.models import QuestionVersion
from quizapp.qtypes import QUESTION_TYPES
from quizapp.questions import question_from_version
from tests.conftest import REPO, AuthActions, sql_statements
from tests.quiz_actions import QuizActions, right_fields

ARTICLE_BANK = REPO / "questions" / "china-belarus-2015"
BY_MACRO = (
    '{% import "qtypes/_question.html" as qtypes %}'
    "{{ qtypes.question(type, view, name, response, disabled) }}"
)
BY_INCLUDE = '{% include "qtypes/" ~ type ~ ".html" %}'


def test_every_question_type_renders_the_same_by_macro_and_by_include(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["quiz", "import", str(ARTICLE_BANK)])
    assert result.exit_code == 0, result.output
    seen: set[str] = set()
    with app.test_request_context():
        by_macro = app.jinja_env.from_string(BY_MACRO)
        by_include = app.jinja_env.from_string(BY_INCLUDE)
        for version in db.session.scalars(select(QuestionVersion)):
            question = question_from_version(version)
            layout = question.new_layout(random.Random(version.id), shuffle=True)
            answered = question.read_response(
                {
                    field.removeprefix("q1-"): values
                    for field, values in right_fields(question, "q1-").items()
                },
                layout,
            )
            for response, disabled in (({}, False), (answered, True)):
                values = {
                    "type": question.type,
                    "view": question.public_view(layout),
                    "name": "q1-",
                    "response": response,
                    "disabled": disabled,
                }
                html = by_macro.render(values)
                assert html.strip() == by_include.render(values).strip(), question.id
                assert 'name="q1-' in html, (question.id, html)
                assert (" disabled" in html) is disabled, (question.id, html)
            seen.add(question.type)
    assert seen == set(QUESTION_TYPES), "the article bank no longer has every type"


def questions_of(page: str) -> list[str]:
    """The question fieldsets of an attempt page (the rest holds a token and a timer)."""
    return re.findall(r'<fieldset class="question".*?</fieldset>', page, re.S)


def test_the_attempt_page_reads_no_question_json_once_parsed(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    result = runner.invoke(args=["quiz", "import", str(ARTICLE_BANK)])
    assert result.exit_code == 0, result.output
    AuthActions(client).register()
    actions = QuizActions(app, client)
    attempt_id = actions.start("exam")
    first = questions_of(client.get(f"/attempts/{attempt_id}").get_data(as_text=True))
    assert len(first) == 10, "the exam's first page of ten questions"

    with sql_statements(app) as warm:
        again = questions_of(client.get(f"/attempts/{attempt_id}").get_data(as_text=True))
    assert again == first
    assert not [s for s in warm if "question_versions.data" in s], warm

    # A fresh worker has parsed nothing: the versions' JSON is read in one more statement.
    questions._parsed.clear()
    with sql_statements(app) as cold:
        page = questions_of(client.get(f"/attempts/{attempt_id}").get_data(as_text=True))
    assert page == first
    reads = [s for s in cold if "question_versions.data" in s]
    assert len(reads) == 1 and len(cold) == len(warm) + 1, cold
