"""The teacher's API: banks, importing a bank, a quiz's statistics, a class's gradebook.

Scope ``teach``, on a teacher's account. The same rules as the pages: a teacher reads the
site's banks, their own and those shared with them (``bank_access``); a quiz's statistics
follow its bank; a gradebook is only for a class the teacher teaches. Anything else is a 404,
as if it did not exist. An import runs the upload page's checks, with its messages.
"""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from quizapp import attempts as attempt_service
from quizapp import bank_access
from quizapp import gradebook as gradebook_service
from quizapp.api import blueprint
from quizapp.api.problems import ApiProblem
from quizapp.api.registry import YAML_TYPES, Caller, operation
from quizapp.api.schemas import (
    BankList,
    BankQuiz,
    BankSummary,
    GradebookCell,
    GradebookColumn,
    GradebookRow,
    GradebookView,
    ImportResult,
    ItemView,
    QuizStatistics,
    ScoreBand,
    StudentGradeView,
)
from quizapp.bank.errors import BankError
from quizapp.bank.report import cut, shown_problems
from quizapp.classes.service import teacher_class
from quizapp.extensions import db
from quizapp.models import Bank, Question, Quiz, User

TAGS = ("teacher",)


@operation(blueprint, "/banks", "GET", scope="teach", response=BankList, tags=TAGS)
def list_banks(caller: Caller) -> BankList:
    """The banks I may read (the site's, mine, those shared with me), with their quizzes."""
    counts = dict(
        db.session.execute(
            select(Question.bank_id, func.count(Question.id))
            .where(Question.retired.is_(False))
            .group_by(Question.bank_id)
        ).all()
    )
    banks = db.session.scalars(
        select(Bank)
        .where(bank_access.readable_banks(caller.user))
        .options(selectinload(Bank.quizzes))
        .order_by(Bank.title, Bank.id)
    ).all()
    owners = dict(
        db.session.execute(
            select(User.id, User.username).where(
                User.id.in_({b.owner_id for b in banks if b.owner_id is not None})
            )
        ).all()
    )
    return BankList(
        banks=[
            BankSummary(
                id=bank.id,
                slug=bank.slug,
                title=bank.title,
                questions=counts.get(bank.id, 0),
                owner=owners.get(bank.owner_id) if bank.owner_id is not None else None,
                imported_at=bank.imported_at,
                quizzes=[
                    BankQuiz(id=q.id, key=q.key, title=q.title, retired=q.retired)
                    for q in sorted(bank.quizzes, key=lambda q: q.id)
                ],
            )
            for bank in banks
        ]
    )


@operation(
    blueprint,
    "/banks",
    "POST",
    scope="teach",
    response=ImportResult,
    yaml_body=True,
    errors=(409, 413, 415, 422),
    tags=TAGS,
)
def import_bank(caller: Caller) -> ImportResult:
    """Import a bank from its YAML file (the request body), as the upload page does.

    The same checks and messages: a bank with problems is a 422 listing them (file:line:
    column), and nothing is imported; another teacher's bank of the same id is a 403; an
    import that raced another is a 409. ``?filename=`` names the file in messages."""
    # On first use: a worker that serves only students never loads the import machinery.
    from quizapp import catalog

    if request.mimetype not in YAML_TYPES:
        raise ApiProblem(415, "Send the bank's YAML with 'Content-Type: application/yaml'.")
    limit = int(current_app.config["MAX_BANK_BYTES"])
    data = request.stream.read(limit + 1)
    filename = cut(request.args.get("filename", "upload.yaml").strip() or "upload.yaml", 100)
    try:
        bank_file = catalog.read_bank_bytes(data, filename, f"upload:{filename}", limit)
    except BankError as error:
        problems = [
            {
                "place": cut(f"{p.file}:{p.line}:{p.column}", 200),
                "message": cut(p.message),
            }
            for p in shown_problems(error)
        ]
        first = problems[0] if problems else {"place": filename, "message": "not a bank"}
        raise ApiProblem(
            413 if len(data) > limit else 422,
            f"The bank was not imported: {error.total} problem(s), the first at "
            f"{first['place']}: {first['message']}",
            problems=problems,
            total=error.total,
        ) from error
    slug = bank_file.slug
    if not bank_access.may_replace_bank(caller.user, slug):
        raise ApiProblem(403, f"Another teacher's bank is called '{slug}'; rename your bank's id.")
    is_new = db.session.scalar(select(Bank.id).where(Bank.slug == slug)) is None
    try:
        [diff] = catalog.import_files([bank_file])
    except catalog.ImportConflict as conflict:
        raise ApiProblem(409, str(conflict)) from conflict
    if is_new:  # an uploaded bank belongs to its teacher, as on the upload page
        bank_access.set_owner(caller.user, slug)
    bank_id = db.session.scalar(select(Bank.id).where(Bank.slug == slug))
    stale = [c.key for c in diff.changed if c.attempts_on_old_version]
    return ImportResult(
        bank_id=bank_id or 0,
        slug=slug,
        created=is_new,
        summary=f"Imported {diff.summary()}.",
        added=list(diff.added),
        changed=[c.key for c in diff.changed],
        removed=list(diff.removed),
        regrade_hint=(
            f"Past attempts hold the old version of {', '.join(stale[:5])}"
            f"{' and more' if len(stale) > 5 else ''}: to grade them with the new version, "
            "open Regrade on the bank's page."
        )
        if stale
        else None,
    )


@operation(
    blueprint,
    "/quizzes/<id:quiz_id>/statistics",
    "GET",
    scope="teach",
    response=QuizStatistics,
    query=("class",),
    tags=TAGS,
)
def quiz_statistics(caller: Caller, quiz_id: int) -> QuizStatistics:
    """A quiz's statistics, as its report page: distribution, grades, item analysis.

    ``?class=ID`` reads only the students of a class I teach (else a 404), as the report
    page's class filter does."""
    from quizapp import stats  # a worker serving only students never loads it
    from quizapp.bounded_ints import int_arg

    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or not bank_access.may_read_bank(caller.user, quiz.bank):
        raise ApiProblem(404, "There is no such quiz among the banks you may read.")
    class_id = int_arg("class", None, minimum=1)
    if class_id is not None and teacher_class(class_id, caller.user) is None:
        raise ApiProblem(404, "There is no such class among those you teach.")
    attempt_service.close_overdue()
    report = stats.quiz_report(quiz, class_id)
    summary = report.summary
    return QuizStatistics(
        quiz_id=quiz.id,
        title=quiz.title,
        grading=report.grading,
        pass_mark=report.pass_mark,
        attempts=summary.attempts,
        students=summary.students,
        mean=summary.mean,
        median=summary.median,
        sd=summary.sd,
        lowest=summary.lowest,
        highest=summary.highest,
        pass_rate=report.pass_rate,
        alpha=report.consistency.alpha,
        bands=[ScoreBand.model_validate(band) for band in summary.bands],
        grades=[StudentGradeView.model_validate(grade) for grade in report.students],
        items=[ItemView.model_validate(item) for item in report.items],
    )


@operation(
    blueprint,
    "/classes/<id:class_id>/gradebook",
    "GET",
    scope="teach",
    response=GradebookView,
    tags=TAGS,
)
def class_gradebook(caller: Caller, class_id: int) -> GradebookView:
    """A class I teach: each student's grade per assigned quiz, and the class's means."""
    classroom = teacher_class(class_id, caller.user)
    if classroom is None:
        raise ApiProblem(404, "There is no such class among those you teach.")
    attempt_service.close_overdue()
    book = gradebook_service.gradebook(classroom)
    return GradebookView(
        class_id=classroom.id,
        class_name=classroom.name,
        columns=[
            GradebookColumn(assignment_id=a.id, quiz_id=a.quiz_id, title=a.quiz.title, mean=mean)
            for a, mean in zip(book.assignments, book.means, strict=True)
        ],
        rows=[
            GradebookRow(
                user_id=row.student.id,
                username=row.student.username,
                cells=[
                    GradebookCell(
                        quiz_id=a.quiz_id, grade=c.grade, status=c.status, attempts=c.attempts
                    )
                    for a, c in zip(book.assignments, row.cells, strict=True)
                ],
            )
            for row in book.rows
        ],
    )
