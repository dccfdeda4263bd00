"""``bench/submit_bench.py --baseline DIR`` serves the app of DIR, another checkout (session 12
found that it had served this checkout's: gunicorn's config file imports ``quizapp`` from the
current directory before ``--chdir`` applies, so the comparisons of session 11 measured one
code twice). The baseline's workers check what they serve and refuse to start otherwise."""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

import load_bench  # bench/ is not a package: its scripts import each other by name


def serve_probe(tree: Path, cwd: Path) -> str:
    """What the probe answers when served as the baseline of ``tree``, gunicorn started in
    ``cwd``: the path of the ``quizapp`` its worker imported."""
    env = {
        **load_bench.os.environ,
        "PYTHONPATH": f"{tree}:{REPO / 'tests' / 'data'}",
        "BENCH_EXPECT_APP_IN": str(tree),
    }
    probe = load_bench.Gunicorn(
        "app_path_probe_app:app",
        env,
        workers=1,
        threads=1,
        extra=("-c", str(REPO / "bench" / "gunicorn_profile.py"), "--chdir", str(tree)),
        cwd=cwd,
    )
    connection = load_bench.http.client.HTTPConnection("127.0.0.1", probe.port, timeout=30)
    with probe, contextlib.closing(connection):
        connection.request("GET", "/")
        return connection.getresponse().read().decode()


@pytest.fixture
def other_checkout(tmp_path: Path) -> Path:
    """A copy of the app in a directory of its own, as a ``git worktree`` would hold it."""
    tree = tmp_path / "baseline"
    shutil.copytree(
        REPO / "quizapp", tree / "quizapp", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tree


def test_the_baseline_is_served_from_its_own_tree(other_checkout: Path) -> None:
    served = Path(serve_probe(other_checkout, cwd=other_checkout))
    assert served.is_relative_to(other_checkout)


def test_a_worker_that_would_serve_another_tree_refuses_to_start(other_checkout: Path) -> None:
    """Started from this checkout (as the bench did), the worker imports this checkout's app:
    it refuses, and gunicorn stops."""
    with pytest.raises(SystemExit, match="exited at start"):
        serve_probe(other_checkout, cwd=REPO)
