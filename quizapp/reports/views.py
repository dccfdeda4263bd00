"""Teachers' reports on a quiz: statistics, a student's timeline, misconceptions, CSV exports.

Views are thin: they find the quiz or bank (404 otherwise), call ``quizapp.stats`` or
``quizapp.exports``, and render. Teachers only (``teacher_required``): a student gets a 403.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from quizapp import attempts
from quizapp.bank_access import readable_bank_or_404, readable_quiz_or_404
from quizapp.bounded_ints import int_arg
from quizapp.classes.service import classes_taught, teacher_class
from quizapp.extensions import db
from quizapp.models import Classroom, Quiz, User
from quizapp.teacher.views import teacher_required

blueprint = Blueprint("reports", __name__, url_prefix="/teach/reports")


@blueprint.before_request
def _finish_overdue_attempts() -> None:
    """Reports count an attempt whose time ran out as finished at its end, whether or not the
    student came back or the ``close-overdue`` timer ran yet."""
    attempts.close_overdue()


def _class_filter() -> Classroom | None:
    """``?class=ID``: the report reads that class's students only. The class must be the
    current teacher's (another's, or an unknown one, is a 404; not a number, a 400)."""
    class_id = int_arg("class", None, minimum=1)
    if class_id is None:
        return None
    classroom = teacher_class(class_id, current_user)
    if classroom is None:
        abort(404)
    return classroom


def _class_id(classroom: Classroom | None) -> int | None:
    return classroom.id if classroom is not None else None


@blueprint.route("/quizzes/<id:quiz_id>")
@teacher_required
def quiz(quiz_id: int) -> ResponseReturnValue:
    """A quiz's statistics: distribution, grades, item analysis, misconceptions, objectives."""
    # Imported here: pygal on the first chart, and a worker serving only students never loads
    # the statistics (about 1 MB of each worker's memory).
    from quizapp import stats
    from quizapp.reports.charts import histogram

    row = readable_quiz_or_404(quiz_id)
    classroom = _class_filter()
    report = stats.quiz_report(row, _class_id(classroom))
    summary = report.summary
    chart_title = _(
        "Scores of %(attempts)s attempts at %(title)s", attempts=summary.attempts, title=row.title
    )
    chart_desc = _(
        "Attempts per score band: %(bands)s",
        bands=", ".join(f"{band.label}: {band.attempts}" for band in summary.bands),
    )
    return render_template(
        "reports/quiz.html",
        quiz=row,
        report=report,
        classroom=classroom,
        classes=classes_taught(current_user),
        chart=histogram(summary.bands, chart_title, chart_desc),
        chart_title=chart_title,
        # One url_for for the whole class: hundreds of rows and names link to timelines.
        student_base=url_for("reports.student", quiz_id=quiz_id, user_id=0).rsplit("/", 1)[0],
        thresholds={
            "too_easy": stats.TOO_EASY,
            "too_hard": stats.TOO_HARD,
            "weak": stats.WEAK_DISCRIMINATION,
        },
    )


@blueprint.route("/quizzes/<id:quiz_id>/students/<id:user_id>")
@teacher_required
def student(quiz_id: int, user_id: int) -> ResponseReturnValue:
    """One student's attempts at a quiz and every answer, oldest first."""
    from quizapp import stats  # imported here: a worker serving only students never loads it

    row = readable_quiz_or_404(quiz_id)
    user = db.get_or_404(User, user_id)
    total = stats.timeline_size(quiz_id, user_id)
    if not total:
        abort(404, _("%(username)s has no attempts at this quiz.", username=user.username))
    pages = -(-total // stats.TIMELINE_PAGE)
    page = min(int_arg("page", 1, minimum=1) or 1, pages)
    offset = (page - 1) * stats.TIMELINE_PAGE
    timeline = stats.student_timeline(quiz_id, user_id, offset, stats.TIMELINE_PAGE)
    scores = [
        item.attempt.score_percent
        for item in timeline
        if item.attempt.is_submitted and item.attempt.score_percent is not None
    ]
    return render_template(
        "reports/student.html",
        quiz=row,
        student=user,
        timeline=timeline,
        scores=scores,
        total=total,
        offset=offset,
        page=page,
        pages=pages,
    )


@blueprint.route("/banks/<id:bank_id>/misconceptions")
@teacher_required
def bank_misconceptions(bank_id: int) -> ResponseReturnValue:
    """Misconceptions across every quiz and question of a bank."""
    from quizapp import stats  # imported here: a worker serving only students never loads it

    bank = readable_bank_or_404(bank_id)
    return render_template(
        "reports/bank_misconceptions.html",
        bank=bank,
        misconceptions=stats.bank_misconceptions(bank_id),
        students=stats.bank_students(bank_id),
    )


def _csv_response(quiz: Quiz, kind: str, chunks: Iterator[str]) -> Response:
    filename = f"{quiz.bank.slug}-{quiz.key}-{kind}.csv"
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/quizzes/<id:quiz_id>/attempts.csv")
@teacher_required
def attempts_csv(quiz_id: int) -> ResponseReturnValue:
    """Every counted attempt, one row each, streamed."""
    from quizapp import exports  # with the statistics it counts by: loaded on first use

    row = readable_quiz_or_404(quiz_id)
    class_id = _class_id(_class_filter())
    chunks = exports.csv_chunks(exports.ATTEMPT_HEADER, exports.attempt_rows(row, class_id))
    return _csv_response(row, "attempts", chunks)


@blueprint.route("/quizzes/<id:quiz_id>/answers.csv")
@teacher_required
def answers_csv(quiz_id: int) -> ResponseReturnValue:
    """Every answer of the counted attempts, one row each, streamed."""
    from quizapp import exports  # with the statistics it counts by: loaded on first use

    row = readable_quiz_or_404(quiz_id)
    class_id = _class_id(_class_filter())
    chunks = exports.answer_chunks(row, class_id)
    return _csv_response(row, "answers", chunks)
