"""The authoring guide at /guide, and the files it offers for download.

The guide and the schema are public (documentation: a teacher-to-be reads them before having
an account). The example bank is for teachers only: it is the demo bank, whose quiz students
take, so its answer key must not reach a student.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue

from quizapp.bank.schema import bank_json_schema_text
from quizapp.teacher.views import teacher_required

blueprint = Blueprint("guide", __name__, url_prefix="/guide")


@blueprint.route("/")
def guide() -> ResponseReturnValue:
    """The authoring guide, rendered from docs/authoring.md."""
    # On first use: markdown-it (70 modules) is for this page only (docs/performance.md,
    # session 10).
    from quizapp.guide.render import packaged_guide

    return render_template("guide/guide.html", guide=packaged_guide())


@blueprint.route("/example-bank.yaml")
@teacher_required
def example_bank() -> ResponseReturnValue:
    """The demo bank (one question of every type), to download and edit."""
    from quizapp.guide.render import EXAMPLE_BANK_FILE, read_packaged

    return _download(read_packaged(EXAMPLE_BANK_FILE), "example-bank.yaml", "application/yaml")


@blueprint.route("/bank.schema.json")
def schema() -> ResponseReturnValue:
    """The JSON Schema of a bank file, generated from the models as ``quiz schema`` prints it."""
    return _download(
        bank_json_schema_text().encode("utf-8"), "bank.schema.json", "application/schema+json"
    )


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
