"""Commands and workers start without importing what only some of them need (Flask-Migrate
with Alembic, pygal, zxcvbn, the interop converters, the LTI protocol stack), and each still
works when it is needed. The pages that need them are tested where they are
(tests/test_passwords.py: zxcvbn; tests/test_progress.py and tests/test_reports.py: charts;
tests/interop: the converters; tests/lti: launches, rosters and grades sent to an LMS).
Start-up time and a worker's memory are measured by bench/startup_bench.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import inspect

from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import REPO

HEAVY = ("alembic", "flask_migrate", "mako", "pygal", "zxcvbn", "defusedxml", "quizapp.interop")
LTI_STACK = ("pylti1p3", "jwt", "jwcrypto", "cryptography", "requests", "urllib3")
"""What only an LMS's requests need: about 15 MB of each worker's memory (docs/performance.md,
session 7)."""

TEACHERS_ONLY = ("quizapp.stats", "quizapp.exports", "quizapp.bank.lint")
"""The statistics, the CSV exports and the item-writing checks: only a teacher's pages need
them (about 2 MB of each worker's memory, docs/performance.md, session 8)."""

BANK_AUTHORING = (
    "quizapp.catalog",
    "quizapp.bank.loader",
    "quizapp.bank.reader",
    "quizapp.bank.writer",
    "yaml",
    "quizapp.drafting",
    "markdown_it",
)
"""The import machinery (the catalog, the YAML reader and writer, PyYAML), the drafting rules
and the guide's Markdown: only a teacher's pages and the commands need them (105 modules,
about 2.4 MB of each worker, docs/performance.md, session 10)."""

STUDENT_PAGES = r"""
import json, sys
from quizapp import create_app
from tests.conftest import AuthActions
from tests.quiz_actions import QuizActions

app = create_app({"TESTING": True, "INSTANCE_PATH": sys.argv[1],
                  "SQLALCHEMY_DATABASE_URI": sys.argv[2], "SECRET_KEY": "x",
                  "OPEN_QUIZZES": True, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
client = app.test_client()
statuses = {"register": AuthActions(client).register("ada").status_code,
            "quiz list": client.get("/").status_code}
actions = QuizActions(app, client)
attempt = actions.start()
statuses["attempt page"] = client.get(f"/attempts/{attempt}").status_code
answers = actions.right_answers(attempt)
statuses["save"] = actions.save(attempt, answers).status_code
submitted = actions.submit(attempt, answers)
statuses["submit"] = submitted.status_code
statuses["result"] = client.get(submitted.headers["Location"]).status_code
statuses["history"] = client.get("/history").status_code
print(json.dumps({"statuses": statuses,
                  "loaded": sorted(m for m in sys.argv[3:] if m in sys.modules)}))
"""


def test_creating_the_app_imports_nothing_heavy(tmp_path):
    code = (
        "import json, sys; from quizapp import create_app; "
        f"create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'SECRET_KEY': 'x'}}); "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_db_commands_work_and_are_listed(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}",
            "SECRET_KEY": "x",
        }
    )
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["--help"])
    assert "db" in listed.output and "Perform database migrations." in listed.output
    assert "upgrade" in runner.invoke(args=["db", "--help"]).output
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "question_versions" in inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert runner.invoke(args=["db", "current"]).exit_code == 0


STUDENT_STATUSES = {
    "register": 302,
    "quiz list": 200,
    "attempt page": 200,
    "save": 302,
    "submit": 302,
    "result": 200,
    "history": 200,
}
"""What ``STUDENT_PAGES`` reports when every page answered as it should."""


def _served_in_a_fresh_interpreter(
    script: list[str], tmp_path: Path, database_url: str, *arguments: str
) -> dict[str, Any]:
    """Run ``script`` (Python's options, then the code: ``STUDENT_PAGES`` and the like) in a new
    interpreter on the test's database; its report, the JSON of its last line."""
    *options, code = script
    result = subprocess.run(
        [
            sys.executable,
            *options,
            "-c",
            code,
            str(tmp_path / "instance"),
            database_url,
            *arguments,
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_worker_serving_students_never_imports_the_lti_stack_or_the_teachers_tools(
    demo_app, database_url, tmp_path
):
    """A fresh interpreter (a new worker) creates the app and serves a student's pages, a
    submit included (its grade change reaches the LTI grade listener): pylti1p3 and what it
    brings stay unimported, for no LMS is involved, and so do the teachers' statistics,
    exports and item-writing checks, and the bank import, drafting and guide."""
    report = _served_in_a_fresh_interpreter(
        [STUDENT_PAGES], tmp_path, database_url, *LTI_STACK, *TEACHERS_ONLY, *BANK_AUTHORING
    )
    assert report["statuses"] == STUDENT_STATUSES
    assert report["loaded"] == []


def test_the_question_html_a_worker_keeps_stays_under_three_megabytes():
    """The attempt page's HTML cache at its budget, filled as the load bench fills it (each
    student's fieldsets and navigator rows, with their keys), holds under 3 MB: at a budget
    of 4 M characters it held about 5 MB of each worker (docs/performance.md, session 7)."""
    import tracemalloc

    from markupsafe import Markup

    from quizapp.student.question_html import HtmlCache

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cache = HtmlCache()
        for student in range(400):
            for position in range(1, 21):
                layout = {"order": [f"c{(student + i) % 97:02d}" for i in range(4)]}
                key = (
                    "attempt-question",
                    f"{position:064x}",
                    "",
                    repr(layout),
                    position,
                    1.0,
                    False,
                    repr({"choice": [layout["order"][0]]}),
                    "en",
                    None,
                )
                fieldset = f"<fieldset>{student}-{position}" + "x" * 1_100
                cache.put(key, Markup(fieldset))  # noqa: S704  (test text, no markup from anyone)
                href = f"/attempts/{student}#q{position}"
                row = ("navigator-row", href, "qnav", position, False, f"Question {position}")
                link = f'<li><a href="{href}">{position}</a>' + "y" * 180
                cache.put(row, Markup(link))  # noqa: S704  (test text, no markup from anyone)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert cache.characters <= cache.max_characters < 30 * (1_100 + 200) * 400  # it evicted
    assert held < 3 * 1024 * 1024, held


def test_a_postgresql_worker_never_loads_sqlite3(tmp_path):
    """sqlite3 and its library (about 0.9 MB of each worker) are for SQLite databases only: a
    fresh interpreter creates the app on a PostgreSQL URL (no server needed: nothing connects
    before a query) and serves the login page without importing it."""
    code = (
        "import json, sys; from quizapp import create_app; "
        f"app = create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'SECRET_KEY': 'x', "
        "'SQLALCHEMY_DATABASE_URI': 'postgresql+psycopg://nobody@127.0.0.1:9/none'}); "
        "status = app.test_client().get('/auth/login').status_code; "
        "print(json.dumps([status, 'sqlite3' in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [200, False]


TEACHER_PAGES = r"""
from tests.class_actions import teacher_client
teacher = teacher_client(app)
quiz_id = actions.quiz_id("tour")
for name, path in [("statistics", f"/teach/reports/quizzes/{quiz_id}"),
                   ("answers.csv", f"/teach/reports/quizzes/{quiz_id}/answers.csv"),
                   ("attempts.csv", f"/teach/reports/quizzes/{quiz_id}/attempts.csv"),
                   ("banks", "/teach/")]:
    response = teacher.get(path)
    statuses[name] = response.status_code
statuses["chart"] = int("<svg" in client.get("/history").get_data(as_text=True))
statuses["optimize"] = sys.flags.optimize
print(json.dumps({"statuses": statuses}))
"""


def test_a_worker_without_docstrings_or_asserts_serves_the_students_and_teachers_pages(
    demo_app, database_url, tmp_path
):
    """The README runs the workers with ``PYTHONOPTIMIZE=2`` (``-OO``: no docstrings, no
    asserts; 5-6 MB less in each worker, docs/performance.md, session 9): a fresh interpreter
    so optimised serves a student's pages and a teacher's statistics, CSV exports and charts
    (pygal, Babel, WTForms, pydantic, markdown-it and Jinja without their docstrings)."""
    report = _served_in_a_fresh_interpreter(
        ["-OO", STUDENT_PAGES + TEACHER_PAGES], tmp_path, database_url
    )
    assert report["statuses"] == {
        **STUDENT_STATUSES,
        "statistics": 200,
        "answers.csv": 200,
        "attempts.csv": 200,
        "banks": 200,
        "chart": 1,
        "optimize": 2,
    }


OPENAPI = (
    "import sys; from quizapp import create_app; "
    "app = create_app({'INSTANCE_PATH': sys.argv[1], 'SECRET_KEY': 'x'}); "
    "print(app.test_client().get('/api/v1/openapi.json').get_data(as_text=True))"
)


def test_the_api_document_keeps_its_summaries_and_descriptions_without_docstrings(tmp_path):
    """The OpenAPI document's summaries and descriptions are the views' and the models'
    docstrings, which ``-OO`` (the README's workers) leaves out of the code: a worker so
    optimised serves the same document as one with docstrings (read from the source)."""

    def document(*flags: str) -> dict:
        result = subprocess.run(
            [sys.executable, *flags, "-c", OPENAPI, str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
        )
        return json.loads(result.stdout)

    plain = document()
    operations = [op for path in plain["paths"].values() for op in path.values()]
    assert all(op["summary"] for op in operations)
    assert plain["components"]["schemas"]["QuizSummary"]["description"]
    assert document("-OO") == plain


AS_A_GUNICORN_WORKER = """
from quizapp import gunicorn_conf
gunicorn_conf.post_worker_init(None)
client = app.test_client()
"""
"""What gunicorn's worker does between loading the app and its first request (the README's
``-c python:quizapp.gunicorn_conf``), put into ``STUDENT_PAGES``."""

THEN_IN_RUSSIAN = r"""
import babel.core, re
from babel.dates import format_skeleton
after_english_pages = babel.core._global_data is not None
client.set_cookie("quizapp_language", "ru")
history = client.get("/history").get_data(as_text=True)
shown = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', history)
from datetime import datetime
moment = datetime.strptime(shown[0][0], "%Y-%m-%dT%H:%M:%SZ")
print(json.dumps({"statuses": statuses, "tables kept after the English pages": after_english_pages,
                  "date shown": shown[0][1], "date in Russian": format_skeleton("yMMMd", moment,
                  locale="ru") + moment.strftime(" %H:%M")}))
"""


def test_a_worker_keeps_no_babel_global_tables_for_english_pages_and_still_serves_russian(
    demo_app, database_url, tmp_path
):
    """Babel reads its whole ``global.dat`` (about 1.5 MB of tables) the first time it loads a
    language, for one small table; a gunicorn worker loads English at start and lets the
    tables go (``quizapp.i18n.load_the_default_language_without_babels_global_tables``, 2.6 MB
    less, docs/performance.md, session 10): a student's English pages never bring them back,
    and a page in Russian afterwards still shows its dates in Russian (Babel reads the file
    again for it)."""
    script = STUDENT_PAGES.replace("client = app.test_client()\n", AS_A_GUNICORN_WORKER, 1)
    report = _served_in_a_fresh_interpreter(
        ["-OO", script + THEN_IN_RUSSIAN], tmp_path, database_url
    )
    assert report["statuses"] == STUDENT_STATUSES
    assert report["tables kept after the English pages"] is False
    assert report["date shown"] == report["date in Russian"]
    assert "г." in report["date shown"]
