"""A bank in several languages, through the app: a student sees each question in their
language (Accept-Language, ``?lang=``), can switch one question to another of its languages
keeping their answers, the review shows the language they saw, and the statistics and exports
count one question."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AttemptSlot, QuestionVersion
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions

BANK = textwrap.dedent(
    """\
    bank: capitals
    title: Capitals
    language: en
    languages: [en, zh, ru]
    quizzes:
      - id: capitals
        title: Capitals
        shuffle_questions: false
    questions:
      - id: capital
        type: single
        text:
          en: What is the capital of Belarus?
          zh: 白俄罗斯的首都是哪里？
          ru: Какой город — столица Беларуси?
        choices:
          - {text: {en: Minsk, zh: 明斯克, ru: Минск}, correct: true}
          - {en: Brest, zh: 布列斯特, ru: Брест}
          - {en: Vitebsk, zh: 维捷布斯克, ru: Витебск}
      - id: capital-typed
        type: short
        text:
          en: Name the capital of Belarus.
          zh: 写出白俄罗斯的首都。
          ru: Назовите столицу Беларуси.
        accept: [{en: Minsk, zh: 明斯克, ru: Минск}]
      - id: plain
        type: true_false
        text: Belarus lies in Europe.
        answer: true
    """
)


@pytest.fixture
def bank_file(tmp_path: Path) -> Path:
    path = tmp_path / "capitals.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


@pytest.fixture
def actions(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, auth: AuthActions, bank_file: Path
) -> QuizActions:
    result = runner.invoke(args=["quiz", "import", str(bank_file)])
    assert result.exit_code == 0, result.output
    auth.register()
    return QuizActions(app, client)


def start(actions: QuizActions, language: str | None) -> int:
    headers = {"Accept-Language": language} if language else {}
    quiz_id = actions.quiz_id("capitals")
    page = actions.client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    actions.token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', page).group(1)
    response = actions.client.post(
        f"/quizzes/{quiz_id}/start", data={"csrf_token": actions.token}, headers=headers
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def slot_languages(app: Flask, attempt_id: int) -> dict[int, str | None]:
    with app.app_context():
        slots = db.session.scalars(
            select(AttemptSlot).where(AttemptSlot.attempt_id == attempt_id)
        ).all()
        return {slot.position: slot.language for slot in slots}


def test_the_student_sees_the_quiz_in_their_browsers_language(
    app: Flask, actions: QuizActions
) -> None:
    attempt_id = start(actions, "ru-RU,ru;q=0.9,en;q=0.5")
    page = actions.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Какой город — столица Беларуси?" in page
    assert "Минск" in page and "Брест" in page
    assert "Minsk" not in page and "明斯克" not in page
    assert "Belarus lies in Europe." in page  # plain text: the same in every language
    assert slot_languages(app, attempt_id) == {1: "ru", 2: "ru", 3: None}
    assert 'lang="ru"' in page


def test_a_language_the_bank_lacks_falls_back_to_the_default(
    app: Flask, actions: QuizActions
) -> None:
    attempt_id = start(actions, "de-DE,de;q=0.9")
    page = actions.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "What is the capital of Belarus?" in page
    assert slot_languages(app, attempt_id)[1] == "en"


def test_one_question_switches_language_and_keeps_the_saved_answer(
    app: Flask, actions: QuizActions
) -> None:
    attempt_id = start(actions, "zh-CN,zh;q=0.9")
    page = actions.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "白俄罗斯的首都是哪里？" in page
    assert f"/attempts/{attempt_id}?lang_q1=ru" in page  # the switch, a plain link
    right = actions.right_answers(attempt_id)
    assert actions.save(attempt_id, {"q1-choice": right["q1-choice"]}).status_code == 302

    switched = actions.client.get(f"/attempts/{attempt_id}?lang_q1=ru")
    assert switched.status_code == 302
    assert switched.headers["Location"].endswith("#question-1")
    page = actions.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Какой город — столица Беларуси?" in page  # question 1 in Russian now
    assert "写出白俄罗斯的首都。" in page  # question 2 still in Chinese
    checked = re.search(r'<input[^>]*value="([0-9a-f]{10})"[^>]*checked', page)
    assert checked and checked.group(1) == right["q1-choice"][0]  # the saved answer kept
    assert (
        slot_languages(app, attempt_id)[1:2]
        if False
        else slot_languages(app, attempt_id)[1] == "ru"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lang_q1=de", "Question 1 is not written in &#39;de&#39;; it is written in en, zh, ru"),
        ("lang_q3=ru", "Question 3 is not written in &#39;ru&#39;"),
        ("lang_q9=ru", "This attempt has no question 9"),
        ("lang_qx=ru", "names no question"),
    ],
)
def test_a_bad_switch_is_refused_and_changes_nothing(
    app: Flask, actions: QuizActions, query: str, message: str
) -> None:
    attempt_id = start(actions, "zh")
    before = slot_languages(app, attempt_id)
    response = actions.client.get(f"/attempts/{attempt_id}?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert slot_languages(app, attempt_id) == before


def test_typed_answers_in_any_language_are_right_and_the_review_shows_the_language_seen(
    app: Flask, actions: QuizActions
) -> None:
    attempt_id = start(actions, "zh")
    right = actions.right_answers(attempt_id)
    response = actions.submit(
        attempt_id, {"q1-choice": right["q1-choice"], "q2-answer": ["Минск"], "q3-answer": ["true"]}
    )
    assert response.status_code == 302
    review = actions.client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "白俄罗斯的首都是哪里？" in review and "写出白俄罗斯的首都。" in review
    assert "What is the capital" not in review
    assert review.count('class="badge badge-right"') == 3
    assert "中文" in review


def test_translations_are_one_question_and_an_edit_in_one_language_a_new_version(
    app: Flask, runner: FlaskCliRunner, actions: QuizActions, bank_file: Path
) -> None:
    def versions() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(QuestionVersion))

    assert versions() == 3
    runner.invoke(args=["quiz", "import", str(bank_file)])
    assert versions() == 3  # unchanged: nothing new
    bank_file.write_text(BANK.replace("ru: Брест", "ru: Брест (город)"), encoding="utf-8")
    result = runner.invoke(args=["quiz", "import", str(bank_file)])
    assert result.exit_code == 0, result.output
    assert versions() == 4  # only the question edited in Russian has a new version


def test_exports_carry_the_default_language_and_say_so(
    app: Flask, runner: FlaskCliRunner, bank_file: Path
) -> None:
    from quizapp.bank.loader import load_bank_file
    from quizapp.interop import export_bank

    bank = load_bank_file(bank_file)
    for format_name in ("gift", "moodle-xml"):
        data, report = export_bank(bank, format_name)
        text = data.decode("utf-8")
        assert "What is the capital of Belarus?" in text
        assert "白俄罗斯" not in text and "Минск" not in text
        assert any("exported in the bank's language 'en' only" in line for line in report.lines())


def test_lang_on_the_quiz_page_chooses_the_language_over_the_browsers(
    app: Flask, actions: QuizActions
) -> None:
    quiz_id = actions.quiz_id("capitals")
    page = actions.client.get(f"/quizzes/{quiz_id}?lang=zh").get_data(as_text=True)
    assert f'action="/quizzes/{quiz_id}/start?lang=zh"' in page
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', page).group(1)
    response = actions.client.post(
        f"/quizzes/{quiz_id}/start?lang=zh",
        data={"csrf_token": token},
        headers={"Accept-Language": "ru"},
    )
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert slot_languages(app, attempt_id) == {1: "zh", 2: "zh", 3: None}


def test_a_practice_attempt_shows_the_questions_in_the_students_language(
    app: Flask, actions: QuizActions
) -> None:
    attempt_id = start(actions, "ru")
    actions.submit(attempt_id, {"q2-answer": ["Brest"]})  # wrong: a card to practise
    page = actions.client.get("/practice").get_data(as_text=True)
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', page).group(1)
    response = actions.client.post(
        "/practice", data={"csrf_token": token}, headers={"Accept-Language": "zh"}
    )
    assert response.status_code == 302
    practice_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
    assert practice_id != attempt_id
    languages = slot_languages(app, practice_id)
    assert "zh" in languages.values()
    page = actions.client.get(f"/attempts/{practice_id}").get_data(as_text=True)
    assert "写出白俄罗斯的首都。" in page or "白俄罗斯的首都是哪里？" in page
    assert "Назовите" not in page
