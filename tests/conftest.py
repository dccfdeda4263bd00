"""Fixtures: the real app on a real database (a temporary SQLite file, or the PostgreSQL
server named by QUIZAPP_TEST_DATABASE_URL), with migrations applied as in production."""

from __future__ import annotations

import functools
import gc
import os
import re
import shutil
import types
import weakref
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Engine, NullPool, create_engine, event, make_url, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Mapper
from sqlalchemy.util import LRUCache
from werkzeug.test import TestResponse

from quizapp import create_app
from quizapp.extensions import db

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

    from tests.quiz_actions import QuizActions

REPO = Path(__file__).resolve().parents[1]
DEMO_BANK = REPO / "questions" / "demo"


def worker_database_url(url: str | None, worker: str | None) -> str | None:
    """The database a pytest process uses: the one QUIZAPP_TEST_DATABASE_URL names, or, in
    pytest-xdist's worker ``gw0``, ``gw1``..., a database of that worker's own beside it
    (quizapp_test -> quizapp_test_gw0): each test empties its database, and two workers on one
    would empty each other's mid-test. Created on first use (``_ensure_database``)."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


TEST_DATABASE_URL = worker_database_url(
    os.environ.get("QUIZAPP_TEST_DATABASE_URL"), os.environ.get("PYTEST_XDIST_WORKER")
)


@functools.cache
def _ensure_database(url: str) -> None:
    """Create a worker's database when the server lacks it, from a connection to the database
    QUIZAPP_TEST_DATABASE_URL names (its role needs CREATEDB, as `.ci/run` gives it; else
    create the worker databases by hand)."""
    named = os.environ.get("QUIZAPP_TEST_DATABASE_URL")
    if not named or url == named:
        return
    name = make_url(url).database
    engine = create_engine(named, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if found is None:
                try:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
                except ProgrammingError as error:
                    if getattr(error.orig, "sqlstate", None) != "42P04":  # made meanwhile
                        raise RuntimeError(
                            f"The test database {name!r} is missing and could not be created"
                            f" ({error.orig}): give the role CREATEDB (ALTER ROLE ... CREATEDB)"
                            f" or create it, one per pytest-xdist worker (_gw0, _gw1)."
                        ) from error
    finally:
        engine.dispose()


def _empty_postgres(url: str) -> None:
    _ensure_database(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _migrate(url: str, instance: Path) -> None:
    """Run every migration on the database at ``url``, as ``flask db upgrade`` does."""
    app = create_app(
        {"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"}
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()


@functools.cache
def _migration_scripts() -> ScriptDirectory:
    """The project's Alembic script directory (``migrations/``)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(REPO / "migrations"))
    return ScriptDirectory.from_config(config)


def _head_revision() -> str:
    head = _migration_scripts().get_current_head()
    assert head is not None
    return head


def _revisions_down_to(base: str) -> list[str]:
    """The migrations from the newest one down to ``base`` (not included)."""
    scripts = _migration_scripts()
    return [script.revision for script in scripts.iterate_revisions(_head_revision(), base)]


def _emptied_postgres(url: str) -> bool:
    """Empty every table of a database already at the newest migration and start its ids at 1
    again; False when it is not at the newest migration (first use, or a test changed it), for
    the caller to rebuild it. Only the tables holding rows are emptied (most tests fill a few),
    with DELETE, children before parents: a few rows each, where a TRUNCATE costs the server
    new files for each table and index (3-6 times the time: tests/conftest.py's DELETEs
    measured beside it); a TRUNCATE ... CASCADE still empties them should the DELETEs fail (a
    table the models do not know, rows referring to each other). The sequences of all are
    reset, for a test may have added rows and deleted them."""
    try:
        with _engine_for_emptying(url).connect() as connection:
            tables = connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            names = sorted(set(tables) - {"alembic_version"})
            if not names:
                return False
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            if version.scalar() != _head_revision():
                return False
            holding_rows = list(
                connection.execute(
                    text(
                        " UNION ALL ".join(
                            f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")"
                            for name in names
                        )
                    )
                ).scalars()
            )
            connection.rollback()
            order = _children_first()
            reset = (
                "SELECT setval(c.oid, 1, false) FROM pg_class c"
                " WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
            )
            if all(name in order for name in holding_rows):
                deletes = [f'DELETE FROM "{name}"' for name in sorted(holding_rows, key=order.get)]
                try:
                    with connection.begin():
                        connection.exec_driver_sql("; ".join([*deletes, reset]))
                    return True
                except IntegrityError:
                    pass  # the TRUNCATE below
            with connection.begin():
                quoted = ", ".join(f'"{name}"' for name in holding_rows)
                if quoted:
                    connection.execute(text(f"TRUNCATE {quoted} CASCADE"))
                connection.execute(text(reset))
            return True
    except SQLAlchemyError:  # no alembic_version table, say: rebuild it
        return False


@functools.cache
def _children_first() -> dict[str, int]:
    """Each table's place in the emptying: a table that refers to others comes before them."""
    import quizapp.models  # noqa: F401  (every table in db.metadata)

    return {table.name: place for place, table in enumerate(reversed(db.metadata.sorted_tables))}


@functools.cache
def _engine_for_emptying(url: str) -> Engine:
    """One connection kept for the session (a new one costs a password exchange); it holds no
    lock between tests, as each emptying commits."""
    return create_engine(url, pool_size=1, max_overflow=0)


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file with every migration run, copied for each test: the copy costs a
    millisecond where the migrations cost a fifth of a second, hundreds of times over. The
    migrations themselves are tested from an empty database and from the previous release's
    (tests/test_database.py, tests/test_upgrade*.py)."""
    folder = tmp_path_factory.mktemp("migrated")
    template = folder / "quizapp.sqlite"
    _migrate(f"sqlite:///{template}", folder)
    return template


@pytest.fixture(autouse=True)
def _push_request_context() -> Iterator[None]:
    """Overrides pytest-flask's fixture of that name, which keeps one request context pushed
    for the whole test: requests would then share one app context (``g``, the database
    session), unlike production, where each request has its own."""
    yield


_AT_HEAD: set[str] = set()
"""Database URLs this fixture has just made ready at the newest migration (the app fixture
need not ask Alembic again)."""


@pytest.fixture
def database_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database at the newest migration, for this test alone."""
    if TEST_DATABASE_URL:
        _ensure_database(TEST_DATABASE_URL)
        if not _emptied_postgres(TEST_DATABASE_URL):
            _empty_postgres(TEST_DATABASE_URL)
            _migrate(TEST_DATABASE_URL, tmp_path)
        _AT_HEAD.add(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    database = tmp_path / "quizapp.sqlite"
    shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), database)
    url = f"sqlite:///{database}"
    _AT_HEAD.add(url)
    return url


class _TemplateCodeForTheSession(BytecodeCache):
    """Every test makes its own app, and each app's Jinja environment would compile the
    templates it renders again (a fifth of the suite's time): the apps of one pytest process
    share the compiled code instead, as one long-lived worker in production reuses its own.
    Jinja checks each template's source against the checksum of the code it stored."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _TemplateCodeForTheSession()


class _CompiledSqlForTheSession(MutableMapping[tuple[object, ...], object]):
    """SQLAlchemy compiles each statement once per engine and keeps the SQL in the engine's
    cache (and, for the ORM's INSERTs and UPDATEs, in each mapper's, keyed by the engine's
    dialect): every test makes its own app, so its own engine, whose empty cache compiled
    every statement again (a fifth of the suite's time). The engines of one pytest process
    share the compiled SQL instead, as one long-lived worker in production reuses its own
    engine's; each test's engine still opens its own connections to its own database.

    SQLAlchemy keys a compiled statement by the dialect object that compiled it; dialects
    that differ in nothing that shapes the SQL (their class, the server's version, the
    driver's parameter style: every setting that is a plain value, a module or a function)
    are taken here as one, the first of them."""

    def __init__(self, size: int) -> None:
        self._compiled: LRUCache[tuple[object, ...], object] = LRUCache(size)
        self._first: dict[tuple[object, ...], Dialect] = {}
        self._as: weakref.WeakKeyDictionary[Dialect, Dialect] = weakref.WeakKeyDictionary()

    def _key(self, key: tuple[object, ...]) -> tuple[object, ...]:
        dialect = key[0]
        if not isinstance(dialect, Dialect):
            return key
        first = self._as.get(dialect)
        if first is None:
            shape = (type(dialect), *sorted(_settings(dialect)))
            first = self._as[dialect] = self._first.setdefault(shape, dialect)
        return (first, *key[1:])

    def __getitem__(self, key: tuple[object, ...]) -> object:
        return self._compiled[self._key(key)]

    def get(self, key: tuple[object, ...], default: object = None) -> object:  # type: ignore[override]
        return self._compiled.get(self._key(key), default)

    def __setitem__(self, key: tuple[object, ...], value: object) -> None:
        self._compiled[self._key(key)] = value

    def __delitem__(self, key: tuple[object, ...]) -> None:
        del self._compiled[self._key(key)]

    def __iter__(self) -> Iterator[tuple[object, ...]]:
        return iter(self._compiled)

    def __len__(self) -> int:
        return len(self._compiled)


def _settings(dialect: Dialect) -> list[tuple[str, object]]:
    """A dialect's settings that are plain values, modules or functions (not its helper
    objects, made anew with each dialect: its identifier preparer, type compiler, memos)."""
    plain = (str, int, float, bool, type(None), tuple, types.ModuleType, types.FunctionType)
    return [(name, value) for name, value in vars(dialect).items() if isinstance(value, plain)]


_COMPILED_SQL = _CompiledSqlForTheSession(5000)


def _share_compiled_sql(engine: Engine) -> None:
    """Point the engine's statements and every mapper's INSERTs/UPDATEs at _COMPILED_SQL."""
    engine.update_execution_options(compiled_cache=_COMPILED_SQL)
    for mapper in db.Model.registry.mappers:
        _share_mapper_cache(mapper)


def _share_mapper_cache(mapper: Mapper[object]) -> None:
    # Mapper._compiled_cache is a memoized property (an LRU of 100 per mapper, keyed by dialect).
    mapper.__dict__["_compiled_cache"] = _COMPILED_SQL


@pytest.fixture
def app_config() -> dict[str, object]:
    """Settings a test module adds to the app's (override this fixture). The tests written
    before classes take quizzes that no class assigns, as a self-study site does."""
    return {"OPEN_QUIZZES": True}


@pytest.fixture
def app(tmp_path: Path, database_url: str, app_config: dict[str, object]) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "tests-only-secret",
            # Real scrypt at a lower cost: the suite makes hundreds of accounts
            # (tests/test_passwords.py checks a site's default).
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            **app_config,
        }
    )
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE
    with app.app_context():
        _share_compiled_sql(db.engine)
    if database_url not in _AT_HEAD:  # a test's own database (it overrides database_url)
        with app.app_context():
            upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Overrides pytest-flask's ``client``, which is opened with ``with``: that keeps the last
    request's context pushed, so the next request (even another client's) would reuse its
    ``g``, logged-in user included."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@contextmanager
def sql_statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the database receives while the block runs (for tests that check a
    page's statements do not grow with its questions or rows)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    with statement_listener(app, record):
        yield seen


@contextmanager
def statement_listener(app: Flask, listener: Callable[..., None]) -> Iterator[None]:
    """``listener`` called before each statement the app's engine sends while the block runs
    (SQLAlchemy's ``before_cursor_execute``: connection, cursor, statement, parameters,
    context, executemany)."""
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "the page has no CSRF token"
    return match.group(1)


class AuthActions:
    """Register, log in and out through the real forms (CSRF tokens included)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def register(self, username: str = "ada", password: str = "correct horse 1") -> TestResponse:
        page = self.client.get("/auth/register").get_data(as_text=True)
        return self.client.post(
            "/auth/register",
            data={
                "csrf_token": csrf_token(page),
                "username": username,
                "password": password,
                "confirm": password,
            },
        )

    def login(self, username: str = "ada", password: str = "correct horse 1") -> TestResponse:
        page = self.client.get("/auth/login").get_data(as_text=True)
        return self.client.post(
            "/auth/login",
            data={"csrf_token": csrf_token(page), "username": username, "password": password},
        )

    def logout(self) -> TestResponse:
        page = self.client.get("/").get_data(as_text=True)
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(page)})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def teacher(app: Flask, auth: AuthActions) -> AuthActions:
    """The client logged in as ms-lee, a teacher."""
    from quizapp.accounts import create_user

    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    auth.login("ms-lee", "teacher password")
    return auth


@pytest.fixture
def demo_app(app: Flask, runner: FlaskCliRunner) -> Flask:
    """The app with the demo bank imported through the CLI."""
    result = runner.invoke(args=["quiz", "import", str(DEMO_BANK)])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def quiz(demo_app: Flask, client: FlaskClient) -> QuizActions:
    from tests.quiz_actions import QuizActions

    return QuizActions(demo_app, client)


class QuizTaker:
    """A second browser session: a student who takes the demo quiz, answering the questions in
    ``right`` (slot positions) right and leaving the others blank; all right by default."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def take(self, username: str = "student-1", right: set[int] | None = None) -> int:
        from tests.quiz_actions import QuizActions

        client = self.app.test_client()
        AuthActions(client).register(username)
        actions = QuizActions(self.app, client)
        attempt_id = actions.start()
        answers = actions.right_answers(attempt_id)
        if right is not None:
            answers = {
                name: value
                for name, value in answers.items()
                if int(name[1:].split("-", 1)[0]) in right
            }
        actions.submit(attempt_id, answers)
        return attempt_id


@pytest.fixture
def take(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, auth: AuthActions, tmp_path: Path
):
    """Import a bank whose single quiz is ``quiz`` (YAML) over ``count`` questions, register a
    student, and return their quiz actions."""
    from tests.quiz_actions import QuizActions
    from tests.quiz_banks import make_bank

    def setup(quiz: str, count: int = 6) -> QuizActions:
        result = runner.invoke(args=["quiz", "import", make_bank(tmp_path, quiz, count)])
        assert result.exit_code == 0, result.output
        auth.register()
        return QuizActions(app, client)

    return setup


@pytest.fixture
def student(demo_app: Flask) -> QuizTaker:
    """Another student, in a client of their own, on the demo bank."""
    return QuizTaker(demo_app)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL (the second run of `make test`), only the tests that use a database: the
    others (question types, the bank reader, converters) do not depend on it, and the run on
    SQLite has run them already; nor those marked ``any_database``, which need an app but test
    what no database changes (a bank's validation in the command line, a server's header)."""
    if not TEST_DATABASE_URL:
        return
    kept, dropped = [], []
    for item in items:
        uses_database = "database_url" in getattr(item, "fixturenames", ())
        (kept if uses_database and not item.get_closest_marker("any_database") else dropped).append(
            item
        )
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_collection_finish(session: pytest.Session) -> None:
    """Python's cyclic garbage collector, left as it is, took about an eighth of a test
    process's CPU: each full collection walks every object alive, the imported app, libraries
    and test modules included, over and over. Once the tests are collected, those are moved
    out of its sight (``gc.freeze``, after a collection, so no garbage is frozen), and it runs
    less often: a test allocates a few hundred thousand objects (its app, its requests), and
    the default of a collection every 700 kept it busy with objects still in use."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
