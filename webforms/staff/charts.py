"""Inline SVG charts for the dashboard: no CDN, no script, styled only by classes.

The chart only places what analysis already published (`SafeKpi` cells): a
hidden or empty month is a gap in the line, never a point. Text stays text, and
every chart carries a title and a description for screen readers; the page
also gives the same figures as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from analysis.kpi import percent
from analysis.suppression import SafeKpi

HEIGHT = 260
LEFT, TOP, BOTTOM = 48, 16, 40


@dataclass(frozen=True)
class Layout:
    """How wide the drawing is and how many months are labelled.

    The SVG scales to the page, so its text scales too: drawn 720 wide, a phone shows
    its 12px labels at about 6px. A narrower drawing with fewer labels is shown on a
    phone instead (CSS picks one; no script), so they read at about 11px.
    """

    name: str
    width: int
    right: int  # room for the target's label
    max_x_labels: int


WIDE = Layout("wide", 720, 96, 9)
NARROW = Layout("narrow", 360, 92, 4)


@dataclass(frozen=True)
class Point:
    label: str
    cell: SafeKpi | None

    @property
    def rate(self) -> float | None:
        return self.cell.rate if self.cell is not None else None


def _x(index: int, count: int, layout: Layout) -> float:
    inner = layout.width - LEFT - layout.right
    return LEFT + (inner * index / (count - 1) if count > 1 else inner / 2)


def _y(rate: float) -> float:
    """Where a rate sits; held inside the plot so no figure can draw outside its axes."""
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - min(1.0, max(0.0, rate)))


def _segments(points: Sequence[Point], layout: Layout) -> list[list[tuple[float, float]]]:
    """Runs of consecutive shown months; a hidden month breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for index, point in enumerate(points):
        if point.rate is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((_x(index, len(points), layout), _y(point.rate)))
    return [run for run in runs if run]


def _description(points: Sequence[Point], target: float) -> str:
    shown = [p for p in points if p.rate is not None]
    if not points:
        return "No months to show."
    text = (
        f"Share of answers satisfied or better each month from {points[0].label} to "
        f"{points[-1].label}, against a target of {percent(target)}%."
    )
    if shown:
        text += (
            f" {shown[0].label}: {percent(shown[0].rate or 0)}%;"
            f" {shown[-1].label}: {percent(shown[-1].rate or 0)}%."
        )
    hidden = len(points) - len(shown)
    if hidden:
        text += f" {hidden} month(s) not shown: too few answers, or none."
    return text


def trend_svg(points: Sequence[Point], target: float, chart_id: str, title: str) -> Markup:
    """A line chart of monthly rates with the target as a dashed line, as inline SVG:
    drawn twice, for a wide screen and for a phone (`Layout`); the page's CSS shows one."""
    return Markup("").join(
        _trend_drawing(points, target, chart_id, title, layout) for layout in (WIDE, NARROW)
    )


def _trend_drawing(
    points: Sequence[Point], target: float, chart_id: str, title: str, layout: Layout
) -> Markup:
    ident = chart_id if layout is WIDE else f"{chart_id}-{layout.name}"
    width, right = layout.width, layout.right
    parts: list[str] = [
        f'<svg class="chart chart-{layout.name}" viewBox="0 0 {width} {HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" focusable="false">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(_description(points, target))}</desc>',
    ]
    for tick in range(0, 101, 20):
        y = _y(tick / 100)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>'
            f'<text class="chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{tick}%</text>"
        )
    target_y = _y(target)
    parts.append(
        f'<line class="chart-target" x1="{LEFT}" y1="{target_y:.1f}" '
        f'x2="{width - right}" y2="{target_y:.1f}"/>'
        f'<text class="chart-target-label" x="{width - right + 6}" y="{target_y + 4:.1f}">'
        f"Target {percent(target)}%</text>"
    )
    for run in _segments(points, layout):
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        parts.append(f'<polyline class="chart-line" points="{coords}"/>')
    step = max(1, -(-len(points) // layout.max_x_labels))
    for index, point in enumerate(points):
        x = _x(index, len(points), layout)
        if point.rate is not None:
            parts.append(
                f'<circle class="chart-point" cx="{x:.1f}" cy="{_y(point.rate):.1f}" r="3.5">'
                f"<title>{escape(point.label)}: {percent(point.rate)}%</title></circle>"
            )
        if (len(points) - 1 - index) % step == 0:  # counted from the end: the latest is labelled
            parts.append(
                f'<text class="chart-axis" x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                f'text-anchor="middle">{escape(point.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
