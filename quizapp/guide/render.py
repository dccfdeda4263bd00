"""The authoring guide as HTML: docs/authoring.md rendered by markdown-it-py, safely.

Why markdown-it-py: it is CommonMark-exact (the guide's tables, fenced examples and nested
lists render as GitHub shows them), and with ``html`` off it escapes any raw HTML in the file
rather than passing it through, and refuses ``javascript:`` links, so nothing the file says can
run in a teacher's browser; no sanitiser is needed after it. Headings get ids (mdit-py-plugins'
anchors) so a section can be linked to, and a table of contents is made from the same tokens.
Tables are wrapped in a focusable ``div.table-scroll`` so they scroll on a phone (by keyboard
too) instead of widening the page; code blocks wrap. Nothing here imports Flask: the view
only serves the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

GUIDE_FILE = "authoring.md"
"""In the package, a link to ``docs/authoring.md`` (the same file; see pyproject's
package-data): the repository keeps one guide, and an installed app still has it."""

EXAMPLE_BANK_FILE = "example-bank.yaml"
"""In the package, a link to ``questions/demo/demo.yaml``: one question of every type."""


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Guide:
    title: str
    html: str
    contents: list[Heading]


def read_packaged(name: str) -> bytes:
    """A file shipped in ``quizapp/guide`` (the guide or the example bank)."""
    return resources.files(__package__).joinpath(name).read_bytes()


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.use(anchors_plugin, min_level=1, max_level=3, permalink=False)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


def _table_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    # Focusable, so a keyboard can scroll a wide table on a phone (axe: scrollable-region).
    return '<div class="table-scroll" tabindex="0">' + self.renderToken(tokens, idx, options, env)


def _table_close(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def render_guide(text: str) -> Guide:
    """The guide's HTML (its first heading left out: the page shows it as its title) and a
    table of contents of its second- and third-level headings."""
    md = _markdown()
    tokens = md.parse(text)
    title = "Writing question banks"
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        title = _inline_text(tokens[1])
        tokens = tokens[3:]
    contents = [
        Heading(int(token.tag[1]), str(token.attrs.get("id", "")), _inline_text(tokens[i + 1]))
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag in ("h2", "h3")
    ]
    html = md.renderer.render(tokens, md.options, {})
    return Guide(title=title, html=html, contents=contents)


def _inline_text(inline: Any) -> str:
    """A heading's text as read (code spans included, without their backticks)."""
    return "".join(child.content for child in inline.children or [])


@lru_cache(maxsize=1)
def packaged_guide() -> Guide:
    """The guide shipped with the app, rendered once per process (it changes with a release)."""
    return render_guide(read_packaged(GUIDE_FILE).decode("utf-8"))
