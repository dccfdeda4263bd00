"""Configuration layers and the site's own secret key."""

from __future__ import annotations

from quizapp import create_app


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("QUIZAPP_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    key = (instance / "secret_key").read_text().strip()
    assert len(key) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0


def test_layers_instance_file_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("ALLOW_REGISTRATION = False\nMAX_BANK_BYTES = 10\n")
    monkeypatch.setenv("QUIZAPP_MAX_BANK_BYTES", "2000")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/quiz")
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    assert app.config["ALLOW_REGISTRATION"] is False
    assert app.config["MAX_BANK_BYTES"] == 2000
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/quiz"
