"""A timed attempt counts down in the browser and, when time runs out, submits what the student
typed, even if it was never saved."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, Route, expect
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Attempt, now_utc

TIMED_BANK = """\
bank: timed
title: Timed
quizzes:
  - {id: quick, title: A quick timed quiz, time_limit: 1m}
questions:
  - {id: capital, type: short, text: What is the capital of Belarus?, accept: [Minsk]}
"""


def test_time_running_out_submits_unsaved_answers(app, runner, live_server, page: Page, tmp_path):
    bank = Path(tmp_path) / "timed.yaml"
    bank.write_text(TIMED_BANK)
    assert runner.invoke(args=["quiz", "import", str(bank)]).exit_code == 0
    with app.app_context():
        create_user("tess", "a long password")

    # The countdown runs on a clock the test moves (at the real pace until then): time runs
    # out when the test says, not after seconds of waiting.
    page.context.clock.install()
    page.goto(live_server.url("/auth/login"))
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"Time left: 0:5\d"))

    page.route("**/attempts/**", _no_autosave)
    page.get_by_label("Your answer").fill("Minsk")  # typed, never saved
    # Time runs out: the deadline passes, and the page's clock jumps past its countdown's end.
    with app.app_context():
        db.session.scalar(select(Attempt)).deadline = now_utc()
        db.session.commit()
    page.clock.fast_forward("01:01")
    expect(page.locator(".score")).to_have_text("100%", timeout=15_000)
    expect(page.get_by_text("Your attempt is submitted.")).to_be_visible()


def _no_autosave(route: Route) -> None:
    """The page's autosaves fail (the network drops them): what the student typed reaches the
    server only with the countdown's submit, a form post like any other."""
    request = route.request
    if request.method == "POST" and "application/json" in (request.headers.get("accept") or ""):
        route.abort()
    else:
        route.continue_()
