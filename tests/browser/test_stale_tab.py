"""Two tabs of one attempt, with JavaScript: the older tab's countdown submits on its own when
time runs out, and must not wipe what the newer tab saved."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Attempt, now_utc

BANK = """\
bank: tabs
title: Tabs
quizzes:
  - {id: quick, title: A quick timed quiz, time_limit: 5m}
questions:
  - {id: capital, type: short, text: What is the capital of Belarus?, accept: [Minsk]}
  - {id: river, type: short, text: Which river flows through Minsk?, accept: [Svislach]}
  - {id: sea, type: short, text: Which country lies between Belarus and the sea?, accept: [Lithuania, Latvia, Poland]}
"""  # noqa: E501


def test_a_stale_tab_submitting_on_time_out_loses_no_saved_answer(
    app, runner, live_server, page: Page, tmp_path: Path
):
    bank = tmp_path / "tabs.yaml"
    bank.write_text(BANK)
    assert runner.invoke(args=["quiz", "import", str(bank)]).exit_code == 0
    with app.app_context():
        create_user("tess", "a long password")

    # The tabs count down on a clock the test moves (it runs at the real pace until then):
    # time runs out when the test says, not 25 seconds of waiting later, and never before the
    # newer tab has saved, however slow the machine.
    page.context.clock.install()
    page.goto(live_server.url("/auth/login"))
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    # The old tab opens first: its countdown will submit on its own.
    old_tab = page.context.new_page()
    refusals: list[int] = []
    old_tab.on("response", lambda r: refusals.append(r.status) if r.status == 409 else None)
    old_tab.goto(page.url)
    expect(old_tab.get_by_role("timer")).to_be_visible()
    old_tab.get_by_label("Your answer").first.fill("Moscow")
    # The old tab autosaves what it typed (the save count moves to 1) before the newer tab loads.
    expect(old_tab.locator("[data-save-status]")).to_contain_text("Saved")

    # The newer tab answers everything and saves, before the old tab's time runs out.
    page.reload()
    answers = page.get_by_label("Your answer")
    for index, text in enumerate(["Minsk", "Svislach", "Lithuania"]):
        answers.nth(index).fill(text)
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    with app.app_context():
        saved = db.session.scalar(select(Attempt)).sequence
        assert saved >= 2, "the newer tab saved after the old tab, before the old tab's end"
    page.goto(live_server.url("/"))  # only the old tab counts down now

    # The old tab's time runs out (the deadline passes; the old tab's clock jumps past its
    # countdown's end): its submit, built on the older page with one different answer, is
    # refused (409); the refusal page shows what is saved now and, when its own countdown
    # ends, submits that.
    with app.app_context():
        db.session.scalar(select(Attempt)).deadline = now_utc()
        db.session.commit()
    old_tab.clock.fast_forward("05:01")
    expect(old_tab.locator(".score")).to_have_text("100%", timeout=45_000)
    assert refusals == [409]
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        saved = [slot.answer.response["answer"] for slot in attempt.slots]
        assert saved == ["Minsk", "Svislach", "Lithuania"], "the newer tab's answers are intact"
        assert attempt.is_submitted and attempt.score_percent == 100
