"""Command line: ``flask --app quizapp quiz ...`` for banks and ``... user ...`` for accounts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TextIO

import click
from flask import current_app
from flask.cli import AppGroup

from quizapp import catalog
from quizapp.accounts import AccountError, create_user, password_problem, username_problem
from quizapp.bank.errors import BankError
from quizapp.bank.loader import load_bank_files
from quizapp.bank.models import Bank

quiz_cli = AppGroup("quiz", help="Check and import question banks.")
user_cli = AppGroup("user", help="Manage accounts.")


def _load_all(paths: tuple[str, ...]) -> list[tuple[Bank, Path]]:
    """Load every bank under ``paths``; print every problem and exit 1 if any bank is bad."""
    try:
        banks = load_bank_files(paths, current_app.config["MAX_BANK_BYTES"])
    except BankError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s) found; nothing was imported.", err=True)
        raise SystemExit(1) from None
    if not banks:
        raise click.ClickException(f"No .yaml banks found in {', '.join(paths)}.")
    return banks


def describe(bank: Bank) -> str:
    """One line: the bank, its questions per type, its quizzes."""
    counts = Counter(question.type for question in bank.questions)
    types = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    return f"{bank.bank}: {len(bank.questions)} questions ({types}); {len(bank.quizzes)} quizzes"


@quiz_cli.command("validate")
@click.argument("paths", nargs=-1, required=True)
def validate_command(paths: tuple[str, ...]) -> None:
    """Check banks (files or folders) without importing them."""
    for bank, path in _load_all(paths):
        click.echo(f"ok {path}: {describe(bank)}")


@quiz_cli.command("import")
@click.argument("paths", nargs=-1, required=True)
def import_command(paths: tuple[str, ...]) -> None:
    """Validate, then import banks in one transaction (running it twice changes nothing)."""
    banks = _load_all(paths)
    diffs = catalog.import_banks((bank, str(path)) for bank, path in banks)
    for diff in diffs:
        click.echo(diff.summary())


@quiz_cli.command("close-overdue")
def close_overdue_command() -> None:
    """Finish the attempts whose time limit or quiz close has passed, at that time, with the
    answers saved before it. Run it every minute or so (cron, a systemd timer) so that reports
    and exports are complete; pages already finish such attempts before they count them."""
    from quizapp.attempts import close_overdue

    closed = close_overdue()
    click.echo(f"{closed} overdue attempt(s) finished.")


@quiz_cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the bank format (for editors' YAML language servers)."""
    from quizapp.bank.schema import bank_json_schema_text

    click.echo(bank_json_schema_text(), nl=False)


@user_cli.command("create")
@click.argument("username")
@click.option("--teacher", is_flag=True, help="Give the account the teacher's workspace.")
@click.option(
    "--password-file",
    type=click.File("r"),
    help="Read the password from the first line of this file instead of prompting.",
)
def create_user_command(username: str, teacher: bool, password_file: TextIO | None) -> None:
    """Create an account (the password is prompted for, never given on the command line).

    The same rules as the registration form: the username's format, and a password that is
    long enough and not easily guessed."""
    problem = username_problem(username)
    if problem:
        raise click.ClickException(problem)
    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Password",
            hide_input=True,
            confirmation_prompt=True,
            value_proc=lambda value: _checked_password(value, username),
        )
    try:
        user = create_user(username, password, is_teacher=teacher)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    role = "teacher" if user.is_teacher else "student"
    click.echo(f"Created {role} '{user.username}'.")


def _checked_password(password: str, username: str) -> str:
    """At the prompt, a refused password is asked for again, with the reason."""
    problem = password_problem(password, username)
    if problem:
        raise click.BadParameter(problem)
    return password


@quiz_cli.command("check-sources")
@click.argument("bank_path")
@click.option(
    "--text",
    "text_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The source as plain text: paragraphs are blocks between blank lines, from 1.",
)
def check_sources_command(bank_path: str, text_path: str) -> None:
    """Check each question's citation: the paragraph exists, the quote is in it, and every
    figure of the correct answer appears there. Exit 1 when anything is reported."""
    from quizapp.bank.sources import check_sources

    banks = _load_all((bank_path,))
    source_text = Path(text_path).read_text(encoding="utf-8")
    reported = 0
    for bank, path in banks:
        problems = check_sources(bank, source_text)
        for problem in problems:
            click.echo(f"{path}: {problem}", err=True)
        reported += len(problems)
        if not problems:
            click.echo(f"ok {path}: {len(bank.questions)} questions checked against {text_path}")
    if reported:
        click.echo(f"{reported} problem(s) found.", err=True)
        raise SystemExit(1)


@quiz_cli.command("lint")
@click.argument("paths", nargs=-1, required=True)
def lint_command(paths: tuple[str, ...]) -> None:
    """Item-writing checks (answers given away, cues, ranges, ...): print each warning as
    file:line:column: rule: message (fix: ...). Warnings never stop anything (exit 0); a bank
    that does not load exits 1 with its errors, as ``validate`` does."""
    from quizapp.bank.lint import lint_bank_file

    total = 0
    for bank, path in _load_all(paths):
        warnings = lint_bank_file(bank, path, current_app.config["MAX_BANK_BYTES"])
        for warning in warnings:
            click.echo(str(warning))
        total += len(warnings)
        if not warnings:
            click.echo(f"ok {path}: no warnings")
    click.echo(f"{total} warning(s).")
