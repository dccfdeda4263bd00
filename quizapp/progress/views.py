"""The student's progress pages: "My history" (attempts, score chart), mastery, practice."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from quizapp import attempts as attempt_service
from quizapp import history as history_service
from quizapp import practice as practice_service
from quizapp.bounded_ints import int_arg
from quizapp.extensions import db
from quizapp.models import now_utc
from quizapp.question_language import wanted_language
from quizapp.student.forms import ActionForm

blueprint = Blueprint("progress", __name__)


@blueprint.before_request
def _finish_overdue_attempts() -> None:
    """History, mastery and practice count an attempt whose time ran out as finished."""
    if current_user.is_authenticated:
        attempt_service.expire_overdue(current_user)


PER_PAGE = 50


def _quiz_filter(choices: list[history_service.QuizChoice]) -> history_service.QuizChoice | None:
    """The quiz chosen in ``?quiz=``: none for all quizzes; a 400 naming the value if it is
    not one of the student's quizzes (a silently ignored filter would mislead)."""
    raw = request.args.get("quiz", "").strip()
    if not raw:
        return None
    by_id = {str(choice.id): choice for choice in choices}
    if raw not in by_id:
        abort(
            400,
            _(
                "There is no quiz '%(raw)s' among your attempts. Choose a quiz from the list on "
                "the history page.",
                raw=raw,
            ),
        )
    return by_id[raw]


@blueprint.route("/history")
@login_required
def history() -> ResponseReturnValue:
    """Every graded attempt of the student, newest first, with the score chart."""
    choices = history_service.attempted_quizzes(current_user.id)
    chosen = _quiz_filter(choices)
    quiz_id = chosen.id if chosen else None
    page = db.paginate(
        history_service.graded_attempts(current_user.id, quiz_id),
        page=int_arg("page", 1, minimum=1),
        per_page=PER_PAGE,
        error_out=False,
    )
    # pygal is imported on the first chart, not at start-up (every command and worker paid it).
    from quizapp.progress.charts import score_chart

    scores = history_service.score_history(current_user.id, quiz_id)
    label = (
        _("Score over time, %(title)s", title=chosen.title)
        if chosen
        else _("Score over time, by quiz")
    )
    return render_template(
        "progress/history.html",
        choices=choices,
        chosen=chosen,
        page=page,
        pass_marks=history_service.pass_marks(page.items),
        passed=history_service.passed,
        scores=scores,
        chart=score_chart(scores, label),
        chart_label=label,
    )


@blueprint.route("/mastery")
@login_required
def mastery() -> ResponseReturnValue:
    """Mastery by tag, from the latest graded answer to each question (its own page: it reads
    every answer the student gave, which the history page need not wait for)."""
    return render_template(
        "progress/mastery.html", mastery=history_service.mastery_by_tag(current_user.id)
    )


@blueprint.route("/practice")
@login_required
def practice() -> ResponseReturnValue:
    """The practice boxes: what is due now, and the button to practise it."""
    now = now_utc()
    due = practice_service.due_cards(current_user, now)
    return render_template(
        "progress/practice.html",
        due=len(due),
        boxes=practice_service.cards_by_box(current_user),
        intervals=practice_service.BOX_INTERVALS,
        practice_size=practice_service.PRACTICE_SIZE,
        next_due=practice_service.next_due(current_user),
        now=now,
        unfinished=practice_service.unfinished_practice(current_user),
        sessions=history_service.practice_attempts(current_user.id),
        form=ActionForm(),
    )


@blueprint.route("/practice", methods=["POST"])
@login_required
def start_practice() -> ResponseReturnValue:
    """Start a practice attempt from the due cards, or resume the unfinished one."""
    if not ActionForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    attempt = practice_service.start_practice(current_user, wanted_language)
    if attempt is None:
        flash(_("Nothing is due for practice right now."), "info")
        return redirect(url_for("progress.practice"))
    return redirect(url_for("student.attempt", attempt_id=attempt.id))
