"""The LTI 1.3 endpoints (``/lti/...``): the tool's keys and configuration, OIDC login
initiation, the launch, deep linking, a course's page for its teachers, and the admin page
that registers platforms. Thin: pylti1p3 checks the protocol, ``launches``, ``roster`` and
``grades`` do the work.

Every worker registers this blueprint, but few ever serve an LMS: the protocol (pylti1p3, and
with it jwt, cryptography and requests, about 15 MB of a worker's memory) is imported by the
views that check a login, a launch or a deep link, when the first of them is asked for.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from quizapp.admin.views import admin_required
from quizapp.auth.views import start_login
from quizapp.classes.service import assignable_quizzes, teacher_class
from quizapp.extensions import csrf, db
from quizapp.i18n import N_
from quizapp.lti import framing, grades, keys, launches, platforms, roster
from quizapp.lti.forms import ActionForm, PlatformForm
from quizapp.models import LtiContext, Quiz, now_utc
from quizapp.security_headers import allow_form_action

if TYPE_CHECKING:
    from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest

    from quizapp.lti.tool_conf import DatabaseToolConf

blueprint = Blueprint("lti", __name__, url_prefix="/lti")
blueprint.before_app_request(framing.allow_launching_platform)

LAUNCH_KEY = "lti_launch_id"
"""The deep-linking launch a teacher is picking a quiz for (Flask's session)."""

DEEP_LINKING_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]

REFUSALS: list[tuple[str, int, str]] = [
    (
        "Signature has expired",
        401,
        N_(
            "The launch came too late: its token from the LMS has expired. Go back to the LMS and "
            "open the activity again."
        ),
    ),
    (
        "Can't decode id_token",
        401,
        N_(
            "The launch's signature does not match the keys this LMS publishes, so it may not come "
            "from your LMS. Open the activity from the LMS again; if this repeats, the site's "
            "administrator should check the platform's key set URL."
        ),
    ),
    (
        "Unable to find public key",
        401,
        N_(
            "The launch was signed with a key this LMS does not publish. Open the activity from "
            "the LMS again; if this repeats, the administrator should check the key set URL."
        ),
    ),
    (
        "Invalid Nonce",
        401,
        N_(
            "This launch was used already (or was started too long ago). A launch works once: go "
            "back to the LMS and open the activity again."
        ),
    ),
    (
        "State not found",
        401,
        N_(
            "This launch did not start in this browser (or your browser refused Quizapp's cookie). "
            "Go back to the LMS and open the activity again, in a new window."
        ),
    ),
    (
        "Registration not found",
        403,
        N_(
            "This LMS (its issuer and client id, the token's audience) is not registered with "
            "Quizapp. The site's administrator registers it on the LTI page."
        ),
    ),
    (
        "Client id not registered",
        403,
        N_("The launch's audience is not the client id registered for this LMS."),
    ),
    (
        "Unable to find deployment",
        403,
        N_(
            "This deployment of Quizapp in the LMS is not registered. The site's administrator "
            "adds its deployment id on the LTI page."
        ),
    ),
]


def _tool_conf() -> DatabaseToolConf:
    from quizapp.lti.tool_conf import DatabaseToolConf

    return DatabaseToolConf()


def _lti_request() -> FlaskRequest:
    from pylti1p3.contrib.flask import FlaskRequest

    return FlaskRequest()


def _refused(code: int, reason: str, detail: str = "") -> ResponseReturnValue:
    current_app.logger.info("LTI launch refused (%s): %s %s", code, reason, detail)
    return render_template("lti/refused.html", reason=reason, detail=detail), code


def _refusal_for(error: Exception) -> tuple[int, str]:
    text = str(error)
    for needle, code, reason in REFUSALS:
        if needle in text:
            return code, _(reason)
    return 400, _(
        "The launch from the LMS was incomplete or malformed, so Quizapp cannot open it. Go back "
        "to the LMS and open the activity again."
    )


@blueprint.route("/jwks")
def jwks() -> ResponseReturnValue:
    """The tool's public keys (JWKS), for platforms to check what Quizapp signs."""
    response = jsonify(keys.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def tool_urls() -> dict[str, str]:
    return {
        "login": url_for("lti.login", _external=True),
        "launch": url_for("lti.launch", _external=True),
        "deep_link": url_for("lti.launch", _external=True),
        "jwks": url_for("lti.jwks", _external=True),
        "config": url_for("lti.config", _external=True),
    }


@blueprint.route("/config.json")
def config() -> ResponseReturnValue:
    """The tool's configuration as JSON (Canvas reads it by URL; other LMSs take its URLs)."""
    urls = tool_urls()
    return jsonify(
        {
            "title": "Quizapp",
            "description": "Quizzes from question banks, graded at once.",
            "oidc_initiation_url": urls["login"],
            "target_link_uri": urls["launch"],
            "public_jwk_url": urls["jwks"],
            "scopes": SCOPES,
            "extensions": [
                {
                    "platform": "canvas.instructure.com",
                    "privacy_level": "public",
                    "settings": {
                        "placements": [
                            {
                                "placement": "assignment_selection",
                                "message_type": "LtiDeepLinkingRequest",
                                "target_link_uri": urls["deep_link"],
                            },
                            {
                                "placement": "link_selection",
                                "message_type": "LtiDeepLinkingRequest",
                                "target_link_uri": urls["deep_link"],
                            },
                        ]
                    },
                }
            ],
            "custom_fields": {},
        }
    )


@blueprint.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login() -> ResponseReturnValue:
    """OIDC login initiation: the LMS names itself; Quizapp answers with a nonce and state
    and sends the browser to the LMS's authentication endpoint."""
    from pylti1p3.contrib.flask import FlaskOIDCLogin
    from pylti1p3.exception import LtiException, OIDCException

    from quizapp.lti.storage import DatabaseSessionService

    lti_request = _lti_request()
    oidc = FlaskOIDCLogin(
        lti_request, _tool_conf(), session_service=DatabaseSessionService(lti_request)
    )
    try:
        return oidc.redirect(url_for("lti.launch", _external=True))
    except (OIDCException, LtiException) as error:
        text = str(error)
        if "registration" in text.lower():
            return _refused(
                403,
                _(
                    "This LMS (its issuer and client id) is not registered with Quizapp. The "
                    "site's administrator registers it on the LTI page."
                ),
                text,
            )
        return _refused(400, _("The LMS's login request is incomplete: %(text)s.", text=text), text)


def _message_launch(lti_request: FlaskRequest) -> FlaskMessageLaunch:
    from pylti1p3.contrib.flask import FlaskMessageLaunch

    from quizapp.lti.storage import DatabaseSessionService

    launch = FlaskMessageLaunch(
        lti_request, _tool_conf(), session_service=DatabaseSessionService(lti_request)
    )
    # The id_token must say when it expires (pyjwt checks ``exp`` only when present).
    launch.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})
    return launch


@blueprint.route("/launch", methods=["POST"])
@csrf.exempt
def launch() -> ResponseReturnValue:
    """The launch: verify the id_token (signature, nonce, state, audience, deployment,
    expiry), then log the user in and open what the link names."""
    from pylti1p3.exception import LtiException

    lti_request = _lti_request()
    message = _message_launch(lti_request)
    try:
        claims: dict[str, Any] = dict(message.get_launch_data())
        deep_linking = message.is_deep_link_launch()
        resource = message.is_resource_launch()
    except LtiException as error:
        code, reason = _refusal_for(error)
        return _refused(code, reason, str(error))
    try:
        arrived = launches.arrive(claims, resource=resource)
    except launches.LaunchRefused as refusal:
        return _refused(refusal.status, str(refusal))
    start_login(arrived.user)
    framing.remember_launch(launches.platform_of(claims), claims)
    if deep_linking:
        if not arrived.teaches:
            return _refused(403, _("Only the course's teachers can choose a quiz for the LMS."))
        session[LAUNCH_KEY] = message.get_launch_id()
        return redirect(url_for("lti.deep_link"))
    if arrived.teaches and arrived.context is not None:
        if arrived.context.memberships_url:
            _sync(arrived.context, quiet=True)
        return redirect(url_for("lti.course", class_id=arrived.context.class_id))
    if arrived.quiz is not None:
        return redirect(url_for("student.quiz", quiz_id=arrived.quiz.id))
    return redirect(url_for("student.index"))


def _deep_link_launch() -> FlaskMessageLaunch:
    from pylti1p3.contrib.flask import FlaskMessageLaunch
    from pylti1p3.exception import LtiException

    from quizapp.lti.storage import DatabaseSessionService

    launch_id = session.get(LAUNCH_KEY)
    if not launch_id:
        abort(
            400,
            _("No quiz choice is open: start it from the LMS (add an activity, choose Quizapp)."),
        )
    lti_request = _lti_request()
    try:
        found = FlaskMessageLaunch.from_cache(
            launch_id,
            lti_request,
            _tool_conf(),
            session_service=DatabaseSessionService(lti_request),
        )
    except LtiException:
        abort(410, _("This quiz choice has expired: start it again from the LMS."))
    return found  # type: ignore[return-value]


@blueprint.route("/deep-link", methods=["GET", "POST"])
@login_required
def deep_link() -> ResponseReturnValue:
    """A teacher launched from the LMS picks a quiz; the LMS gets a link to it (with a line
    item for its grades) in a signed deep-linking response."""
    message = _deep_link_launch()
    quizzes = assignable_quizzes(current_user)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, _("The form was missing its security token; reload the page and try again."))
        wanted = request.form.get("quiz", "")
        quiz = db.session.get(Quiz, int(wanted)) if wanted.isdigit() else None
        if quiz is None or quiz.id not in {q.id for q in quizzes}:
            flash(_("Choose one of the quizzes listed."), "error")
            return render_template("lti/deep_link.html", quizzes=quizzes, form=form), 400
        from pylti1p3.deep_link_resource import DeepLinkResource
        from pylti1p3.lineitem import LineItem

        resource = (
            DeepLinkResource()
            .set_url(url_for("lti.launch", _external=True))
            .set_title(quiz.title)
            .set_custom_params({launches.QUIZ_PARAMETER: str(quiz.id)})
            .set_lineitem(
                LineItem()
                .set_label(quiz.title)
                .set_score_maximum(grades.SCORE_MAXIMUM)
                .set_resource_id(f"quiz-{quiz.id}")
            )
        )
        deep_link = message.get_deep_link()
        settings = message.get_launch_data().get(DEEP_LINKING_CLAIM) or {}
        token = deep_link.get_response_jwt([resource])
        session.pop(LAUNCH_KEY, None)
        return_url = str(settings.get("deep_link_return_url", ""))
        allow_form_action(return_url)  # the form posts back to the LMS
        return render_template(
            "lti/deep_link_return.html",
            quiz=quiz,
            return_url=return_url,
            token=token,
        )
    return render_template("lti/deep_link.html", quizzes=quizzes, form=form)


def _course_or_404(class_id: int) -> tuple[LtiContext, Any]:
    classroom = teacher_class(class_id, current_user)
    context = db.session.scalar(select(LtiContext).where(LtiContext.class_id == class_id))
    if classroom is None or context is None:
        abort(404)
    return context, classroom


def _sync(context: LtiContext, quiet: bool = False) -> bool:
    try:
        change = roster.refresh(context)
    except roster.RosterUnavailable as error:
        flash(_("The roster could not be read from the LMS: %(error)s", error=error), "error")
        return False
    if not quiet:
        flash(
            _(
                "Roster updated from the LMS: %(students)s students, %(teachers)s teachers; "
                "%(removed)s no longer in the course left the class.",
                students=change.students,
                teachers=change.teachers,
                removed=change.removed,
            ),
            "success",
        )
    return True


@blueprint.route("/courses/<id:class_id>")
@login_required
def course(class_id: int) -> ResponseReturnValue:
    """An LMS course's class, for its teachers: the roster from the LMS, grades not delivered."""
    context, classroom = _course_or_404(class_id)
    return render_template(
        "lti/course.html",
        context=context,
        classroom=classroom,
        pending=grades.pending_of_class(class_id),
        form=ActionForm(),
    )


@blueprint.route("/courses/<id:class_id>/roster", methods=["POST"])
@login_required
def sync_roster(class_id: int) -> ResponseReturnValue:
    """Read the roster from the LMS now (Names and Role Provisioning Services)."""
    context, _classroom = _course_or_404(class_id)
    if not ActionForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    _sync(context)
    return redirect(url_for("lti.course", class_id=class_id))


@blueprint.route("/courses/<id:class_id>/grades", methods=["POST"])
@login_required
def resend_grades(class_id: int) -> ResponseReturnValue:
    """Send the grades the LMS has not received again."""
    _course_or_404(class_id)
    if not ActionForm().validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    sent, failed = grades.deliver(grades.pending_of_class(class_id))
    if failed:
        flash(
            _(
                "%(sent)s grades sent; %(failed)s still could not be delivered.",
                sent=sent,
                failed=failed,
            ),
            "error",
        )
    else:
        flash(_("%(sent)s grades sent to the LMS.", sent=sent), "success")
    return redirect(url_for("lti.course", class_id=class_id))


@blueprint.route("/admin", methods=["GET", "POST"])
@admin_required
def admin() -> ResponseReturnValue:
    """Register platforms; see the tool's URLs and keys to paste into an LMS."""
    form = PlatformForm()
    status = 200
    if form.validate_on_submit():
        try:
            platform = platforms.add_platform(
                platforms.PlatformDetails(
                    name=form.name.data or "",
                    issuer=form.issuer.data or "",
                    client_id=form.client_id.data or "",
                    auth_login_url=form.auth_login_url.data or "",
                    auth_token_url=form.auth_token_url.data or "",
                    key_set_url=form.key_set_url.data or "",
                    deployment_ids=platforms.deployment_ids_in(form.deployment_ids.data or ""),
                )
            )
        except platforms.PlatformError as error:
            form.form_errors.append(str(error))
            status = 400
        else:
            flash(_("%(name)s is registered.", name=platform.name), "success")
            return redirect(url_for("lti.admin"))
    elif form.errors:
        status = 400
    published: list[Any] = list(keys.published_keys())
    if not published:  # made in a session of its own, which this request's cannot see yet
        first = keys.signing_key()
        published = [SimpleNamespace(kid=first.kid, created_at=now_utc(), retired_at=None)]
    return (
        render_template(
            "lti/admin.html",
            form=form,
            platforms=platforms.all_platforms(),
            urls=tool_urls(),
            published=published,
            rotate_form=ActionForm(prefix="rotate"),
            waiting=grades.waiting_count(),
        ),
        status,
    )


@blueprint.route("/admin/rotate-key", methods=["POST"])
@admin_required
def rotate_key() -> ResponseReturnValue:
    """A new signing key; the old one stays published until removed."""
    if not ActionForm(prefix="rotate").validate_on_submit():
        abort(400, _("The form was missing its security token; reload the page and try again."))
    key = keys.rotate()
    flash(
        _("New signing key %(kid)s; the previous ones stay published until removed.", kid=key.kid),
        "success",
    )
    return redirect(url_for("lti.admin"))
