"""The participation team's dashboard and themes page, drawn from analysis's suppressed report.

The pages show the council's measure the way its KPI reports do: actual
against target with the period stated, n and interval, RAG, the direction
against last period, and a sentence. Every figure comes from a `SafeKpi` or
`SafeStat`, so a small cell arrives here already reading "fewer than 5".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash, render_template
from markupsafe import Markup

from analysis.bursts import BASELINE_WEEKS, find_bursts
from analysis.kpi import percent, percent_text
from analysis.periods import Period, parse_period
from analysis.report import ARRIVAL_WORDS as REPORT_ARRIVAL_WORDS
from analysis.report import Report, cell_label, value_words
from analysis.safeguarding import detect
from analysis.scrub import scrub_quote
from analysis.suppression import SafeKpi, SafeStat
from storage.dashboard_queries import checkins_started
from storage.db import transaction
from storage.offer_queries import unanswered_offer_queries
from surveys import languages
from webforms.staff.blueprint import sessions, staff, web_config
from webforms.staff.charts import Point, trend_svg
from webforms.staff.figures import chosen_period, period_choices, report_for, today
from webforms.staff.filters import (
    AGE_BAND_CHOICES,
    COHORT_CHOICES,
    DashboardFigures,
    Filter,
    chosen_filter,
    dashboard_figures,
)
from webforms.staff.roles import roles_required
from webforms.staff.themes import theme_label

RAG_WORDS = {"green": "Green: on target", "amber": "Amber: within tolerance", "red": "Red"}
OFFER_QUESTIONS_SHOWN = 30
# Row headings of the report's "Answered with help" table (analysis/templates/report.html).
HELP_WORDS = {"yes": "Yes", "no": "No, or not asked"}


def pct(value: float | int | None) -> str:
    return "" if value is None else f"{percent(float(value))}%"


def interval(cell: SafeKpi) -> str:
    if cell.ci_low is None or cell.ci_high is None:
        return ""
    return f"{percent(cell.ci_low)}%–{percent(cell.ci_high)}%"


def direction_words(cell: SafeKpi, last: str) -> str:
    """↑/↓/→ against last period, as published; nothing when no comparison may be shown."""
    if cell.rate is None:
        return ""
    if cell.direction is None or cell.previous_rate is None:
        return f"No comparison with {last}"
    if cell.direction == "same":
        return f"→ Same as {last} ({pct(cell.previous_rate)})"
    arrow = "↑ Up" if cell.direction == "up" else "↓ Down"
    note = "significant" if cell.significant else "not significant"
    return f"{arrow} from {pct(cell.previous_rate)} {last} ({note})"


def theme_trend(cell: SafeStat) -> str:
    """How a theme's share of comments moved since last period, from the published shares."""
    now, before = cell.value("share"), cell.value("previous_share")
    if now is None:
        return ""
    if before is None:
        return "No comparison"
    change = percent(float(now)) - percent(float(before))
    if change == 0:
        return f"→ Same ({pct(before)})"
    return f"{'↑' if change > 0 else '↓'} from {pct(before)}"


@dataclass(frozen=True)
class OfferQuestion:
    text: str
    times: int
    last_asked: datetime


def offer_questions(period: Period) -> tuple[list[OfferQuestion], int]:
    """Local-offer questions Heard could not answer in the period, grouped, scrubbed.

    A question that reads as a disclosure is left out here (it is the safeguarding
    team's, not the participation team's); the second value says how many were.
    """
    start, end = period.utc_bounds(web_config().timezone)
    with transaction(sessions()) as db:
        rows = [
            (row.text, row.created_at)
            for row in unanswered_offer_queries(db, since=start, limit=500)
            if row.created_at < end
        ]
    held_back = 0
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    last: dict[str, datetime] = {}
    for text, when in rows:
        if detect(text) is not None:
            held_back += 1
            continue
        key = " ".join(text.lower().split())
        counts[key] += 1
        shown.setdefault(key, scrub_quote(text).strip())
        last[key] = max(last.get(key, when), when)
    questions = [
        OfferQuestion(shown[key], times, last[key])
        for key, times in counts.most_common(OFFER_QUESTIONS_SHOWN)
    ]
    return questions, held_back


def _chart(report: Report, figures: DashboardFigures) -> Markup:
    cells = {cell.key.get("month"): cell for cell in figures.monthly}
    points = [Point(f"{m.start:%b %Y}", cells.get(m.label)) for m in report.months]
    title = "Satisfied or better, month by month"
    if figures.filter.active:
        title += f": {figures.filter.words()}"
    return trend_svg(points, report.options.target, "trend", title)


def language_words(code: str) -> Markup:
    """ "Arabic (العربية)": the English name, then the language's own name in its own
    script and direction (surveys.languages); just "English" when the two are one."""
    english, native = languages.english_name(code), languages.native_name(code)
    if native == english:
        return Markup.escape(english)
    return Markup('{} (<span lang="{}" dir="{}">{}</span>)').format(
        english, code, languages.direction(code), native
    )


def row_label(
    cell: SafeKpi | SafeStat, labels: Mapping[str, str], skip: tuple[str, ...] = ()
) -> str | Markup:
    """A row heading, as the report words it; a language and help by their own words."""
    key = cell.key
    if set(key) == {"language"}:
        return language_words(key["language"])
    if set(key) == {"helped"}:
        return HELP_WORDS.get(key["helped"], key["helped"])
    return cell_label(cell, labels, skip)


def _page_helpers(report: Report, chosen: Filter | None = None) -> dict[str, Any]:
    """What the templates use to word cells; a filtered page leaves its group out of
    row headings, as the page has already named it."""
    last = report.period.last
    skip = chosen.dimensions if chosen else ()
    return {
        "label": lambda cell: row_label(cell, report.labels, skip),
        "words": lambda dimension, value: value_words(dimension, value, report.labels),
        "pct": pct,
        "rate_pct": lambda rate: percent_text(float(rate), report.options.target),
        "interval": interval,
        "direction": lambda cell: direction_words(cell, last),
        "theme_label": theme_label,
        "theme_trend": theme_trend,
        "rag_words": RAG_WORDS,
        "target_pct": percent(report.options.target),
        "threshold": report.options.threshold,
    }


def _period_or_flash() -> Period:
    period, problem = chosen_period()
    if problem:
        flash(f"{problem} Showing this quarter so far instead.", "error")
    return period


def _filter_or_flash() -> Filter:
    chosen, problem = chosen_filter()
    if problem:
        flash(f"{problem} Showing everyone instead.", "error")
    return chosen


ARRIVAL_WORDS = {
    "telegram": "Telegram",
    "webchat": "the web chat",
    "invite": "single-use links",
    "open_link": "an open event link",
    "import": "an import",
    "demo": "the demo",
}


def _bursts(period: Period) -> list[dict[str, str]]:
    """Hours in the period with more check-ins begun one way than in a usual week."""
    tz = ZoneInfo(web_config().timezone)
    since, until = period.utc_bounds(tz)
    with transaction(sessions()) as db:
        started = checkins_started(db, since - timedelta(weeks=BASELINE_WEEKS), until)
    threshold = web_config().suppression_threshold
    shown = []
    for burst in find_bursts(started, since, until)[:20]:
        local = burst.hour.astimezone(tz)
        usual = round(burst.usual_week)
        shown.append(
            {
                "when": f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} to "
                f"{(local + timedelta(hours=1)):%H:%M}",
                "how": ARRIVAL_WORDS.get(burst.channel, burst.channel),
                "count": str(burst.count),
                "usual": f"fewer than {threshold}" if usual < threshold else f"about {usual}",
            }
        )
    return shown


def _quarter_of(period: Period) -> Period:
    """The quarter a month is in: where its answers by language are shown."""
    return parse_period(f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}")


@staff.get("/dashboard")
@roles_required("participation")
def dashboard() -> str:
    period = _period_or_flash()
    chosen = _filter_or_flash()
    report = report_for(period)
    figures = dashboard_figures(report, chosen)
    context: dict[str, Any] = {}
    if not chosen.active:  # themes, quotes, links and questions are not split by group
        questions, held_back = offer_questions(period)
        sentiment: dict[str, list[SafeStat]] = {}
        for cell in report.themes.sentiment:
            sentiment.setdefault(cell.key["theme"], []).append(cell)
        context = {
            "arrival_words": REPORT_ARRIVAL_WORDS,
            "bursts": _bursts(period),
            "offer_questions": questions,
            "offer_held_back": held_back,
            "sentiment": sentiment,
        }
    return render_template(
        "staff/dashboard.html",
        report=report,
        period=period,
        figures=figures,
        filter=chosen,
        cohort_choices=COHORT_CHOICES,
        age_band_choices=AGE_BAND_CHOICES,
        choices=period_choices(today()),
        chart=_chart(report, figures),
        quarter_of_month=_quarter_of(period),
        **context,
        **_page_helpers(report, chosen),
    )


@staff.get("/themes")
@roles_required("participation")
def themes() -> str:
    period = _period_or_flash()
    report = report_for(period)
    sentiment: dict[str, list[SafeStat]] = {}
    for cell in report.themes.sentiment:
        sentiment.setdefault(cell.key["theme"], []).append(cell)
    # Carers' themes apart from young people's (issue 17): foster carers' comments are
    # tagged with carers' own themes. Every cell here is one the report's planner has
    # already published or suppressed (analysis.report._StatPlanner): nothing is recounted.
    young: dict[str, list[SafeStat]] = {}
    carers: dict[str, list[SafeStat]] = {}
    for cell in report.themes.by_cohort:
        side = carers if cell.key["cohort"] == "carer" else young
        side.setdefault(cell.key["theme"], []).append(cell)
    return render_template(
        "staff/themes.html",
        report=report,
        period=period,
        choices=period_choices(today()),
        sentiment=sentiment,
        young_by_cohort=young,
        carers_by_theme=carers,
        **_page_helpers(report),
    )
