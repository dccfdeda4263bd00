"""A student whose browser reads Chinese takes the article's overview quiz in Chinese, switches
one question to Russian with its link (no JavaScript needed), keeps the answer saved before,
and sees the review in the languages the questions were shown in. Axe checks every page at
phone and laptop widths (the live server's fixture); screenshots go to the artifacts."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskCliRunner
from playwright.sync_api import Locator, Page, expect

from tests.browser import page_checks

ROOT = Path(__file__).resolve().parents[2]
ARTICLE_BANK = ROOT / "questions" / "china-belarus-2015" / "bank.yaml"


def test_the_overview_quiz_in_chinese_with_one_question_in_russian(
    app, runner: FlaskCliRunner, live_server, page: Page, artifacts: Path
) -> None:
    result = runner.invoke(args=["quiz", "import", str(ARTICLE_BANK)])
    assert result.exit_code == 0, result.output
    base = live_server.url().rstrip("/")
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    page.goto(f"{base}/auth/register")
    page.get_by_label("用户名").fill("lin")  # the interface follows the browser too
    page.get_by_label("密码", exact=True).fill("a long password")
    page.get_by_label("再次输入密码").fill("a long password")
    page.keyboard.press("Enter")
    expect(page.get_by_text("欢迎，lin")).to_be_visible()

    page.goto(f"{base}/")
    page.get_by_role("link", name=re.compile("Overview")).first.click()
    page.get_by_role("button", name="开始测验").first.click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    first = page.locator("#question-1")
    expect(first).to_have_attribute("lang", "zh")
    chinese = first.locator(".qtext").inner_text()
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
    page_checks.screenshot(page, artifacts / "bank-languages-attempt-zh.png", full_page=True)

    # answer question 1 (the quiz draws it: a choice to tick, a list to pick from, or a typed
    # answer) and save it
    answer(first)
    with page.expect_navigation():
        page.get_by_role("button", name="保存，稍后继续").click()
    saved = answer_state(page.locator("#question-1"))
    assert saved, "the saved answer shows on the page"
    page.locator("#question-1").get_by_role("link", name="Русский").click()
    expect(page).to_have_url(re.compile(r"#question-1$"))
    first = page.locator("#question-1")
    expect(first).to_have_attribute("lang", "ru")
    russian = first.locator(".qtext").inner_text()
    assert re.search(r"[\u0400-\u04ff]", russian), russian
    expect(first.locator(".question-languages strong")).to_have_text("Русский")
    assert answer_state(first) == saved  # the answer kept
    expect(page.locator("#question-2")).to_have_attribute("lang", "zh")
    page_checks.screenshot(page, artifacts / "bank-languages-attempt-ru.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page_checks.screenshot(page, artifacts / "bank-languages-attempt-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name=re.compile("结束作答")).click()
    page.get_by_role("button", name="全部提交并结束").click()
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.locator("#question-1")).to_have_attribute("lang", "ru")
    expect(page.locator("#question-2")).to_have_attribute("lang", "zh")
    expect(page.locator("#question-1 .question-language")).to_have_text("(Русский)")
    page_checks.screenshot(page, artifacts / "bank-languages-review.png", full_page=True)


ANSWER_KINDS = ("input[type=radio]", "input[type=checkbox]", "input[type=text]", "input[inputmode]")
# The controls of the answer (not the flag for review).
CONTROLS = ", ".join(f"{k}:not([name=flagged])" for k in (*ANSWER_KINDS, "textarea", "select"))


def answer(question: Locator) -> None:
    """Answer a question of any type by its first control."""
    control = question.locator(CONTROLS).first
    kind = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
    if kind in ("input:radio", "input:checkbox"):
        control.check()
    elif kind.startswith("select"):
        control.select_option(index=1)
    else:
        control.fill("4")


def answer_state(question: Locator) -> list[str]:
    """What the question's controls hold: ticked choices, picked options, typed text (by the
    controls' names and values, the same in every language)."""
    return question.locator(CONTROLS).evaluate_all(
        """controls => controls.flatMap(c => {
            const ticked = c.type === "radio" || c.type === "checkbox";
            if (ticked) return c.checked ? [c.name + "=" + c.value] : [];
            return c.value ? [c.name + "=" + c.value] : [];
        })"""
    )
