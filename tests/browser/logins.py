"""Logging in through the login form, as a student or a teacher does (in English)."""

from __future__ import annotations

from playwright.sync_api import Page


def log_in(page: Page, base: str, username: str, password: str) -> None:
    """Fill in and send the login form, then wait until it has taken the browser past the
    login page: a click does not wait for the page it leads to, so a ``goto`` or a check
    right after it could cut the login short or meet the login page still there."""
    page.goto(f"{base.rstrip('/')}/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
