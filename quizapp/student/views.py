"""The student's path: quizzes available, an attempt, and its review (history: ``progress``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from quizapp import attempts as attempt_service
from quizapp import review_rules, source_texts
from quizapp.auth.views import read_with_login
from quizapp.classes.rules import Applied, applied_settings
from quizapp.extensions import db
from quizapp.i18n import reason
from quizapp.login_sessions import LoginRead
from quizapp.models import (
    Attempt,
    AttemptSlot,
    Question,
    QuestionVersion,
    Quiz,
)
from quizapp.qtypes import InvalidResponse
from quizapp.question_language import language_name, wanted_language
from quizapp.questions import quiz_settings
from quizapp.student import attempt_pages
from quizapp.student.forms import ActionForm
from quizapp.student_quizzes import student_quizzes

blueprint = Blueprint("student", __name__)


_Loaded = TypeVar("_Loaded", Attempt, attempt_service.PageAttempt, attempt_service.PostAttempt)


def _own_attempt(
    attempt_id: int,
    load: Callable[[int], _Loaded | None] = attempt_service.load_attempt,
) -> _Loaded:
    """The current student's attempt, read by ``load`` (the ORM's objects by default; rows for
    the page, ``load_attempt_page``, or for a save or submit, ``load_attempt_post``), or as
    the request's login read it already (``_attempt_with_login``); anyone else's is a 404, as
    if it did not exist."""
    read: attempt_service.ReadWithLogin | None = g.pop(_READ_WITH_LOGIN, None)
    if read is not None and (read.attempt_id, read.load) == (attempt_id, load):
        attempt = cast("_Loaded | None", read.attempt())
    else:
        attempt = load(attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


_READ_WITH_LOGIN = "attempt_read_with_login"
"""Where ``_attempt_with_login`` leaves the attempt it read for ``_own_attempt`` (in ``g``)."""


@read_with_login("student.attempt")
def _attempt_with_login() -> LoginRead | None:
    """An attempt's page, save or submit reads its login and the attempt in one statement
    (``attempts.read_with_login``), and the view takes the attempt from there
    (``_own_attempt``). A language switch loads the attempt's ORM objects instead, so it
    reads its login alone."""
    attempt_id = (request.view_args or {}).get("attempt_id")
    posting = request.method == "POST"
    if not isinstance(attempt_id, int) or (not posting and _language_switch() is not None):
        return None
    load = attempt_service.load_attempt_post if posting else attempt_service.load_attempt_page

    def read(login_params: dict[str, Any]) -> Sequence[Any] | None:
        found = attempt_service.read_with_login(attempt_id, login_params, load)
        if found.login is not None:
            setattr(g, _READ_WITH_LOGIN, found)
        return found.login

    return read


def _live_quiz(quiz_id: int) -> tuple[Quiz, Applied]:
    """The quiz, with what applies to the current student; a quiz they may not see (not
    assigned to a class of theirs, withdrawn, retired) is a 404, as if it did not exist."""
    quiz = db.get_or_404(Quiz, quiz_id)
    applied = applied_settings(current_user.id, quiz)
    if not applied.visible:
        abort(404)
    return quiz, applied


@blueprint.route("/")
def index() -> ResponseReturnValue:
    """The quizzes a student can take."""
    if not current_user.is_authenticated:
        return render_template("student/welcome.html")
    offered = student_quizzes(current_user)
    quizzes, applied = offered.quizzes, offered.applied
    attempts_by_quiz, class_names = offered.attempts_by_quiz, offered.class_names
    groups: dict[int | None, list[dict[str, Any]]] = {}
    for quiz in quizzes:
        rules = applied[(current_user.id, quiz.id)]
        if not rules.visible:
            continue
        settings = rules.settings
        attempts = attempts_by_quiz.get(quiz.id, [])
        class_id = rules.assignment.class_id if rules.assignment is not None else None
        groups.setdefault(class_id, []).append(
            {
                "quiz": quiz,
                "settings": settings,
                "due": rules.due,
                "notes": rules.notes,
                "attempts": len(attempts),
                "grade": attempt_service.quiz_grade(attempts, settings.grading),
                "unfinished": any(not a.is_submitted for a in attempts),
                "closed": attempt_service.closed_reason(quiz, settings),
            }
        )
    # Each class's quizzes with what is due first; then the quizzes open to everyone.
    sections = [
        {"title": class_names.get(class_id, ""), "cards": sorted(cards, key=_due_first)}
        for class_id, cards in sorted(
            ((k, v) for k, v in groups.items() if k is not None),
            key=lambda item: class_names.get(item[0], "").lower(),
        )
    ]
    if None in groups:
        sections.append({"title": "Other quizzes" if sections else "", "cards": groups[None]})
    return render_template("student/index.html", sections=sections, in_class=bool(class_names))


def _due_first(card: dict[str, Any]) -> tuple[int, datetime]:
    """Open quizzes due soonest first, then those without a date, then closed ones."""
    due = card["due"]
    return (
        2 if card["closed"] else (0 if due is not None else 1),
        due or datetime.max,
    )


@blueprint.route("/quizzes/<id:quiz_id>")
@login_required
def quiz(quiz_id: int) -> ResponseReturnValue:
    """A quiz's rules and the student's attempts at it."""
    quiz, applied = _live_quiz(quiz_id)
    attempt_service.expire_overdue(current_user)
    settings = applied.settings
    attempts = attempt_service.attempts_of(current_user, quiz)
    return render_template(
        "student/quiz.html",
        quiz=quiz,
        settings=settings,
        due=applied.due,
        notes=applied.notes,
        attempts=attempts,
        grade=attempt_service.quiz_grade(attempts, settings.grading),
        attempts_left=attempt_service.attempts_left(current_user, quiz, applied),
        unfinished=attempt_service.unfinished_attempt(current_user, quiz),
        closed=attempt_service.closed_reason(quiz, settings),
        form=ActionForm(),
        open_book=source_texts.open_book_text(quiz.bank_id),
    )


@blueprint.route("/quizzes/<id:quiz_id>/start", methods=["POST"])
@login_required
def start(quiz_id: int) -> ResponseReturnValue:
    """Start an attempt, or resume the unfinished one."""
    quiz, _ = _live_quiz(quiz_id)
    if not ActionForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    try:
        attempt = attempt_service.start_attempt(current_user, quiz, wanted_language)
    except attempt_service.AttemptRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("student.quiz", quiz_id=quiz.id))
    return redirect(url_for("student.attempt", attempt_id=attempt.id))


@blueprint.route("/attempts/<id:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int) -> ResponseReturnValue:
    """The attempt page: one page of questions with the navigator; save as you go (a fetch
    from static/attempt.js gets JSON), move between pages, then finish on the summary.

    The page itself is read as rows (``attempts.load_attempt_page``): it writes nothing. A
    save and a submit read it as rows too (``attempts.load_attempt_post``) and write with Core
    statements; a language switch loads the attempt's ORM objects. A HEAD is a GET without
    its body (Flask sends it to GET's routes), never a save."""
    posting = request.method == "POST"
    switch = None if posting else _language_switch()
    if not posting and switch is None:
        return _show_attempt(attempt_id)
    if posting:
        posted = _own_attempt(attempt_id, attempt_service.load_attempt_post)
        _still_shown(posted)
        return _post_answers(posted, attempt_pages.paging_of(posted))
    attempt = _own_attempt(attempt_id)
    _still_shown(attempt)
    paging = attempt_pages.paging_of(attempt)
    ended = _ended(attempt)
    if ended is not None:
        return ended
    return _switch_language(attempt, paging, *switch)


def _show_attempt(attempt_id: int) -> ResponseReturnValue:
    """One page of an open attempt (a GET without a language switch), after the same checks
    as a save's: whose it is, whether the class still shows the quiz, submitted, overdue."""
    attempt = _own_attempt(attempt_id, attempt_service.load_attempt_page)
    _still_shown(attempt)
    ended = _ended(attempt)
    if ended is not None:
        return ended
    paging = attempt_pages.paging_of(attempt)
    page = paging.clamp(_number_of(request.args.get("page", "")) or 1)
    return _attempt_page(attempt, paging, page)


def _still_shown(attempt: Attempt | attempt_service.PageAttempt) -> None:
    """A 404 for an attempt at a quiz the student was taken out of (their class, or the quiz
    withdrawn from it)."""
    applied = attempt_service.applied_to(attempt)
    if applied is not None and not applied.visible:
        abort(404)


def _ended(attempt: Attempt | attempt_service.PageAttempt) -> ResponseReturnValue | None:
    """To the review for an attempt submitted, or overdue (then finished here, and the
    student told why); None for an open attempt."""
    if attempt.is_submitted:
        return redirect(url_for("student.review", attempt_id=attempt.id))
    if attempt_service.is_overdue(attempt):
        attempt_service.expire_overdue(current_user)
        flash(attempt_service.overdue_message(attempt), "info")
        return redirect(url_for("student.review", attempt_id=attempt.id))
    return None


def _language_switch() -> tuple[str, str] | None:
    """A link's ``?lang_q<position>=<code>``: (position as written, language), or None."""
    for name, value in request.args.items():
        if name.startswith("lang_q"):
            return name.removeprefix("lang_q"), value
    return None


def _switch_language(
    attempt: Attempt, paging: attempt_pages.Paging, position_text: str, language: str
) -> ResponseReturnValue:
    """Show one question in another of its languages, then back to that question."""
    position = _number_of(position_text)
    if position is None:
        abort(
            400,
            _(
                "'%(field)s' names no question; use the page's links. Nothing was changed.",
                field="lang_q" + position_text[:10],
            ),
        )
    try:
        attempt_service.switch_language(attempt, position, language)
    except InvalidResponse as error:
        abort(400, _("%(problem)s Nothing was changed.", problem=reason(error)))
    except attempt_service.AttemptRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("student.review", attempt_id=attempt.id))
    page = paging.clamp(paging.page_of(position))
    target = url_for("student.attempt", attempt_id=attempt.id, page=page)
    return redirect(f"{target}#question-{position}")


def _post_answers(
    attempt: attempt_service.PostAttempt, paging: attempt_pages.Paging
) -> ResponseReturnValue:
    """Save (or, from a countdown that ran out, submit) what one page of the attempt sent.

    Its CSRF token was checked before the view, as every form post's is (``CSRFProtect``,
    ``quizapp.extensions.csrf``: a missing or forged token is a 400, as JSON for the page's
    script, ``errors.csrf_error``); a form object checking it a second time cost a save or a
    submit about 4% of its CPU (docs/performance.md, "Session 11")."""
    attempt_id = attempt.id
    sent_page = request.form.get("page")
    page = _number_of(sent_page or "")
    if sent_page is not None and (not page or page > paging.pages):
        return _refused(400, _("The form named no page of this attempt; reload the page."))
    positions = list(paging.positions(page)) if page else [s.position for s in attempt.slots]
    try:
        typed = attempt_service.read_form(attempt, request.form.to_dict(flat=False))
        flags = attempt_pages.flags_of(request.form.getlist("flagged"), positions)
    except InvalidResponse as error:
        return _refused(
            400,
            _(
                "%(problem)s. Nothing was saved; reload the page and try again.",
                problem=reason(error),
            ),
        )
    if "reapply" in request.form:
        responses = attempt_service.with_saved_answers(attempt, typed)
    elif page is not None:
        responses = attempt_service.with_page_answers(attempt, typed, positions)
    else:
        responses = typed
    sequence = _number_of(request.form.get("sequence", ""))
    try:
        if "submit" in request.form:
            attempt_service.submit_attempt(attempt, responses, sequence)
            flash(_("Your attempt is submitted."), "success")
            return redirect(url_for("student.review", attempt_id=attempt_id))
        new_sequence = attempt_service.save_answers(
            attempt, responses, sequence, flags if page else None
        )
    except attempt_service.StaleAttempt as refusal:
        if _wants_json():
            return jsonify(status="stale", message=str(refusal)), 409
        # What is saved now (the other page's answers, the new save count), read afresh.
        now_saved = attempt_service.load_attempt_page(attempt_id) or attempt
        return _attempt_page(now_saved, paging, page or 1, (str(refusal), typed)), 409
    except attempt_service.AttemptRefused as refusal:
        if _wants_json():
            review = url_for("student.review", attempt_id=attempt.id)
            return jsonify(status="ended", message=str(refusal), location=review), 409
        flash(str(refusal), "error")
        # The rows were read before the refusal: the refusal says whether the attempt ended.
        if isinstance(refusal, attempt_service.AttemptFinished) or attempt.is_submitted:
            return redirect(url_for("student.review", attempt_id=attempt.id))
        return redirect(url_for("student.attempt", attempt_id=attempt.id))
    if _wants_json():
        return jsonify(
            status="saved",
            sequence=new_sequence,
            questions=attempt_pages.states_after_save(attempt, responses, flags if page else None),
        )
    changed = attempt_pages.changed_positions(attempt, responses, flags if page else None)
    return redirect(_after_save(attempt, paging, page, changed))


def _after_save(
    attempt: attempt_service.PostAttempt,
    paging: attempt_pages.Paging,
    page: int | None,
    changed: list[int],
) -> str:
    """Where a page without JavaScript goes after its save: the summary, another page, or
    back to the question the student changed last (not the top of the page)."""
    if "finish" in request.form:
        return url_for("student.summary", attempt_id=attempt.id)
    target = _number_of(request.form.get("goto", ""))
    if target is not None:
        return url_for("student.attempt", attempt_id=attempt.id, page=paging.clamp(target))
    flash(_("Your answers are saved. You can come back and finish later."), "success")
    anchor = f"question-{changed[-1]}" if changed else "attempt-actions"
    return url_for("student.attempt", attempt_id=attempt.id, page=page, _anchor=anchor)


def _wants_json() -> bool:
    """A fetch from the attempt page's script asks for JSON; a form post gets pages."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _refused(code: int, message: str) -> ResponseReturnValue:
    """Bad input: a JSON answer for the script, the error page for a form post."""
    if _wants_json():
        return jsonify(status="invalid", message=message), code
    abort(code, message)


def _number_of(value: str) -> int | None:
    """A small positive count from a form or a link (a save count, a page); else None."""
    return int(value) if re.fullmatch(r"[0-9]{1,9}", value) else None


def _attempt_page(
    attempt: Attempt | attempt_service.PageAttempt,
    paging: attempt_pages.Paging,
    page: int,
    conflict: tuple[str, dict[int, dict[str, Any]]] | None = None,
) -> str:
    """One page of the attempt form with what is saved now; after a refused stale save
    (``conflict``: the message and what the student typed), also the questions typed
    differently, with a button that puts those answers back on top of what is saved."""
    slots = attempt_pages.page_questions(attempt, set(paging.positions(page)))
    differing: list[int] = []
    typed_fields: list[tuple[str, str]] = []
    if conflict is not None:
        typed = conflict[1]
        differing = [
            item.slot.position
            for item in slots
            if typed.get(item.slot.position) and typed[item.slot.position] != item.response
        ]
        typed_fields = [
            (name, value)
            for name, values in request.form.lists()
            if _position_of(name) in differing
            for value in values
        ]
    navigator = attempt_pages.navigator(attempt, paging, page)
    attempt_url = url_for("student.attempt", attempt_id=attempt.id)
    return render_template(
        "student/attempt.html",
        language_name=language_name,
        attempt=attempt,
        quiz=attempt.quiz,
        slots=slots,
        questions_html=Markup("\n").join(item.html for item in slots),
        t=attempt_pages.page_texts(),
        attempt_url=attempt_url,
        # The summary's route is the attempt's with "/summary" (``summary`` below): one URL
        # built for the page, not two.
        summary_url=f"{attempt_url}/summary",
        page=page,
        paging=paging,
        navigator=navigator,
        navigator_counts=attempt_pages.NavigatorCounts.of(navigator),
        navigator_list=attempt_pages.navigator_list,
        navigator_save_texts=attempt_pages.navigator_save_texts,
        seconds_left=attempt_service.seconds_left(attempt),
        due_at=_to_the_second(attempt_service.due_at(attempt)),
        notes=applied.notes if (applied := attempt_service.applied_to(attempt)) else (),
        conflict=conflict[0] if conflict else None,
        differing=differing,
        typed_fields=typed_fields,
        open_book=attempt.quiz is not None and attempt.quiz.open_book,
    )


def _to_the_second(moment: datetime | None) -> datetime | None:
    """A time as pages show it: whole seconds (an HTML ``datetime`` takes no microseconds)."""
    return moment.replace(microsecond=0) if moment is not None else None


def _position_of(field_name: str) -> int | None:
    """The slot position in an answer field's name (``q<position>-...``)."""
    match = re.match(r"q([0-9]{1,6})-", field_name)
    return int(match.group(1)) if match else None


@blueprint.route("/attempts/<id:attempt_id>/summary")
@login_required
def summary(attempt_id: int) -> ResponseReturnValue:
    """The summary of an open attempt: every question's state, then "Submit all and finish"."""
    attempt = _own_attempt(attempt_id)
    if attempt.is_submitted:
        return redirect(url_for("student.review", attempt_id=attempt.id))
    if attempt_service.is_overdue(attempt):
        attempt_service.expire_overdue(current_user)
        flash(attempt_service.overdue_message(attempt), "info")
        return redirect(url_for("student.review", attempt_id=attempt.id))
    return _summary_page(attempt, ActionForm())


def _summary_page(attempt: Attempt, form: ActionForm, conflict: str | None = None) -> str:
    paging = attempt_pages.paging_of(attempt)
    return render_template(
        "student/summary.html",
        attempt=attempt,
        form=form,
        navigator=attempt_pages.navigator(attempt, paging, None),
        seconds_left=attempt_service.seconds_left(attempt),
        due_at=_to_the_second(attempt_service.due_at(attempt)),
        conflict=conflict,
    )


@blueprint.route("/attempts/<id:attempt_id>/finish", methods=["POST"])
@login_required
def finish(attempt_id: int) -> ResponseReturnValue:
    """Submit the attempt with its saved answers (the summary's "Submit all and finish")."""
    attempt = _own_attempt(attempt_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    saved = attempt_service.with_page_answers(attempt, {}, [])
    try:
        attempt_service.submit_attempt(attempt, saved, _number_of(request.form.get("sequence", "")))
    except attempt_service.StaleAttempt:
        message = (
            "Your answers were changed on another page or device after this summary was "
            "shown, so nothing was submitted. Check the summary below, then submit again."
        )
        return _summary_page(attempt, form, message), 409
    except attempt_service.AttemptRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("student.attempt", attempt_id=attempt.id))
    flash(_("Your attempt is submitted."), "success")
    return redirect(url_for("student.review", attempt_id=attempt_id))


@blueprint.route("/attempts/<id:attempt_id>/review")
@login_required
def review(attempt_id: int) -> ResponseReturnValue:
    """The result of a submitted attempt: score, and per question what was right (the
    answers themselves only where ``review_rules`` allows)."""
    # The attempt with its quiz, and every slot with its version, question, bank and answer,
    # in a fixed number of queries however many questions the attempt has.
    attempt = db.first_or_404(
        select(Attempt)
        .where(Attempt.id == attempt_id)
        .options(
            joinedload(Attempt.quiz),
            selectinload(Attempt.slots).options(
                joinedload(AttemptSlot.question_version)
                .joinedload(QuestionVersion.question)
                .joinedload(Question.bank),
                joinedload(AttemptSlot.answer),
            ),
        )
    )
    if attempt.user_id != current_user.id:
        abort(404)
    if not attempt.is_submitted:
        return redirect(url_for("student.attempt", attempt_id=attempt.id))
    applied = attempt_service.applied_to(attempt)
    settings = applied.settings if applied is not None else quiz_settings(attempt.quiz)
    items = attempt_service.review_items(attempt)
    return render_template(
        "student/review.html",
        language_name=language_name,
        attempt=attempt,
        quiz=attempt.quiz,
        settings=settings,
        items=items,
        jump_list=_jump_list(items) if len(items) > JUMP_LIST_FROM else [],
        visibility=review_rules.answer_visibility(attempt),
        banks_with_text=source_texts.banks_with_text(
            {slot.question_version.question.bank_id for slot in attempt.slots}
        ),
    )


JUMP_LIST_FROM = 10
"""A result with more questions than this starts with a list of them by state: on a long
exam the student goes straight to what they got wrong instead of scrolling through it all."""

JUMP_GROUPS = (
    ("wrong", _l("Wrong")),
    ("partial", _l("Partly right")),
    ("unanswered", _l("Unanswered")),
    ("right", _l("Right")),
)


def _jump_list(items: list[attempt_service.ReviewItem]) -> list[tuple[str, str, list[int]]]:
    """(group, label, question numbers) for each group that has questions."""
    groups = [
        (group, label, [item.slot.position for item in items if item.group == group])
        for group, label in JUMP_GROUPS
    ]
    return [(group, label, numbers) for group, label, numbers in groups if numbers]
