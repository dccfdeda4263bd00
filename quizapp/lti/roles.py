"""LTI roles in Quizapp's words: a course's instructors (teaching assistants, content
developers, administrators) teach its class; everyone else in it is a student."""

from __future__ import annotations

from collections.abc import Sequence

ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"


def is_teaching(roles: Sequence[str]) -> bool:
    """Whether these LTI roles (full URIs or the short names NRPS may send) teach."""
    # Imported here: only a launch or a roster asks, and pylti1p3 brings jwt and cryptography.
    from pylti1p3.roles import DesignerRole, TeacherRole, TeachingAssistantRole

    body = {ROLES_CLAIM: list(roles)}
    return any(role(body).check() for role in (TeacherRole, TeachingAssistantRole, DesignerRole))
