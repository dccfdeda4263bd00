"""An import never blocks students, and two imports at once end in one import and a clear
message (run on SQLite and, with QUIZAPP_TEST_DATABASE_URL, on PostgreSQL)."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from quizapp.accounts import create_user
from quizapp.extensions import db
from quizapp.models import Answer, Bank, Question
from tests.conftest import AuthActions, csrf_token
from tests.quiz_actions import QuizActions
from tests.test_import_bulk import generated_bank
from tests.test_teacher import upload_reference

BIG_BANK = 3_000
"""Questions in the bank imported while a student saves: the old import held the write lock
for 15 to 27 s at this size, past SQLite's busy timeout."""

SAVED = "Your answers are saved."


def test_students_save_answers_while_a_big_bank_imports(demo_app, runner, tmp_path):
    bank = tmp_path / "big.yaml"
    bank.write_text(generated_bank(BIG_BANK, slug="big"))

    client = demo_app.test_client()
    AuthActions(client).register("saver")
    actions = QuizActions(demo_app, client)
    attempt_id = actions.start()
    answers = actions.right_answers(attempt_id)

    start = threading.Barrier(2)
    importing = threading.Event()
    imported = threading.Event()
    outcome: dict[str, object] = {}

    def run_import() -> None:
        start.wait()
        importing.set()
        try:
            outcome["import"] = runner.invoke(args=["quiz", "import", str(bank)])
        finally:
            imported.set()

    saves: list[tuple[bool, int, bool]] = []
    """Each save: whether the import was running when it began, its status, and whether
    the page it led to said the answers were saved."""

    def save_repeatedly() -> None:
        start.wait()
        importing.wait()
        while True:
            during = not imported.is_set()
            response = actions.save(attempt_id, answers)
            location = response.headers.get("Location", "")
            page = client.get(location).get_data(as_text=True) if location else ""
            saves.append((during, response.status_code, SAVED in page))
            if not during:
                break

    importer = threading.Thread(target=run_import)
    importer.start()
    save_repeatedly()
    importer.join()

    result = outcome["import"]
    assert result.exit_code == 0, result.output
    assert f"big: questions {BIG_BANK} added" in result.output
    assert sum(during for during, _, _ in saves) >= 1, "no save overlapped the import"
    assert [(status, said) for _, status, said in saves] == [(302, True)] * len(saves)
    with demo_app.app_context():
        stored = db.session.scalars(select(Answer).where(Answer.attempt_id == attempt_id)).all()
        assert len(stored) == len(answers_by_slot(answers))
        assert all(answer.response for answer in stored)
        assert db.session.scalar(select(func.count(Question.id))) == BIG_BANK + 8


def answers_by_slot(fields: dict[str, list[str]]) -> set[str]:
    return {name.split("-", 1)[0] for name in fields}


def teacher_client(app, username: str):
    client = app.test_client()
    AuthActions(client).login(username, "teacher password")
    return client


def preview_upload(client, text: str) -> str:
    token = csrf_token(client.get("/teach/").get_data(as_text=True))
    response = client.post(
        "/teach/banks/upload",
        data={"csrf_token": token, "bank_file": (io.BytesIO(text.encode()), "bank.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def confirm_upload(client, page: str):
    return client.post(
        "/teach/banks/upload/confirm",
        data={"csrf_token": csrf_token(page), "upload": upload_reference(page)},
    )


def test_two_teachers_importing_the_same_new_bank_at_once_get_one_import(app):
    """Both saw "a new bank" and confirm at the same moment: one import happens; the other
    is told clearly (never an IntegrityError, never a 500): that the other import finished
    first, or, when it reads the banks after that import's commit, that the id is now another
    teacher's bank (a race this test lost once on PostgreSQL in CI, session 12)."""
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
        create_user("mr-kim", "teacher password", is_teacher=True)
    text = generated_bank(400, slug="shared")
    clients = [teacher_client(app, "ms-lee"), teacher_client(app, "mr-kim")]
    pages = [preview_upload(client, text) for client in clients]
    assert all("(a new bank)" in page for page in pages)
    start = threading.Barrier(2)

    def confirm(index: int) -> str:
        start.wait()
        response = confirm_upload(clients[index], pages[index])
        if response.status_code == 409:  # it compared before the other one wrote: refused
            page = response.get_data(as_text=True)
            assert "Another import of bank &#39;shared&#39; finished" in page
            assert "nothing was imported" in page
            assert "No changes: 400 questions as before." in page
            return "refused"
        if response.status_code == 403:  # it read the banks after the other one wrote
            page = response.get_data(as_text=True)
            assert "Another teacher&#39;s bank is called &#39;shared&#39;" in page
            return "refused"
        assert response.status_code == 303, response.get_data(as_text=True)
        page = clients[index].get("/teach/").get_data(as_text=True)
        if "Imported shared: questions 400 added" in page:
            return "imported"
        # it compared after the other one wrote: nothing left to do
        assert "Imported shared: unchanged (400 questions)" in page
        return "unchanged"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(confirm, range(2)))
    assert outcomes in (["imported", "refused"], ["imported", "unchanged"])
    with app.app_context():
        assert db.session.scalars(select(Bank.slug)).all() == ["shared"]
        assert db.session.scalar(select(func.count(Question.id))) == 400
