"""``flask lti ...``: register a platform, rotate and remove the tool's keys, from the
server's shell (the same services as the admin page)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from quizapp.lti import grades, keys, platforms

lti_cli = AppGroup("lti", help="LTI 1.3: LMS platforms and the tool's keys.")


@lti_cli.command("add-platform")
@click.option("--name", default="", help="A name for you (default: the issuer).")
@click.option("--issuer", required=True, help="The platform's issuer (platform id).")
@click.option("--client-id", required=True, help="The client id the LMS gave Quizapp.")
@click.option("--auth-login-url", required=True, help="The authentication request URL.")
@click.option("--token-url", required=True, help="The access token URL.")
@click.option("--key-set-url", required=True, help="The platform's public keyset URL.")
@click.option(
    "--deployment-id", "deployment_ids", multiple=True, required=True, help="Repeat for each."
)
def add_platform_command(
    name: str,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    token_url: str,
    key_set_url: str,
    deployment_ids: tuple[str, ...],
) -> None:
    """Register an LMS as an LTI 1.3 platform."""
    try:
        platform = platforms.add_platform(
            platforms.PlatformDetails(
                name=name,
                issuer=issuer,
                client_id=client_id,
                auth_login_url=auth_login_url,
                auth_token_url=token_url,
                key_set_url=key_set_url,
                deployment_ids=tuple(deployment_ids),
            )
        )
    except platforms.PlatformError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        _(
            "Registered %(name)s (issuer %(issuer)s, client id %(client_id)s) with %(count)s "
            "deployment(s).",
            name=platform.name,
            issuer=platform.issuer,
            client_id=platform.client_id,
            count=len(platform.deployments),
        )
    )


@lti_cli.command("rotate-key")
def rotate_key_command() -> None:
    """Make a new signing key; the previous ones stay published until removed."""
    key = keys.rotate()
    click.echo(
        _("New signing key %(kid)s. The previous keys stay published at /lti/jwks.", kid=key.kid)
    )


@lti_cli.command("remove-key")
@click.option("--kid", default=None, help="One retired key's id (default: every retired key).")
def remove_key_command(kid: str | None) -> None:
    """Stop publishing retired keys (after the platforms have fetched the new one)."""
    try:
        removed = keys.remove_retired(kid)
    except keys.LtiKeyError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Removed %(count)s retired key(s).", count=removed))


@lti_cli.command("send-grades")
def send_grades_command() -> None:
    """Send the grades waiting for the LMS (run it from cron: every few minutes is plenty),
    and any changed grade that never reached the outbox."""
    grades.queue_missed()
    sent, failed = grades.deliver(grades.waiting())
    click.echo(
        _(
            "%(sent)s grade(s) sent to the LMS; %(failed)s still waiting.",
            sent=sent,
            failed=grades.waiting_count(),
        )
    )
    if failed:
        raise click.exceptions.Exit(1)
