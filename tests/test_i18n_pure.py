"""The last English strings (issue 16): text made by the pure layers (grading feedback, question
type names, a bank's problems), the attempt script's words, zxcvbn's reasons, the attempt
page's refusals and the overdue message, in the reader's language."""

from __future__ import annotations

import ast
import io
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.bank.loader import load_bank_file
from quizapp.translatable import Msg
from tests.conftest import DEMO_BANK, REPO, AuthActions, csrf_token
from tests.quiz_actions import QuizActions
from tests.test_attempt_integrity import close_quiz
from tests.test_i18n_pages import _save_preferences

DEMO_TEXT = (DEMO_BANK / "demo.yaml").read_text()
ZH = "zh-CN,zh;q=0.9"
RU = "ru-RU,ru;q=0.9"


def speak(client: FlaskClient, language: str) -> None:
    """Every later request of ``client`` asks for ``language`` (the browser's setting)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language


def start_in(
    demo_app: Flask, client: FlaskClient, auth: AuthActions, language: str
) -> tuple[QuizActions, int]:
    """Register mei, whose browser asks for ``language``, and start the demo quiz."""
    auth.register("mei")
    speak(client, language)
    actions = QuizActions(demo_app, client)
    return actions, actions.start()


def upload(client: FlaskClient, text: str) -> tuple[int, str]:
    token = csrf_token(client.get("/teach/").get_data(as_text=True))
    response = client.post(
        "/teach/banks/upload",
        data={"csrf_token": token, "bank_file": (io.BytesIO(text.encode()), "bank.yaml")},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


# -- the mechanism ---------------------------------------------------------------------------


def test_a_message_is_english_text_that_remembers_its_id_and_values() -> None:
    note = Msg("Read as %(number)s.", number=4)
    message = Msg("Blank %(number)s: wrong. %(note)s", number=2, note=note)
    assert message == "Blank 2: wrong. Read as 4."  # the command line and logs read English
    assert message.msgid == "Blank %(number)s: wrong. %(note)s"
    assert message.params["note"].msgid == "Read as %(number)s."


def test_the_pure_layers_import_nothing_of_flask() -> None:
    pure = [
        REPO / "quizapp" / "translatable.py",
        *(REPO / "quizapp" / "qtypes").glob("*.py"),
        *(REPO / "quizapp" / "bank").glob("*.py"),
    ]
    for path in pure:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in ("flask", "flask_babel", "flask_login"), (
                    path.name,
                    name,
                )
                assert not name.startswith(("quizapp.i18n", "quizapp.models")), (path.name, name)


# -- 1. the bank's problems, the grading feedback, the question types' names ------------------


def test_the_problems_page_shows_a_bank_problem_in_chinese_with_its_line(
    app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    bad = DEMO_TEXT.replace("explanation: Jupiter's", "explaination: Jupiter's")
    line = (
        bad.splitlines().index(next(row for row in bad.splitlines() if "explaination" in row)) + 1
    )
    speak(client, ZH)
    status, page = upload(client, bad)
    assert status == 422
    assert "题目 &#39;largest-planet&#39;：未知的键 &#39;explaination&#39;；你是指" in page
    assert f"bank.yaml:{line}:" in page
    assert "unknown key" not in page and "did you mean" not in page

    speak(client, RU)
    status, page = upload(client, "bank: x\n\ttitle: y\n")
    assert status == 422
    assert "символ табуляции в отступе; используйте пробелы, а не табуляцию" in page
    assert "bank.yaml:2:1" in page


def test_the_command_line_reports_problems_in_quizapp_language(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(DEMO_TEXT.replace("explanation: Jupiter's", "explaination: Jupiter's"))
    monkeypatch.delenv("QUIZAPP_LANGUAGE", raising=False)
    result = runner.invoke(args=["quiz", "validate", str(path)])
    assert result.exit_code != 0
    assert "question 'largest-planet': unknown key 'explaination'; did you mean" in result.output
    assert "1 problem(s) found; nothing was imported." in result.output

    monkeypatch.setenv("QUIZAPP_LANGUAGE", "ru")
    result = runner.invoke(args=["quiz", "validate", str(path)])
    assert result.exit_code != 0
    assert "вопрос 'largest-planet': неизвестный ключ 'explaination'" in result.output
    assert "Найдено проблем: 1; ничего не импортировано." in result.output


MISCONCEPTIONS = """\
bank: lint
title: Lint
questions:
  - id: q1
    type: single
    text: Q1?
    choices: [{text: a, correct: true}, {text: b, misconception: trade-vs-investment}]
  - id: q2
    type: single
    text: Q2?
    choices: [{text: a, correct: true}, {text: b, misconception: trade-vs-investmnet}]
"""


def test_item_writing_warnings_in_the_bank_page_and_the_command_line_languages(
    app: Flask,
    runner,
    client: FlaskClient,
    teacher: AuthActions,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "questions"
    folder.mkdir()
    app.config["QUESTIONS_DIR"] = str(folder)
    path = folder / "lint.yaml"
    path.write_text(MISCONCEPTIONS)
    assert runner.invoke(args=["quiz", "import", str(path)]).exit_code == 0
    speak(client, ZH)
    banks = client.get("/teach/").get_data(as_text=True)
    link = re.search(r'href="(/teach/banks/\d+)"', banks)
    assert link, banks
    page = client.get(link.group(1)).get_data(as_text=True)
    assert "&#39;q1&#39; 上的误解 &#39;trade-vs-investment&#39; 在题库中别处都没有用到" in page
    assert "对照其他 id 检查拼写，或使用更宽泛的误解" in page
    assert "is used nowhere else" not in page

    monkeypatch.setenv("QUIZAPP_LANGUAGE", "ru")
    result = runner.invoke(args=["quiz", "lint", str(path)])
    assert "misconception-once: заблуждение 'trade-vs-investment' у 'q1'" in result.output
    assert "(как исправить: сверьте написание с другими id" in result.output


def test_cloze_feedback_is_shown_in_russian(
    demo_app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    actions, attempt_id = start_in(demo_app, client, auth, RU)
    answers = actions.right_answers(attempt_id)
    moons = next(name for name in answers if name.endswith("blank-moons"))
    answers[moons] = ["1,0"]  # right, and read as 1
    ocean = next(name for name in answers if name.endswith("blank-ocean"))
    answers[ocean] = ["Atlantic"]
    response = actions.submit(attempt_id, answers)
    assert response.status_code == 302
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Пропуск 1: верно." in review
    assert "Пропуск 2: верно. Прочитано как 1." in review
    assert "Пропуск 3: неверно." in review
    assert "Blank" not in review


def test_the_bank_page_names_the_question_types_in_chinese(
    demo_app: Flask, client: FlaskClient, teacher: AuthActions
) -> None:
    speak(client, ZH)
    banks = client.get("/teach/").get_data(as_text=True)
    link = re.search(r'href="(/teach/banks/[^"]+)"', banks)
    assert link, banks
    page = client.get(link.group(1)).get_data(as_text=True)
    for name in ("填空", "单选", "多选", "判断", "数值", "排序", "配对", "简答"):
        assert f"<td>{name}</td>" in page, name
    assert "Fill in the blanks" not in page


# -- 2. the attempt page's script ------------------------------------------------------------


def test_the_attempt_page_gives_the_script_its_words_in_the_language(
    demo_app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _, attempt_id = start_in(demo_app, client, auth, ZH)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'data-text-saved="已于 {time} 保存"' in page
    assert 'data-text-saving="正在保存…"' in page
    assert 'data-text-not-saved="未保存：{reason}"' in page
    assert 'data-text-see-saved="查看现在保存的内容"' in page
    assert 'data-text-question="第 {position} 题，{state}"' in page
    script = (REPO / "quizapp" / "static" / "attempt.js").read_text()
    for english in ("Saving", "Saved ", "Not saved", "See what is saved", "Question "):
        assert f'"{english}' not in script, english


# -- 3. zxcvbn's reasons ---------------------------------------------------------------------


def test_a_weak_password_is_refused_in_russian_with_a_translated_reason(
    client: FlaskClient,
) -> None:
    speak(client, RU)
    form = client.get("/auth/register").get_data(as_text=True)
    response = client.post(
        "/auth/register",
        data={"csrf_token": csrf_token(form), "username": "mei", "password": "qwertyuiop"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Это один из 100 самых распространённых паролей." in page
    assert "Добавьте ещё одно-два слова. Лучше необычные." in page
    assert "common password" not in page and "Uncommon words" not in page


def test_every_reason_zxcvbn_gives_is_in_the_catalogue() -> None:
    from zxcvbn import feedback

    from quizapp.accounts import ZXCVBN_REASONS

    given = {
        node.args[0].value
        for node in ast.walk(ast.parse(Path(feedback.__file__).read_text()))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "_"
        and isinstance(node.args[0], ast.Constant)
    }
    assert given and given <= set(ZXCVBN_REASONS)


# -- 4. the attempt page's refusals ----------------------------------------------------------


def test_a_bad_language_switch_is_refused_in_russian(
    demo_app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _, attempt_id = start_in(demo_app, client, auth, RU)
    response = client.get(f"/attempts/{attempt_id}?lang_qx=zh")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "«lang_qx» не указывает ни на один вопрос" in page and "Ничего не изменено." in page

    response = client.get(f"/attempts/{attempt_id}?lang_q1=de")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Вопрос 1 не написан на языке «de»" in page and "Ничего не изменено." in page
    assert "Nothing was changed" not in page


# -- 5. the overdue message ------------------------------------------------------------------


def test_the_overdue_message_gives_the_close_in_chinese_in_the_students_time_zone(
    take, app: Flask, client: FlaskClient
) -> None:
    from quizapp.models import now_utc

    soon = (now_utc() + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    actions = take(f"- id: quiz\n  title: Quiz\n  closes: {soon}\n", count=2)
    assert _save_preferences(client, "zh", "Asia/Shanghai").status_code == 302
    attempt_id = actions.start("quiz")
    closed_at = (now_utc() - timedelta(minutes=5)).replace(microsecond=0)
    close_quiz(app, closed_at)
    response = actions.submit(attempt_id, actions.right_answers(attempt_id))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    local = closed_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Shanghai"))
    when = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    assert f"测验已于 {when}（Asia/Shanghai）关闭" in page


# -- 7. people's names in the article bank ---------------------------------------------------


def test_the_chinese_text_writes_names_the_article_gives_only_in_latin_letters() -> None:
    """The article gives Han Lu and Zhang Dan in Latin letters only: their characters cannot be
    guessed, so the Chinese text keeps the Latin form (Russian transcribes them)."""
    bank = load_bank_file(REPO / "questions" / "china-belarus-2015" / "bank.yaml")
    article = (REPO.parent / "shared" / "article" / "china-belarus-2015.txt").read_text()
    texts = " ".join(question.model_dump_json() for question in bank.questions)
    for latin, russian in (("Han Lu", "Хань Лу"), ("Zhang Dan", "Чжан Дань")):
        assert latin in article
        assert f'"zh":"{latin}"' in texts, latin
        assert f'"ru":"{russian}"' in texts, russian
    for guessed in ("韩璐", "张丹"):
        assert guessed not in texts


def test_a_forged_answer_is_refused_in_russian_naming_the_question(
    demo_app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    actions, attempt_id = start_in(demo_app, client, auth, RU)
    answers = actions.right_answers(attempt_id)
    single = next(name for name, value in answers.items() if name.endswith("-choice"))
    position = single.removeprefix("q").split("-")[0]
    response = actions.submit(attempt_id, {single: ["forged"]})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"Вопрос {position}: «forged» — не один из вариантов этого вопроса." in page
    assert "Ничего не сохранено" in page and "is not one of" not in page


def test_true_or_false_and_the_correct_answer_read_in_chinese(
    demo_app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    actions, attempt_id = start_in(demo_app, client, auth, ZH)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "<span>对</span>" in page and "<span>错</span>" in page
    assert "<span>True</span>" not in page
    response = actions.submit(attempt_id, {})  # nothing answered: every correct answer shown
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "未作答。" in review
    assert re.search(r"正确答案：</strong> (对|错)</p>", review)


def test_citation_problems_read_in_russian(app: Flask) -> None:
    from quizapp.bank.loader import load_bank_bytes
    from quizapp.bank.sources import check_sources
    from quizapp.i18n import translate

    bank = load_bank_bytes(
        b"bank: s\ntitle: S\nquestions:\n"
        b"  - id: q\n    type: short\n    text: Where?\n    accept: [Minsk]\n"
        b"    source: {paragraph: 3, quote: 'the capital'}\n",
        "s.yaml",
    )
    problems = check_sources(bank, "First paragraph.\n\nThe capital is Minsk.\n")
    assert [str(p.message) for p in problems] == [
        "cites paragraph 3, but the source text has 2 paragraphs (blocks between blank "
        "lines, counted from 1)"
    ]
    with app.test_request_context(headers={"Accept-Language": RU}):
        assert translate(problems[0].message) == (
            "ссылается на абзац 3, но в тексте источника абзацев (блоков между пустыми "
            "строками, считая с 1): 2"
        )
