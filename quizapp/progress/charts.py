"""The score-over-time chart as inline SVG, drawn on the server by pygal (no JavaScript).

The rendering is cached by its data: the same points always give the same picture, so the
cache is correct in any number of processes.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from flask_babel import gettext as _
from markupsafe import Markup, escape

from quizapp import charts
from quizapp.charts import BASE_OPTIONS, WIDTH, as_image, palette, pygal, render, style
from quizapp.history import ScoreHistory
from quizapp.i18n import DEFAULT_LANGUAGE, current_language, local_datetime, local_period_start

PERIOD_LABELS = {
    "attempt": "%d %b %H:%M",
    "day": "%d %b %Y",
    "week": "w/c %d %b %Y",
    "month": "%b %Y",
    "year": "%Y",
}
"""How a point's date reads on the axis, by the period it stands for."""

STYLE = style(
    legend_font_size=15,
    stroke_width=2.5,
    stroke_width_hover=2.5,
    colors=palette(
        ("#0172ad", "#c2410c", "#15803d", "#7c3aed", "#be123c", "#0f766e", "#a16207"), 21
    ),
)

NAME = "score-history"
"""The chart's id is ``chart-score-history``; ``static/charts.css`` styles it."""

Line = tuple[str, tuple[tuple[date | datetime, float], ...]]


def score_chart(history: ScoreHistory, label: str) -> Markup:
    """The chart as an ``<svg role="img">`` named by ``label``; empty when nothing to draw."""
    lines = tuple(
        (series.title, tuple((point.start, round(point.average, 1)) for point in series.points))
        for series in history.series
    )
    if not lines:
        return Markup("")
    image = _render(lines, history.period, current_language())
    return as_image(image, f'aria-label="{escape(label)}"')


@lru_cache(maxsize=64)
def _render(lines: tuple[Line, ...], period: str, _language: str) -> str:
    # The language is part of the cache's key: the axis reads in it.
    return render(_chart(lines, period), NAME)


def _axis_date(when: datetime, period: str, english: str) -> str:
    """A point's date on the axis: as before in English, by Babel in the other languages."""
    if current_language() == DEFAULT_LANGUAGE:
        return when.strftime(english)
    if period == "attempt":
        return local_datetime(when)
    start = local_period_start(when, period)
    return _("w/c %(date)s", date=start) if period == "week" else start


def _chart(lines: tuple[Line, ...], period: str) -> pygal.DateTimeLine:
    label_format = PERIOD_LABELS[period]
    # Each attempt is placed at its time of day (DateLine would put all of a day's on 00:00).
    kind = pygal.DateTimeLine if period == "attempt" else pygal.DateLine
    chart = kind(
        **BASE_OPTIONS,
        style=STYLE,
        width=WIDTH,
        height=330,
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
        value_formatter=lambda value: f"{value:.0f}%",
        x_value_formatter=lambda when: _axis_date(when, period, label_format),
        x_label_rotation=30,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(lines), 2),
        legend_box_size=14,
        truncate_legend=32,
        show_legend=len(lines) > 1,
        dots_size=4,
        spacing=14,
    )
    for title, points in lines:
        chart.add(title, list(points))
    return chart


def stylesheet() -> str:
    """This chart's rules for ``static/charts.css``: drawn with a series per colour."""
    sample = tuple((f"{n}", ((date(2025, 1, 1), 50.0),)) for n in range(len(STYLE.colors)))
    return charts.stylesheet(_chart(sample, "day"), NAME)
