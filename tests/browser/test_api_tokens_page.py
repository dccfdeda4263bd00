"""A teacher makes an API token on the Account page in a real browser, uses it against the
live server, and revokes it: the section reads clearly, shows the token once, passes axe."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect

from quizapp.accounts import create_user
from tests.browser import page_checks
from tests.browser.logins import log_in


def call(url: str, token: str) -> tuple[int, dict[str, object]]:
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_a_teacher_makes_uses_and_revokes_a_token(app, live_server, page: Page, artifacts: Path):
    with app.app_context():
        create_user("ms-lee", "a long password", is_teacher=True)
    log_in(page, live_server.url(), "ms-lee", "a long password")
    page.goto(live_server.url("/auth/account"))
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()

    page.get_by_label("Token name").fill("gradebook export")
    page.get_by_label("read: list quizzes").check()
    page.get_by_label("teach: banks").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("it is shown only this once")).to_be_visible()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("qz_")
    expect(page.get_by_role("listitem").filter(has_text="gradebook export")).to_contain_text(
        "read, teach"
    )
    result = page_checks.run_axe(page)
    assert result.violations_count == 0, result.generate_report()
    page_checks.screenshot(page, artifacts / "account-api-token.png", full_page=True)

    status, body = call(live_server.url("/api/v1/banks"), token)
    assert status == 200 and body == {"banks": []}

    page.goto(live_server.url("/auth/account"))
    expect(page.locator("#new-token")).to_have_count(0)
    page.get_by_role("button", name="Revoke the token gradebook export").click()
    expect(page.get_by_text("The token is revoked")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    status, body = call(live_server.url("/api/v1/banks"), token)
    assert status == 401 and body["status"] == 401
