"""The student's API: quizzes, attempts (start, save, submit, result) and history.

Thin like the pages (``quizapp.student.views``, ``quizapp.progress.views``): the same
services decide (``classes.rules`` who sees a quiz and with what settings, ``attempts``
start, save, submit and grade, ``review_rules`` whether an answer shows), and these views only
read JSON in and write JSON out. Anything not the caller's is a 404, as on the pages.
"""

from __future__ import annotations

from typing import Any

from quizapp import attempts as attempt_service
from quizapp import history as history_service
from quizapp import review_rules
from quizapp.api import blueprint
from quizapp.api.problems import ApiProblem
from quizapp.api.registry import Caller, operation
from quizapp.api.schemas import (
    Answers,
    AttemptResult,
    AttemptView,
    FieldValues,
    History,
    HistoryEntry,
    QuestionView,
    QuizList,
    QuizSummary,
    ResultQuestion,
    Review,
    Saved,
    Submission,
)
from quizapp.classes.rules import applied_settings
from quizapp.extensions import db
from quizapp.models import Attempt, Quiz
from quizapp.qtypes import InvalidResponse
from quizapp.questions import question_from_version, quiz_settings
from quizapp.student import attempt_pages
from quizapp.student_quizzes import student_quizzes

TAGS = ("student",)
HISTORY_PER_PAGE = 50


@operation(blueprint, "/quizzes", "GET", scope="read", response=QuizList, tags=TAGS)
def list_quizzes(caller: Caller) -> QuizList:
    """The quizzes I may take, with the settings that apply to me.

    As the quiz list page: the quizzes assigned to my classes (or, on a site with open
    quizzes, every quiz), with my attempts and grade."""
    user = caller.user
    offered = student_quizzes(user)
    quizzes, applied = offered.quizzes, offered.applied
    attempts_by_quiz, class_names = offered.attempts_by_quiz, offered.class_names
    items = []
    for quiz in quizzes:
        rules = applied[(user.id, quiz.id)]
        if not rules.visible:
            continue
        settings = rules.settings
        attempts = attempts_by_quiz.get(quiz.id, [])
        class_id = rules.assignment.class_id if rules.assignment is not None else None
        unfinished = next((a.id for a in attempts if not a.is_submitted), None)
        items.append(
            QuizSummary(
                id=quiz.id,
                title=quiz.title,
                description=quiz.description,
                bank=quiz.bank.title,
                class_id=class_id,
                class_name=class_names.get(class_id) if class_id is not None else None,
                opens=settings.opens,
                closes=settings.closes,
                due=rules.due,
                time_limit_seconds=settings.time_limit,
                attempts_allowed=settings.attempts,
                attempts_used=len(attempts),
                grading=settings.grading,
                grade=attempt_service.quiz_grade(attempts, settings.grading),
                pass_mark=settings.pass_mark,
                show_answers=settings.show_answers,
                unfinished_attempt_id=unfinished,
                closed=attempt_service.closed_reason(quiz, settings),
            )
        )
    return QuizList(quizzes=items)


@operation(
    blueprint,
    "/quizzes/<id:quiz_id>/attempts",
    "POST",
    scope="take",
    response=AttemptView,
    status=201,
    errors=(409,),
    tags=TAGS,
)
def start_attempt(caller: Caller, quiz_id: int) -> AttemptView:
    """Start an attempt at a quiz, or resume my unfinished one.

    Refused (403) when the quiz is closed or no attempts are left, as on the quiz page."""
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or not applied_settings(caller.user.id, quiz).visible:
        raise ApiProblem(404, "There is no such quiz among yours.")
    try:
        attempt = attempt_service.start_attempt(caller.user, quiz)
    except attempt_service.AttemptRefused as refusal:
        raise ApiProblem(refusal.status_code, str(refusal)) from refusal
    return _attempt_view(_own_attempt(caller, attempt.id))


def _own_attempt(caller: Caller, attempt_id: int) -> Attempt:
    """The caller's attempt; anyone else's, or one whose quiz they may no longer see, is a
    404, as on the attempt page."""
    attempt = attempt_service.load_attempt(attempt_id)
    if attempt is None or attempt.user_id != caller.user.id:
        raise ApiProblem(404, "There is no such attempt among yours.")
    applied = attempt_service.applied_to(attempt)
    if applied is not None and not applied.visible:
        raise ApiProblem(404, "There is no such attempt among yours.")
    return attempt


def _attempt_view(attempt: Attempt) -> AttemptView:
    """An attempt's questions as its page shows them: ``public_view`` only, never answers."""
    questions = []
    for slot in attempt.slots:
        question = question_from_version(slot.question_version)
        questions.append(
            QuestionView(
                position=slot.position,
                type=question.type_name,
                text=question.text,
                points=slot.max_mark,
                view=question.public_view(slot.layout),
                saved=dict(slot.answer.response) if slot.answer else {},
                flagged=slot.flagged,
            )
        )
    return AttemptView(
        id=attempt.id,
        quiz_id=attempt.quiz_id,
        title=attempt.title,
        started_at=attempt.started_at,
        submitted_at=attempt.submitted_at,
        due_at=attempt_service.due_at(attempt) if not attempt.is_submitted else None,
        seconds_left=attempt_service.seconds_left(attempt) if not attempt.is_submitted else None,
        sequence=attempt.sequence,
        questions=questions if not attempt.is_submitted else [],
    )


@operation(
    blueprint, "/attempts/<id:attempt_id>", "GET", scope="read", response=AttemptView, tags=TAGS
)
def get_attempt(caller: Caller, attempt_id: int) -> AttemptView:
    """One of my attempts: while open, its questions and what I saved.

    A submitted attempt lists no questions: read its result. An attempt whose time ran out is
    submitted with what was saved, as the page does."""
    attempt = _own_attempt(caller, attempt_id)
    if not attempt.is_submitted and attempt_service.is_overdue(attempt):
        attempt_service.expire_overdue(caller.user)
        attempt = _own_attempt(caller, attempt_id)
    return _attempt_view(attempt)


def _typed(attempt: Attempt, answers: dict[int, dict[str, FieldValues]]) -> dict[int, Any]:
    """The answers read by each question as from its form (``attempts.read_form``): a value
    a question never offered is a 422 naming the question; nothing is saved."""
    positions = {slot.position for slot in attempt.slots}
    unknown = sorted(set(answers) - positions)
    if unknown:
        raise ApiProblem(422, f"The attempt has no question {unknown[0]}; nothing was saved.")
    form = {
        f"q{position}-{name}": [values] if isinstance(values, str) else list(values)
        for position, fields in answers.items()
        for name, values in fields.items()
    }
    try:
        typed = attempt_service.read_form(attempt, form)
    except InvalidResponse as error:
        raise ApiProblem(422, f"{error}. Nothing was saved.") from error
    return attempt_service.with_page_answers(attempt, typed, sorted(answers))


def _refused(refusal: attempt_service.AttemptRefused) -> ApiProblem:
    """A save or submit the attempt's rules refuse: 409 (submitted, stale, time up)."""
    return ApiProblem(409, str(refusal))


@operation(
    blueprint,
    "/attempts/<id:attempt_id>/answers",
    "PUT",
    scope="take",
    response=Saved,
    body=Answers,
    errors=(409,),
    tags=TAGS,
)
def save_answers(caller: Caller, attempt_id: int, body: Answers) -> Saved:
    """Save answers to some questions of my open attempt (the others keep theirs).

    ``sequence`` is the attempt's save count as last read: a save from an older state is
    refused with a 409, so two devices cannot overwrite each other's answers."""
    attempt = _own_attempt(caller, attempt_id)
    if attempt.is_submitted:
        raise ApiProblem(409, "This attempt was already submitted; nothing was changed.")
    responses = _typed(attempt, body.answers)
    flags = None
    if body.flagged is not None:
        try:
            flags = attempt_pages.flags_of(
                [str(position) for position in body.flagged], [s.position for s in attempt.slots]
            )
        except InvalidResponse as error:
            raise ApiProblem(422, f"'flagged': {error}; nothing was saved.") from error
    try:
        sequence = attempt_service.save_answers(attempt, responses, body.sequence, flags)
    except attempt_service.AttemptRefused as refusal:
        raise _refused(refusal) from refusal
    return Saved(
        status="saved",
        sequence=sequence,
        questions=attempt_pages.states_after_save(attempt, responses, flags),
    )


@operation(
    blueprint,
    "/attempts/<id:attempt_id>/submit",
    "POST",
    scope="take",
    response=AttemptResult,
    body=Submission,
    errors=(409,),
    tags=TAGS,
)
def submit_attempt(caller: Caller, attempt_id: int, body: Submission) -> AttemptResult:
    """Submit my open attempt, with any last answers; returns its result."""
    attempt = _own_attempt(caller, attempt_id)
    if attempt.is_submitted:
        raise ApiProblem(409, "This attempt was already submitted; nothing was changed.")
    responses = _typed(attempt, body.answers)
    try:
        attempt_service.submit_attempt(attempt, responses, body.sequence)
    except attempt_service.AttemptRefused as refusal:
        raise _refused(refusal) from refusal
    db.session.expire_all()
    return _result(_own_attempt(caller, attempt_id))


@operation(
    blueprint,
    "/attempts/<id:attempt_id>/result",
    "GET",
    scope="read",
    response=AttemptResult,
    errors=(409,),
    tags=TAGS,
)
def attempt_result(caller: Caller, attempt_id: int) -> AttemptResult:
    """The result of my submitted attempt: score, and per question right or wrong.

    The correct answer, feedback and explanation of a question are sent only where the
    quiz's review setting (``show_answers``) shows them now; otherwise they are null."""
    attempt = _own_attempt(caller, attempt_id)
    if not attempt.is_submitted and attempt_service.is_overdue(attempt):
        attempt_service.expire_overdue(caller.user)
        db.session.expire_all()
        attempt = _own_attempt(caller, attempt_id)
    if not attempt.is_submitted:
        raise ApiProblem(409, "This attempt is not submitted yet, so it has no result.")
    return _result(attempt)


def _result(attempt: Attempt) -> AttemptResult:
    applied = attempt_service.applied_to(attempt)
    settings = applied.settings if applied is not None else quiz_settings(attempt.quiz)
    visibility = review_rules.answer_visibility(attempt)
    questions = []
    for item in attempt_service.review_items(attempt):
        shown = visibility.shows(item.slot.position)
        question = item.question
        questions.append(
            ResultQuestion(
                position=item.slot.position,
                type=question.type_name,
                text=question.plain_text(),
                state=item.state,  # type: ignore[arg-type]
                mark=item.mark,
                max_mark=item.slot.max_mark,
                your_answer=question.summarize(item.response) or "no answer",
                review=Review(
                    correct_answer=question.correct_answer(),
                    feedback=[note for note in item.feedback if note],
                    explanation=question.explanation,
                )
                if shown
                else None,
            )
        )
    return AttemptResult(
        id=attempt.id,
        quiz_id=attempt.quiz_id,
        title=attempt.title,
        submitted_at=attempt.submitted_at,  # type: ignore[arg-type]
        marks=attempt.marks or 0.0,
        max_marks=attempt.max_marks,
        score_percent=attempt.score_percent,
        pass_mark=settings.pass_mark,
        passed=history_service.passed(attempt, settings.pass_mark),
        show_answers=settings.show_answers,
        questions=questions,
    )


@operation(blueprint, "/history", "GET", scope="read", response=History, query=("page",), tags=TAGS)
def history(caller: Caller) -> History:
    """My quiz attempts, newest first (``?page=``, 50 a page), as on "My history"."""
    from quizapp.bounded_ints import int_arg

    attempt_service.expire_overdue(caller.user)
    page = db.paginate(
        history_service.graded_attempts(caller.user.id),
        page=int_arg("page", 1, minimum=1),
        per_page=HISTORY_PER_PAGE,
        error_out=False,
    )
    rows = list(page.items)
    marks = history_service.pass_marks(rows)
    return History(
        attempts=[
            HistoryEntry(
                attempt_id=a.id,
                quiz_id=a.quiz_id,
                title=a.title,
                started_at=a.started_at,
                submitted_at=a.submitted_at,
                score_percent=a.score_percent,
                passed=history_service.passed(a, marks.get(a.quiz_id or 0)),
            )
            for a in rows
        ],
        page=page.page,
        pages=page.pages,
        total=page.total or 0,
    )
