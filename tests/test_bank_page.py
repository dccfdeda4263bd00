"""A bank's page lists its questions: text, type, tags and the quizzes that use them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Bank
from tests.conftest import sql_statements
from tests.quiz_banks import single

QUIZZES = """\
  - id: odd-ones
    title: Odd ones
    questions: {tags: [odd]}
  - id: listed
    title: Listed
    questions: [q2, q3]
  - id: pooled
    title: Pooled
    pools:
      - {questions: {tags: [even]}, draw: 1}
"""


def write_bank(tmp_path, count: int) -> str:
    questions = "".join(
        single(f"q{n}", "[even, core]" if n % 2 == 0 else "[odd]") for n in range(1, count + 1)
    )
    path = tmp_path / f"page-{count}.yaml"
    path.write_text(f"bank: page\ntitle: Page\nquizzes:\n{QUIZZES}questions:\n{questions}")
    return str(path)


@pytest.fixture
def teacher_client(app, client, auth):
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    auth.login("ms-lee", "teacher password")
    return client


def bank_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Bank.id).where(Bank.slug == "page"))


def rows(page: str) -> dict[str, str]:
    """Each question row of the page by its key."""
    body = page.split('class="bank-questions"', 1)[1].split("</table>", 1)[0]
    return {
        re.search(r"<code>([^<]+)</code>", row).group(1): row
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)[1:]
    }


def test_each_question_shows_text_type_tags_and_its_quizzes(app, runner, tmp_path, teacher_client):
    assert runner.invoke(args=["quiz", "import", write_bank(tmp_path, 4)]).exit_code == 0
    page = teacher_client.get(f"/teach/banks/{bank_id(app)}").get_data(as_text=True)
    by_key = rows(page)
    assert set(by_key) == {"q1", "q2", "q3", "q4"}
    assert "Question q1?" in by_key["q1"] and "Single choice" in by_key["q1"]
    assert "even, core" in by_key["q2"] and "odd" in by_key["q1"]
    used = {key: re.findall(r">(Odd ones|Listed|Pooled)</a>", row) for key, row in by_key.items()}
    assert used == {
        "q1": ["Odd ones"],
        "q2": ["Listed", "Pooled"],
        "q3": ["Odd ones", "Listed"],
        "q4": ["Pooled"],
    }


def test_a_retired_question_is_listed_as_retired_and_used_by_no_quiz(
    app, runner, tmp_path, teacher_client
):
    assert runner.invoke(args=["quiz", "import", write_bank(tmp_path, 4)]).exit_code == 0
    path = tmp_path / "page-4.yaml"
    path.write_text(path.read_text().replace(single("q4", "[even, core]"), ""))
    assert runner.invoke(args=["quiz", "import", str(path)]).exit_code == 0
    by_key = rows(teacher_client.get(f"/teach/banks/{bank_id(app)}").get_data(as_text=True))
    assert "retired" in by_key["q4"] and "no quiz" in by_key["q4"]
    assert "retired" not in by_key["q2"]


def test_the_page_runs_the_same_statements_for_4_or_40_questions(
    app, runner, tmp_path, teacher_client
):
    counts = []
    for count in (4, 40):
        assert runner.invoke(args=["quiz", "import", write_bank(tmp_path, count)]).exit_code == 0
        url = f"/teach/banks/{bank_id(app)}"
        teacher_client.get(url)
        with sql_statements(app) as seen:
            assert teacher_client.get(url).status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


def test_students_cannot_read_a_bank_page(app, runner, tmp_path, client, auth):
    assert runner.invoke(args=["quiz", "import", write_bank(tmp_path, 4)]).exit_code == 0
    auth.register()
    assert client.get(f"/teach/banks/{bank_id(app)}").status_code == 403
