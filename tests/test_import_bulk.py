"""Importing banks: a fixed number of statements whatever the bank's size, the file's hash
compared before parsing, and the design rules (versions, retirement, one transaction) on the
bulk path."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp import catalog
from quizapp.bank.errors import BankError
from quizapp.extensions import db
from quizapp.models import Bank, Question, QuestionTag, QuestionVersion, Quiz
from tests.conftest import sql_statements


def generated_bank(count: int, slug: str = "generated", edit: str = "", start: int = 0) -> str:
    """A bank of ``count`` questions of four types (ids from ``start``), with tags, objectives
    and one quiz; ``edit`` is appended to every question's text (a new version of each)."""
    lines = [
        f"bank: {slug}",
        f"title: Generated bank of {count} questions",
        "quizzes:",
        "  - {id: all, title: Every question, draw: 3}",
        "questions:",
    ]
    for number in range(start, start + count):
        lines.append(f"  - id: q{number:05d}")
        kind = number % 4
        if kind == 0:
            lines += [
                "    type: single",
                f"    text: Which is right, number {number}{edit}?",
                "    choices:",
                f"      - {{text: Right {number}, correct: true}}",
                f"      - Wrong {number}",
            ]
        elif kind == 1:
            lines += ["    type: true_false", f"    text: Claim {number}{edit}."]
            lines += ["    answer: true"]
        elif kind == 2:
            lines += ["    type: short", f"    text: Name {number}{edit}."]
            lines += [f"    accept: [n{number}]"]
        else:
            lines += ["    type: numeric", f"    text: How many{edit}?", f"    answer: {number}"]
        lines += [f"    tags: [t{number % 3}, shared]", f"    objectives: [o{number % 5}]"]
    return "\n".join(lines) + "\n"


def import_file(app, path: Path) -> list[catalog.BankDiff]:
    with app.app_context():
        return catalog.import_paths([path], app.config["MAX_BANK_BYTES"])


def statements_to_import(app, path: Path) -> list[str]:
    with sql_statements(app) as statements:
        import_file(app, path)
    return statements


def test_statements_do_not_grow_with_the_number_of_questions(app, tmp_path):
    """10 or 100 questions, new or all edited with some retired and some added: the same
    statements (the old import flushed once per question, walking the whole bank)."""
    counts = {}
    for size in (10, 100):
        path = tmp_path / f"bank-{size}.yaml"
        path.write_text(generated_bank(size, slug=f"bank-{size}"))
        first = statements_to_import(app, path)
        # Every question edited, the first two removed, two new ones at the end.
        path.write_text(generated_bank(size, slug=f"bank-{size}", edit=" (edited)", start=2))
        second = statements_to_import(app, path)
        counts[size] = (len(first), len(second))
    assert counts[10] == counts[100], counts
    assert counts[10][0] <= 15, counts

    with app.app_context():
        for size in (10, 100):
            bank = db.session.scalar(select(Bank).where(Bank.slug == f"bank-{size}"))
            live = db.session.scalars(
                select(Question).where(Question.bank_id == bank.id, Question.retired.is_(False))
            ).all()
            assert len(live) == size
            assert {question.current_version for question in live} == {1, 2}
            assert (
                db.session.scalar(
                    select(func.count(Question.id)).where(
                        Question.bank_id == bank.id, Question.retired.is_(True)
                    )
                )
                == 2
            )


def test_an_unchanged_file_is_not_parsed_again_and_nothing_is_written(app, tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(generated_bank(20))
    import_file(app, path)
    with app.app_context():
        [file] = catalog.read_bank_files([path], app.config["MAX_BANK_BYTES"])
        assert file.unchanged and file.slug == "generated"
        bank = db.session.scalar(select(Bank))
        assert bank.content_hash == catalog.file_hash(path.read_bytes())
        imported_at = bank.imported_at
    with sql_statements(app) as statements:
        [diff] = import_file(app, path)
    assert diff.summary() == "generated: unchanged (20 questions)"
    verbs = {statement.split()[0].upper() for statement in statements}
    assert verbs <= {"BEGIN", "SELECT"}, statements
    assert "BEGIN IMMEDIATE" not in statements, "no write lock is taken"
    with app.app_context():
        assert db.session.scalar(select(Bank.imported_at)) == imported_at


def test_an_edited_comment_changes_no_question_but_stores_the_new_file_hash(app, tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(generated_bank(5))
    import_file(app, path)
    path.write_text("# A new comment: the questions are the same.\n" + generated_bank(5))
    [diff] = import_file(app, path)
    assert not diff.changes_anything
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionVersion.id))) == 5
        assert db.session.scalar(select(Bank.content_hash)) == catalog.file_hash(path.read_bytes())
        [file] = catalog.read_bank_files([path], app.config["MAX_BANK_BYTES"])
        assert file.unchanged


def test_a_question_restored_to_an_old_text_gets_its_old_version_back(app, tmp_path):
    path = tmp_path / "bank.yaml"
    original = generated_bank(4)
    path.write_text(original)
    import_file(app, path)
    path.write_text(generated_bank(4, edit=" (edited)"))
    import_file(app, path)
    path.write_text(generated_bank(3))  # back to the original texts, q00003 removed
    [diff] = import_file(app, path)
    assert [change.key for change in diff.changed] == ["q00000", "q00001", "q00002"]
    assert diff.removed == ["q00003"]
    path.write_text(original)
    [diff] = import_file(app, path)
    assert diff.added == ["q00003"]
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionVersion.id))) == 8
        rows = db.session.execute(select(Question.key, Question.current_version, Question.retired))
        assert sorted(rows) == [
            ("q00000", 1, False),
            ("q00001", 1, False),
            ("q00002", 1, False),
            ("q00003", 1, False),
        ]
        assert db.session.scalar(select(func.count(QuestionTag.tag))) == 16


def test_quizzes_are_added_changed_and_withdrawn(app, tmp_path):
    path = tmp_path / "bank.yaml"
    text = generated_bank(4)
    path.write_text(text)
    import_file(app, path)
    path.write_text(
        text.replace(
            "  - {id: all, title: Every question, draw: 3}",
            "  - {id: all, title: Every question again, draw: 2}\n"
            "  - {id: two, title: Two questions, questions: [q00000, q00001]}",
        )
    )
    [diff] = import_file(app, path)
    assert (diff.quizzes_added, diff.quizzes_changed) == (["two"], ["all"])
    path.write_text(text)
    [diff] = import_file(app, path)
    assert diff.quizzes_removed == ["two"]
    with app.app_context():
        quizzes = {quiz.key: quiz for quiz in db.session.scalars(select(Quiz))}
        assert quizzes["two"].retired and not quizzes["all"].retired
        assert quizzes["all"].title == "Every question"
        assert quizzes["all"].settings["draw"] == 3


def test_a_plan_made_stale_by_another_import_is_refused_and_writes_nothing(app, tmp_path):
    """An import compares before it locks; another import finishing in between makes it
    refuse (rather than write over it or fail on a unique constraint)."""
    mine, theirs = tmp_path / "mine.yaml", tmp_path / "theirs.yaml"
    mine.write_text(generated_bank(6, edit=" (mine)"))
    theirs.write_text(generated_bank(6, edit=" (theirs)"))
    with app.app_context():
        limit = app.config["MAX_BANK_BYTES"]
        new_bank_plan = catalog.plan_import(catalog.read_bank_files([mine], limit))
        db.session.commit()
    import_file(app, theirs)
    with app.app_context(), pytest.raises(catalog.ImportConflict) as refused:
        catalog.apply_import(new_bank_plan)
    assert "Another import of bank 'generated' finished" in str(refused.value)
    assert "nothing was imported" in str(refused.value)

    # The same for a bank that exists: a plan to edit it, overtaken by another edit.
    mine.write_text(generated_bank(6, edit=" (mine again)"))
    with app.app_context():
        stale_plan = catalog.plan_import(catalog.read_bank_files([mine], limit))
        db.session.commit()
    theirs.write_text(generated_bank(7, edit=" (theirs again)"))
    import_file(app, theirs)
    with app.app_context(), pytest.raises(catalog.ImportConflict):
        catalog.apply_import(stale_plan)
    with app.app_context():
        texts = {version.data["text"] for version in db.session.scalars(select(QuestionVersion))}
        assert not any("mine" in text for text in texts)
        assert (
            db.session.scalar(select(func.count(Question.id)).where(Question.retired.is_(False)))
            == 7
        )

    # Planned afresh, the same file imports.
    [diff] = import_file(app, mine)
    assert len(diff.changed) == 6 and diff.removed == ["q00006"]


def test_one_bad_bank_among_several_imports_nothing_even_with_unchanged_ones(app, tmp_path):
    (tmp_path / "a.yaml").write_text(generated_bank(3, slug="bank-a"))
    import_file(app, tmp_path)
    (tmp_path / "b.yaml").write_text(generated_bank(3, slug="bank-b"))
    (tmp_path / "c.yaml").write_text("bank: bank-c\ntitle: C\nquestions: [{id: x}]\n")
    with app.app_context(), pytest.raises(BankError):
        catalog.import_paths([tmp_path], app.config["MAX_BANK_BYTES"])
    (tmp_path / "c.yaml").write_text(generated_bank(3, slug="bank-a"))
    with app.app_context(), pytest.raises(BankError) as duplicate:
        catalog.import_paths([tmp_path], app.config["MAX_BANK_BYTES"])
    assert "bank id 'bank-a' is already used by" in str(duplicate.value.problems[0])
    with app.app_context():
        assert db.session.scalars(select(Bank.slug)).all() == ["bank-a"]
