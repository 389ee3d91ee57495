"""Charts for reports: matplotlib (Agg) drawn to SVG and embedded as data URIs.

A report must be one self-contained file a committee member can open offline,
so charts are inline images with text kept as text (so "Target 80%" can be read
and found), a written alternative, and no data that suppression has hidden:
they take only `SafeKpi` cells, and a hidden month is a gap in the line.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.kpi import percent  # noqa: E402
from analysis.suppression import SafeKpi  # noqa: E402

__all__ = ["Chart", "bar_chart", "trend_chart"]

_STYLE: dict[Any, Any] = {  # rc_context wants its own literal key type
    "svg.fonttype": "none",  # keep text as text: searchable, readable by screen readers
    "svg.hashsalt": "heard",  # stable ids, so the same data gives the same file
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_COLOURS = ("#1d4e89", "#c75000", "#2e7d32", "#6a1b9a", "#00838f")
_TARGET = "#b00020"


@dataclass(frozen=True)
class Chart:
    """An embeddable chart: `src` for an <img>, `alt` for those who cannot see it."""

    src: str
    alt: str
    caption: str
    target: float


def _encode(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _target_line(axes: plt.Axes, target: float, horizontal: bool = True) -> None:
    label = f"Target {percent(target)}%"
    if horizontal:
        axes.axhline(target * 100, color=_TARGET, linestyle="--", linewidth=1.5, label=label)
    else:
        axes.axvline(target * 100, color=_TARGET, linestyle="--", linewidth=1.5, label=label)


def _safe(cell: SafeKpi | None) -> bool:
    return cell is not None and cell.rate is not None


def _value(cell: SafeKpi | None, name: str, default: float = float("nan")) -> float:
    """A rate field as a percentage, or `default` where the cell shows nothing."""
    value = getattr(cell, name, None) if cell is not None else None
    return value * 100 if value is not None and cell.rate is not None else default  # type: ignore[union-attr]


def trend_chart(
    months: Sequence[str],
    series: Mapping[str, Sequence[SafeKpi | None]],
    target: float,
    title: str,
) -> Chart:
    """Monthly rate per series (with a 95% band when there is one series), and the target.

    `months` are the x labels ("Oct 2026"); each series holds one cell per month,
    None or a suppressed cell where nothing may be shown.
    """
    with plt.rc_context(_STYLE):
        figure, axes = plt.subplots(figsize=(8, 3.6))
        x = list(range(len(months)))
        for index, (name, cells) in enumerate(series.items()):
            ys = [_value(c, "rate") for c in cells]
            colour = _COLOURS[index % len(_COLOURS)]
            axes.plot(x, ys, marker="o", markersize=3.5, color=colour, label=name)
            if len(series) == 1:
                lows = [_value(c, "ci_low") for c in cells]
                highs = [_value(c, "ci_high") for c in cells]
                axes.fill_between(x, lows, highs, color=colour, alpha=0.15, label="95% interval")
        _target_line(axes, target)
        axes.set_ylim(0, 100)
        axes.set_ylabel("Satisfied or better (%)")
        step = max(1, len(months) // 9)
        axes.set_xticks(x[::step], [months[i] for i in x[::step]], rotation=0)
        axes.set_title(title, loc="left", fontsize=11)
        axes.grid(axis="y", alpha=0.3)
        axes.legend(loc="lower left", fontsize=8, frameon=False, ncol=min(4, len(series) + 2))
        src = _encode(figure)
    return Chart(src=src, alt=_trend_alt(months, series, target), caption=title, target=target)


def _trend_alt(
    months: Sequence[str], series: Mapping[str, Sequence[SafeKpi | None]], target: float
) -> str:
    parts = [
        f"Line chart of the monthly share of answers that were satisfied or better, "
        f"{months[0]} to {months[-1]}, with a dashed line at the {percent(target)}% target."
        if months
        else "Line chart with no months to show."
    ]
    for name, cells in series.items():
        shown = [(m, c) for m, c in zip(months, cells, strict=True) if c is not None and _safe(c)]
        hidden = len(cells) - len(shown)
        if shown:
            first, last = shown[0], shown[-1]
            text = (
                f"{name}: {percent(first[1].rate or 0)}% in {first[0]}, "
                f"{percent(last[1].rate or 0)}% in {last[0]}"
            )
        else:
            text = f"{name}: no months with enough answers to show"
        if hidden:
            text += f" ({hidden} months not shown: too few answers or none)"
        parts.append(text + ".")
    return " ".join(parts)


def _whiskers(rates: Sequence[float], cells: Sequence[SafeKpi]) -> list[list[float]]:
    """Error bar widths below and above each bar, never negative and never past 0-100%.

    matplotlib refuses a negative width, and one bound a float's width on the wrong
    side of its own rate (a unanimous cell) must not stop a report being written.
    """
    below, above = [], []
    for rate, cell in zip(rates, cells, strict=True):
        low = min(max(_value(cell, "ci_low", rate), 0.0), rate)
        high = max(min(_value(cell, "ci_high", rate), 100.0), rate)
        below.append(rate - low)
        above.append(high - rate)
    return [below, above]


def bar_chart(labels: Sequence[str], cells: Sequence[SafeKpi], target: float, title: str) -> Chart:
    """Horizontal bars with 95% intervals, one per cell, and the target line."""
    with plt.rc_context(_STYLE):
        height = max(2.0, 0.45 * len(labels) + 1.0)
        figure, axes = plt.subplots(figsize=(8, height))
        y = list(range(len(labels)))[::-1]
        rates = [_value(c, "rate", 0.0) for c in cells]
        axes.barh(y, rates, xerr=_whiskers(rates, cells), color=_COLOURS[0], alpha=0.85, capsize=3)
        for yi, cell in zip(y, cells, strict=True):
            text = f"{percent(cell.rate or 0)}%" if _safe(cell) else "not shown"
            axes.text(2, yi, text, va="center", color="white" if _safe(cell) else "black")
        _target_line(axes, target, horizontal=False)
        axes.set_yticks(y, list(labels))
        axes.set_xlim(0, 100)
        axes.set_xlabel("Satisfied or better (%)")
        axes.set_title(title, loc="left", fontsize=11)
        axes.legend(loc="lower right", fontsize=8, frameon=False)
        src = _encode(figure)
    shown = [
        f"{label} {percent(c.rate or 0)}%" if _safe(c) else f"{label} not shown"
        for label, c in zip(labels, cells, strict=True)
    ]
    alt = (
        f"Bar chart against the {percent(target)}% target (dashed line): " + "; ".join(shown) + "."
    )
    return Chart(src=src, alt=alt, caption=title, target=target)
