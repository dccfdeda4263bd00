"""Pages read well without a browser's help: form errors the GOV.UK way (a summary at the top
that links to each field, plain messages next to the fields), and links that say where they
lead. (The browser suite checks every page with axe and the Nu HTML checker as well.)"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.conftest import AuthActions, csrf_token

# How pages render and word their errors does not depend on the database (the PostgreSQL
# run skips these).
pytestmark = pytest.mark.any_database


def test_a_refused_registration_shows_an_error_summary_linking_to_each_field(
    client: FlaskClient,
) -> None:
    page = client.get("/auth/register").get_data(as_text=True)
    response = client.post(
        "/auth/register",
        data={"csrf_token": csrf_token(page), "username": "a", "password": "", "confirm": "x"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary, "an error summary at the top"
    assert "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    links = re.findall(r'<a href="#([a-z_]+)">([^<]+)</a>', summary.group(1))
    assert links == [
        ("username", "Enter a username of 3 to 40 characters."),
        ("password", "Enter a password."),
        ("confirm", "The passwords differ: type the same one twice."),
    ]
    # Next to each field, named by aria-describedby; no other field takes the focus.
    for field_id, message in links:
        assert f'id="{field_id}-errors"' in html
        assert re.search(
            rf'<input[^>]*aria-describedby="{field_id}-errors"[^>]*id="{field_id}"', html
        )
        assert message in html.split("</div>", 1)[1], "also next to the field"
    assert html.count("autofocus") == 1
    assert "Field must be" not in html and "This field is required" not in html


def test_a_login_with_empty_fields_says_what_to_enter(client: FlaskClient) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    assert "error-summary" not in page
    response = client.post("/auth/login", data={"csrf_token": csrf_token(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<a href="#username">Enter your username.</a>' in html
    assert '<a href="#password">Enter your password.</a>' in html


def test_each_quiz_card_names_its_quiz(demo_app, client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    html = client.get("/").get_data(as_text=True)
    buttons = re.findall(r'<a role="button"[^>]*>(.*?)</a>', html, re.S)
    assert buttons, "a card per quiz"
    for button in buttons:
        text = re.sub(r"<[^>]+>", "", button)
        assert text.startswith("Take the quiz: "), text
        assert len(text) > len("Take the quiz: ")
    assert ">Open<" not in html


def test_the_result_of_a_long_quiz_starts_with_its_questions_by_result(take) -> None:
    actions = take("- id: long\n  title: Long\n", count=12)
    attempt = actions.start("long")
    right = actions.right_answers(attempt)
    answered = {name: value for name, value in right.items() if int(name[1:].split("-")[0]) <= 8}
    actions.submit(attempt, answered)
    html = actions.client.get(f"/attempts/{attempt}/review").get_data(as_text=True)
    jump = re.search(r'<nav class="jump-list".*?</nav>', html, re.S)
    assert jump, "a jump list before the questions"
    assert html.index("jump-list") < html.index('class="review-item')
    groups = dict(re.findall(r"<dt>([^<(]+) \(\d+\)</dt>\s*<dd>(.*?)</dd>", jump.group(0), re.S))
    numbers = {
        label: re.findall(r'href="#question-(\d+)"', links) for label, links in groups.items()
    }
    assert numbers == {
        "Unanswered": ["9", "10", "11", "12"],
        "Right": [str(n) for n in range(1, 9)],
    }
    for n in range(1, 13):
        assert f'id="question-{n}"' in html


def test_a_short_quiz_has_no_jump_list(take) -> None:
    actions = take("- id: short\n  title: Short\n", count=6)
    attempt = actions.start("short")
    actions.submit(attempt, {})
    html = actions.client.get(f"/attempts/{attempt}/review").get_data(as_text=True)
    assert 'class="review-item' in html and "jump-list" not in html


def test_the_teaching_page_repeats_no_id_and_dates_are_valid(demo_app, client, auth) -> None:
    """Two forms on one page (upload, re-check) once both said id="csrf_token" and
    id="submit"; every date carried microseconds, which <time datetime> does not allow."""
    from quizapp.accounts import create_user

    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    auth.login("ms-lee", "teacher password")
    html = client.get("/teach/").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(ids)
    dates = re.findall(r'<time datetime="([^"]+)"', html)
    assert dates
    for value in dates:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value), value
