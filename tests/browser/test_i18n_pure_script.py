"""The attempt page's script speaks the page's language (issue 16): its status texts and the
navigator's labels come from the page's data- attributes, so a Russian or Chinese student sees
no English while autosave works (a screenshot in tests/artifacts)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Quiz, User
from tests.browser import page_checks
from tests.browser.logins import log_in

BANK = """\
bank: words
title: Words
quizzes:
  - {id: paged, title: A paged quiz, per_page: 2}
questions:
  - {id: capital, type: short, text: What is the capital of Belarus?, accept: [Minsk]}
  - {id: river, type: short, text: Which river flows through Minsk?, accept: [Svislach]}
  - {id: sea, type: short, text: Which country lies between Belarus and the sea?, accept: [Lithuania]}
"""  # noqa: E501

#: What each language's page says once an answer is saved, and the navigator's label then.
SAID = {
    "ru": (r"^Сохранено в \d\d:\d\d$", "Вопрос 1, отвечено", "Начать тест"),
    "zh": (r"^已于 \d\d:\d\d 保存$", "第 1 题，已作答", "开始测验"),
}


@pytest.mark.parametrize("language", ["ru", "zh"])
def test_the_autosave_status_and_navigator_are_in_the_page_language(
    app, runner, live_server, browser: Browser, tmp_path: Path, artifacts: Path, language: str
) -> None:
    bank = tmp_path / "words.yaml"
    bank.write_text(BANK)
    assert runner.invoke(args=["quiz", "import", str(bank)]).exit_code == 0
    with app.app_context():
        create_user("tess", "a long password")
        user = db.session.scalar(select(User).where(User.username == "tess"))
        user.language = language  # the account's language, as the account page sets it
        db.session.commit()
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.key == "paged"))
    saved, label, start = SAID[language]
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(page, live_server.url(), "tess", "a long password")
    page.goto(live_server.url(f"/quizzes/{quiz_id}"))
    page.get_by_role("button", name=start).click()
    box = page.locator("form[data-autosave] input[type=text]").first
    box.click()
    box.press_sequentially("Minsk")
    status = page.locator("[data-save-status]")
    expect(status).to_have_text(re.compile(saved))
    expect(page.get_by_role("link", name=label, exact=True)).to_be_visible()
    page_checks.screenshot(page, artifacts / f"i18n-pure-autosave-{language}.png", full_page=True)
    assert "Saved" not in status.inner_text()
    page.context.close()


def test_the_problems_page_in_chinese_shows_each_problem_at_its_line(
    app, live_server, browser: Browser, tmp_path: Path, artifacts: Path
) -> None:

    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "bank: words\ntitle: Words\nquestions:\n"
        "  - id: capital\n    type: short\n    text: What is the capital of Belarus?\n"
        "    accept: [Minsk]\n    explaination: Minsk is the capital.\n"
        "  - id: river\n    type: singel\n    text: Which river?\n"
    )
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    page = browser.new_context(
        viewport={"width": 390, "height": 844}, extra_http_headers={"Accept-Language": "zh-CN"}
    ).new_page()
    page.goto(live_server.url("/auth/login"))
    page.get_by_label("用户名").fill("ms-lee")
    page.get_by_label("密码").fill("teacher password")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    page.goto(live_server.url("/teach/"))
    page.locator("input[type=file]").set_input_files(str(bank))
    page.get_by_role("button", name="检查文件").click()
    problems = page.locator("ol.problems > li")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text(
        "bank.yaml:8:5 题目 'capital'：未知的键 'explaination'；你是指 'explanation' 吗？"
    )
    expect(problems.nth(1)).to_contain_text(
        "题目 'river'：未知的题型 'singel'（你是指 'single' 吗？）"
    )
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()
    page_checks.screenshot(page, artifacts / "i18n-pure-problems-zh.png", full_page=True)
    page.context.close()
