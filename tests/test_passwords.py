"""New passwords are at least 8 characters, not common or guessable (zxcvbn), and do not
contain the username; the registration form and ``user create`` apply the same rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from quizapp import create_app
from quizapp.accounts import password_problem
from quizapp.extensions import db
from quizapp.models import User

REPO = Path(__file__).resolve().parents[1]

REFUSED = [
    ("abc12", "at least 8 characters"),
    ("password", "too easy to guess"),
    ("password1", "too easy to guess"),
    ("12345678", "too easy to guess"),
    ("qwertyuiop", "too easy to guess"),
    ("abcdefgh", "too easy to guess"),
    ("iloveyou1", "too easy to guess"),
    ("grace-hopper-2024", "must not contain the username"),
]


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.any_database
@pytest.mark.parametrize(("password", "reason"), REFUSED)
def test_registration_refuses_a_weak_password_and_says_why(app, auth, password, reason):
    response = auth.register("grace-hopper", password)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert reason in html
    assert user_count(app) == 0


@pytest.mark.any_database
def test_the_message_names_what_makes_it_guessable(app, auth):
    html = auth.register("grace", "password1").get_data(as_text=True)
    assert "This is a very common password." in html


@pytest.mark.any_database
@pytest.mark.parametrize(
    "password", ["correct horse 1", "a long password", "teacher password", "Tr0ub4dor&3x"]
)
def test_good_passwords_pass(app, auth, password):
    assert password_problem(password, "ada") is None
    assert auth.register("ada", password).status_code == 302


@pytest.mark.any_database
@pytest.mark.parametrize(("password", "reason"), REFUSED)
def test_user_create_refuses_the_same_passwords(app, runner, tmp_path, password, reason):
    secret = tmp_path / "password"
    secret.write_text(password + "\n")
    result = runner.invoke(args=["user", "create", "grace-hopper", "--password-file", str(secret)])
    assert result.exit_code != 0
    assert reason in result.output
    assert user_count(app) == 0


def test_user_create_asks_again_after_a_weak_password_at_the_prompt(app, runner):
    result = runner.invoke(
        args=["user", "create", "sam"],
        input="password1\nlong enough\nlong enough\n",
    )
    assert result.exit_code == 0, result.output
    assert "too easy to guess" in result.output
    assert "Created student 'sam'." in result.output


@pytest.mark.any_database
@pytest.mark.parametrize(
    ("username", "reason"),
    [
        ("ab", "3 to 40 characters"),
        ("x" * 41, "3 to 40 characters"),
        ("=cmd|calc", "starting with a letter or digit"),
        ("two words", "Use letters, digits, dots, dashes or underscores"),
        ("<b>x</b>", "Use letters, digits, dots, dashes or underscores"),
    ],
)
def test_user_create_applies_the_registration_username_rules(
    app, runner, tmp_path, username, reason
):
    secret = tmp_path / "password"
    secret.write_text("a strong password\n")
    result = runner.invoke(args=["user", "create", username, "--password-file", str(secret)])
    assert result.exit_code != 0
    assert reason in result.output
    assert user_count(app) == 0


def test_importing_accounts_hashes_nothing():
    """The dummy hash (for timing-safe refusals of unknown users) is made on first use: every
    command that imports the accounts module would otherwise pay for an scrypt hash at start."""
    probe = (
        "import werkzeug.security as security\n"
        "calls = []\n"
        "real = security.generate_password_hash\n"
        "security.generate_password_hash = lambda *a, **k: calls.append(a) or real(*a, **k)\n"
        "import quizapp.accounts, quizapp.cli\n"
        "print(len(calls))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0"


def test_an_unknown_user_is_refused_like_a_wrong_password(app, auth):
    auth.register("ada")
    auth.logout()
    unknown = auth.login("nobody", "correct horse 1")
    wrong = auth.login("ada", "not the password")
    assert unknown.status_code == wrong.status_code == 400
    message = "That username and password do not match an account."
    assert message in unknown.get_data(as_text=True)
    assert message in wrong.get_data(as_text=True)


def test_a_site_hashes_with_scrypt_at_its_full_cost_unless_configured(tmp_path):
    """The suite lowers the cost (it makes hundreds of accounts); a site does not, and a
    password hashed at either cost still checks after the setting changes."""
    from quizapp.accounts import check_password_hash, hash_password

    site = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with site.app_context():
        stored = hash_password("correct horse 1")
    assert stored.startswith("scrypt:32768:8:1$")
    cheap = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with cheap.app_context():
        assert hash_password("correct horse 1").startswith("scrypt:1024:8:1$")
    assert check_password_hash(stored, "correct horse 1")
