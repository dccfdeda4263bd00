"""The score-over-time chart as inline SVG, drawn on the server by pygal (no JavaScript).

pygal always embeds a small ``<script>`` holding its config for its optional JS tooltips; the
page uses none, so it is removed. The rendering is cached by its data: the same points always
give the same picture, so the cache is correct in any number of processes.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from markupsafe import Markup, escape

from quizapp.history import ScoreHistory
from quizapp.progress._pygal import Style, pygal

PERIOD_LABELS = {"day": "%d %b %Y", "week": "w/c %d %b %Y", "month": "%b %Y", "year": "%Y"}
"""How a point's date reads on the axis, by the period it stands for."""

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#373c44",
    foreground_strong="#373c44",
    foreground_subtle="#8891a4",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    guide_stroke_color="#e3e7ee",
    guide_stroke_dasharray="0",
    major_guide_stroke_color="#c5ccd8",
    major_guide_stroke_dasharray="0",
    stroke_width=2.5,
    stroke_width_hover=2.5,
    colors=("#0172ad", "#c2410c", "#15803d", "#7c3aed", "#be123c", "#0f766e", "#a16207"),
)

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)

Line = tuple[str, tuple[tuple[date, float], ...]]


def score_chart(history: ScoreHistory, label: str) -> Markup:
    """The chart as an ``<svg role="img">`` named by ``label``; empty when nothing to draw."""
    lines = tuple(
        (series.title, tuple((point.start, round(point.average, 1)) for point in series.points))
        for series in history.series
    )
    if not lines:
        return Markup("")
    svg = _render(lines, history.period)
    # pygal builds the SVG with ElementTree, which escapes every text and attribute (quiz
    # titles included), so its output is markup; the label is escaped here.
    named = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(named)  # noqa: S704


@lru_cache(maxsize=64)
def _render(lines: tuple[Line, ...], period: str) -> str:
    label_format = PERIOD_LABELS[period]
    chart = pygal.DateLine(
        js=[],
        disable_xml_declaration=True,
        style=STYLE,
        width=800,
        height=340,
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
        value_formatter=lambda value: f"{value:.0f}%",
        x_value_formatter=lambda when: when.strftime(label_format),
        x_label_rotation=20,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(lines), 4),
        legend_box_size=14,
        truncate_legend=32,
        show_legend=len(lines) > 1,
        dots_size=4,
        margin=16,
        spacing=14,
    )
    for title, points in lines:
        chart.add(title, list(points))
    return _SCRIPT.sub("", chart.render(is_unicode=True))
