"""Which LMS may hold Quizapp in a frame (Moodle and Canvas open a tool inside an
``<iframe>`` by default), while every other site still may not.

The rule, the narrowest that works:

- A session started by an LTI launch may be framed by the origins of the platform that
  launched it, and by no one else: its registration's issuer and authentication URL, and the
  ``launch_presentation.return_url`` of the verified launch (the course page's own host, which
  Canvas, for one, serves on the school's domain rather than its issuer's). These come from
  the registration an administrator made and from a token signed with the platform's key, never
  from a header the browser sends.
- The two entry points of a launch (``/lti/login``, ``/lti/launch``) may be framed by any
  registered platform: there is no session yet, and what they show is a redirect or a refusal.
- Every other response keeps ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``; a
  password login clears the session, and with it the permission.
"""

from __future__ import annotations

from typing import Any

from flask import request, session

from quizapp.lti.platforms import all_platforms
from quizapp.models import LtiPlatform
from quizapp.security_headers import allow_framing_by, origin_of

SESSION_KEY = "lti_frame_origins"
PRESENTATION_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
ENTRY_POINTS = frozenset({"lti.login", "lti.launch"})


def registered_origins(platform: LtiPlatform) -> set[str]:
    """The origins a platform's registration names for its pages (not its back-end URLs)."""
    return {o for o in (origin_of(platform.issuer), origin_of(platform.auth_login_url)) if o}


def remember_launch(platform: LtiPlatform, claims: dict[str, Any]) -> None:
    """After a verified launch (and the login, which renews the session): this session's
    pages may be framed by the launching platform."""
    origins = registered_origins(platform)
    presentation = claims.get(PRESENTATION_CLAIM)
    if isinstance(presentation, dict):
        returned = origin_of(str(presentation.get("return_url") or ""))
        if returned:
            origins.add(returned)
    session[SESSION_KEY] = sorted(origins)


def allow_launching_platform() -> None:
    """Before each request: widen this response's frame-ancestors as the rule above says."""
    if request.endpoint == "static":
        return
    if request.endpoint in ENTRY_POINTS:
        allowed: set[str] = set()
        for platform in all_platforms():
            allowed |= registered_origins(platform)
        allow_framing_by(allowed)
        return
    remembered = session.get(SESSION_KEY)
    if isinstance(remembered, list):
        allow_framing_by(str(origin) for origin in remembered)
