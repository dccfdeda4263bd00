"""Commands and workers start without importing what only some of them need (Flask-Migrate
with Alembic, pygal, zxcvbn, the interop converters), and each still works when it is needed.
The pages that need them are tested where they are (tests/test_passwords.py: zxcvbn;
tests/test_progress.py and tests/test_reports.py: charts; tests/interop: the converters).
Start-up time itself is measured by bench/startup_bench.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import inspect

from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import REPO

HEAVY = ("alembic", "flask_migrate", "mako", "pygal", "zxcvbn", "defusedxml", "quizapp.interop")


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
