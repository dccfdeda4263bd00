"""The database: who takes quizzes, what they take, and what they answered.

Question content is versioned by hash (``QuestionVersion`` rows are never changed), and an
attempt points at the versions it was started with, so editing a bank never rewrites history.
Times are naive UTC, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from quizapp.extensions import db
from quizapp.translatable import Msg

SEED_BITS = 31
"""Per-attempt random seeds fit a 32-bit signed integer column on every database."""


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_teacher: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    is_admin: Mapped[bool] = mapped_column(default=False, server_default="0")
    """An admin manages people (``/admin/users``) and is always a teacher too
    (``quizapp.people.set_role`` keeps both flags in step), so every ``is_teacher`` check
    lets admins do what teachers can."""
    disabled_at: Mapped[datetime | None]
    """Set when an admin disables the account: it cannot log in, nothing of it is deleted."""
    email: Mapped[str | None] = mapped_column(String(254))
    """Optional; only for "Forgot your password?" links when the site sends mail."""
    language: Mapped[str | None] = mapped_column(String(16))
    """The interface language chosen on the Account page ("en", "zh", "ru"); None follows the
    browser's Accept-Language (see ``quizapp.i18n``)."""
    time_zone: Mapped[str | None] = mapped_column(String(64))
    """An IANA time zone name ("Asia/Shanghai") for dates on pages; None means UTC."""

    attempts: Mapped[list[Attempt]] = relationship(back_populates="user")

    @property
    def role(self) -> str:
        """ "admin", "teacher" or "student", in the words of the Users page."""
        if self.is_admin:
            return "admin"
        return "teacher" if self.is_teacher else "student"

    @property
    def is_active(self) -> bool:
        """Flask-Login's flag: a disabled account cannot log in."""
        return self.disabled_at is None

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Bank(db.Model):
    """A question bank, as last imported from one YAML file."""

    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    origin: Mapped[str] = mapped_column(String(500), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=now_utc)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    """The teacher who uploaded the bank; None for the site's banks (from questions/)."""

    questions: Mapped[list[Question]] = relationship(back_populates="bank")
    quizzes: Mapped[list[Quiz]] = relationship(back_populates="bank")


class Question(db.Model):
    """A question's identity within its bank; its content lives in versions."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("bank_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    current_version: Mapped[int] = mapped_column(default=1)
    retired: Mapped[bool] = mapped_column(default=False)

    bank: Mapped[Bank] = relationship(back_populates="questions")
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.version"
    )


class QuestionVersion(db.Model):
    """One immutable version of a question's content, identified by its hash."""

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "version"),
        UniqueConstraint("question_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    question: Mapped[Question] = relationship(back_populates="versions")
    tags: Mapped[list[QuestionTag]] = relationship(cascade="all, delete-orphan")
    objectives: Mapped[list[QuestionObjective]] = relationship(cascade="all, delete-orphan")


class QuestionTag(db.Model):
    """A version's tags as rows, so statistics can group by tag in SQL."""

    __tablename__ = "question_tags"

    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class QuestionObjective(db.Model):
    """A version's learning objectives as rows, for per-objective statistics."""

    __tablename__ = "question_objectives"

    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id"), primary_key=True
    )
    objective: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class Quiz(db.Model):
    """A quiz of a bank; ``settings`` is the validated quiz from YAML, as JSON."""

    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("bank_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    retired: Mapped[bool] = mapped_column(default=False)

    bank: Mapped[Bank] = relationship(back_populates="quizzes")


class Attempt(db.Model):
    """One student's attempt at a quiz, with its layout frozen at the start."""

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_user_id_quiz_id", "user_id", "quiz_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id"), index=True)
    """None for a practice attempt, which draws from every quiz the student has answered."""
    seed: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=now_utc)
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    marks: Mapped[float | None]
    max_marks: Mapped[float] = mapped_column(default=0)
    is_practice: Mapped[bool] = mapped_column(default=False)
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    """Counts the saves of this attempt. Every form carries the number its page showed, and a
    save or submit built from an older page is refused (Moodle's ``sequencecheck``), so a
    stale tab or a second device cannot overwrite newer answers."""

    user: Mapped[User] = relationship(back_populates="attempts")
    quiz: Mapped[Quiz | None] = relationship()
    slots: Mapped[list[AttemptSlot]] = relationship(
        back_populates="attempt", order_by="AttemptSlot.position"
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def title(self) -> str:
        """The quiz's title, or "Practice" in the reader's language (pages translate a Msg)."""
        return self.quiz.title if self.quiz is not None else Msg("Practice")

    @property
    def duration_seconds(self) -> int | None:
        if self.submitted_at is None:
            return None
        return int((self.submitted_at - self.started_at).total_seconds())

    @property
    def score_percent(self) -> float | None:
        """The score as a percentage of the marks available, once submitted."""
        if self.marks is None or not self.max_marks:
            return None
        return 100 * self.marks / self.max_marks


class AttemptSlot(db.Model):
    """A position in an attempt, pointing at the exact question version shown there."""

    __tablename__ = "attempt_slots"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)
    max_mark: Mapped[float]
    flagged: Mapped[bool] = mapped_column(default=False, server_default="0")
    """Marked by the student for review before submitting (shown in the navigator and the
    summary); stored with the attempt so another device or a reload keeps it."""
    language: Mapped[str | None] = mapped_column(String(20))
    """The language the question is shown in (a bank with translations); None: the bank's
    default language. Chosen at the start, switched by the student, shown on the review."""

    attempt: Mapped[Attempt] = relationship(back_populates="slots")
    question_version: Mapped[QuestionVersion] = relationship()
    answer: Mapped[Answer | None] = relationship(back_populates="slot", uselist=False)


class Answer(db.Model):
    """What the student sent for a slot (``response``) and, apart, what grading made of it.

    ``attempt_id`` and ``question_version_id`` repeat the slot's, so the statistics read a
    quiz's marks from one covering index instead of joining 100,000 slots (5x faster).
    """

    __tablename__ = "answers"
    __table_args__ = (
        Index("ix_answers_attempt_marks", "attempt_id", "question_version_id", "mark", "fraction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("attempt_slots.id"), unique=True)
    attempt_id: Mapped[int]
    question_version_id: Mapped[int]
    """Both the slot's (see above), written with it: no foreign key of their own, the slot's
    keeps them (migration 0014: each was one more check a row on every submit)."""
    response: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=now_utc)
    fraction: Mapped[float | None]
    mark: Mapped[float | None]
    state: Mapped[str | None] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(Text)
    """A teacher's comment on this answer, shown to the student on their review."""
    corrected: Mapped[bool] = mapped_column(default=False, server_default="0")
    """The mark was set by a teacher: a regrade keeps it (as Moodle keeps manual grades)."""

    slot: Mapped[AttemptSlot] = relationship(back_populates="answer")
    picks: Mapped[list[AnswerPick]] = relationship(cascade="all, delete-orphan")


class AnswerPick(db.Model):
    """An option a graded answer picked (a choice, true/false, a matched answer), as a row, so
    teachers' reports count picks per option and misconception in SQL."""

    __tablename__ = "answer_picks"
    __table_args__ = (
        Index("ix_answer_picks_attempt", "attempt_id", "question_version_id", "option_key"),
    )

    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), primary_key=True)
    option_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    attempt_id: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(index=True)
    """Both the answer's, as the answer's are its slot's: no foreign key of their own."""


class PracticeCard(db.Model):
    """A question a student missed, in a Leitner box: right answers move it to a longer
    interval, a wrong one brings it back to box 1."""

    __tablename__ = "practice_cards"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    box: Mapped[int] = mapped_column(default=1)
    due_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)


class LoginSession(db.Model):
    """One login, as the server knows it: the browser's session cookie names it by a random
    token (stored here only as a hash), so logging out ends it on the server, and a copied
    cookie stops working. ``remember_hash`` is the hash of the current remember-me token,
    replaced each time it is used."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(default=now_utc)
    revoked_at: Mapped[datetime | None]


class LoginFailure(db.Model):
    """A failed login, kept for a short while so that guessing is slowed down per account and
    per address, whichever worker process answers."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_failed_at", "username", "failed_at"),
        Index("ix_login_failures_address_failed_at", "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=now_utc)


# --- teaching ---


class Regrade(db.Model):
    """A teacher's decision about a question's new version in one quiz, after an import
    changed it: regrade every attempt of the old version with the new one (``all``), or let
    only attempts started from now on use it (``from_now_on``, changes nothing stored)."""

    __tablename__ = "regrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    old_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    new_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    mode: Mapped[str] = mapped_column(String(12))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=now_utc)
    attempts_changed: Mapped[int] = mapped_column(default=0)

    decided_by: Mapped[User] = relationship()
    old_version: Mapped[QuestionVersion] = relationship(foreign_keys=[old_version_id])
    new_version: Mapped[QuestionVersion] = relationship(foreign_keys=[new_version_id])


class MarkChange(db.Model):
    """One change of one answer's mark, by a teacher's correction or a regrade: the history
    teachers read (what changed, by whom, when)."""

    __tablename__ = "mark_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=now_utc)
    old_mark: Mapped[float | None]
    new_mark: Mapped[float | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    regrade_id: Mapped[int | None] = mapped_column(ForeignKey("regrades.id"))
    """The regrade that made this change; None for a teacher's correction."""

    changed_by: Mapped[User] = relationship()


# --- classes ---


class Classroom(db.Model):
    """A class: its teachers, its students (who join with ``join_code``), its assignments."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class ClassTeacher(db.Model):
    """A teacher of a class (a class may have several)."""

    __tablename__ = "class_teachers"

    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class ClassMember(db.Model):
    """A student of a class. Removing one deletes this row only: their attempts stay."""

    __tablename__ = "class_members"

    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(default=now_utc)


class Assignment(db.Model):
    """A quiz assigned to a class, with that class's dates and limits (copied from the bank's
    quiz settings when assigned; the bank stays the source of the questions). ``None`` means
    no date / no limit. A withdrawn assignment is hidden from the class's students."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("class_id", "quiz_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    opens: Mapped[datetime | None]
    closes: Mapped[datetime | None]
    due: Mapped[datetime | None]
    time_limit: Mapped[int | None]
    """Seconds."""
    attempts: Mapped[int | None]
    withdrawn: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    quiz: Mapped[Quiz] = relationship()


class Override(db.Model):
    """One student's accommodation on an assignment, as Moodle's user overrides: extra time,
    a later close, more attempts. It changes that student's rules only."""

    __tablename__ = "overrides"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    closes: Mapped[datetime | None]
    extra_attempts: Mapped[int] = mapped_column(default=0)


class BankShare(db.Model):
    """A bank its owner shares with another teacher (who may then read and assign it)."""

    __tablename__ = "bank_shares"

    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


# --- people ---


class PasswordLink(db.Model):
    """A one-time link to set a password (``quizapp.password_links``): the random token is
    in the URL only, the database keeps its SHA-256. It works once, until ``expires_at``, and
    a newer link for the same user ends it (``revoked_at``)."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """Who made the link (a teacher or an admin); None when the user asked by e-mail."""
    purpose: Mapped[str] = mapped_column(String(10))
    """"reset" (a forgotten password) or "set" (a new account's first password)."""
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


# --- pages ---


class CheckedUpload(db.Model):
    """A bank file a teacher uploaded and saw checked, kept on the server until they confirm
    the import (by its hash, never by its text sent back) or it expires. Kept in the database,
    not in a process or on one machine's disk: the confirm may reach another app server."""

    __tablename__ = "checked_uploads"
    __table_args__ = (UniqueConstraint("user_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)


# --- drafts ---


class SourceText(db.Model):
    """The text a bank's questions are written from, attached by a teacher and kept in the
    database (not in the repository): paragraphs are its blocks between blank lines, numbered
    from 1, as ``check-sources`` and the questions' citations count them. ``open_book``: students
    may read it during an attempt; otherwise only from a review that shows answers."""

    __tablename__ = "source_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    open_book: Mapped[bool] = mapped_column(default=False)
    attached_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    attached_at: Mapped[datetime] = mapped_column(default=now_utc)


Quiz.open_book = column_property(  # type: ignore[attr-defined]
    func.coalesce(
        select(SourceText.open_book).where(SourceText.bank_id == Quiz.bank_id).scalar_subquery(),
        false(),
    ),
    deferred=True,
)
"""Whether students may read the quiz's bank text during an attempt (see ``SourceText``).
Deferred: read only where asked for, by the attempt's own statement (``attempts.load_attempt``)
rather than by a statement of its own on every attempt page."""


# --- lti ---


class LtiPlatform(db.Model):
    """An LMS registered with Quizapp as an LTI 1.3 platform (one registration: an issuer and
    the client id it gave Quizapp), with the URLs a launch and its services need."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    key_set_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    deployments: Mapped[list[LtiDeployment]] = relationship(
        back_populates="platform", order_by="LtiDeployment.id", cascade="all, delete-orphan"
    )


class LtiDeployment(db.Model):
    """A deployment id of a platform: a launch naming any other is refused."""

    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"), index=True)
    deployment_id: Mapped[str] = mapped_column(String(255))

    platform: Mapped[LtiPlatform] = relationship(back_populates="deployments")


class LtiKey(db.Model):
    """One of the tool's RSA key pairs. The newest unretired one signs; a retired one stays
    published at ``/lti/jwks`` (platforms may hold tokens it signed) until it is removed."""

    __tablename__ = "lti_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    retired_at: Mapped[datetime | None]


class LtiLaunchValue(db.Model):
    """A value an LTI login or launch keeps until a later request (a nonce, a launch's
    claims): in the database, so any worker process can answer the next step."""

    __tablename__ = "lti_launch_values"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LtiAccount(db.Model):
    """The Quizapp account of a platform's user, linked by (platform, subject) only."""

    __tablename__ = "lti_accounts"
    __table_args__ = (UniqueConstraint("platform_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=now_utc)


class LtiContext(db.Model):
    """An LMS course (an LTI context), taught in Quizapp as a class."""

    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"))
    context_id: Mapped[str] = mapped_column(String(255))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), unique=True)
    memberships_url: Mapped[str | None] = mapped_column(String(500))
    """The Names and Role Provisioning Services URL of the course, from its last launch."""
    synced_at: Mapped[datetime | None]


class LtiResourceLink(db.Model):
    """A link in an LMS course that opens one quiz, with the line item its grades go to."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[int | None] = mapped_column(ForeignKey("lti_contexts.id"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    ags_endpoint: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The launch's Assignment and Grade Services claim (line item URL, scopes)."""

    platform: Mapped[LtiPlatform] = relationship()
    quiz: Mapped[Quiz] = relationship()


class LtiGrade(db.Model):
    """A student's grade for a resource link as last sent to the platform. Grades waiting to
    be sent are in ``LtiOutbox`` since 0013; ``pending`` and ``error`` stay for a downgrade
    and are no longer set."""

    __tablename__ = "lti_grades"
    __table_args__ = (UniqueConstraint("link_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_links.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    sent_grade: Mapped[float | None]
    sent_at: Mapped[datetime | None]
    pending: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(Text)

    link: Mapped[LtiResourceLink] = relationship()
    user: Mapped[User] = relationship()


# --- api ---


class ApiToken(db.Model):
    """A personal access token for the JSON API (``quizapp.api.tokens``): the token itself is
    shown once, when made; the database keeps its SHA-256 only. ``scopes`` are words from
    read, take, teach, separated by spaces. The rate limit counts the requests of the current
    minute here (``window_started_at``, ``window_requests``), so every worker process sees
    the same count."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scopes: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))
    """The token's first characters, so its owner can tell their tokens apart."""
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    window_started_at: Mapped[datetime | None]
    window_requests: Mapped[int] = mapped_column(default=0)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


# --- lti-browser ---


class LtiOutbox(db.Model):
    """A grade waiting to go to the LMS (``quizapp.lti.grades``): written when a grade
    changes, sent after the response with a short timeout, deleted once the platform has it,
    kept (with ``error``) for ``flask lti send-grades`` when it could not be delivered. One row
    per student and link (its line item): a newer grade replaces an unsent older one."""

    __tablename__ = "lti_outbox"
    __table_args__ = (UniqueConstraint("link_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_links.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[float | None]
    """In percent of 100; None for a grade carried over from 0012's ``lti_grades.pending``:
    the quiz's grade when it is sent."""
    graded_at: Mapped[datetime] = mapped_column(default=now_utc)
    """When the grade changed: the score's timestamp at the platform."""
    tries: Mapped[int] = mapped_column(default=0)
    tried_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    link: Mapped[LtiResourceLink] = relationship()
    user: Mapped[User] = relationship()
