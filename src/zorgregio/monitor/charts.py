"""Server-rendered inline SVG charts: no JavaScript, no external assets.

Series differ in line style and marker shape as well as colour, each line is labelled at its
end, and every chart sits next to a table with its numbers, so no meaning rests on colour.
Hidden (suppressed) or missing values leave a gap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe

STYLES = [
    {"color": "#154273", "dash": "", "marker": "circle"},
    {"color": "#a01c16", "dash": "6 4", "marker": "square"},
    {"color": "#275937", "dash": "2 3", "marker": "triangle"},
    # Two more for the scenario comparison (the baseline and up to four scenarios).
    {"color": "#6b3fa0", "dash": "10 3 2 3", "marker": "square"},
    {"color": "#8a5a00", "dash": "1 3", "marker": "circle"},
]
WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 86, 150, 20, 54


@dataclass
class Series:
    name: str
    values: list[float | None]


def _marker(kind: str, x: float, y: float, color: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{color}"/>'
    if kind == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 4.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f} '
            f'{x + 4.5:.1f},{y + 3.5:.1f}" fill="{color}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>'


def _ticks(low: float, high: float) -> tuple[float, float, float]:
    """Round axis bounds and a 'nice' step (1, 2 or 5 times a power of ten), about 4 steps."""
    raw = (high - low) / 4
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _fmt(value: float, money: bool) -> str:
    if money:
        value = value / 100
        if abs(value) >= 1_000_000:
            return f"€ {value / 1_000_000:.1f} mln".replace(".", ",")
        if abs(value) >= 1_000:
            return f"€ {value / 1_000:.1f}k".replace(".0k", "k").replace(".", ",")
        return f"€ {value:.0f}"
    return f"{value:,.0f}".replace(",", ".")


def line_chart(
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    money=False,
    x_label: str | None = None,
    y_label: str | None = None,
) -> str:
    """An accessible SVG line chart (role img, title and description), with both axes
    labelled (by default "Maand" and "Bedrag (euro)" or "Aantal")."""
    from django.utils.translation import pgettext

    if x_label is None:
        x_label = pgettext("chart axis", "Month")
    if y_label is None:
        if money:
            y_label = pgettext("chart axis", "Amount (euro)")
        else:
            y_label = pgettext("chart axis", "Number")
    points = [v for s in series for v in s.values if v is not None]
    if not labels or not points:
        return ""
    bottom, top, step_value = _ticks(min(min(points), 0), max(max(points), 0) or 1)
    span = top - bottom
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x_at(i):
        return LEFT + i * step if len(labels) > 1 else LEFT + plot_w / 2

    def y_at(v):
        return TOP + plot_h - (v - bottom) / span * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(round(span / step_value) + 1):
        value = bottom + step_value * tick
        y = y_at(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#dcdfe4"/><text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11">{escape(_fmt(value, money))}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'font-size="12" font-weight="600" class="chart-axis-label">{escape(x_label)}</text>'
        f'<text transform="translate(14 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" font-size="12" font-weight="600" class="chart-axis-label">'
        f"{escape(y_label)}</text>"
    )
    every = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'font-size="11">{escape(label)}</text>'
            )
    for index, item in enumerate(series):
        style = STYLES[index % len(STYLES)]
        segments, current = [], []
        for i, value in enumerate(item.values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x_at(i), y_at(value)))
        if current:
            segments.append(current)
        for segment in segments:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{style["color"]}" '
                f'stroke-width="2"{dash}/>'
            )
            parts += [_marker(style["marker"], x, y, style["color"]) for x, y in segment]
        last = next(
            ((i, v) for i, v in reversed(list(enumerate(item.values))) if v is not None), None
        )
        if last:
            parts.append(
                f'<text x="{x_at(last[0]) + 8:.1f}" y="{y_at(last[1]) + 4 + index * 12:.1f}" '
                f'font-size="11" fill="{style["color"]}">{escape(item.name)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped above)


def legend(series: list[Series]) -> str:
    items = []
    for index, item in enumerate(series):
        style = STYLES[index % len(STYLES)]
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        items.append(
            '<li><svg width="34" height="12" aria-hidden="true">'
            f'<line x1="0" x2="34" y1="6" y2="6" stroke="{style["color"]}" stroke-width="2"{dash}/>'
            f"{_marker(style['marker'], 17, 6, style['color'])}</svg> {escape(item.name)}</li>"
        )
    return mark_safe(f'<ul class="chart-legend">{"".join(items)}</ul>')  # noqa: S308 (escaped)
