"""What the attempt page and a submit no longer spend (issue 10, branch perf2): a submit to a
quiz that no LMS links to asks about LTI in one statement (the page's texts looked up once per
page, not per question: tests/test_i18n_lookups.py).

The page itself is unchanged: the navigator's labels and each question's heading, marks and
flag still read as before, in English and in Chinese, with their values escaped."""

from __future__ import annotations

import re

from flask import Flask

from tests.conftest import AuthActions, sql_statements
from tests.quiz_actions import QuizActions

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def test_navigator_labels_and_question_texts_read_as_before(
    quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = quiz.start("tour")
    right = quiz.right_answers(attempt_id)
    first = {name: values for name, values in right.items() if name.startswith("q1-")}
    response = quiz.save(attempt_id, {**first, "page": ["1"], "flagged": ["1"]})
    assert response.status_code == 302
    page = quiz.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert (
        '<a href="#question-1" class="qnav qnav-answered qnav-flagged" data-position="1" '
        'aria-label="Question 1, answered, flagged">'
    ) in page
    assert (
        '<a href="#question-2" class="qnav" data-position="2" '
        'aria-label="Question 2, not answered">'
    ) in page
    assert '<span class="qnum">Question 2</span>' in page
    assert re.search(r'<small class="points">\([0-9.]+ marks?\)</small>', page)
    assert '<label for="flag-2">Flag question 2 for review before you submit</label>' in page
    chinese = quiz.client.get(f"/attempts/{attempt_id}", headers=ZH).get_data(as_text=True)
    assert 'aria-label="第 1 题，已作答，已标记"' in chinese
    assert 'aria-label="第 2 题，未作答"' in chinese
    assert '<span class="qnum">第 2 题</span>' in chinese
    assert re.search(r'<small class="points">（[0-9.]+ 分）</small>', chinese)
    assert '<label for="flag-2">提交前标记第 2 题以便复查</label>' in chinese


def test_a_submit_to_a_quiz_without_an_lms_link_asks_about_lti_once(
    app: Flask, quiz: QuizActions, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = quiz.start("tour")
    right = quiz.right_answers(attempt_id)
    with sql_statements(app) as seen:
        response = quiz.submit(attempt_id, right)
    assert response.status_code == 302 and "/review" in response.location
    lti = [statement for statement in seen if "lti_" in statement]
    # Before: the grades of the quiz's links and its waiting outbox, two joins.
    assert len(lti) == 1, lti
    assert "FROM lti_resource_links" in lti[0]
