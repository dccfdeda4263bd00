"""The score histogram as inline SVG, drawn on the server by pygal (no JavaScript, no CDN).

pygal's generic ``<title>Pygal</title>`` becomes the chart's own title and a ``<desc>`` says
what the bars show, for screen readers (the page gives the figures in a table too). The
rendering is cached by its data, which is correct in any number of processes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from markupsafe import Markup, escape

from quizapp import charts
from quizapp.charts import BASE_OPTIONS, WIDTH, as_image, pygal, render, style
from quizapp.i18n import current_language

if TYPE_CHECKING:
    from quizapp.stats import Band

STYLE = style(value_font_size=13, colors=("#0172ad",))

NAME = "score-histogram"
"""The chart's id is ``chart-score-histogram``; ``static/charts.css`` styles it."""

_PYGAL_TITLE = "<title>Pygal</title>"


def histogram(bands: Sequence[Band], title: str, description: str) -> Markup:
    """The bars as ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>``."""
    if not any(band.attempts for band in bands):
        return Markup("")
    svg = _render(tuple((band.label, band.attempts) for band in bands), current_language())
    named = svg.replace(
        _PYGAL_TITLE,
        f'<title id="report-histogram-title">{escape(title)}</title>'
        f'<desc id="report-histogram-desc">{escape(description)}</desc>',
        1,
    )
    return as_image(
        named,
        'aria-labelledby="report-histogram-title" aria-describedby="report-histogram-desc"',
    )


def _count_labels(highest: int) -> list[int]:
    """Whole-number axis labels, about five of them (pygal would draw 0.5 steps)."""
    step = max(1, math.ceil(highest / 5))
    return list(range(0, highest + step + 1, step))


@lru_cache(maxsize=64)
def _render(bars: tuple[tuple[str, int], ...], _language: str) -> str:
    # The language is part of the cache's key: the axes' titles read in it.
    return render(_chart(bars), NAME)


def _chart(bars: tuple[tuple[str, int], ...]) -> pygal.Bar:
    chart = pygal.Bar(
        **BASE_OPTIONS,
        style=STYLE,
        width=WIDTH,
        height=340,
        show_legend=False,
        print_values=True,
        x_title=_("Score"),
        y_title=_("Attempts"),
        x_label_rotation=40,
        spacing=12,
        min_scale=4,
        max_scale=8,
        value_formatter=lambda value: f"{value:.0f}",
        y_labels=_count_labels(max(count for _, count in bars)),
    )
    chart.x_labels = [label for label, _ in bars]
    chart.add(_("Attempts"), [count for _label, count in bars])
    return chart


def stylesheet() -> str:
    """This chart's rules for ``static/charts.css``."""
    return charts.stylesheet(_chart((("0–10%", 1),)), NAME)
