"""Class pages: a teacher's classes, roster, assignments, overrides, gradebook; a student's
join page. Thin: find the class (404 unless the current teacher teaches it), call
``classes.service`` or ``gradebook``, render or redirect."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from quizapp import attempts as attempt_service
from quizapp import bank_access
from quizapp import gradebook as gradebook_service
from quizapp.bank_access import readable_bank_or_404
from quizapp.classes import roster_upload, service
from quizapp.classes.forms import (
    AddStudentsForm,
    AddTeacherForm,
    AssignForm,
    AssignmentForm,
    ButtonForm,
    JoinForm,
    NewClassForm,
    OverrideForm,
    RosterUploadForm,
    ShareBankForm,
)
from quizapp.extensions import db
from quizapp.models import Assignment, Classroom, Quiz, now_utc
from quizapp.teacher.views import bank_page, teacher_required

blueprint = Blueprint("classes", __name__)


def _class(class_id: int) -> Classroom:
    classroom = service.teacher_class(class_id, current_user)
    if classroom is None:
        abort(404)
    return classroom


def _assignment(classroom: Classroom, assignment_id: int) -> Assignment:
    assignment = service.assignment_of(classroom.id, assignment_id)
    if assignment is None:
        abort(404)
    return assignment


def _back(classroom: Classroom, anchor: str = "") -> ResponseReturnValue:
    target = url_for("classes.show", class_id=classroom.id)
    return redirect(target + (f"#{anchor}" if anchor else "")), 303


# -- the teacher's classes ------------------------------------------------------------------


@blueprint.route("/teach/classes", methods=["GET", "POST"])
@teacher_required
def index() -> ResponseReturnValue:
    """The teacher's classes, and a form to create one."""
    form = NewClassForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                classroom = service.create_class(
                    current_user, form.name.data or "", form.description.data or ""
                )
            except service.ClassError as error:
                form.name.errors = [str(error)]  # type: ignore[assignment]
            else:
                flash(
                    _("Class %(name)s created. Give your students its code.", name=classroom.name),
                    "success",
                )
                return redirect(url_for("classes.show", class_id=classroom.id)), 303
        status = 400
    else:
        status = 200
    return (
        render_template(
            "classes/index.html", classes=service.classes_taught(current_user), form=form
        ),
        status,
    )


@blueprint.route("/teach/classes/<id:class_id>")
@teacher_required
def show(class_id: int) -> ResponseReturnValue:
    """A class: join code and link, roster, co-teachers, assignments, who is taking what."""
    return _show_page(_class(class_id))


def _show_page(
    classroom: Classroom,
    status: int = 200,
    add_form: AddStudentsForm | None = None,
    teacher_form: AddTeacherForm | None = None,
    roster_form: RosterUploadForm | None = None,
) -> ResponseReturnValue:
    """The class page; a refused form comes back on it with its errors (GOV.UK pattern)."""
    assignments = service.assignments_of(classroom.id)
    attempt_service.close_overdue()
    assigned = {a.quiz_id for a in assignments}
    page = render_template(
        "classes/show.html",
        classroom=classroom,
        join_url=url_for("classes.join", code=classroom.join_code, _external=True),
        students=service.students_of(classroom.id),
        teachers=service.teachers_of(classroom.id),
        assignments=assignments,
        taking={a.id: service.taking_now(a) for a in assignments if not a.withdrawn},
        quizzes=[q for q in service.assignable_quizzes(current_user) if q.id not in assigned],
        add_form=add_form or AddStudentsForm(formdata=None),
        teacher_form=teacher_form or AddTeacherForm(formdata=None),
        roster_form=roster_form or RosterUploadForm(formdata=None),
        assign_form=AssignForm(),
        button=ButtonForm(),
        now=now_utc(),
    )
    return page, status


@blueprint.route("/teach/classes/<id:class_id>/code", methods=["POST"])
@teacher_required
def new_code(class_id: int) -> ResponseReturnValue:
    """A new join code; the old one stops working."""
    classroom = _class(class_id)
    if not ButtonForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    code = service.regenerate_code(classroom)
    flash(_("The new code is %(code)s; the old one no longer works.", code=code), "success")
    return _back(classroom, "join")


@blueprint.route("/teach/classes/<id:class_id>/students", methods=["POST"])
@teacher_required
def add_students(class_id: int) -> ResponseReturnValue:
    """Add students by username, or a pasted list; unknown names are reported."""
    classroom = _class(class_id)
    form = AddStudentsForm()
    if not form.validate_on_submit():
        return _show_page(classroom, 400, add_form=form)
    try:
        added = service.add_students(classroom, form.usernames.data or "")
    except service.ClassError as error:
        form.usernames.errors = [str(error)]  # type: ignore[assignment]
        return _show_page(classroom, 400, add_form=form)
    if added.added:
        flash(
            _(
                "Added %(added_count)s: %(added)s.",
                added_count=len(added.added),
                added=", ".join(added.added),
            ),
            "success",
        )
    if added.already:
        flash(_("Already in the class: %(already)s.", already=", ".join(added.already)), "info")
    if added.unknown:
        flash(
            _(
                "No account is called %(unknown)s; nothing was done for %(value)s.",
                unknown=", ".join(added.unknown),
                value="them" if len(added.unknown) > 1 else "that name",
            ),
            "error",
        )
    return _back(classroom, "roster")


@blueprint.route("/teach/classes/<id:class_id>/students/upload", methods=["POST"])
@teacher_required
def upload_roster(class_id: int) -> ResponseReturnValue:
    """Add the students of a CSV class list, making the missing accounts with set-password
    links; the page shows the links once, to hand out. A refused list comes back on the class
    page, its problem by the file field."""
    classroom = _class(class_id)
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return _show_page(classroom, 422, roster_form=form)
    data = form.roster_file.data.read(roster_upload.MAX_CSV_BYTES + 1)
    try:
        result = roster_upload.add_from_csv(classroom, data, current_user)
    except service.ClassError as refusal:
        form.roster_file.errors = [str(refusal)]  # type: ignore[assignment]
        return _show_page(classroom, 422, roster_form=form)
    return render_template(
        "classes/roster_upload.html",
        classroom=classroom,
        result=result,
        site=request.url_root.rstrip("/"),
    )


@blueprint.route("/teach/classes/<id:class_id>/students/<id:user_id>/remove", methods=["POST"])
@teacher_required
def remove_student(class_id: int, user_id: int) -> ResponseReturnValue:
    """Take a student out of the class (their attempts stay)."""
    classroom = _class(class_id)
    if not ButtonForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    if not service.remove_student(classroom, user_id):
        abort(404)
    flash(_("The student was removed from the class; their attempts are kept."), "success")
    return _back(classroom, "roster")


@blueprint.route("/teach/classes/<id:class_id>/teachers", methods=["POST"])
@teacher_required
def add_teacher(class_id: int) -> ResponseReturnValue:
    """Add a co-teacher by username."""
    classroom = _class(class_id)
    form = AddTeacherForm()
    if not form.validate_on_submit():
        return _show_page(classroom, 400, teacher_form=form)
    try:
        user = service.add_teacher(classroom, form.username.data or "")
    except service.ClassError as error:
        form.username.errors = [str(error)]  # type: ignore[assignment]
        return _show_page(classroom, 400, teacher_form=form)
    flash(_("%(username)s now teaches this class too.", username=user.username), "success")
    return _back(classroom, "teachers")


# -- assignments ----------------------------------------------------------------------------


@blueprint.route("/teach/classes/<id:class_id>/assignments", methods=["POST"])
@teacher_required
def assign(class_id: int) -> ResponseReturnValue:
    """Assign a quiz to the class, with the bank's settings to start from."""
    classroom = _class(class_id)
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    raw = form.quiz_id.data or ""
    quiz = db.session.get(Quiz, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if quiz is None:
        abort(400, _("Choose one of the quizzes listed."))
    try:
        assignment = service.assign(classroom, quiz, current_user)
    except service.ClassError as error:
        flash(str(error), "error")
        return _back(classroom, "assignments")
    flash(_("%(title)s is assigned; check its dates below.", title=quiz.title), "success")
    return redirect(
        url_for("classes.assignment", class_id=classroom.id, assignment_id=assignment.id)
    ), 303


def _minutes(seconds: int | None) -> int | None:
    return -(-seconds // 60) if seconds else None


@blueprint.route(
    "/teach/classes/<id:class_id>/assignments/<id:assignment_id>", methods=["GET", "POST"]
)
@teacher_required
def assignment(class_id: int, assignment_id: int) -> ResponseReturnValue:
    """An assignment's dates and limits, and each student's override."""
    classroom = _class(class_id)
    row = _assignment(classroom, assignment_id)
    form = AssignmentForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            minutes = form.time_limit.data
            values = service.AssignmentValues(
                opens=form.opens.data,
                closes=form.closes.data,
                due=form.due.data,
                time_limit=minutes * 60 if minutes else None,
                attempts=form.attempts.data,
            )
            try:
                service.update_assignment(row, values)
            except service.ClassError as error:
                form.closes.errors = [str(error)]  # type: ignore[assignment]
                status = 400
            else:
                flash(_("Saved."), "success")
                return redirect(request.path), 303
        else:
            status = 400
    else:
        form.opens.data = row.opens
        form.closes.data = row.closes
        form.due.data = row.due
        form.time_limit.data = _minutes(row.time_limit)
        form.attempts.data = row.attempts
    return _assignment_page(classroom, row, form, status)


def _assignment_page(
    classroom: Classroom,
    row: Assignment,
    form: AssignmentForm,
    status: int = 200,
    override_form: OverrideForm | None = None,
    override_for: int | None = None,
) -> ResponseReturnValue:
    """The assignment page; a refused accommodation comes back on it, its errors by the
    student's fields (``override_for``)."""
    students = service.students_of(classroom.id)
    overrides = service.overrides_of([row.id])
    return (
        render_template(
            "classes/assignment.html",
            classroom=classroom,
            assignment=row,
            form=form,
            students=students,
            overrides={uid: o for (_, uid), o in overrides.items()},
            override_form=override_form or OverrideForm(formdata=None),
            override_for=override_for,
        ),
        status,
    )


ASSIGNMENT_URL = "/teach/classes/<id:class_id>/assignments/<id:assignment_id>"


@blueprint.route(ASSIGNMENT_URL + "/<any(open, close, withdraw):action>", methods=["POST"])
@teacher_required
def set_state(class_id: int, assignment_id: int, action: str) -> ResponseReturnValue:
    """Open, close or withdraw the quiz for this class."""
    classroom = _class(class_id)
    row = _assignment(classroom, assignment_id)
    if not ButtonForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    flash(service.set_state(row, action), "success")
    return _back(classroom, "assignments")


@blueprint.route(
    "/teach/classes/<id:class_id>/assignments/<id:assignment_id>/overrides/<id:user_id>",
    methods=["POST"],
)
@teacher_required
def override(class_id: int, assignment_id: int, user_id: int) -> ResponseReturnValue:
    """One student's extra time, later close, extra attempts (all empty: removed)."""
    classroom = _class(class_id)
    row = _assignment(classroom, assignment_id)
    form = OverrideForm()
    target = url_for("classes.assignment", class_id=classroom.id, assignment_id=row.id)
    if not form.validate_on_submit():
        return _refused_override(classroom, row, form, user_id)
    try:
        service.set_override(
            row,
            user_id,
            form.extra_minutes.data or 0,
            form.closes.data,
            form.extra_attempts.data or 0,
        )
    except service.ClassError as error:
        form.closes.errors = [str(error)]  # type: ignore[assignment]
        return _refused_override(classroom, row, form, user_id)
    flash(_("The student's accommodation is saved."), "success")
    return redirect(target + "#overrides"), 303


def _refused_override(
    classroom: Classroom, row: Assignment, form: OverrideForm, user_id: int
) -> ResponseReturnValue:
    if user_id not in {student.id for student in service.students_of(classroom.id)}:
        # No field of theirs is on the page to show the problem by.
        flash(_("That student is not in this class."), "error")
        target = url_for("classes.assignment", class_id=classroom.id, assignment_id=row.id)
        return redirect(target + "#overrides"), 303
    assignment_form = AssignmentForm(formdata=None, obj=row)
    assignment_form.time_limit.data = _minutes(row.time_limit)
    return _assignment_page(classroom, row, assignment_form, 400, form, user_id)


# -- gradebook ------------------------------------------------------------------------------


@blueprint.route("/teach/classes/<id:class_id>/gradebook")
@teacher_required
def gradebook(class_id: int) -> ResponseReturnValue:
    """Students x assigned quizzes, each cell the grade by the quiz's grading method."""
    classroom = _class(class_id)
    attempt_service.close_overdue()
    return render_template(
        "classes/gradebook.html",
        classroom=classroom,
        book=gradebook_service.gradebook(classroom),
    )


def _download(data: bytes, mimetype: str, classroom: Classroom, extension: str) -> Response:
    response = Response(data, mimetype=mimetype)
    stamp = datetime.now().strftime("%Y-%m-%d")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="class-{classroom.id}-gradebook-{stamp}.{extension}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/teach/classes/<id:class_id>/gradebook.csv")
@teacher_required
def gradebook_csv(class_id: int) -> ResponseReturnValue:
    classroom = _class(class_id)
    attempt_service.close_overdue()
    book = gradebook_service.gradebook(classroom)
    return _download(gradebook_service.csv_bytes(book), "text/csv; charset=utf-8", classroom, "csv")


@blueprint.route("/teach/classes/<id:class_id>/gradebook.xlsx")
@teacher_required
def gradebook_xlsx(class_id: int) -> ResponseReturnValue:
    classroom = _class(class_id)
    attempt_service.close_overdue()
    book = gradebook_service.gradebook(classroom)
    return _download(
        gradebook_service.xlsx_bytes(book),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        classroom,
        "xlsx",
    )


@blueprint.route("/teach/banks/<id:bank_id>/share", methods=["POST"])
@teacher_required
def share_bank(bank_id: int) -> ResponseReturnValue:
    """Share the teacher's own bank with another teacher."""
    bank = readable_bank_or_404(bank_id)
    if bank.owner_id != current_user.id:
        abort(404)  # only its owner shares a bank, and only the owner's page has the form
    form = ShareBankForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400, _("The form was missing its security token; reload the page and try again."))
        return bank_page(bank, form, 400)
    try:
        other = bank_access.share_bank(current_user, bank, form.username.data or "")
    except bank_access.ShareError as error:
        form.username.errors = [str(error)]  # type: ignore[assignment]
        return bank_page(bank, form, 400)
    else:
        flash(
            _("%(title)s is shared with %(username)s.", title=bank.title, username=other.username),
            "success",
        )
    return redirect(url_for("teacher.bank", bank_id=bank.id)), 303


# -- students -------------------------------------------------------------------------------


@blueprint.route("/join", methods=["GET", "POST"])
@login_required
def join() -> ResponseReturnValue:
    """Join a class with its code (the join link fills it in)."""
    form = JoinForm()
    status = 200
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args.get("code", "")[:32]
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                classroom = service.join(current_user, form.code.data or "")
            except service.ClassError as error:
                form.code.errors = [str(error)]  # type: ignore[assignment]
                status = 400
            else:
                flash(_("You joined %(name)s.", name=classroom.name), "success")
                return redirect(url_for("student.index")), 303
        else:
            status = 400
    return (
        render_template(
            "classes/join.html", form=form, classes=service.classes_joined(current_user)
        ),
        status,
    )
