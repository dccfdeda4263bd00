"""LTI 1.3 in a real browser: Chromium follows the platform's OIDC login initiation, its
authentication endpoint and the auto-posted launch form (tests/lti/platform.py serves
``lti1p3platform`` on 127.0.0.1), the student takes the quiz by clicking, and the grade
arrives at the platform's AGS endpoint; a teacher's deep-linking choice reaches the platform;
and the same launch inside an LMS page's ``<iframe>``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import FrameLocator, Page, expect

from quizapp.accounts import create_user
from tests.browser import page_checks
from tests.browser.conftest import LiveServer
from tests.browser.logins import log_in
from tests.lti import fixtures
from tests.lti.platform import INSTRUCTOR, Launch, TestPlatform

# The fixtures of an LTI launch: the test platform, a bank, the platform registered.
served, lms, app_config = fixtures.served, fixtures.lms, fixtures.app_config
bank_path, quiz_id, registered = fixtures.bank_path, fixtures.quiz_id, fixtures.registered


def take_quiz(page: Page | FrameLocator) -> None:
    """Start the quiz, pick two right answers and a wrong one, submit."""
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("right q1").check()
    page.get_by_label("right q2").check()
    page.get_by_label("wrong one q3").check()
    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of your attempt")
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.locator(".score")).to_have_text("67%")


def graded(lms: TestPlatform) -> list[tuple[str, float, float, str, str]]:
    """The scores at the platform, once one has arrived (it goes after the tool's response)."""
    return [
        (
            s["userId"],
            s["scoreGiven"],
            s["scoreMaximum"],
            s["activityProgress"],
            s["gradingProgress"],
        )
        for s in lms.wait_for_scores(1)
    ]


def test_a_student_launched_from_the_lms_takes_the_quiz_and_the_grade_reaches_it(
    live_server: LiveServer, page: Page, lms: TestPlatform, registered: int, artifacts: Path
) -> None:
    lms.tool = live_server.url().rstrip("/")

    page.goto(f"{lms.url}/start")  # the LMS's link: login initiation, auth, form_post

    expect(page).to_have_url(live_server.url(f"/quizzes/{registered}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("All questions")
    page_checks.screenshot(page, artifacts / "lti-launched-quiz.png", full_page=True)
    take_quiz(page)
    assert graded(lms) == [("student-1", 66.67, 100, "Completed", "FullyGraded")]
    assert lms.score_urls == ["/lineitems/1/lineitem/scores"]


def test_a_teacher_picks_a_quiz_in_the_page_and_the_lms_receives_the_link(
    live_server: LiveServer, page: Page, lms: TestPlatform, registered: int, artifacts: Path
) -> None:
    lms.tool = live_server.url().rstrip("/")
    lms.launch = Launch(sub="teacher-1", name="Ms Lee", roles=[INSTRUCTOR], deep_link=True)

    page.goto(f"{lms.url}/start")

    expect(page).to_have_url(live_server.url("/lti/deep-link"))
    page.get_by_label("All questions").check()
    page.get_by_role("button", name="Add this quiz to the LMS").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is ready for the LMS")
    page_checks.screenshot(page, artifacts / "lti-deep-link-return.png", full_page=True)
    page.get_by_role("button", name="Return to the LMS").click()

    expect(page).to_have_url(f"{lms.url}/deep-link-return")
    expect(page.locator("body")).to_have_text("received")
    [item] = lms.deep_link_items
    assert item["type"] == "ltiResourceLink"
    assert item["title"] == "All questions"
    assert item["url"] == live_server.url("/lti/launch")
    assert item["custom"] == {"quizapp_quiz": str(registered)}
    assert item["lineItem"]["scoreMaximum"] == 100


def test_the_lms_holds_the_tool_in_a_frame_and_another_site_may_not(
    live_server: LiveServer,
    page: Page,
    lms: TestPlatform,
    registered: int,
    artifacts: Path,
    tmp_path: Path,
) -> None:
    lms.tool = live_server.url().rstrip("/")

    page.goto(f"{lms.url}/course")  # the LMS's course page: the launch runs inside its frame

    framed = page.frame_locator("#tool")
    expect(framed.get_by_role("heading", level=1)).to_have_text("All questions")
    page_checks.screenshot(page, artifacts / "lti-framed-quiz.png", full_page=True)
    take_quiz(framed)
    assert graded(lms) == [("student-1", 66.67, 100, "Completed", "FullyGraded")]

    # The same session's quiz page, framed by a site the LMS is not: the browser refuses it.
    other = Flask("another-site")
    quiz_url = live_server.url(f"/quizzes/{registered}")
    other.add_url_rule(
        "/", "home", lambda: f'<iframe id="tool" title="Quizapp" src="{quiz_url}"></iframe>'
    )
    with LiveServer(other, tmp_path) as elsewhere:
        with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal:
            page.goto(elsewhere.url("/"))
        assert f"Framing '{live_server.url()}" in refusal.value.text
        assert f'"frame-ancestors {lms.url}"' in refusal.value.text
        assert "has been blocked" in refusal.value.text
        expect(page.frame_locator("#tool").get_by_text("All questions")).to_have_count(0)
        page_checks.screenshot(page, artifacts / "lti-refused-frame.png")


def test_with_the_lms_down_the_submit_answers_and_the_admin_sees_the_grade_waiting(
    app: Flask,
    live_server: LiveServer,
    page: Page,
    lms: TestPlatform,
    registered: int,
    artifacts: Path,
) -> None:
    lms.tool = live_server.url().rstrip("/")
    lms.fail_scores = True  # the LMS's gradebook answers 503

    page.goto(f"{lms.url}/start")
    take_quiz(page)  # the result page, as with the LMS up

    with app.app_context():
        create_user("principal", "quiet garden lamp 77", is_admin=True)
    page.context.clear_cookies()
    log_in(page, live_server.url(), "principal", "quiet garden lamp 77")
    page.goto(live_server.url("/lti/admin"))
    expect(page.locator("#grades-waiting")).to_have_text(
        "1 grade(s) could not be delivered yet. They are kept and sent again by "
        "flask lti send-grades (run it from cron), or by a teacher's button on the course page."
    )
    page_checks.screenshot(page, artifacts / "lti-admin-grades-waiting.png", full_page=True)
    assert lms.scores == []
