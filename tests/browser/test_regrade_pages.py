"""A teacher reads a bank's page, uploads a fixed key and reads the field-by-field diff,
then regrades the quiz after a dry run. Axe clean at 390 and 1280 px."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Bank, Quiz
from tests.browser.test_teaching_pages import check, log_in
from tests.conftest import DEMO_BANK, QuizTaker


def test_bank_page_diff_and_regrade(demo_app, live_server, browser, artifacts, tmp_path):
    taker = QuizTaker(demo_app)
    taker.take("student-1", right={1, 3})  # question 3: "The Sun is a star." (true)
    taker.take("student-2", right={3})
    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
        bank_id = db.session.scalar(select(Bank.id))
        quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.key == "tour"))
    base = live_server.url().rstrip("/")
    page = browser.new_page()
    log_in(page, base, "ms-lee", "teacher password")

    page.goto(f"{base}/teach/banks/{bank_id}")
    expect(page.locator("table.bank-questions tbody tr")).to_have_count(8)
    check(page, artifacts, "bank")

    # The key of "the Sun is a star" (true_false) is flipped, and its wording edited.
    text = (DEMO_BANK / "demo.yaml").read_text()
    start = text.index("type: true_false")
    block = text[start : text.index("- id:", start)]
    fixed = block.replace("answer: true", "answer: false").replace("The Sun", "Our Sun")
    assert fixed != block and "Our Sun" in fixed
    edited = tmp_path / "demo.yaml"
    edited.write_text(text.replace(block, fixed))
    page.goto(f"{base}/teach/")
    page.get_by_label("Bank file (.yaml)").set_input_files(str(edited))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("dl.field-diff ins").first).to_be_visible()
    check(page, artifacts, "diff")
    page.get_by_role("button", name="Import these changes").click()
    expect(page.get_by_text("Past attempts hold the old version of sun-is-star")).to_be_visible()

    page.goto(f"{base}/teach/quizzes/{quiz_id}/regrade")
    expect(page.get_by_text("Dry run: 2 attempts would change")).to_be_visible()
    check(page, artifacts, "regrade")
    page.get_by_role("button", name="Regrade all attempts").click()
    expect(page.get_by_text("Regraded: 2 attempt(s) changed")).to_be_visible()
    expect(page.get_by_role("cell", name="Regraded all attempts")).to_be_visible()
    check(page, artifacts, "regraded")
