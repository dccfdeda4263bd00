"""The attempt page with JavaScript, in a real Chromium: autosave (with the save count, a
visible status, retries), the warning before leaving unsaved changes, links that save before
they leave, a stale page shown rather than overwriting, the countdown submitting a paged
attempt; and the attempt page and its summary clean for axe and the Nu HTML checker at phone
and laptop widths (screenshots in tests/artifacts and the README's docs/screenshots)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Attempt, Quiz, now_utc
from tests.browser import page_checks
from tests.browser.test_take_quiz import keyboard_answer, opened_attempt_id
from tests.quiz_actions import QuizActions

BANK = """\
bank: ux
title: Attempt UX
quizzes:
  - {id: paged, title: A paged quiz, per_page: 2}
  - {id: timed, title: A timed paged quiz, per_page: 1, time_limit: 5m}
questions:
  - {id: capital, type: short, text: What is the capital of Belarus?, accept: [Minsk]}
  - {id: river, type: short, text: Which river flows through Minsk?, accept: [Svislach]}
  - {id: sea, type: short, text: Which country lies between Belarus and the sea?, accept: [Lithuania]}
"""  # noqa: E501

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
"""The README's pictures: redrawn by ``make screenshots`` (QUIZAPP_SCREENSHOTS=1); a plain run
of the suite shoots them into the test's artifacts instead, leaving the committed ones alone."""

WOULD_WARN = """() => {
  const event = new Event("beforeunload", { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""
"""Whether the page's beforeunload handler asks to stay (the decision behind the dialog)."""


@pytest.fixture
def school(app, runner, tmp_path: Path) -> dict[str, int]:
    bank = tmp_path / "ux.yaml"
    bank.write_text(BANK)
    assert runner.invoke(args=["quiz", "import", str(bank)]).exit_code == 0
    with app.app_context():
        create_user("tess", "a long password")
        return {quiz.key: quiz.id for quiz in db.session.scalars(select(Quiz))}


def start(page: Page, live_server, quiz_id: int) -> None:
    if "/auth/login" not in page.url:
        page.goto(live_server.url("/auth/login"))
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    page.goto(live_server.url(f"/quizzes/{quiz_id}"))
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("form[data-autosave]")).to_be_visible()


def type_answer(page: Page, index: int, text: str) -> None:
    """Type as a person would (real key events, so the page has had a user gesture)."""
    box = page.get_by_label("Your answer").nth(index)
    box.click()
    box.press_sequentially(text)


def saved(app) -> tuple[dict[int, Any], set[int], int]:
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        db.session.refresh(attempt)
        answers = {s.position: (s.answer.response if s.answer else {}) for s in attempt.slots}
        return answers, {s.position for s in attempt.slots if s.flagged}, attempt.sequence


def status(page: Page):
    return page.locator("[data-save-status]")


def test_autosave_saves_changes_and_updates_the_navigator(app, school, live_server, page: Page):
    start(page, live_server, school["paged"])
    type_answer(page, 0, "Minsk")
    expect(status(page)).to_have_text(re.compile(r"^Saved \d"))
    answers, flags, sequence = saved(app)
    assert answers[1] == {"answer": "Minsk"} and sequence == 1
    expect(page.locator(".quiz-nav-count")).to_contain_text("1 of 3 answered")
    expect(page.get_by_role("link", name="Question 1, answered")).to_be_visible()

    page.get_by_label("Flag question 2 for review before you submit").check()
    expect(page.get_by_role("link", name="Question 2, not answered, flagged")).to_be_visible()
    answers, flags, sequence = saved(app)
    assert flags == {2} and sequence == 2, "each save carried the count the last one returned"

    page.reload()
    expect(page.get_by_label("Your answer").first).to_have_value("Minsk")
    expect(page.get_by_label("Flag question 2 for review before you submit")).to_be_checked()


def test_leaving_with_unsaved_changes_warns_and_the_save_is_retried(
    app, school, live_server, page: Page
):
    start(page, live_server, school["paged"])
    assert page.evaluate(WOULD_WARN) is False, "nothing typed yet: no warning"

    def offline(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    page.route("**/attempts/**", offline)
    type_answer(page, 0, "Minsk")
    expect(status(page)).to_have_text("Not saved, retrying")
    assert page.evaluate(WOULD_WARN) is True
    with page.expect_event("dialog") as dialog_info:
        page.close(run_before_unload=True)
    dialog = dialog_info.value
    assert dialog.type == "beforeunload"
    dialog.dismiss()  # the student stays on the page

    page.unroute("**/attempts/**")
    expect(status(page)).to_have_text(re.compile(r"^Saved \d"), timeout=40_000)
    assert saved(app)[0][1] == {"answer": "Minsk"}
    assert page.evaluate(WOULD_WARN) is False, "all saved: leaving is quiet"


def test_a_link_to_another_page_saves_first(app, school, live_server, page: Page):
    start(page, live_server, school["paged"])
    type_answer(page, 1, "Svislach")
    page.get_by_role("link", name="Question 3, not answered").click()  # at once: before autosave
    expect(page.get_by_role("heading", name="Page 2 of 2")).to_be_visible(timeout=20_000)
    assert saved(app)[0][2] == {"answer": "Svislach"}
    page.get_by_role("button", name="Previous page").click()
    expect(page.get_by_label("Your answer").nth(1)).to_have_value("Svislach")


def test_a_stale_page_shows_the_refusal_and_never_overwrites(app, school, live_server, page: Page):
    start(page, live_server, school["paged"])
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_label("Your answer").first.fill("Minsk")
    other.get_by_role("button", name="Save and continue later").click()
    expect(other.get_by_text("Your answers are saved.")).to_be_visible()

    type_answer(page, 0, "Moscow")  # this tab still carries the save count 0
    expect(status(page)).to_contain_text("Not saved: Your answers were saved from another page")
    assert saved(app)[0][1] == {"answer": "Minsk"}, "the newer answer stays"
    page.get_by_role("button", name="See what is saved now").click()
    expect(page.get_by_role("heading", name="Your answers changed on another page")).to_be_visible()
    expect(page.get_by_label("Your answer", exact=True).first).to_have_value("Minsk")
    expect(page.get_by_role("button", name="Put back my answer to question 1")).to_be_visible()


def test_time_running_out_submits_a_paged_attempt(app, school, live_server, page: Page):
    # The countdown runs on a clock the test moves (at the real pace until then): time runs
    # out when the test says, not after seconds of waiting.
    page.context.clock.install()
    start(page, live_server, school["timed"])
    expect(page.locator(".quiz-nav").get_by_role("timer")).to_contain_text(
        re.compile(r"Time left: 4:5\d")
    )
    type_answer(page, 0, "Minsk")
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_role("heading", name="Page 2 of 3")).to_be_visible()
    page.get_by_label("Your answer").fill("Svislach")
    # Saved first, as at the real pace: a save reaching the server after the deadline would
    # end the attempt itself, and the countdown must be what submits it.
    expect(status(page)).to_have_text(re.compile(r"^Saved \d"))
    # Time runs out: the deadline passes, and the page's clock jumps past its countdown's end.
    with app.app_context():
        db.session.scalar(select(Attempt)).deadline = now_utc()
        db.session.commit()
    page.clock.fast_forward("05:01")
    expect(page.locator(".score")).to_have_text("67%", timeout=15_000)
    answers = saved(app)[0]
    assert answers[1] == {"answer": "Minsk"} and answers[2] == {"answer": "Svislach"}


def check_page(page: Page, name: str, folder: Path) -> None:
    """axe at 390 and 1280 px, a screenshot at each, and the HTML kept for the Nu checker."""
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        result = page_checks.run_axe(page)
        assert result.violations_count == 0, f"{name} at {width}px: {result.generate_report()}"
        page_checks.screenshot(page, folder / f"{name}-{width}.png", full_page=True)
    (folder / f"{name}.html").write_text(page.content(), encoding="utf-8")


def test_the_attempt_pages_are_accessible_and_valid_at_both_widths(
    demo_app, school, live_server, page: Page, artifacts: Path
):
    folder = artifacts / "attempt-ux"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.html"):
        old.unlink()
    start(page, live_server, school["timed"])
    type_answer(page, 0, "Minsk")
    page.get_by_label("Flag question 1 for review before you submit").check()
    expect(page.get_by_role("link", name="Question 1, answered, flagged")).to_be_visible()
    page.get_by_role("button", name="Next page").click()
    # The click posts the page and is answered by a redirect: wait for page 2 itself, not the
    # document on its way (axe once ran on one with no heading yet, in CI).
    expect(page).to_have_url(re.compile(r"[?&]page=2\b"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "attempt-timed-page-2", folder)
    page.get_by_role("link", name="Finish attempt…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of your attempt")
    check_page(page, "summary-timed", folder)

    # The demo quiz (every question type on one page), for the README's screenshots.
    pictures = SCREENSHOTS if os.environ.get("QUIZAPP_SCREENSHOTS") == "1" else folder
    with demo_app.app_context():
        tour = db.session.scalar(select(Quiz).where(Quiz.key == "tour")).id
    page.goto(live_server.url(f"/quizzes/{tour}"))
    page.get_by_role("button", name="Start the quiz").click()
    attempt_id = opened_attempt_id(page)
    fields = QuizActions(demo_app, None).right_answers(attempt_id)  # type: ignore[arg-type]
    keyboard_answer(page, {k: v for k, v in fields.items() if k[:3] in ("q1-", "q2-", "q4-")})
    page.get_by_label("Flag question 2 for review before you submit").check()
    expect(page.get_by_role("link", name="Question 2, answered, flagged")).to_be_visible()
    expect(status(page)).to_have_text(re.compile(r"^Saved \d"))
    check_page(page, "attempt-demo", folder)
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.evaluate("window.scrollTo(0, 0)")
    page_checks.screenshot(page, pictures / "attempt-page.png")
    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of your attempt")
    check_page(page, "summary-demo", folder)
    page.set_viewport_size({"width": 1280, "height": 1000})
    page_checks.screenshot(page, pictures / "attempt-summary.png", full_page=True)

    pages = sorted(folder.glob("*.html"))
    assert len(pages) == 4, pages
    errors = page_checks.nu_errors(pages)
    assert not errors, "\n".join(errors)[:4000]
