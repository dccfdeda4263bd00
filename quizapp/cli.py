"""Command line: ``flask --app quizapp quiz ...`` for banks and ``... user ...`` for accounts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NoReturn, TextIO

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from quizapp.accounts import AccountError, create_user, password_problem, username_problem
from quizapp.bank.errors import BankError
from quizapp.bank.models import Bank
from quizapp.bank.report import report_lines
from quizapp.i18n import translate

quiz_cli = AppGroup("quiz", help="Check and import question banks.")
user_cli = AppGroup("user", help="Manage accounts.")


def _load_all(paths: tuple[str, ...]) -> list[tuple[Bank, Path]]:
    """Load every bank under ``paths``; print the problems (the first 50, and how many more)
    and exit 1 if any bank is bad."""
    # The import machinery is imported by the commands that use it, not by every worker that
    # creates the app and so registers the commands (docs/performance.md, session 10).
    from quizapp.bank.loader import load_bank_files

    try:
        banks = load_bank_files(paths, current_app.config["MAX_BANK_BYTES"])
    except BankError as error:
        _report_problems(error)
    if not banks:
        raise click.ClickException(_("No .yaml banks found in %(paths)s.", paths=", ".join(paths)))
    return banks


def _report_problems(error: BankError) -> NoReturn:
    """Print the problems (file:line:column; the first 50, and how many more) and exit 1,
    without a traceback."""
    for line in report_lines(error, translate):
        click.echo(line, err=True)
    click.echo(
        _("%(total)s problem(s) found; nothing was imported.", total=format(error.total, ",")),
        err=True,
    )
    raise SystemExit(1) from None


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
        click.echo(_("ok %(path)s: %(describe)s", path=path, describe=describe(bank)))


@quiz_cli.command("import")
@click.argument("paths", nargs=-1, required=True)
def import_command(paths: tuple[str, ...]) -> None:
    """Validate, then import banks in one transaction (running it twice changes nothing).

    Files are read, validated and compared before the database is locked; a file whose bytes
    are those last imported is not even parsed."""
    from quizapp import catalog

    try:
        files = catalog.read_bank_files(paths, current_app.config["MAX_BANK_BYTES"])
    except BankError as error:
        _report_problems(error)
    if not files:
        raise click.ClickException(_("No .yaml banks found in %(paths)s.", paths=", ".join(paths)))
    try:
        diffs = catalog.import_files(files)
    except catalog.ImportConflict as conflict:
        click.echo(_("%(conflict)s Run the import again.", conflict=conflict), err=True)
        raise SystemExit(1) from None
    for diff in diffs:
        click.echo(diff.summary())


@quiz_cli.command("close-overdue")
def close_overdue_command() -> None:
    """Finish the attempts whose time limit or quiz close has passed, at that time, with the
    answers saved before it. Run it every minute or so (cron, a systemd timer) so that reports
    and exports are complete; pages already finish such attempts before they count them."""
    from quizapp.attempts import close_overdue

    closed = close_overdue()
    click.echo(_("%(closed)s overdue attempt(s) finished.", closed=closed))


@quiz_cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the bank format (for editors' YAML language servers)."""
    from quizapp.bank.schema import bank_json_schema_text

    click.echo(bank_json_schema_text(), nl=False)


@user_cli.command("create")
@click.argument("username")
@click.option("--teacher", is_flag=True, help="Give the account the teacher's workspace.")
@click.option(
    "--admin",
    is_flag=True,
    help="Make the account an admin (a teacher who also manages people at /admin/users).",
)
@click.option(
    "--password-file",
    type=click.File("r"),
    help="Read the password from the first line of this file instead of prompting.",
)
def create_user_command(
    username: str, teacher: bool, admin: bool, password_file: TextIO | None
) -> None:
    """Create an account (the password is prompted for, never given on the command line).

    The same rules as the registration form: the username's format, and a password that is
    long enough and not easily guessed. The first admin is made this way; admins then make
    teachers and other admins in the browser."""
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
        user = create_user(username, password, is_teacher=teacher, is_admin=admin)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Created %(role)s '%(username)s'.", role=user.role, username=user.username))


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
            click.echo(
                _(
                    "ok %(path)s: %(question_count)s questions checked against %(text_path)s",
                    path=path,
                    question_count=len(bank.questions),
                    text_path=text_path,
                )
            )
    if reported:
        click.echo(_("%(reported)s problem(s) found.", reported=reported), err=True)
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
        for placed in warnings:
            click.echo(
                _(
                    "%(place)s: %(rule)s: %(message)s (fix: %(fix)s)",
                    place=":".join((placed.file, str(placed.line), str(placed.column))),
                    rule=placed.warning.rule,
                    message=translate(placed.warning.message),
                    fix=translate(placed.warning.fix),
                )
            )
        total += len(warnings)
        if not warnings:
            click.echo(_("ok %(path)s: no warnings", path=path))
    click.echo(_("%(total)s warning(s).", total=total))


# -- other formats: export and convert (quizapp.interop) -----------------------------------


def _print_report(lines: list[str], what: str) -> None:
    """What a conversion could not carry, after the work is done (on stderr, so an export to
    stdout stays a clean file)."""
    if not lines:
        click.echo(_("Everything was carried %(what)s.", what=what), err=True)
        return
    click.echo(
        _(
            "%(line_count)s thing(s) not carried %(what)s (or kept only as tags/metadata):",
            line_count=len(lines),
            what=what,
        ),
        err=True,
    )
    for line in lines:
        click.echo(f"  {translate(line)}", err=True)  # QUIZAPP_LANGUAGE's (the file: English)


@quiz_cli.command("export")
@click.argument("bank_path")
@click.option(
    "--to",
    "format_name",
    required=True,
    type=click.Choice(["moodle-xml", "gift", "qti21", "qti12"]),
    help="moodle-xml and gift for Moodle; qti21 for current LMSs; qti12 for Canvas Classic.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="The file to write; without it, XML and GIFT go to standard output and QTI "
    "packages to <bank>.<format>.zip here.",
)
def export_command(bank_path: str, format_name: str, output: str | None) -> None:
    """Write a bank as Moodle XML, GIFT or a QTI package, then list what was not carried."""
    from quizapp.interop import EXPORT_FORMATS, export_bank

    banks = _load_all((bank_path,))
    if len(banks) != 1:
        raise click.ClickException(
            _(
                "%(bank_path)s holds %(bank_count)s banks; export one bank file at a time.",
                bank_path=bank_path,
                bank_count=len(banks),
            )
        )
    bank = banks[0][0]
    data, report = export_bank(bank, format_name)
    target = EXPORT_FORMATS[format_name]
    if output is None and target.suffix.endswith(".zip"):
        output = f"{bank.bank}{target.suffix}"
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        Path(output).write_bytes(data)
        click.echo(
            _(
                "Wrote %(output)s: %(question_count)s questions as %(label)s.",
                output=output,
                question_count=len(bank.questions),
                label=target.label,
            ),
            err=True,
        )
    _print_report(report.lines(), f"into {target.label}")


@quiz_cli.command("convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--from",
    "format_name",
    required=True,
    type=click.Choice(["moodle-xml", "gift", "qti"]),
    help="The format of SOURCE; qti reads QTI 2.1 and QTI 1.2 (Canvas) packages.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The YAML bank to write.",
)
def convert_command(source: str, format_name: str, output: str) -> None:
    """Convert a Moodle XML, GIFT or QTI file into a YAML bank (nothing is imported; check it,
    then `quiz import` it). Hostile or broken files are refused and nothing is written."""
    from quizapp.interop import ConversionError, convert

    max_bytes = current_app.config["MAX_BANK_BYTES"]
    path = Path(source)
    size = path.stat().st_size
    if size > max_bytes:
        raise click.ClickException(
            f"{source}: the file is {size:,} bytes; the largest accepted is {max_bytes:,} "
            "(MAX_BANK_BYTES). Nothing was written."
        )
    try:
        conversion = convert(path.read_bytes(), source, format_name, max_bytes)
    except ConversionError as error:
        raise click.ClickException(_("%(error)s Nothing was written.", error=error)) from None
    target = Path(output)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(conversion.yaml_text, encoding="utf-8")
    partial.replace(target)
    click.echo(
        _("Wrote %(output)s: %(describe)s.", output=output, describe=describe(conversion.bank))
    )
    _print_report(conversion.report.lines(), f"from {source}")


# -- drafts from a text (quizapp.drafting) --------------------------------------------------


@quiz_cli.command("draft")
@click.argument("text_path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--bank",
    "bank_ref",
    required=True,
    help="The bank the drafts are for (its id or slug, as imported): draft ids avoid its ids.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
def draft_command(text_path: str, bank_ref: str, output: str | None) -> None:
    """Draft questions from a text (figures, dates, names, lists), each cited and marked
    `draft: true`, as YAML for the bank to finish by hand."""
    from sqlalchemy import select

    from quizapp.drafting import MAX_TEXT_BYTES, draft_text, drafts_yaml
    from quizapp.extensions import db
    from quizapp.models import Bank as BankRow
    from quizapp.models import Question

    path = Path(text_path)
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise click.ClickException(
            f"{path} is larger than {MAX_TEXT_BYTES:,} bytes; draft from one text at a time."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            _(
                "%(path)s is not UTF-8 text (byte %(start)s); save it as UTF-8 plain text.",
                path=path,
                start=error.start,
            )
        ) from None
    where = BankRow.id == int(bank_ref) if bank_ref.isdigit() else BankRow.slug == bank_ref
    bank_row = db.session.scalar(select(BankRow).where(where))
    if bank_row is None:
        known = ", ".join(db.session.scalars(select(BankRow.slug).order_by(BankRow.slug)))
        raise click.ClickException(
            _(
                "No bank '%(bank_ref)s' has been imported (banks: %(known)s).",
                bank_ref=bank_ref,
                known=known or _("none yet"),
            )
        )
    taken = set(db.session.scalars(select(Question.key).where(Question.bank_id == bank_row.id)))
    drafts = draft_text(text, taken)
    document = drafts_yaml(drafts, path.name)
    if output:
        Path(output).write_text(document, encoding="utf-8")
        click.echo(
            _(
                "%(draft_count)s draft(s) for %(slug)s written to %(output)s.",
                draft_count=len(drafts),
                slug=bank_row.slug,
                output=output,
            ),
            err=True,
        )
    else:
        click.echo(document, nl=False)
