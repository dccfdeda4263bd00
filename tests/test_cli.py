"""The command line, through ``app.test_cli_runner()`` on a real database."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, Question, QuestionVersion, Quiz, User
from tests.conftest import DEMO_BANK

DEMO_FILE = DEMO_BANK / "demo.yaml"


def test_validate_prints_one_line_per_bank(runner):
    result = runner.invoke(args=["quiz", "validate", str(DEMO_BANK)])
    assert result.exit_code == 0, result.output
    assert "demo: 8 questions" in result.output
    assert "1 single" in result.output and "1 cloze" in result.output
    assert "1 quizzes" in result.output


def test_validate_reports_every_error_with_position_and_no_traceback(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "bank: bad\ntitle: Bad\nquestions:\n"
        "  - {id: a, type: short, text: Q?, accept: []}\n"
        "  - {id: b, type: single, text: Q?, choices: [x, y]}\n"
    )
    result = runner.invoke(args=["quiz", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:4:" in result.output
    assert f"{bad}:5:" in result.output
    assert "Traceback" not in result.output
    assert "nothing was imported" in result.output


def test_import_is_idempotent(app, runner):
    first = runner.invoke(args=["quiz", "import", str(DEMO_BANK)])
    assert first.exit_code == 0, first.output
    assert "8 added" in first.output
    second = runner.invoke(args=["quiz", "import", str(DEMO_BANK)])
    assert second.exit_code == 0, second.output
    assert "unchanged" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionVersion.id))) == 8
        assert db.session.scalar(select(func.count(Quiz.id))) == 1


def test_a_bad_bank_imports_nothing(app, runner, tmp_path):
    shutil.copy(DEMO_FILE, tmp_path / "demo.yaml")
    (tmp_path / "zz-bad.yaml").write_text("bank: bad\ntitle: Bad\nquestions: [{id: x}]\n")
    result = runner.invoke(args=["quiz", "import", str(tmp_path)])
    assert result.exit_code == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_an_edited_question_is_a_new_version_and_old_attempts_keep_theirs(
    app, runner, client, auth, tmp_path
):
    from tests.quiz_actions import QuizActions

    bank = tmp_path / "demo.yaml"
    shutil.copy(DEMO_FILE, bank)
    assert runner.invoke(args=["quiz", "import", str(bank)]).exit_code == 0
    auth.register()
    actions = QuizActions(app, client)
    attempt_id = actions.start()
    actions.submit(attempt_id, actions.right_answers(attempt_id))

    text = bank.read_text().replace("What is 7 × 8?", "What is seven times eight?")
    bank.write_text(text)
    result = runner.invoke(args=["quiz", "import", str(bank)])
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output

    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "seven-times-eight"))
        assert question.current_version == 2
        assert [v.version for v in question.versions] == [1, 2]
        attempt = db.session.get(Attempt, attempt_id)
        used = [
            s.question_version for s in attempt.slots if s.question_version.question == question
        ]
        assert used[0].version == 1
        assert used[0].data["text"] == "What is 7 × 8?"
        assert attempt.score_percent == 100


def test_a_removed_question_is_retired_not_deleted(app, runner, tmp_path):
    bank = tmp_path / "demo.yaml"
    shutil.copy(DEMO_FILE, bank)
    runner.invoke(args=["quiz", "import", str(bank)])
    text = bank.read_text()
    start = text.index("  - id: seven-times-eight")
    end = text.index("  - id: planets-from-sun")
    bank.write_text(text[:start] + text[end:])
    result = runner.invoke(args=["quiz", "import", str(bank)])
    assert result.exit_code == 0, result.output
    assert "1 retired" in result.output
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "seven-times-eight"))
        assert question.retired is True
        assert question.versions


def test_create_teacher_from_password_file(app, runner, tmp_path: Path):
    secret = tmp_path / "password"
    secret.write_text("a strong password\n")
    result = runner.invoke(
        args=["user", "create", "ms-lee", "--teacher", "--password-file", str(secret)]
    )
    assert result.exit_code == 0, result.output
    assert "Created teacher 'ms-lee'" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ms-lee"))
        assert user.is_teacher
        assert "a strong password" not in user.password_hash
        assert user.password_hash.startswith("scrypt:")


def test_create_user_prompts_for_password_and_refuses_duplicates(runner):
    result = runner.invoke(args=["user", "create", "sam"], input="long enough\nlong enough\n")
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["user", "create", "SAM"], input="long enough\nlong enough\n")
    assert again.exit_code != 0
    assert "taken" in again.output


ARTICLE = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "article" / "china-belarus-2015.txt"
)
ARTICLE_BANK = Path(__file__).resolve().parents[1] / "questions" / "china-belarus-2015"


def test_check_sources_passes_on_the_article_bank_and_fails_on_a_mistyped_figure(runner, tmp_path):
    assert ARTICLE.exists(), f"the article is missing at {ARTICLE}"
    result = runner.invoke(
        args=["quiz", "check-sources", str(ARTICLE_BANK), "--text", str(ARTICLE)]
    )
    assert result.exit_code == 0, result.output
    assert "questions checked" in result.output

    bank = next(ARTICLE_BANK.glob("*.yaml"))
    text = bank.read_text(encoding="utf-8")
    assert "answer: 23\n" in text, "the bank asks for a figure of 23 (years, or loan projects)"
    broken = tmp_path / "bank.yaml"
    broken.write_text(text.replace("answer: 23\n", "answer: 32\n", 1), encoding="utf-8")
    result = runner.invoke(args=["quiz", "check-sources", str(broken), "--text", str(ARTICLE)])
    assert result.exit_code == 1
    assert "32" in result.output


def test_schema_command_prints_the_committed_schema(runner):
    result = runner.invoke(args=["quiz", "schema"])
    assert result.exit_code == 0
    committed = (Path(__file__).resolve().parents[1] / "questions" / "bank.schema.json").read_text()
    assert result.output == committed


def test_validate_a_missing_path_is_a_clear_error(runner):
    result = runner.invoke(args=["quiz", "validate", "no/such/folder"])
    assert result.exit_code == 1
    assert "no such file or directory" in result.output
    assert "Traceback" not in result.output
