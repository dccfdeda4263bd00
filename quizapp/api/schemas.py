"""The API's request and response bodies, as pydantic models (the OpenAPI document is built
from them: ``quizapp.api.registry``).

No model of a student's view has a field for a correct answer, feedback or explanation
except ``Review``, which a ``ResultQuestion`` holds only where ``quizapp.review_rules`` shows
it (null otherwise: the answer's fields are then absent from the JSON, not just empty).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


Moment = Annotated[datetime, AfterValidator(_as_utc)]
"""A time as RFC 3339 wants it: the database's naive UTC times are sent with their zone (Z)."""

FieldValues = Annotated[list[Annotated[str, Field(max_length=2000)]], Field(max_length=50)] | str


class Body(BaseModel):
    """Request bodies refuse fields they do not know (a typo is a 422, not ignored)."""

    model_config = ConfigDict(extra="forbid")


# -- a student's quizzes and attempts ------------------------------------------------------


class QuizSummary(BaseModel):
    """A quiz the student may take, with the settings that apply to them."""

    id: int
    title: str
    description: str
    bank: str
    class_id: int | None = Field(description="The class that assigns it; null: open to all.")
    class_name: str | None
    opens: Moment | None
    closes: Moment | None
    due: Moment | None
    time_limit_seconds: int | None
    attempts_allowed: int | None = Field(description="null: unlimited.")
    attempts_used: int
    grading: Literal["highest", "latest", "first", "average"]
    grade: float | None = Field(description="In percent, by the grading method.")
    pass_mark: float | None
    show_answers: Literal["after_submit", "after_close", "never"]
    unfinished_attempt_id: int | None
    closed: str | None = Field(description="Why it cannot be attempted now; null: open.")


class QuizList(BaseModel):
    quizzes: list[QuizSummary]


class QuestionView(BaseModel):
    """One question of an open attempt, as its page shows it: never its answer."""

    position: int
    type: str
    text: str
    points: float
    view: dict[str, Any] = Field(
        description="What the question's page shows (its options in this attempt's order, ...)."
    )
    saved: dict[str, Any] = Field(description="The answer saved so far, as stored.")
    flagged: bool


class AttemptView(BaseModel):
    """An attempt: while open, its questions; once submitted, see its result."""

    id: int
    quiz_id: int | None
    title: str
    started_at: Moment
    submitted_at: Moment | None
    due_at: Moment | None
    seconds_left: int | None
    sequence: int = Field(description="Send it back with a save or submit (stale pages: 409).")
    questions: list[QuestionView]


class Answers(Body):
    """Answers to some questions of an open attempt, by position: each question's form
    fields without the ``q<position>-`` prefix (``{"1": {"choice": ["<key>"]}}``)."""

    sequence: int = Field(ge=0, le=2**31 - 1)
    answers: dict[int, dict[str, FieldValues]] = Field(default_factory=dict, max_length=500)
    flagged: list[int] | None = Field(
        default=None,
        max_length=500,
        description="Positions to flag for review (all others unflagged).",
    )


class Saved(BaseModel):
    status: Literal["saved"]
    sequence: int
    questions: list[dict[str, Any]]


class Submission(Body):
    """Submit the attempt, with last answers (by position) replacing the saved ones."""

    sequence: int = Field(ge=0, le=2**31 - 1)
    answers: dict[int, dict[str, FieldValues]] = Field(default_factory=dict, max_length=500)


class Review(BaseModel):
    """A question's answer, as the review page shows it once the quiz's setting allows."""

    correct_answer: str
    feedback: list[str]
    explanation: str


class ResultQuestion(BaseModel):
    position: int
    type: str
    text: str
    state: Literal["right", "partial", "wrong"]
    mark: float
    max_mark: float
    your_answer: str
    review: Review | None = Field(
        description="The answer, feedback and explanation: only where the quiz's review "
        "setting (show_answers) shows them now; null otherwise."
    )


class AttemptResult(BaseModel):
    id: int
    quiz_id: int | None
    title: str
    submitted_at: Moment
    marks: float
    max_marks: float
    score_percent: float | None
    pass_mark: float | None
    passed: bool | None
    show_answers: Literal["after_submit", "after_close", "never"]
    questions: list[ResultQuestion]


class HistoryEntry(BaseModel):
    attempt_id: int
    quiz_id: int | None
    title: str
    started_at: Moment
    submitted_at: Moment | None
    score_percent: float | None
    passed: bool | None


class History(BaseModel):
    attempts: list[HistoryEntry]
    page: int
    pages: int
    total: int


# -- a teacher's banks and reports ---------------------------------------------------------


class BankQuiz(BaseModel):
    id: int
    key: str
    title: str
    retired: bool


class BankSummary(BaseModel):
    id: int
    slug: str
    title: str
    questions: int
    owner: str | None = Field(description="The uploading teacher; null: the site's bank.")
    imported_at: Moment
    quizzes: list[BankQuiz]


class BankList(BaseModel):
    banks: list[BankSummary]


class ImportResult(BaseModel):
    bank_id: int
    slug: str
    created: bool
    summary: str
    added: list[str]
    changed: list[str]
    removed: list[str]
    regrade_hint: str | None


class ScoreBand(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    label: str
    low: int
    high: int
    attempts: int


class StudentGradeView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    username: str
    attempts: int
    grade: float | None
    best: float | None
    last_submitted: Moment | None
    passed: bool | None


class ItemView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    question_key: str
    version: int
    type: str
    answers: int
    facility: float
    sd: float | None
    discrimination: float | None
    flags: list[str]


class QuizStatistics(BaseModel):
    quiz_id: int
    title: str
    grading: str
    pass_mark: float | None
    attempts: int
    students: int
    mean: float | None
    median: float | None
    sd: float | None
    lowest: float | None
    highest: float | None
    pass_rate: float | None
    alpha: float | None
    bands: list[ScoreBand]
    grades: list[StudentGradeView]
    items: list[ItemView]


class GradebookCell(BaseModel):
    quiz_id: int
    grade: float | None
    status: str
    attempts: int


class GradebookRow(BaseModel):
    user_id: int
    username: str
    cells: list[GradebookCell]


class GradebookColumn(BaseModel):
    assignment_id: int
    quiz_id: int
    title: str
    mean: float | None


class GradebookView(BaseModel):
    class_id: int
    class_name: str
    columns: list[GradebookColumn]
    rows: list[GradebookRow]
