"""The load bench serves the app as the README tells a school to deploy it (issue 10: the burst
was measured with a keep-alive the README advised against, and the two must not drift apart)."""

from __future__ import annotations

import contextlib
import re
import shlex
import subprocess
import sys
from collections import Counter

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

import load_bench  # bench/ is not a package: its scripts import each other by name


def deploy_line() -> list[str]:
    """The README's gunicorn command with the environment it sets (``NAME=value`` first)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = [
        line
        for line in readme.splitlines()
        if re.match(r"(?:[A-Z_]+=\S+ +)*\S*bin/gunicorn ", line)
    ]
    assert len(lines) == 1, lines
    return shlex.split(lines[0])


def deploy_command() -> list[str]:
    return [word for word in deploy_line() if not re.match(r"[A-Z_]+=", word)]


def deploy_environment() -> dict[str, str]:
    words = deploy_line()
    settings = words[: next(i for i, word in enumerate(words) if word.endswith("gunicorn"))]
    return dict(word.split("=", 1) for word in settings)


def option(command: list[str], *names: str) -> str:
    for index, word in enumerate(command):
        if word in names:
            return command[index + 1]
    raise AssertionError(f"the README's gunicorn command has no {names[0]}: {command}")


def readmes_gunicorn(
    probe_app: str,
    unset: tuple[str, ...] = (),
    workers: int = 1,
    threads: int = 1,
    extra: tuple[str, ...] = (),
) -> load_bench.Gunicorn:
    """A real gunicorn (not yet started) serving a probe app of tests/data with the README's
    config and environment, and its worker class (the config's); ``unset``: environment
    variables the workers must not see; ``extra``: more of its command line."""
    env = {**load_bench.os.environ, "PYTHONDONTWRITEBYTECODE": "1", **deploy_environment()}
    for name in unset:
        env.pop(name, None)
    return load_bench.Gunicorn(
        probe_app,
        env,
        workers=workers,
        threads=threads,
        extra=("-c", option(deploy_command(), "-c"), *extra),
        pythonpath=REPO / "tests" / "data",
        worker_class=None,
    )


def served_with_the_readmes_config(
    probe_app: str, unset: tuple[str, ...] = (), paths: tuple[str, ...] = ("/",)
) -> str:
    """What a probe app of tests/data answers to the last of ``paths`` (each asked with ``GET``
    in turn, on one connection) when a real gunicorn, started with the README's config and
    environment (one worker, one thread), serves it; ``unset``: environment variables the
    worker must not see."""
    probe = readmes_gunicorn(probe_app, unset=unset)
    connection = load_bench.http.client.HTTPConnection("127.0.0.1", probe.port, timeout=30)
    with probe, contextlib.closing(connection):
        for path in paths:
            connection.request("GET", path)
            answer = connection.getresponse().read().decode()
    return answer


def test_the_bench_keeps_connections_alive_as_the_readme_deploys() -> None:
    command = deploy_command()
    assert int(option(command, "--keep-alive")) == load_bench.KEEP_ALIVE
    parser_defaults = load_bench.parse_args([])
    assert parser_defaults.keep_alive == load_bench.KEEP_ALIVE
    assert parser_defaults.threads == int(option(command, "--threads"))


def test_the_keep_alive_outlasts_the_burst() -> None:
    """Connections answered early in the burst stay open while the others are served: closed
    under wrk, they were counted as socket errors and reopened into gunicorn's threads."""
    assert load_bench.KEEP_ALIVE > load_bench.BURST_SECONDS


def test_the_bench_serves_with_the_readmes_gunicorn_config() -> None:
    config = option(deploy_command(), "-c")
    assert config == load_bench.GUNICORN_CONFIG
    assert load_bench.parse_args([]).config == config


def test_the_bench_runs_gunicorn_with_the_readmes_environment() -> None:
    assert deploy_environment() == {"PYTHONOPTIMIZE": str(load_bench.OPTIMIZE)}
    assert load_bench.parse_args([]).optimize == load_bench.OPTIMIZE


def test_workers_deployed_as_the_readme_says_keep_no_docstrings() -> None:
    """Issue 10, a worker's memory: the libraries' docstrings (SQLAlchemy's, Werkzeug's,
    pydantic's...) cost each worker 5-6 MB it never serves (docs/performance.md, session 9).
    A real gunicorn started as the README says serves a probe app that answers its
    optimisation level and whether Jinja's ``Environment.get_template`` kept its docstring."""
    assert served_with_the_readmes_config("optimize_probe_app:app") == "2 False"


def test_workers_deployed_as_the_readme_says_take_what_they_loaded_out_of_gc_walks() -> None:
    """Issue 10, the submit under gunicorn: every full collection walked the ~130,000 objects
    a loaded worker keeps for life (0.1 s under some request). The README's config freezes
    them once the worker has loaded its app; a real gunicorn started with that config serves
    a probe app that answers with ``gc.get_freeze_count()``."""
    frozen = int(served_with_the_readmes_config("gc_probe_app:app").split()[0])
    assert frozen > 1000, frozen


def test_workers_deployed_as_the_readme_says_collect_young_objects_less_often() -> None:
    """A submit paid about one young collection (0.28 ms of CPU) at Python's threshold of 700
    objects; the README's config raises it (``YOUNG_OBJECTS_BEFORE_COLLECTION``) and keeps the
    older generations' thresholds. A real gunicorn started with that config serves a probe app
    that answers with ``gc.get_threshold()``, against a plain Python's."""
    from quizapp.gunicorn_conf import YOUNG_OBJECTS_BEFORE_COLLECTION

    plain = subprocess.run(
        [sys.executable, "-c", "import gc; print(*gc.get_threshold())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    served = served_with_the_readmes_config("gc_probe_app:app").split()[1:]
    assert served == [str(YOUNG_OBJECTS_BEFORE_COLLECTION), *plain[1:]], (served, plain)
    assert int(plain[0]) < YOUNG_OBJECTS_BEFORE_COLLECTION


def test_workers_deployed_as_the_readme_says_share_two_malloc_arenas() -> None:
    """glibc gives each new thread a malloc arena of its own, and each keeps what was freed
    in it: a worker's threads kept 0.7 to 2 MB more than two arenas do. A real gunicorn with
    the README's config serves a probe app that counts the arenas once four threads allocate
    at the same time (five without the cap: the main one and one per thread)."""
    assert int(served_with_the_readmes_config("arena_probe_app:app", ("MALLOC_ARENA_MAX",))) == 2


def test_workers_deployed_as_the_readme_says_give_freed_memory_back() -> None:
    """A worker's resident size after the load bench counted memory glibc kept after peaks
    (big pages, exports, the burst). With the README's config a worker trims its C heap every
    ``TRIM_EVERY`` requests: a probe app leaves 70 MB of freed holes in its heap, and after
    that many requests its resident size has dropped by most of them."""
    from quizapp.gunicorn_conf import TRIM_EVERY

    fragmented = int(served_with_the_readmes_config("trim_probe_app:app", paths=("/fragment",)))
    trimmed = int(
        served_with_the_readmes_config(
            "trim_probe_app:app", paths=("/fragment", *["/"] * TRIM_EVERY)
        )
    )
    assert fragmented > 60_000, fragmented  # kB: the holes are counted before a trim
    assert trimmed < fragmented - 40_000, (fragmented, trimmed)


def test_workers_deployed_as_the_readme_says_trim_at_once_after_a_request_that_grew_them() -> None:
    """The statistics page left about 4 MB of freed memory in a worker's heap, kept until the
    ``TRIM_EVERY``-th request (docs/performance.md, session 8). With the README's config a
    worker whose resident size grew by ``TRIM_AFTER_GROWTH`` since its last trim trims after
    that very request: the probe app's 70 MB of holes are gone by the next answer."""
    from quizapp.gunicorn_conf import TRIM_AFTER_GROWTH, TRIM_EVERY

    assert TRIM_EVERY > 2 and TRIM_AFTER_GROWTH < 60_000 * 1024
    fragmented = int(served_with_the_readmes_config("trim_probe_app:app", paths=("/fragment",)))
    after = int(served_with_the_readmes_config("trim_probe_app:app", paths=("/fragment", "/")))
    assert fragmented > 60_000, fragmented  # kB: the holes are counted before a trim
    assert after < fragmented - 40_000, (fragmented, after)


def test_workers_deployed_as_the_readme_says_trim_when_they_fall_idle() -> None:
    """What a busy spell leaves below ``TRIM_AFTER_GROWTH`` (a burst of submits left 1-3 MB a
    worker, counted by the load bench after its run: docs/performance.md, session 8) is given
    back once the worker's last request in flight has ended: the probe's ~2.7 MB of holes,
    left by one request on an otherwise idle worker, are gone by the next answer."""
    from quizapp.gunicorn_conf import TRIM_AFTER_GROWTH, TRIM_WHEN_IDLE

    blocks = 1_500  # 3 MB allocated, nine blocks in ten freed: growth under TRIM_AFTER_GROWTH
    assert TRIM_WHEN_IDLE < blocks * 2048 * 0.9 < TRIM_AFTER_GROWTH
    fragment = f"/fragment?blocks={blocks}"
    fragmented = int(served_with_the_readmes_config("trim_probe_app:app", paths=("/", fragment)))
    after = int(served_with_the_readmes_config("trim_probe_app:app", paths=("/", fragment, "/")))
    assert after < fragmented - 1_000, (fragmented, after)  # kB


def test_the_bench_serves_with_the_readmes_worker_class() -> None:
    """Both of the bench's servers (the app and the hello-world ceiling) run the worker class
    the README's config names."""
    from quizapp import gunicorn_conf

    assert gunicorn_conf.worker_class == load_bench.WORKER_CLASS


def test_workers_deployed_as_the_readme_says_share_out_connections_opened_together() -> None:
    """Issue 10, p99 under load: gunicorn's workers all wait on one socket and whichever wakes
    first takes each new connection for as long as it is kept alive, so of 16 connections
    opened together one worker of four often took 7 to 13 while others took one
    (docs/performance.md, "Session 20"). A real gunicorn started as the README says (its
    workers, threads, keep-alive and config) serves a probe app that answers its worker's
    process id: as many connections as the workers have threads, opened together, are each
    held by a worker with no more than two beyond one a thread, and every worker holds some;
    one more is still answered."""
    command = deploy_command()
    workers, threads = int(option(command, "-w", "--workers")), int(option(command, "--threads"))
    server = readmes_gunicorn(
        "worker_probe_app:app",
        workers=workers,
        threads=threads,
        extra=("--keep-alive", option(command, "--keep-alive")),
    )
    with server:
        # A worker takes connections once it has booted (its config hooks import part of the
        # app: seconds on a busy machine). Until every one has, the others share them out
        # among themselves; measure again until every worker answered (a minute at most).
        deadline = load_bench.time.monotonic() + 60
        while True:
            held, late_worker = _connections_held(server.port, workers * threads)
            if len(held) == workers or load_bench.time.monotonic() > deadline:
                break
            load_bench.time.sleep(1)
    assert late_worker in held
    assert len(held) == workers, held
    assert max(held.values()) <= threads + 2 and min(held.values()) >= threads - 2, held


def _connections_held(port: int, count: int) -> tuple[Counter[str], str]:
    """Open ``count`` connections together, then send a request on each: how many each worker
    (by process id) answered; and which worker answered one more connection opened while
    those are held (every worker holding a connection for each of its threads, one of them
    takes it: the first awake, as none holds fewer than another)."""
    connections = [
        load_bench.http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(count)
    ]
    with contextlib.ExitStack() as closing:
        for connection in connections:
            closing.callback(connection.close)
            connection.connect()
        for connection in connections:
            connection.request("GET", "/")
        held = Counter(connection.getresponse().read().decode() for connection in connections)
        late = load_bench.http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        closing.callback(late.close)
        late.request("GET", "/")
        answer = late.getresponse()
        assert answer.status == 200
        return held, answer.read().decode()


def test_a_worker_that_exits_is_taken_off_the_table_of_connections() -> None:
    """The workers' shared table of connections held: a worker that holds more than another
    waits for it to take a new connection. When a worker exits, gunicorn's master calls the
    config's ``child_exit``, which empties its slot: the others no longer wait for it."""
    from types import SimpleNamespace

    from quizapp import gunicorn_conf, gunicorn_worker

    live, exited = SimpleNamespace(age=1001), SimpleNamespace(age=1002)
    gunicorn_worker.write_held(gunicorn_worker.slot_of(live.age), 6)
    gunicorn_worker.write_held(gunicorn_worker.slot_of(exited.age), 2)
    own_slot = gunicorn_worker.slot_of(live.age)
    try:
        assert gunicorn_worker.fewest_held_by_others(own_slot) == 2
        gunicorn_conf.child_exit(None, exited)
        assert gunicorn_worker.fewest_held_by_others(own_slot) is None
    finally:
        gunicorn_worker.vacate(live.age)
        gunicorn_worker.vacate(exited.age)
