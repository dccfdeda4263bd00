"""The authoring guide at /guide, and the files it offers for download.

The guide is public (it is documentation, and a teacher-to-be reads it before having an
account); the example bank and the JSON Schema are downloads, so an editor's YAML language
server can use the schema offline.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue

from quizapp.bank.schema import bank_json_schema_text
from quizapp.guide.render import EXAMPLE_BANK_FILE, packaged_guide, read_packaged

blueprint = Blueprint("guide", __name__, url_prefix="/guide")


@blueprint.route("/")
def guide() -> ResponseReturnValue:
    """The authoring guide, rendered from docs/authoring.md."""
    return render_template("guide/guide.html", guide=packaged_guide())


@blueprint.route("/example-bank.yaml")
def example_bank() -> ResponseReturnValue:
    """The demo bank (one question of every type), to download and edit."""
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
