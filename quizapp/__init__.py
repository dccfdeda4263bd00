"""Quizapp: quizzes from YAML question banks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory: config, extensions, blueprints, error pages, commands."""
    instance_path = (test_config or {}).get("INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    from quizapp.routing import LazilyBuiltRule

    app.url_rule_class = LazilyBuiltRule

    from quizapp.config import load_config

    load_config(app, test_config)
    trust_proxies(app)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    from quizapp.i18n import settle_language

    app.before_request(settle_language)  # after the login blueprint's, which it relies on
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, read the client's address and scheme from
    their ``X-Forwarded-*`` headers, so the login throttle counts students, not the proxy, and
    HSTS and secure cookies see HTTPS. With none (the default) those headers are ignored: a
    client could forge them."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def register_extensions(app: Flask) -> None:
    from quizapp import models  # noqa: F401  (the models must be known to migrations)
    from quizapp.database import configure_engine
    from quizapp.extensions import csrf, db, login_manager
    from quizapp.lazy_migrate import LazyMigrate

    db.init_app(app)
    LazyMigrate(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from quizapp import i18n

    i18n.init_app(app)
    with app.app_context():
        configure_engine(
            db.engine,
            app.config["DATABASE_BUSY_TIMEOUT"],
            app.config["SQLITE_SYNCHRONOUS"],
            turnstile=app.config["SQLITE_WRITE_TURNSTILE"],
        )

    @app.teardown_request
    def _end_session(_error: BaseException | None) -> None:
        # Each request ends its transaction, even where the app context outlives it (tests).
        db.session.remove()


def register_converters(app: Flask) -> None:
    from quizapp.bounded_ints import register

    register(app)


def register_blueprints(app: Flask) -> None:
    from quizapp.admin.views import blueprint as admin
    from quizapp.auth.password_views import blueprint as passwords
    from quizapp.auth.views import blueprint as auth
    from quizapp.classes.views import blueprint as classes
    from quizapp.guide.views import blueprint as guide
    from quizapp.language_views import blueprint as language
    from quizapp.progress.views import blueprint as progress
    from quizapp.reports.views import blueprint as reports
    from quizapp.student.reading_views import blueprint as reading
    from quizapp.student.views import blueprint as student
    from quizapp.teacher.interop_views import blueprint as interop
    from quizapp.teacher.marking_views import blueprint as marking
    from quizapp.teacher.source_views import blueprint as texts
    from quizapp.teacher.views import blueprint as teacher

    app.register_blueprint(auth)
    app.register_blueprint(student)
    app.register_blueprint(teacher)
    app.register_blueprint(interop)
    app.register_blueprint(texts)
    app.register_blueprint(reading)
    app.register_blueprint(progress)
    app.register_blueprint(reports)
    app.register_blueprint(guide)
    app.register_blueprint(marking)
    app.register_blueprint(classes)
    app.register_blueprint(passwords)
    app.register_blueprint(admin)
    from quizapp.lti import grades as lti_grades  # noqa: F401  (listens for grade changes)
    from quizapp.lti.views import blueprint as lti

    app.register_blueprint(lti)
    from quizapp.api import register as register_api

    register_api(app)
    app.register_blueprint(language)
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    from quizapp.classes.service import classes_joined, classes_taught

    app.jinja_env.globals["classes_of_user"] = lambda user: (
        classes_taught(user),
        classes_joined(user),
    )


def register_errorhandlers(app: Flask) -> None:
    from quizapp.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from quizapp.security_headers import register

    register(app)


def register_commands(app: Flask) -> None:
    from quizapp.cli import quiz_cli, user_cli

    app.cli.add_command(quiz_cli)
    app.cli.add_command(user_cli)
    from quizapp.lti.cli import lti_cli

    app.cli.add_command(lti_cli)


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"
