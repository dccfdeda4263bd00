"""Key pages in Chinese and Russian at a phone's and a laptop's width: no sideways scrolling
(long Russian words, unbroken Chinese lines), axe clean (the live server checks every page it
served at 390 and 1280 px), and screenshots to look at (tests/artifacts/i18n-*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Bank
from tests.browser import page_checks
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions

WIDTHS = (390, 1280)
BROWSER_LANGUAGE = {"zh": "zh-CN,zh;q=0.9", "ru": "ru-RU,ru;q=0.9"}
HTML_LANG = {"zh": "zh-Hans", "ru": "ru"}


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/auth/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form input[type=submit], form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def look(page: Page, artifacts: Path, language: str, name: str) -> None:
    """The page is in the language, fits the width, and is photographed at each width."""
    assert page.locator("html").get_attribute("lang") == HTML_LANG[language]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} in {language} scrolls sideways at {width}px"
        page_checks.screenshot(
            page, artifacts / f"i18n-{language}-{name}-{width}.png", full_page=True
        )


@pytest.mark.parametrize("language", ["zh", "ru"])
def test_key_pages_hold_their_layout_in_chinese_and_russian(
    demo_app: Flask, live_server, browser: Browser, artifacts: Path, language: str
) -> None:
    client = demo_app.test_client()
    AuthActions(client).register("mei")
    actions = QuizActions(demo_app, client)
    submitted = actions.start()
    actions.submit(submitted, actions.right_answers(submitted))
    unfinished = actions.start()
    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
        bank_id = db.session.scalar(select(Bank.id))
    base = live_server.url().rstrip("/")
    headers = {"Accept-Language": BROWSER_LANGUAGE[language]}

    student = browser.new_context(extra_http_headers=headers).new_page()
    log_in(student, base, "mei", "correct horse 1")
    for name, path in [
        ("home", "/"),
        ("attempt", f"/attempts/{unfinished}"),
        ("summary", f"/attempts/{unfinished}/summary"),
        ("result", f"/attempts/{submitted}/review"),
        ("history", "/history"),
        ("account", "/auth/account"),
    ]:
        student.goto(base + path)
        look(student, artifacts, language, name)

    teacher = browser.new_context(extra_http_headers=headers).new_page()
    log_in(teacher, base, "ms-lee", "teacher password")
    for name, path in [("banks", "/teach/"), ("bank", f"/teach/banks/{bank_id}")]:
        teacher.goto(base + path)
        look(teacher, artifacts, language, name)
