"""The authoring guide served by the app (/guide), its downloads, and its shipping."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from quizapp.accounts import create_user
from quizapp.bank.loader import load_bank_bytes
from quizapp.bank.schema import bank_json_schema_text
from quizapp.guide.render import render_guide
from tests.conftest import DEMO_BANK, REPO

DOC = REPO / "docs" / "authoring.md"


def test_the_guide_is_docs_authoring_md_with_anchors_and_examples(client):
    response = client.get("/guide/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    doc = DOC.read_text(encoding="utf-8")
    # Every section of the file is on the page, each heading with an id the contents link to.
    for heading in re.findall(r"^#{2,3} (.+)$", doc, flags=re.M):
        text = heading.replace("`", "")
        assert re.search(rf'<h[23] id="([^"]+)">{re.escape(_html(heading))}</h[23]>', page), text
    assert '<a href="#a-whole-bank">A whole bank</a>' in page
    # The examples come through as code blocks.
    assert '<pre><code class="language-yaml">bank: solar-system' in page
    # Nothing inline for the Content-Security-Policy to block.
    assert "<script" not in page and " style=" not in page and "<style" not in page


def _html(markdown_heading: str) -> str:
    """A heading as markdown-it renders it (code spans as <code>, & escaped)."""
    escaped = markdown_heading.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def test_raw_html_and_script_links_in_the_file_are_not_passed_through():
    guide = render_guide(
        "# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1))\n\n## Part\n"
    )
    assert "<script" not in guide.html and "<img" not in guide.html
    assert "&lt;script&gt;" in guide.html
    assert 'href="javascript' not in guide.html
    assert guide.title == "Title"
    assert [h.anchor for h in guide.contents] == ["part"]


def test_the_example_bank_and_schema_download(app, client, auth):
    # The example bank is the demo bank, whose quiz students take: its key is for teachers.
    assert client.get("/guide/example-bank.yaml").status_code == 302
    auth.register()
    assert client.get("/guide/example-bank.yaml").status_code == 403
    auth.logout()
    with app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    auth.login("ms-lee", "teacher password")
    response = client.get("/guide/example-bank.yaml")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="example-bank.yaml"'
    assert response.data == (DEMO_BANK / "demo.yaml").read_bytes()
    assert load_bank_bytes(response.data, "example-bank.yaml").questions
    response = client.get("/guide/bank.schema.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert json.loads(response.data) == json.loads(bank_json_schema_text())


def test_the_upload_page_and_bank_page_link_the_guide(demo_app, client, auth):
    with demo_app.app_context():
        create_user("ms-lee", "teacher password", is_teacher=True)
    auth.login("ms-lee", "teacher password")
    banks = client.get("/teach/").get_data(as_text=True)
    assert 'href="/guide/"' in banks and 'href="/guide/example-bank.yaml"' in banks
    bank_link = re.search(r'href="(/teach/banks/\d+)"', banks)
    assert bank_link
    assert 'href="/guide/"' in client.get(bank_link.group(1)).get_data(as_text=True)


def test_an_installed_copy_ships_the_guide_and_serves_it(tmp_path: Path):
    """A plain ``pip install .`` (not the editable install) still has the guide: setuptools'
    ``build_py`` (the step of a wheel build that copies the package and its package-data)
    puts the guide and the example bank in the package, and the app serves them from there."""
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
         "--build-lib", str(site)],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    packaged = site / "quizapp" / "guide"
    assert not (packaged / "authoring.md").is_symlink()
    assert (packaged / "authoring.md").read_bytes() == DOC.read_bytes()
    assert (packaged / "example-bank.yaml").read_bytes() == (DEMO_BANK / "demo.yaml").read_bytes()
    script = textwrap.dedent(
        f"""
        import quizapp
        assert quizapp.__file__.startswith({str(site)!r}), quizapp.__file__
        app = quizapp.create_app({{"TESTING": True, "SECRET_KEY": "x",
            "INSTANCE_PATH": {str(tmp_path / "instance")!r},
            "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path / "db.sqlite"}"}})
        page = app.test_client().get("/guide/")
        assert page.status_code == 200, page.status_code
        assert 'id="a-whole-bank"' in page.get_data(as_text=True)
        print("served")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        check=False,
    )
    assert result.stdout.strip() == "served", result.stderr
