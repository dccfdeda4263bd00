"""How fast commands start, and how much memory a worker holds after serving every kind of page.

    .venv/bin/python bench/startup_bench.py                 # 7 interleaved rounds (~1 min)
    .venv/bin/python bench/startup_bench.py --before REV    # also REV's code, in the same rounds
    .venv/bin/python bench/startup_bench.py --smoke         # one round, the demo bank, printed

**Start-up.** Each round runs, one after the other: ``python -c pass`` (the floor: the
interpreter alone), ``flask --app quizapp --help`` (the app factory and every module it
imports) and ``flask --app quizapp quiz validate questions/demo`` (a real command on a small
bank). The figure is the CPU time of the child process (user + system, steadier than the wall
clock on a shared machine), as the median of the rounds and as a ratio to the floor measured in
the same rounds. With ``--before REV`` the code of that git revision (exported to a temporary
folder, run with the same interpreter and packages) is measured in the same rounds, so before
and after see the same load.

**Memory.** A separate process (the stand-in for a web worker, without gunicorn) creates the
app on a database seeded beforehand by another process (migrated, the banks of ``questions/``
imported, a teacher and a student), then serves through Flask's test client one page of each
kind: login, the quiz list, an attempt page, a save, a submit, the result, the history with
its chart, the teacher's banks and bank page, a quiz's statistics with its chart, the answers
CSV and a Moodle XML export. Its resident set (``VmRSS``) and peak (``VmHWM``) are reported
after creating the app and after the pages. The full run replaces its own section of
docs/performance.md (between the markers below).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from report import machine, replace_section  # bench/ is the script's own folder

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"
BEGIN_MARK = "<!-- startup_bench: begin -->"
END_MARK = "<!-- startup_bench: end -->"
PASSWORD = "bench password 1"
HEAVY = (
    "alembic",
    "flask_migrate",
    "pygal",
    "zxcvbn",
    "defusedxml",
    "quizapp.interop",
    "pylti1p3",
    "requests",
    "jwt",
    "cryptography",
    "quizapp.catalog",
    "yaml",
    "markdown_it",
)
"""Modules that only some commands and pages need; reported if creating the app imports them."""


@dataclass(frozen=True)
class Case:
    name: str
    args: list[str]


def cases() -> list[Case]:
    flask = [sys.executable, "-m", "flask", "--app", "quizapp"]
    return [
        Case("`python -c pass` (the floor)", [sys.executable, "-c", "pass"]),
        Case("`flask --app quizapp --help`", [*flask, "--help"]),
        Case(
            "`flask --app quizapp quiz validate questions/demo`",
            [*flask, "quiz", "validate", str(REPO / "questions" / "demo")],
        ),
    ]


def export_revision(revision: str, target: Path) -> Path:
    """The tracked files of ``revision`` under ``target`` (git archive)."""
    data = subprocess.run(
        ["git", "archive", "--format=tar", revision], cwd=REPO, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as archive:
        archive.extractall(target, filter="data")
    return target


def run_once(case: Case, workdir: Path, source: Path) -> float:
    """CPU seconds of one run of ``case`` with the quizapp package of ``source``."""
    env = {
        **os.environ,
        "QUIZAPP_SECRET_KEY": "bench",
        "DATABASE_URL": f"sqlite:///{workdir / 'startup.sqlite'}",
        # Put first on the path, ahead of the editable install, so ``--before`` measures the
        # old code with the same interpreter and packages.
        "PYTHONPATH": str(source),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(case.args, cwd=workdir, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{case.name} failed:\n{result.stdout}{result.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_modules(source: Path, workdir: Path) -> list[str]:
    """Which of ``HEAVY`` creating the app imports, with the code of ``source``."""
    code = (
        "import sys, json; from quizapp import create_app; "
        f"create_app({{'INSTANCE_PATH': {str(workdir / 'instance')!r}, 'SECRET_KEY': 'x'}}); "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(source)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def bench_startup(
    rounds: int, sources: dict[str, Path], workdir: Path
) -> dict[tuple[str, str], list[float]]:
    """CPU seconds per (code, case), rounds interleaved: every case of every code each round."""
    times: dict[tuple[str, str], list[float]] = {}
    floor = cases()[0]
    for _ in range(rounds):
        times.setdefault(("", floor.name), []).append(run_once(floor, workdir, REPO))
        for label, source in sources.items():
            for case in cases()[1:]:
                times.setdefault((label, case.name), []).append(run_once(case, workdir, source))
    return times


# -- memory of a worker ---------------------------------------------------------------------

SEED = r"""
import sys
from flask_migrate import upgrade
from quizapp import create_app
from quizapp.accounts import create_user
app = create_app({"INSTANCE_PATH": sys.argv[2], "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "SECRET_KEY": "bench"})
with app.app_context():
    upgrade()
    create_user("teacher", sys.argv[3], is_teacher=True)
    create_user("student", sys.argv[3])
result = app.test_cli_runner().invoke(args=["quiz", "import", sys.argv[4]])
assert result.exit_code == 0, result.output
"""


def rss_kb() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process, in kB."""
    status = Path("/proc/self/status").read_text()
    found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
    return int(found["VmRSS"]), int(found["VmHWM"])


def serve_every_kind_of_page(url: str, instance: str) -> dict[str, object]:
    """Run in the child process: create the app, serve one page of each kind, report RSS."""
    from quizapp import create_app

    app = create_app(
        {"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url, "OPEN_QUIZZES": True}
    )
    created = rss_kb()
    client = app.test_client()
    statuses: dict[str, int] = {}

    def get(name: str, path: str) -> str:
        response = client.get(path)
        statuses[name] = response.status_code
        return response.get_data(as_text=True)

    def post(name: str, path: str, page: str, extra: dict[str, str]) -> str:
        response = client.post(path, data={**hidden_fields(page), **extra})
        statuses[name] = response.status_code
        return response.headers.get("Location", "")

    page = get("login", "/auth/login")
    post("log in", "/auth/login", page, {"username": "student", "password": PASSWORD})
    home = get("quiz list", "/")
    quiz = re.findall(r'href="(/quizzes/\d+)"', home)[0]
    page = get("quiz page", quiz)
    attempt = post("start", f"{quiz}/start", page, {})
    page = get("attempt page", attempt)
    post("save", attempt, page, {"save": "1"})
    page = get("attempt page", attempt)
    result = post("submit", attempt, page, {"submit": "1"})
    get("result", result or attempt)
    get("history", "/history")
    client.post("/auth/logout", data=hidden_fields(get("quiz list", "/")))
    page = get("login", "/auth/login")
    post("log in", "/auth/login", page, {"username": "teacher", "password": PASSWORD})
    banks = get("banks", "/teach/")
    bank = re.findall(r'href="(/teach/banks/\d+)"', banks)[0]
    get("bank page", bank)
    quiz_id = quiz.rsplit("/", 1)[1]
    get("statistics", f"/teach/reports/quizzes/{quiz_id}")
    get("answers.csv", f"/teach/reports/quizzes/{quiz_id}/answers.csv")
    get("export", f"/teach/interop/banks/{bank.rsplit('/', 1)[1]}/export?to=moodle-xml")
    served = rss_kb()
    return {"created": created, "served": served, "statuses": statuses}


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = value.group(1) if value else ""
    return fields


def bench_memory(source: Path, workdir: Path, label: str, banks: Path) -> dict[str, object]:
    url = f"sqlite:///{workdir / ('memory-' + label + '.sqlite')}"
    instance = workdir / "instance"
    instance.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{REPO / 'bench'}"}
    seed = [sys.executable, "-c", SEED, url, str(instance), PASSWORD, str(banks)]
    subprocess.run(seed, cwd=workdir, env=env, check=True, capture_output=True)
    child = (
        "import json, sys, startup_bench; "
        "print(json.dumps(startup_bench.serve_every_kind_of_page(sys.argv[1], sys.argv[2])))"
    )
    env["QUIZAPP_SECRET_KEY"] = "bench"
    output = subprocess.run(
        [sys.executable, "-c", child, url, str(instance)],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    report = json.loads(output.strip().splitlines()[-1])
    bad = {name: status for name, status in report["statuses"].items() if status >= 400}
    if bad:
        raise SystemExit(f"pages failed while measuring memory: {bad}")
    return report


# -- report ---------------------------------------------------------------------------------


def report(
    times: dict[tuple[str, str], list[float]],
    memory: dict[str, dict[str, object]],
    heavy: dict[str, list[str]],
    rounds: int,
) -> list[str]:
    floor_name = cases()[0].name
    floor = statistics.median(times[("", floor_name)])
    labels = list(memory)
    lines = [
        f"Start-up: CPU time of the child process, median of {rounds} interleaved round(s), "
        "and as a multiple of the floor measured in the same rounds.",
        "",
        "| Command | " + " | ".join(label or "now" for label in labels) + " |",
        "|---|" + "---:|" * len(labels),
        f"| {floor_name} | " + " | ".join(f"{floor * 1000:,.0f} ms (1×)" for _ in labels) + " |",
    ]
    for case in cases()[1:]:
        cells = []
        for label in labels:
            median = statistics.median(times[(label, case.name)])
            cells.append(f"{median * 1000:,.0f} ms ({median / floor:.1f}×)")
        lines.append(f"| {case.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Modules that only some commands or pages need, imported by creating the app: "
        + "; ".join(f"{label or 'now'}: {', '.join(heavy[label]) or 'none'}" for label in labels)
        + ".",
        "",
        "Memory of a worker stand-in (one process, the test client, one page of each kind: "
        "see the script's docstring):",
        "",
        "| | " + " | ".join(label or "now" for label in labels) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    for key, title in (("created", "after creating the app"), ("served", "after the pages")):
        cells = []
        for label in labels:
            rss, peak = memory[label][key]  # type: ignore[misc]
            cells.append(f"{rss / 1024:.1f} MB (peak {peak / 1024:.1f} MB)")
        lines.append(f"| resident set {title} | " + " | ".join(cells) + " |")
    return lines


def write_section(lines: list[str], header: str) -> None:
    body = [
        BEGIN_MARK,
        "## Start-up and a worker's memory (`bench/startup_bench.py`)",
        "",
        "Written by `bench/startup_bench.py`; see the script's docstring for what it does. "
        "Creating the app imports only what every request needs: Flask-Migrate (and with it "
        "Alembic, Mako and Pygments) is wired on first use (`quizapp/lazy_migrate.py`), pygal "
        "on the first chart, zxcvbn on the first new password, the interop converters (and "
        "defusedxml) on the first export or conversion, the LTI protocol (pylti1p3, requests, "
        "jwt, cryptography) on the first LTI request.",
        "",
        f"Measured on {header}.",
        "",
        *lines,
        END_MARK,
    ]
    replace_section("\n".join(body), BEGIN_MARK, END_MARK, DOC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="one round; print only")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--before", metavar="REV", help="also measure this git revision")
    args = parser.parse_args()
    rounds = 1 if args.smoke else args.rounds
    # The smoke run seeds the small demo bank only; the full run every bank of questions/.
    banks = REPO / "questions" / ("demo" if args.smoke else "")
    header = machine()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as workdir:
        work = Path(workdir)
        sources: dict[str, Path] = {}
        if args.before:
            label = f"before ({args.before})"
            sources[label] = export_revision(args.before, work / "before")
        sources[""] = REPO
        times = bench_startup(rounds, sources, work)
        heavy = {label: heavy_modules(source, work) for label, source in sources.items()}
        memory = {
            label: bench_memory(source, work, str(number), banks)
            for number, (label, source) in enumerate(sources.items())
        }
    lines = report(times, memory, heavy, rounds)
    print("\n".join(lines))
    print(f"({time.perf_counter() - began:.0f} s)")
    if not args.smoke:
        write_section(lines, header)
        print(f"Wrote the start-up section of {DOC.relative_to(REPO)}.")


if __name__ == "__main__":
    main()
