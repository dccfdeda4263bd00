"""Server-side SVG charts with pygal: what every chart of the app shares.

Charts are drawn on the server so pages read without JavaScript and nothing comes from a CDN:
``js=[]`` keeps pygal's tooltip script out, and the small config ``<script>`` it still embeds is
stripped. Every chart is named for screen readers, and its page gives the figures in a table.

pygal appends to ``sys.meta_path`` a legacy importer for its optional map plugins (unused here).
It has no ``find_spec``, so on Python 3.11 every failed import anywhere in the process (Flask
looking for the optional python-dotenv, say) then raises an ImportWarning, which the test
suite's "error" filter turns into a failure; it is taken out as soon as pygal is imported.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pygal
from markupsafe import Markup

sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

from pygal.style import Style  # noqa: E402  (already loaded by pygal itself)

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

BASE_STYLE: dict[str, Any] = {
    "background": "transparent",
    "plot_background": "transparent",
    "foreground": "#373c44",
    "foreground_strong": "#373c44",
    "foreground_subtle": "#8891a4",
    "font_family": FONT,
    "label_font_size": 13,
    "major_label_font_size": 13,
    "guide_stroke_color": "#e3e7ee",
    "guide_stroke_dasharray": "0",
    "major_guide_stroke_color": "#c5ccd8",
    "major_guide_stroke_dasharray": "0",
}
"""The house look, matched to the stylesheet; each chart adds its own colours and sizes."""

BASE_OPTIONS: dict[str, Any] = {"js": [], "disable_xml_declaration": True, "margin": 16}

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def style(**overrides: Any) -> Style:
    return Style(**{**BASE_STYLE, **overrides})


def render(chart: Any) -> str:
    """The chart's SVG, without the script pygal embeds."""
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def as_image(svg: str, attributes: str) -> Markup:
    """The SVG as markup, its root given ``role="img"`` and the naming ``attributes``.

    pygal builds the SVG with ElementTree, which escapes every text and attribute (titles from
    banks included), so its output is markup; callers escape what they put in ``attributes``.
    """
    return Markup(svg.replace("<svg ", f'<svg role="img" {attributes} ', 1))  # noqa: S704


__all__ = ["BASE_OPTIONS", "as_image", "pygal", "render", "style"]
