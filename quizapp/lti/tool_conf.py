"""pylti1p3's tool configuration, read from the registered platforms (``platforms``).

Imported by the LTI views that check a login or a launch, not with the blueprint: the class
is a pylti1p3 subclass, and pylti1p3 brings jwt and cryptography (see
``quizapp.lti.connection``).
"""

from __future__ import annotations

from typing import Any

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.lti.platforms import find_platform, registration_of
from quizapp.models import LtiDeployment


class DatabaseToolConf(ToolConfAbstract):  # type: ignore[type-arg]
    """pylti1p3's tool configuration, read from the registered platforms."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        platform = find_platform(iss, None)
        return registration_of(platform) if platform else None  # type: ignore[return-value]

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration:
        platform = find_platform(iss, client_id)
        return registration_of(platform) if platform else None  # type: ignore[return-value]

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, "")

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        platform = find_platform(iss, client_id or None)
        if platform is None:
            return None
        found = db.session.scalar(
            select(LtiDeployment.id).where(
                LtiDeployment.platform_id == platform.id,
                LtiDeployment.deployment_id == deployment_id,
            )
        )
        return Deployment().set_deployment_id(deployment_id) if found is not None else None
