"""The satisfied-or-better report: assembled once, rendered as JSON, CSV or HTML.

`build_report` reads one period (and what it needs around it: the period
before, 18 months for the chart) and returns a `Report` that holds only
suppressed cells; `Report` refuses anything else, and the three renderers take
only a `Report`, so no output can skip suppression. The dashboard uses the
same `Report` (or `headline`) for its figures.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Connection

from analysis import loading
from analysis.charts import Chart, bar_chart, trend_chart
from analysis.comparators import Comparator
from analysis.equality import EQUALITY_QUESTIONS, value_label
from analysis.indicators import (
    ALL,
    CohortSizes,
    ThemeSummary,
    coverage,
    domain_table,
    life_table,
    load_cohort_sizes,
    question_table,
    response_rates,
    theme_tables,
)
from analysis.kpi import (
    COHORT_WORDS,
    DOMAIN_WORDS,
    HOME_WORDS,
    LOCALITY_WORDS,
    NOT_RECORDED,
    KpiCounts,
    KpiFigure,
    Rules,
    kpi_figures,
    people_figures,
    percent,
    percent_text,
)
from analysis.periods import (
    Period,
    complete_months_before,
    month_of,
    months_in,
    published,
    trailing_months,
)
from analysis.plan_cache import PlanCache, fingerprint
from analysis.safeguarding import detect
from analysis.scrub import scrub_quote
from analysis.suppression import (
    HIDDEN,
    KpiTable,
    RawStat,
    SafeKpi,
    SafeStat,
    Settled,
    SettledStats,
    Wording,
    cell_key,
    nested_parts,
    publish_cell,
    publish_settled,
    publish_settled_stats,
    settle,
)
from storage.datafiles import DataFileError
from surveys import languages
from surveys.definition import THEMES, Survey, load_catalogue

__all__ = [
    "FILTERED_BREAKDOWNS",
    "FILTER_DIMENSIONS",
    "Breakdown",
    "CARERS_TITLE",
    "CarersFigures",
    "Quote",
    "Report",
    "ReportOptions",
    "YOUNG_PEOPLE",
    "YouSaid",
    "build_report",
    "headline",
    "render",
    "to_csv",
    "to_html",
    "to_json",
]

FORMATS = ("html", "json", "csv")
TEMPLATES = Path(__file__).with_name("templates")
QUOTES_PER_THEME = 2
TOP_THEMES_FOR_QUOTES = 4
QUOTE_MAX_CHARS = 280

THEME_LABELS = {
    "friendship": "Friends and friendship",
    "stability": "Stability: home, school, worker",
    "trusted_adults": "Trusted adults",
    "boundaries_and_care": "Fair rules, given with care",
    "moves_and_transitions": "Moves and transitions",
    "education_and_work": "Education and work",
    "being_heard": "Being heard",
    "feeling_safe": "Feeling safe",
    "family_time": "Family time",
    "home_and_belonging": "Home and belonging",
    "emotional_wellbeing": "Feelings and emotional wellbeing",
    "money": "Money",
    "housing": "Housing",
    "health": "Health",
}


def theme_label(theme: str) -> str:
    """A theme's name for people: the report's own words for the first fourteen (kept so
    earlier reports read alike), else the title in the theme lexicons (the newer themes
    and carers' own), else the id in words."""
    from analysis.themes import THEME_TITLES

    fallback = theme.replace("_", " ").capitalize()
    return THEME_LABELS.get(theme) or THEME_TITLES.get(theme) or fallback


_ONE_OF = {
    "child_in_care": "a child in care",
    "care_leaver": "a care leaver",
    "carer": "a foster carer",
}
# (name, title, dimensions) of the answer-level breakdowns, in reading order.
_BREAKDOWNS = (
    ("cohort", "By who answered", ("cohort",)),
    ("cohort_age_band", "By who answered and age band", ("cohort", "age_band")),
    ("age_band", "By age band", ("age_band",)),
    ("domain", "By domain", ("domain",)),
    ("cohort_domain", "By who answered and domain", ("cohort", "domain")),
    ("survey", "By survey", ("survey_id",)),
    ("question", "By question", ("survey_id", "question_id")),
    ("placement_type", "By type of home", ("placement_type",)),
    ("locality", "By where they live", ("locality",)),
    ("sex", "By sex, as they describe it", ("sex",)),
    ("disability", "By disability or long-term health condition", ("disability",)),
    ("ethnicity", "By ethnic group", ("ethnicity",)),
    ("came_to_uk_alone", "By whether they came to the UK alone", ("came_to_uk_alone",)),
)
_OPTIONAL = ("placement_type", "locality", *EQUALITY_QUESTIONS)
_PEOPLE_BREAKDOWNS = (
    ("people_cohort", "People, by who answered", ("cohort",)),
    ("people_cohort_age_band", "People, by who answered and age band", ("cohort", "age_band")),
)
TRUSTED_ARRIVALS = ("telegram", "invite", "import", "demo", "unknown")
ARRIVAL_WORDS = {
    "telegram": "Telegram",
    "invite": "Single-use survey links",
    "open_link": "Open event links",
    "webchat": "The web chat",
    "import": "Imported results",
    "demo": "Demo data",
    "unknown": "Not known",
}
# What the dashboard can be filtered to (one cohort, one age band, or both), and the
# breakdowns a filtered view shows within the chosen group.
FILTER_DIMENSIONS = ("cohort", "age_band")
FILTER_SETS: tuple[tuple[str, ...], ...] = (("cohort",), ("age_band",), ("cohort", "age_band"))
_WITHIN_FILTER = ("domain", "survey", "question")
FILTERED_BREAKDOWNS = tuple(b for b in _BREAKDOWNS if b[0] in _WITHIN_FILTER)
# Who the headline counts. The 80% target is young people's own (the council's quality
# and performance framework), so its figure, interval, RAG, trend and comparisons count
# children in care and care leavers only. Foster carers' answers are planned and shown
# apart (`CarersFigures`), never added in: a period with or without carers' answers
# would otherwise compare different mixes. An answer whose group is not recorded is in
# neither.
YOUNG_PEOPLE = ("child_in_care", "care_leaver")
CARERS = ("carer",)
CARERS_TITLE = "Foster carers (not in the young people's figure)"


def split_by_audience(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KPI answers of young people (the headline's) and of foster carers."""
    cohort = frame["cohort"].astype("object")
    return frame[cohort.isin(YOUNG_PEOPLE).to_numpy()], frame[cohort.isin(CARERS).to_numpy()]


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ReportOptions:
    """The council's choices: target, tolerance, threshold, time zone, cohort sizes."""

    target: float = 0.80
    tolerance: float = 0.10
    threshold: int = 5
    timezone: str = "Europe/London"
    chart_months: int = 18
    cohort_sizes: CohortSizes | None = None
    council: str | None = None
    comparators: tuple[Comparator, ...] = ()
    # The ways in whose answers make the headline (and every table): a council trusts a
    # link a worker handed to one person, or Telegram, more than pages anyone can open.
    # The others are shown beside it, with their own n (`Report.by_arrival`).
    trusted_arrivals: tuple[str, ...] = TRUSTED_ARRIVALS

    @property
    def rules(self) -> Rules:
        return Rules(target=self.target, tolerance=self.tolerance, threshold=self.threshold)


@dataclass(frozen=True)
class ComparisonRow:
    """One line of "compared with": another period's figure or a council's comparator,
    and whether this period's headline is above, below or the same (bigger is better)."""

    name: str  # "Last quarter", "Statistical neighbours (average)"
    period: str  # "2026-Q2", or the comparator's own period
    rate: float | None  # None: hidden (too few answers) or no answers
    shown: str  # "61%", or why there is no figure
    ours: str | None  # "above", "below", "the same as"; None when either is not shown
    source: str = ""  # where a comparator's figure comes from, and its date
    note: str = ""


@dataclass(frozen=True)
class Breakdown:
    """One KPI table: a name, the dimensions it splits by, and its published cells."""

    name: str
    title: str
    dimensions: tuple[str, ...]
    cells: tuple[SafeKpi, ...]

    @property
    def measure(self) -> str:
        """ "answers" or "people" (each person counted once)."""
        return _measure(self.name)


def _find_table(
    dimensions: tuple[str, ...],
    measure: str,
    overall: SafeKpi,
    people: SafeKpi,
    monthly: tuple[SafeKpi, ...],
    monthly_by_cohort: tuple[SafeKpi, ...],
    tables: Sequence[Breakdown],
) -> Breakdown | None:
    """The published table split by exactly `dimensions` ("month" included), if any."""
    if measure == "answers" and dimensions in (("month",), ("month", "cohort")):
        name = "monthly" if dimensions == ("month",) else "monthly_by_cohort"
        cells = monthly if name == "monthly" else monthly_by_cohort
        return Breakdown(name, "Month by month", dimensions, cells)
    if not dimensions:
        cell = overall if measure == "answers" else people
        return Breakdown("overall" if measure == "answers" else "people", "", (), (cell,))
    return next(
        (b for b in tables if b.dimensions == dimensions and b.measure == measure),
        None,
    )


def _own_table(
    figures: CarersFigures | Report, dimensions: tuple[str, ...], measure: str
) -> Breakdown | None:
    """A set of figures' own table split by exactly `dimensions` (young people's or carers')."""
    return _find_table(
        dimensions,
        measure,
        figures.overall,
        figures.people,
        figures.monthly,
        figures.monthly_by_cohort,
        (*figures.breakdowns, *figures.people_breakdowns, *figures.within),
    )


@dataclass(frozen=True)
class CarersFigures:
    """Foster carers' own satisfied-or-better figures, beside young people's headline and
    never in it (`YOUNG_PEOPLE`). Planned and suppressed as the headline is, on carers'
    answers alone: the two groups share no answer, so no figure of one can be worked
    out from the other's."""

    overall: SafeKpi
    people: SafeKpi
    year_on_year: SafeKpi | None
    breakdowns: tuple[Breakdown, ...]
    people_breakdowns: tuple[Breakdown, ...]
    monthly: tuple[SafeKpi, ...]
    monthly_by_cohort: tuple[SafeKpi, ...]
    within: tuple[Breakdown, ...] = ()
    title: str = CARERS_TITLE
    counted: Period | None = None
    """The span carers' figures count when a running period is cut short (as
    `Report.counted`, on carers' own month so far), with `counted_to` saying why."""
    counted_to: str | None = None

    def cells(self) -> list[SafeKpi]:
        found = [self.overall, self.people, *self.monthly, *self.monthly_by_cohort]
        found += [self.year_on_year] if self.year_on_year is not None else []
        tables = (*self.breakdowns, *self.people_breakdowns, *self.within)
        return found + [c for b in tables for c in b.cells]

    def table(self, dimensions: tuple[str, ...], measure: str = "answers") -> Breakdown | None:
        return _own_table(self, dimensions, measure)


@dataclass(frozen=True)
class Quote:
    """A young person's or carer's words, scrubbed, from someone who agreed to be quoted."""

    text: str
    theme: str
    who: str


@dataclass(frozen=True)
class YouSaid:
    theme: str
    you_said: str
    we_did: str
    posted: date


@dataclass(frozen=True)
class Report:
    """Everything one report shows. Holds only published (suppressed) figures."""

    period: Period
    previous: Period
    generated_at: datetime
    options: ReportOptions
    overall: SafeKpi
    people: SafeKpi
    breakdowns: tuple[Breakdown, ...]
    people_breakdowns: tuple[Breakdown, ...]
    months: tuple[Period, ...]
    monthly: tuple[SafeKpi, ...]
    monthly_by_cohort: tuple[SafeKpi, ...]
    questions: tuple[SafeStat, ...]
    domains: tuple[SafeStat, ...]
    life: tuple[SafeStat, ...]
    coverage: tuple[SafeStat, ...]
    cohort_sizes: CohortSizes | None
    response_rates: tuple[SafeStat, ...]
    themes: ThemeSummary
    quotes: tuple[Quote, ...]
    quotes_note: str | None
    you_said: tuple[YouSaid, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    within: tuple[Breakdown, ...] = ()
    """The cross-tables behind the dashboard's filtered views, suppressed with the rest;
    not part of the downloaded report."""
    year_on_year: SafeKpi | None = None
    """The headline against the same period last year (its previous_rate and change)."""
    by_arrival: Breakdown | None = None
    """Every answer, trusted or not, by how the person came; the trusted ones add up to
    the headline."""
    by_language: Breakdown | None = None
    """The headline's answers by the language they were given in (surveys.languages):
    answers in every language count together, and add up to the headline."""
    by_help: Breakdown | None = None
    """The headline's answers by whether a grown-up said they were helping ("yes"), or not
    or never asked ("no"): answers given with help still count, and add up to the headline."""
    comparisons: tuple[ComparisonRow, ...] = ()
    carers: CarersFigures | None = None
    """Foster carers' figures, apart: the headline and everything above count young
    people only (`YOUNG_PEOPLE`)."""
    counted_to: str | None = None
    """Set while the period is still running and its current month so far is too small to
    show: the figures count the complete months only, and this says so in words."""
    counted: Period | None = None
    """The span those figures count (`period` cut short), when `counted_to` is set."""
    coverage_counted_to: str | None = None
    """Set when "who we heard from" counts a group to an earlier day, as its figures do."""

    def __post_init__(self) -> None:
        kpis = [self.overall, self.people, *self.monthly, *self.monthly_by_cohort]
        kpis += [self.year_on_year] if self.year_on_year is not None else []
        kpis += list(self.by_arrival.cells) if self.by_arrival is not None else []
        kpis += list(self.by_language.cells) if self.by_language is not None else []
        kpis += list(self.by_help.cells) if self.by_help is not None else []
        tables = (*self.breakdowns, *self.people_breakdowns, *self.within)
        kpis += [c for b in tables for c in b.cells]
        stats = [*self.questions, *self.domains, *self.life, *self.coverage]
        stats += [*self.response_rates, *self.themes.themes, *self.themes.sentiment]
        stats += self.themes.by_cohort
        kpis += self.carers.cells() if self.carers is not None else []
        for cell in kpis:
            if not isinstance(cell, SafeKpi):
                raise TypeError(f"a report takes only suppressed KPI cells, got {type(cell)}")
        for stat in stats:
            if not isinstance(stat, SafeStat):
                raise TypeError(f"a report takes only suppressed figures, got {type(stat)}")

    def breakdown(self, name: str) -> Breakdown | None:
        return next(
            (b for b in (*self.breakdowns, *self.people_breakdowns) if b.name == name), None
        )

    def table(self, dimensions: tuple[str, ...], measure: str = "answers") -> Breakdown | None:
        """The published table split by exactly `dimensions` ("month" included), if any.

        Split by anything, it holds foster carers' cells too (from `carers`, planned on
        their own), so a view filtered to carers finds theirs; with no dimensions it is
        the young people's headline."""
        ours = _own_table(self, dimensions, measure)
        theirs = self.carers.table(dimensions, measure) if self.carers and dimensions else None
        if theirs is None or not theirs.cells:
            return ours
        if ours is None:
            return theirs
        return Breakdown(ours.name, ours.title, ours.dimensions, ours.cells + theirs.cells)

    def summary(self) -> dict[str, Any]:
        """The few figures stored with the report, for the dashboard's list of reports."""
        return {
            "period": self.period.label,
            "target": self.options.target,
            "overall": _headline_json(self.overall),
            "people": _headline_json(self.people),
            "counts": "children in care and care leavers",
            "carers": _headline_json(self.carers.overall) if self.carers else None,
            "generated_at": self.generated_at.isoformat(),
        }


# --------------------------------------------------------------------------- building


def _month_label(month: Period) -> str:
    return f"{month.start:%b %Y}"


def _table(
    name: str,
    dimensions: tuple[str, ...],
    figures: Sequence[KpiFigure],
    inside: set[str] | None = None,
) -> KpiTable:
    """A KPI table with the groups of cells that add up to a figure shown elsewhere, so
    that no one hidden cell can be worked out as that figure minus the cells shown
    beside it (nor a hidden figure as the sum of its shown parts).

    For every proper subset of the dimensions held fixed, the cells sharing those values
    add up to the cell of the table split by just those dimensions (none fixed: the
    overall figure). For two dimensions that is each row, each column and the whole
    table. A month adds up to its own monthly figure, but only the months `inside` the
    period add up to the period's figures, so when "month" is not held fixed only those
    months are grouped.
    """
    if len(dimensions) < 2 and "month" not in dimensions:
        return KpiTable(name, dimensions, figures)
    found: dict[tuple[Any, ...], list[int]] = {}
    totals: dict[tuple[Any, ...], tuple[tuple[str, str], ...]] = {}
    for fixed in _proper_subsets(len(dimensions)):
        month_free = "month" in dimensions and dimensions.index("month") not in fixed
        for index, figure in enumerate(figures):
            if month_free and figure.key.get("month") not in (inside or set()):
                continue
            total = tuple(figure.dimensions[i] for i in fixed)
            found.setdefault((fixed, total), []).append(index)
            totals[(fixed, total)] = total
    return KpiTable(name, dimensions, figures, list(found.values()), list(totals.values()))


def _proper_subsets(size: int) -> list[tuple[int, ...]]:
    """Every subset of range(size) except the whole, smallest first: (), (0,), (1,), ..."""
    return [
        tuple(i for i in range(size) if mask >> i & 1)
        for mask in sorted(range((1 << size) - 1), key=lambda m: (bin(m).count("1"), m))
    ]


def _month_figures(
    frame: pd.DataFrame, months: Sequence[Period], by: Sequence[str] = ()
) -> list[KpiFigure]:
    """One figure per month (and group of `by`), each compared with the month before."""
    counts: dict[tuple[str, ...], KpiCounts] = {
        (f.key["month"], *(f.key[name] for name in by)): f.current
        for f in kpi_figures(frame, None, ("month", *by))
    }
    groups = sorted({key[1:] for key in counts}) if by else [()]
    figures: list[KpiFigure] = []
    for group in groups:
        previous = KpiCounts(0, 0)
        for month in months:
            code = str(month.start.year * 100 + month.start.month)
            current = counts.get((code, *group), KpiCounts(0, 0))
            dims = (("month", month.label), *zip(by, group, strict=True))
            figures.append(KpiFigure(dims, current, previous))
            previous = current
    return figures


def _month_wording(months: Sequence[Period]) -> dict[str, str]:
    return {f"month:{m.label}": f"in {m.title}" for m in months}


def _question_order(labels: Mapping[str, str]) -> dict[tuple[str, str], int]:
    """(survey, question) -> its place in the catalogue, for tables by question."""
    return {
        (survey, question): index
        for index, key in enumerate(labels)
        if key.startswith("question:")
        for survey, question in [key.removeprefix("question:").split("/", 1)]
    }


def _answer_table(
    name: str,
    dims: tuple[str, ...],
    current: pd.DataFrame,
    before: pd.DataFrame,
    order: Mapping[tuple[str, str], int],
) -> KpiTable:
    figures = kpi_figures(current, before, dims)
    if "question_id" in dims:
        figures.sort(
            key=lambda f: order.get((f.key["survey_id"], f.key["question_id"]), len(order))
        )
    return _table(name, dims, figures)


def _filter_tables(
    current: pd.DataFrame,
    before: pd.DataFrame | None,
    order: Mapping[tuple[str, str], int],
    made: set[tuple[tuple[str, ...], str]],
    recorded_in: pd.DataFrame,
) -> tuple[list[KpiTable], dict[str, str]]:
    """The tables a dashboard filtered to a cohort and/or age band shows, not already `made`.

    Each is a cross-table of the filter's dimensions with a breakdown, so a filtered
    view is a slice of a table suppressed together with every other table: a filtered
    figure can never be a figure the unfiltered tables hide, nor be worked out from
    them by subtraction. (Its months are the months' own cells: `_monthly`.)
    """
    tables: list[KpiTable] = []
    titles: dict[str, str] = {}
    for fixed in FILTER_SETS:
        prefix = "_".join(fixed)
        for name, title, dims in _BREAKDOWNS:
            optional_and_empty = dims[0] in _OPTIONAL and not _recorded(recorded_in, dims)
            if name not in _WITHIN_FILTER or optional_and_empty:
                continue
            combined = (*fixed, *dims)
            if (combined, "answers") not in made:
                tables.append(_answer_table(f"{prefix}__{name}", combined, current, before, order))
                titles[tables[-1].name] = title
                made.add((combined, "answers"))
        if (fixed, "people") not in made:
            figures = people_figures(current, before, fixed)
            tables.append(_table(f"people_{prefix}", fixed, figures))
            titles[tables[-1].name] = "People"
            made.add((fixed, "people"))
    return tables, titles


def _recorded(frame: pd.DataFrame, dims: Sequence[str]) -> bool:
    return bool(frame[dims[0]].notna().sum())


class _Planner:
    """Every published period's KPI tables, each planned once (`Settled`) with the
    shorter periods inside it fixed: a month alone, a quarter over its months, a
    financial year over its quarters and months. Whatever view shows a cell, and
    whichever report it appears in (its own, a quarter's chart, last period's
    change), it comes from the same plan, so no two views can be subtracted to
    reveal it.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        options: ReportOptions,
        order: Mapping[tuple[str, str], int],
        today: date | None = None,
    ) -> None:
        self.today = today
        self.everyone = frame
        self.trusted = frame[frame["arrived"].isin(options.trusted_arrivals)]
        self.options = options
        self.order = order
        self.titles: dict[str, str] = {}
        self.within_titles: dict[str, str] = {}
        self._settled: dict[str, Settled] = {}
        optional = tuple(
            dims for _, _, dims in _BREAKDOWNS if dims[0] in _OPTIONAL and _recorded(frame, dims)
        )
        rules = (options.threshold, options.trusted_arrivals, options.timezone)
        self._inputs = (optional, rules, tuple(sorted(order.items())))

    def tables(self, period: Period, *, with_previous: bool = False) -> list[KpiTable]:
        """The period's own tables; `with_previous` adds last period's counts for changes."""
        tz = self.options.timezone
        current = loading.within(self.trusted, period, tz)
        before = loading.within(self.trusted, period.previous(), tz) if with_previous else None
        tables: list[KpiTable] = [
            KpiTable("overall", (), kpi_figures(current, before)),
            KpiTable("people", (), people_figures(current, before)),
        ]
        for name, title, dims in _BREAKDOWNS:
            # an optional table is in every period or none (a quarter's sums need its
            # months'); equality groups are too small to show month by month, so they
            # start at quarters, and a quarter's are then its own to protect
            if dims[0] in _OPTIONAL and not _recorded(self.trusted, dims):
                continue
            if dims[0] in EQUALITY_QUESTIONS and period.kind == "month":
                continue
            tables.append(_answer_table(name, dims, current, before, self.order))
            self.titles[name] = title
        for name, title, dims in _PEOPLE_BREAKDOWNS:
            tables.append(_table(name, dims, people_figures(current, before, dims)))
            self.titles[name] = title
        made = {(t.dimensions, _measure(t.name)) for t in tables}
        extra, titles = _filter_tables(current, before, self.order, made, self.trusted)
        self.within_titles.update(titles)
        tables.extend(extra)
        tables.append(_arrival_table(self.everyone, period, self.options, with_previous))
        # a language can hint at ethnic origin: like the equality groups, answers by
        # language start at quarters, and a quarter's are then its own to protect
        if period.kind != "month":
            tables.append(_language_table(self.trusted, period, self.options, with_previous))
        tables.append(_help_table(self.trusted, period, self.options, with_previous))
        return tables

    def settled(self, period: Period) -> Settled:
        """The period's plan: made here once, or found by the rows it is made from."""
        if period.label not in self._settled:
            rows = loading.within(self.everyone, period, self.options.timezone)
            key = ("kpi", period.label, fingerprint(rows), self._inputs)
            self._settled[period.label] = PLANS.get(key, lambda: self._make(period))
        return self._settled[period.label]

    def counted(self, period: Period) -> Period:
        """What a period's figures count: all of it; or, while it is still running and
        the current month's own plan hides its headline (too few answers so far), only
        its complete months. Otherwise the quarter and the financial year would be
        hidden at the start of every month: shown, they would give the month away (the
        quarter minus its other months). Their complete months are published already,
        so this adds no figure that could be subtracted; the current month joins once
        its own headline is shown (`counted_words` says so)."""
        if self.today is None or not period.contains(self.today):
            return period
        current = month_of(self.today)
        cut = complete_months_before(period, current)
        if cut is None or self._shown_so_far(current):
            return period
        return cut

    def _shown_so_far(self, month: Period) -> bool:
        found = self.settled(month).status_of(("answers", frozenset()))
        return found is None or found[0].n == 0 or found[1] is None

    def _make(self, period: Period) -> Settled:
        parts, within = nested_parts(period, self.settled)
        return settle(self.tables(period), self.options.rules, parts, within)

    def with_changes(self, period: Period) -> Settled:
        """The period's plan over its tables with last period's counts, for publishing."""
        plan = self.settled(period)
        tables = self.tables(period, with_previous=True)
        same = [(t.name, [cell_key(f) for f in t.figures]) for t in tables] == [
            (t.name, [cell_key(f) for f in t.figures]) for t in plan.tables
        ]
        if not same:  # never expected: the tables are the same with or without last period
            raise AssertionError(f"{period.label}: tables differ from its plan's")
        return Settled(tuple(tables), plan.status, plan.aside)

    def monthly(
        self, months: Sequence[Period], by: tuple[str, ...], wording: Wording
    ) -> tuple[SafeKpi, ...]:
        """Month by month (by `by`), each month's cells as its own plan has them."""
        plans = [self.settled(month) for month in months]
        values: set[tuple[str, ...]] = set()
        for plan in plans:
            for table in plan.tables:
                if table.dimensions == by and not table.name.startswith("people"):
                    values |= {tuple(f.key[d] for d in by) for f in table.figures}
        cells: list[SafeKpi] = []
        for group in sorted(values) if by else [()]:
            pairs = tuple(zip(by, group, strict=True))
            key = ("answers", frozenset(pairs))
            previous, previous_status = KpiCounts(0, 0), None
            for month, plan in zip(months, plans, strict=True):
                found = plan.status_of(key)
                current, status, aside = found or (KpiCounts(0, 0), None, None)
                figure = KpiFigure((("month", month.label), *pairs), current, previous)
                rules = self.options.rules
                cells.append(publish_cell(figure, status, previous_status, aside, rules, wording))
                previous, previous_status = current, status
        return tuple(cells)


@dataclass(frozen=True)
class _StatPlan:
    """One period's other figures as planned, and how many comments were tagged."""

    tables: Mapping[str, SettledStats]
    analysed: int
    note: str | None


class _StatPlanner:
    """The other figures (questions, domains, life satisfaction, themes) planned as the
    KPI's are (`_Planner`): each period once, with the periods inside it fixed, since
    answers and comments add up across periods just as KPI answers do."""

    def __init__(self, scale: pd.DataFrame, comments: pd.DataFrame, options: ReportOptions):
        self.scale = scale
        self.all_comments = comments
        self.options = options
        self._settled: dict[str, _StatPlan] = {}

    def comments(self, period: Period) -> pd.DataFrame:
        return loading.within(self.all_comments, period, self.options.timezone, "created_at")

    def settled(self, period: Period) -> _StatPlan:
        """The period's plan: made here once, or found by the rows it is made from."""
        if period.label not in self._settled:
            scale = loading.within(self.scale, period, self.options.timezone)
            comments = self.comments(period)
            rules = (self.options.threshold, self.options.timezone)
            key = ("stats", period.label, fingerprint(scale), fingerprint(comments), rules)
            self._settled[period.label] = PLANS.get(
                key, lambda: self._make(period, scale, comments)
            )
        return self._settled[period.label]

    def _make(self, period: Period, scale: pd.DataFrame, comments: pd.DataFrame) -> _StatPlan:
        themes = theme_tables(comments, THEMES)
        tables = {
            "questions": question_table(scale),
            "domains": domain_table(scale),
            "life": life_table(scale),
            "themes": themes.themes,
            "sentiment": themes.sentiment,
            "themes_by_cohort": themes.by_cohort,
        }
        parts, within = nested_parts(period, self.settled)
        threshold = self.options.threshold
        settled = {
            name: table.settle(threshold, [part.tables[name] for part in parts], within)
            for name, table in tables.items()
        }
        return _StatPlan(settled, themes.analysed, themes.note)

    def themes(self, period: Period) -> ThemeSummary:
        """The period's themes; last period's share only where last period's plan showed it."""
        now, before = self.settled(period), self.settled(period.previous())
        if now.analysed == 0:
            return ThemeSummary(0, [], [], [], now.note)
        earlier = before.tables["themes"]
        shares = {
            row.dimensions: row.n / before.analysed
            for row, status in zip(earlier.rows, earlier.status, strict=True)
            if status is None and row.n
        }
        ours = now.tables["themes"]
        rows = tuple(
            RawStat(
                row.dimensions,
                row.n,
                {**row.values, "previous_share": shares.get(row.dimensions)},
                row.people,
            )
            for row in ours.rows
        )
        threshold = self.options.threshold
        return ThemeSummary(
            now.analysed,
            publish_settled_stats(SettledStats(rows, ours.status), threshold),
            publish_settled_stats(now.tables["sentiment"], threshold),
            publish_settled_stats(now.tables["themes_by_cohort"], threshold),
            now.note,
        )


# Plans already made in this process (by the dashboard, a report, the API).
PLANS = PlanCache()


def counted_words(period: Period, counted: Period, threshold: int, whose: str = "") -> str | None:
    """Why a running period's figures stop early, in words: None when they do not.
    `whose`: " from foster carers", where the figures beside are not the headline's."""
    if counted == period:
        return None
    month = f"{counted.end:%B}"
    return (
        f"To {counted.last_day_words}: {month} so far has too few answers{whose} to show "
        f"(fewer than {threshold}), so {period.this} counts the complete months before "
        f"it until {month} has {threshold} or more."
    )


def _overall_alone(plan: Settled, options: ReportOptions, wording: Wording) -> SafeKpi:
    """Another period's headline as its own plan publishes it (for "compared with")."""
    found = plan.status_of(("answers", frozenset()))
    assert found is not None  # every period has an overall cell
    counts, status, aside = found
    figure = KpiFigure((), counts, KpiCounts(0, 0))
    return publish_cell(figure, status, HIDDEN, aside, options.rules, wording)


def _kpi_section(
    frame: pd.DataFrame,
    period: Period,
    months: Sequence[Period],
    options: ReportOptions,
    labels: Mapping[str, str],
    today: date | None = None,
    whose: str = "",
) -> dict[str, Any]:
    """All KPI tables of the report, each cell as its period's plan has it (`_Planner`).
    A period still running on `today` may count only its complete months
    (`_Planner.counted`); "last period" and "a year before" are whole periods."""
    planner = _Planner(frame, options, _question_order(labels), today)
    counted = planner.counted(period)
    settled = planner.with_changes(counted)
    tables = list(settled.tables)
    when = period.this if counted == period else f"{period.this} to {counted.last_day_words}"
    wording = Wording(when, period.last, {**labels, **_month_wording(months)})
    previous = planner.settled(period.previous())
    published = publish_settled(settled, options.rules, wording, previous)
    cells = {table.name: tuple(p) for table, p in zip(tables, published, strict=True)}
    # The same headline against the same period a year before, as that period's plan has it.
    last_year = planner.settled(period.year_before())
    overall = settled.status_of(("answers", frozenset()))
    before = last_year.status_of(("answers", frozenset()))
    assert overall is not None and before is not None  # every period has an overall cell
    year_on_year = publish_cell(
        KpiFigure((), overall[0], before[0]),
        overall[1],
        before[1],
        overall[2],
        options.rules,
        Wording(when, period.same_last_year, labels),
    )
    titles, within_titles = planner.titles, planner.within_titles
    monthly_by = [
        Breakdown(
            f"monthly_by_{'_'.join(fixed)}",
            "Month by month",
            ("month", *fixed),
            planner.monthly(months, fixed, wording),
        )
        for fixed in FILTER_SETS
    ]
    return {
        "counted": counted,
        "counted_to": counted_words(period, counted, options.threshold, whose),
        "other_periods": (
            _overall_alone(previous, options, Wording(period.last, period.last, labels)),
            _overall_alone(last_year, options, Wording(period.last, period.last, labels)),
        ),
        "year_on_year": year_on_year,
        "by_arrival": Breakdown(
            "by_arrival", "By how people came", ("arrived",), cells["by_arrival"]
        ),
        "by_language": Breakdown(
            "by_language", "Answers by language", ("language",), cells["by_language"]
        )
        if "by_language" in cells
        else None,  # quarters and financial years only
        "by_help": Breakdown("by_help", "Answered with help", ("helped",), cells["by_help"]),
        "overall": cells["overall"][0],
        "people": cells["people"][0],
        "breakdowns": tuple(
            Breakdown(t.name, titles[t.name], t.dimensions, cells[t.name])
            for t in tables
            if t.name in titles and not t.name.startswith("people_")
        ),
        "people_breakdowns": tuple(
            Breakdown(t.name, titles[t.name], t.dimensions, cells[t.name])
            for t in tables
            if t.name in titles and t.name.startswith("people_")
        ),
        "monthly": planner.monthly(months, (), wording),
        "monthly_by_cohort": monthly_by[0].cells,
        "within": tuple(
            Breakdown(t.name, within_titles[t.name], t.dimensions, cells[t.name])
            for t in tables
            if t.name in within_titles
        )
        + tuple(monthly_by[1:]),  # by cohort is `monthly_by_cohort`
    }


YOUNG_PEOPLE_WORDS = "children in care and care leavers"


def _named(cell: SafeKpi, who: str) -> SafeKpi:
    """A headline cell (or a month's) whose sentence says whom it counts: "answers from
    children in care and care leavers", not "all answers" or "everyone". Words only:
    the figures are the cell's own."""
    if set(cell.key) - {"month"}:
        return cell
    words = (
        cell.sentence.replace(" of all answers ", f" of answers from {who} ", 1)
        .replace(" of people who answered ", f" of {who} who answered ", 1)
        .replace(" from everyone ", f" from {who} ", 1)
        .replace(" for everyone ", f" for {who} ", 1)
    )
    return dataclasses.replace(cell, sentence=words)


def named_headline(kpis: Mapping[str, Any], who: str) -> dict[str, Any]:
    """The headline, person-level, year-on-year and monthly cells of `_kpi_section`,
    their sentences naming `who` they count."""
    named: dict[str, Any] = {
        name: _named(kpis[name], who) for name in ("overall", "people") if name in kpis
    }
    if kpis.get("year_on_year") is not None:
        named["year_on_year"] = _named(kpis["year_on_year"], who)
    named["monthly"] = tuple(_named(cell, who) for cell in kpis.get("monthly", ()))
    return named


def carers_figures(
    answers: pd.DataFrame,
    period: Period,
    months: Sequence[Period],
    options: ReportOptions,
    labels: Mapping[str, str],
    today: date | None = None,
) -> CarersFigures:
    """Foster carers' figures for the period, planned and suppressed as the headline's
    are but on carers' answers alone (`split_by_audience`): a running period counts its
    complete months while carers' own month so far is too small to show."""
    whose = f" from {COHORT_WORDS['carer']}"
    kpis = _kpi_section(answers, period, months, options, labels, today, whose)
    kpis.update(named_headline(kpis, COHORT_WORDS["carer"]))
    counted: Period = kpis["counted"]
    return CarersFigures(
        counted=counted if counted != period else None,
        counted_to=kpis["counted_to"],
        overall=kpis["overall"],
        people=kpis["people"],
        year_on_year=kpis["year_on_year"],
        breakdowns=kpis["breakdowns"],
        people_breakdowns=kpis["people_breakdowns"],
        monthly=kpis["monthly"],
        monthly_by_cohort=kpis["monthly_by_cohort"],
        within=kpis["within"],
    )


def _arrival_table(
    everyone: pd.DataFrame, period: Period, options: ReportOptions, with_previous: bool = True
) -> KpiTable:
    """Every answer by how the person came. The trusted ways add up to the headline (so
    they are suppressed as its parts); the others are a group of their own."""
    tz = options.timezone
    now = loading.within(everyone, period, tz)
    before = loading.within(everyone, period.previous(), tz) if with_previous else None
    # the ways in used this period only: the table is the same with or without last
    # period's counts, so this period's plan is the same in every view
    figures = [f for f in kpi_figures(now, before, ("arrived",)) if f.current.n]
    trusted = [i for i, f in enumerate(figures) if f.key["arrived"] in options.trusted_arrivals]
    others = [i for i, f in enumerate(figures) if i not in trusted]
    groups = [group for group in (trusted, others) if group]
    totals: list[tuple[tuple[str, str], ...] | None] = [
        () if group is trusted else None for group in groups
    ]
    return KpiTable("by_arrival", ("arrived",), figures, groups=groups, totals=totals)


def _language_table(
    trusted: pd.DataFrame, period: Period, options: ReportOptions, with_previous: bool = True
) -> KpiTable:
    """The headline's answers by the language they were given in. Planned and published
    as the ways in are (`_arrival_table`): in the period's one plan, with the periods
    inside it fixed, so a small language group is hidden in every view alike. Every
    language counts towards the headline, so the cells add up to it."""
    tz = options.timezone
    now = loading.within(trusted, period, tz)
    before = loading.within(trusted, period.previous(), tz) if with_previous else None
    if "language" not in now.columns:  # a frame made before answers had a language
        now = now.assign(language="en")
        before = before.assign(language="en") if before is not None else None
    # the languages used this period only, as for the ways in
    figures = [f for f in kpi_figures(now, before, ("language",)) if f.current.n]
    return KpiTable("by_language", ("language",), figures)


def _help_table(
    trusted: pd.DataFrame, period: Period, options: ReportOptions, with_previous: bool = True
) -> KpiTable:
    """The headline's answers by whether a grown-up said they were helping (a tick on the
    web check-in's first page). Planned and published as the languages are
    (`_language_table`): in the period's one plan, with the periods inside it fixed, so a
    small group is hidden in every view alike. Answers given with help count towards the
    headline like any other, so the two cells add up to it."""
    tz = options.timezone
    now = loading.within(trusted, period, tz)
    before = loading.within(trusted, period.previous(), tz) if with_previous else None
    if "helped" not in now.columns:  # a frame made before check-ins recorded help
        now = now.assign(helped="no")
        before = before.assign(helped="no") if before is not None else None
    figures = [f for f in kpi_figures(now, before, ("helped",)) if f.current.n]
    return KpiTable("by_help", ("helped",), figures)


def _measure(table_name: str) -> str:
    return "people" if table_name.startswith("people") else "answers"


def _pick_quotes(
    comments: pd.DataFrame, themes: Sequence[str], threshold: int
) -> tuple[tuple[Quote, ...], str | None]:
    """Up to two quotes for each of the top themes: the most positive and the most negative.

    Only from writers who agreed to be quoted, scrubbed of names and details, and
    never a comment that reads as a disclosure of harm.
    """
    quotable = comments[comments["quotable"] & comments["text"].notna()]
    quotable = quotable[quotable["themes"].map(lambda t: isinstance(t, list))]
    if quotable.empty:
        return (), "No comments from people who agreed to be quoted in this period."
    try:
        detect("")  # loads the safeguarding word list once, before any quote is chosen
    except DataFileError as error:
        return (), f"Quotes are held back: the safeguarding word list could not be read ({error})."
    used: set[int] = set()
    quotes: list[Quote] = []
    for theme in themes[:TOP_THEMES_FOR_QUOTES]:
        mine = quotable[quotable["themes"].map(lambda t, th=theme: th in t)]
        mine = mine.assign(score=mine["polarity"].fillna(0.0)).sort_values(["score", "id"])
        ranked = list(mine.itertuples(index=False))
        # The most positive, then the most negative, passing over any that reads as a
        # disclosure: that is the safeguarding team's, and the next one speaks instead.
        for candidates in (ranked[::-1], ranked)[:QUOTES_PER_THEME]:
            row = next(
                (r for r in candidates if int(r.id) not in used and detect(str(r.text)) is None),
                None,
            )
            if row is None:
                continue
            text = scrub_quote(str(row.text)).strip()
            if len(text) > QUOTE_MAX_CHARS:
                text = text[: QUOTE_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
            who = _ONE_OF.get(str(row.cohort), "someone who answered")
            quotes.append(Quote(text=text, theme=theme, who=who))
            used.add(int(row.id))
    return tuple(quotes), None


def _you_said(frame: pd.DataFrame, tz: str) -> tuple[YouSaid, ...]:
    return tuple(
        YouSaid(
            theme=str(r.theme),
            you_said=str(r.you_said),
            we_did=str(r.we_did),
            posted=r.created_at.tz_convert(tz).date(),
        )
        for r in frame.itertuples(index=False)
    )


def _local_day(now: datetime, tz: str) -> date:
    """Today in the council's time zone."""
    return now.astimezone(ZoneInfo(tz)).date()


def _chart_window(period: Period, count: int) -> tuple[list[Period], Period]:
    """The chart's months (at least `count`, all of a longer period) and the window to load:
    those, the previous period and the same period last year."""
    months = trailing_months(period, count)
    inside = months_in(period)
    if len(inside) > len(months):
        months = inside
    start = min(months[0].start, period.previous().start, period.year_before().start)
    return months, Period(start, period.end, "range")


def build_report(
    connection: Connection,
    period: Period,
    options: ReportOptions | None = None,
    *,
    catalogue: Mapping[str, Survey] | None = None,
    now: datetime | None = None,
) -> Report:
    """Read, compute and suppress everything one report shows (a month, quarter or
    financial year: `published` says why not other spans). A period still running at
    `now` (default: the clock) may count only its complete months (`Report.counted_to`)."""
    published(period)
    now = now or datetime.now(UTC)
    options = options or ReportOptions()
    catalogue = catalogue if catalogue is not None else load_catalogue()
    sizes = options.cohort_sizes if options.cohort_sizes is not None else load_cohort_sizes()
    tz = options.timezone
    labels = loading.labels(catalogue)
    months, window = _chart_window(period, options.chart_months)
    profiles = loading.respondent_profiles(connection)
    frame = loading.kpi_answers(connection, window, tz, catalogue, profiles)
    everyone = frame  # the other figures (questions, domains) count carers' answers too
    frame, carers_answers = split_by_audience(everyone)
    today = _local_day(now, tz)
    carers = carers_figures(carers_answers, period, months, options, labels, today)
    kpis = _kpi_section(frame, period, months, options, labels, today)
    counted: Period = kpis.pop("counted")
    kpis["counted"] = counted if counted != period else None
    other_periods: tuple[SafeKpi, SafeKpi] = kpis.pop("other_periods")
    kpis.update(named_headline(kpis, YOUNG_PEOPLE_WORDS))
    # this period and the last, for the other figures and last period's theme shares
    span = Period(period.previous().start, period.end, "range")
    in_span = loading.within(everyone, span, tz)
    del frame, everyone, carers_answers
    scale = loading.scale_answers(connection, span, tz, catalogue, in_span, profiles)
    del in_span
    scale = _carers_as_counted(scale, counted, carers.counted, tz)
    stats = _StatPlanner(scale, loading.comments(connection, span, tz), options)
    # counted as the KPI is: a running period's complete months, while the month so far
    # is too small to show (the same cut, so each table is a sum of published months)
    settled = stats.settled(counted).tables
    themes = stats.themes(counted)
    quote_themes = [c.key["theme"] for c in themes.themes if c.suppressed is None]
    quotes, quotes_note = _pick_quotes(stats.comments(counted), quote_themes, options.threshold)
    _, end = period.utc_bounds(tz)
    return Report(
        period=period,
        previous=period.previous(),
        generated_at=now,
        options=options,
        months=tuple(months),
        questions=tuple(publish_settled_stats(settled["questions"], options.threshold)),
        domains=tuple(publish_settled_stats(settled["domains"], options.threshold)),
        life=tuple(publish_settled_stats(settled["life"], options.threshold)),
        coverage=tuple(
            coverage(
                _answered_as_counted(connection, counted, carers.counted or period, tz),
                sizes,
                options.threshold,
            )
        ),
        coverage_counted_to=_coverage_words(counted, period, carers.counted),
        cohort_sizes=sizes,
        response_rates=tuple(
            response_rates(loading.invite_batches(connection, period, tz), options.threshold)
        ),
        themes=themes,
        quotes=quotes,
        quotes_note=quotes_note,
        you_said=_you_said(loading.you_said_posts(connection, end), tz),
        labels=labels,
        carers=carers,
        comparisons=comparison_rows(
            period, kpis["overall"], kpis["year_on_year"], options.comparators, other_periods
        ),
        **kpis,
    )


def _carers_as_counted(
    scale: pd.DataFrame, young: Period, carers: Period | None, tz: str
) -> pd.DataFrame:
    """Foster carers' answers cut where carers' own figures stop, when that is earlier
    than young people's: carers' domain and question rows then count the months their
    KPI counts, so the two agree instead of the tables hiding carers' rows for a small
    month the KPI leaves out."""
    if carers is None or carers.end >= young.end:
        return scale
    _, cut = carers.utc_bounds(tz)
    later = _is_carer(scale) & (scale["answered_at"] >= cut)
    return scale[~later.to_numpy()]


def _is_carer(frame: pd.DataFrame) -> pd.Series:
    return frame["cohort"].astype("object").isin(CARERS)


def _answered_as_counted(
    connection: Connection, young: Period, carers: Period, tz: str
) -> pd.DataFrame:
    """Who answered at all, over the span each group's figures count: a running period cut
    short for young people or for carers (`_Planner.counted`). Counted over the whole
    period instead, "10 carers answered" beside "7 carers, to 30 November" would give away
    how many answered in a month too small to show."""
    answered = loading.respondents_answered(connection, young, tz)
    if carers == young:
        return answered
    theirs = loading.respondents_answered(connection, carers, tz)
    return pd.concat([answered[~_is_carer(answered)], theirs[_is_carer(theirs)]], ignore_index=True)


def _coverage_words(young: Period, period: Period, carers: Period | None) -> str | None:
    """Which groups "who we heard from" counts to an earlier day, as their figures do."""
    parts = []
    if young != period:
        parts.append(f"children in care and care leavers to {young.last_day_words}")
    if carers is not None:
        parts.append(f"foster carers to {carers.last_day_words}")
    if not parts:
        return None
    return f"Counted as the figures above count them: {' and '.join(parts)}."


def _their_figure(rate: float | None, why_not: str) -> str:
    return why_not if rate is None else f"{percent(rate)}%"


def why_not_shown(other: SafeKpi) -> str:
    """Why another period's headline has no figure, as its own plan decided: too few
    answers or people, none, or hidden to protect a smaller group (which is not "no
    data": that period had answers)."""
    if other.suppressed is None:
        return "not shown: no answers"
    if other.n_display.endswith("people"):
        return f"not shown: {other.n_display} answered"
    if other.n_display.startswith("fewer than"):
        return f"not shown: {other.n_display} answers"
    return "hidden, though it had answers, so that a smaller group's figure cannot be worked out"


def comparison_rows(
    period: Period,
    overall: SafeKpi,
    year_on_year: SafeKpi | None,
    comparators: Sequence[Comparator] = (),
    other_periods: tuple[SafeKpi, SafeKpi] | None = None,
) -> tuple[ComparisonRow, ...]:
    """The previous period, the same period last year (always), then the council's
    comparators. Another period's figure is shown where its own plan showed it, even
    when this period's is hidden (it is already published in its own report); else why
    not, in words. Without `other_periods`, only the changes' own previous rates."""
    hidden = "not shown: fewer answers than the threshold, or none"

    def theirs(other: SafeKpi | None, previous_rate: float | None) -> tuple[float | None, str]:
        if other is None:
            return previous_rate, _their_figure(previous_rate, hidden)
        if other.rate is not None:
            return other.rate, _their_figure(other.rate, hidden)
        return None, why_not_shown(other)

    before, year_ago = other_periods or (None, None)
    rate, shown = theirs(before, overall.previous_rate)
    rows = [
        ComparisonRow(
            period.last.capitalize(),
            period.previous().label,
            rate,
            shown,
            _ours(overall.rate, rate),
        )
    ]
    if year_on_year is not None and period.year_before() != period.previous():
        rate, shown = theirs(year_ago, year_on_year.previous_rate)
        rows.append(
            ComparisonRow(
                period.same_last_year.capitalize(),
                period.year_before().label,
                rate,
                shown,
                _ours(overall.rate, rate),
            )
        )
    for comparator in comparators:
        rows.append(
            ComparisonRow(
                comparator.name,
                comparator.period,
                comparator.rate,
                f"{percent(comparator.rate)}%",
                _ours(overall.rate, comparator.rate),
                source=f"{comparator.source}, {comparator.published.isoformat()}",
                note=comparator.note,
            )
        )
    return tuple(rows)


def _ours(ours: float | None, theirs: float | None) -> str | None:
    """Compared as shown, to the whole percent."""
    if ours is None or theirs is None:
        return None
    mine, other = percent(ours), percent(theirs)
    return "above" if mine > other else "below" if mine < other else "the same as"


def headline(
    connection: Connection,
    period: Period,
    options: ReportOptions | None = None,
    *,
    catalogue: Mapping[str, Survey] | None = None,
    now: datetime | None = None,
) -> tuple[SafeKpi, SafeKpi, tuple[Breakdown, ...]]:
    """Just the KPI tables for a period (answer-level, person-level, breakdowns): the
    dashboard's quick view, suppressed exactly as in the full report."""
    options = options or ReportOptions()
    catalogue = catalogue if catalogue is not None else load_catalogue()
    months, window = _chart_window(period, options.chart_months)
    frame = loading.kpi_answers(connection, window, options.timezone, catalogue)
    frame, _ = split_by_audience(frame)  # the headline is young people's
    labels = loading.labels(catalogue)
    today = _local_day(now or datetime.now(UTC), options.timezone)
    kpis = _kpi_section(frame, period, months, options, labels, today)
    return kpis["overall"], kpis["people"], kpis["breakdowns"] + kpis["people_breakdowns"]


# --------------------------------------------------------------------------- words for values


def value_words(dimension: str, value: str, labels: Mapping[str, str], survey: str = "") -> str:
    """How a table shows one dimension value."""
    if dimension in EQUALITY_QUESTIONS and value != ALL:
        return value_label(dimension, value)
    if value in (NOT_RECORDED, ALL):
        return value.capitalize() if value == NOT_RECORDED else "All"
    if dimension == "cohort":
        return COHORT_WORDS.get(value, value).capitalize()
    if dimension == "domain":
        return DOMAIN_WORDS.get(value, value.replace("_", " ")).capitalize()
    if dimension == "survey_id":
        title = labels.get(f"survey:{value}")
        return f"{title} ({value})" if title else value
    if dimension == "question_id":
        return labels.get(f"question:{survey}/{value}", value)
    if dimension == "placement_type":
        return HOME_WORDS.get(value, value.replace("_", " ")).capitalize()
    if dimension == "locality":
        return LOCALITY_WORDS.get(value, value.replace("_", " ")).capitalize()
    if dimension == "theme":
        return theme_label(value)
    if dimension == "age_band":
        return "Adults" if value == "adult" else f"Aged {value}"
    if dimension == "month":
        try:
            return datetime.strptime(value, "%Y-%m").strftime("%b %Y")
        except ValueError:
            return value
    return value


def cell_label(
    cell: SafeKpi | SafeStat, labels: Mapping[str, str], skip: Sequence[str] = ()
) -> str:
    """A row heading: "Children in care aged 11-17", "Home and care", a question's text.

    `skip` leaves out dimensions the page has already named (a filtered view's group).
    """
    dimensions = [(d, v) for d, v in cell.dimensions if d not in skip]
    key = dict(dimensions)
    parts: list[str] = []
    for dimension, value in dimensions:
        if dimension == "survey_id" and "question_id" in key:
            continue
        if dimension == "age_band" and key.get("cohort") not in (None, ALL, NOT_RECORDED):
            if value not in (ALL, "adult"):
                parts[-1] += f" aged {value}"
            continue
        parts.append(value_words(dimension, value, labels, key.get("survey_id", "")))
    return ", ".join(parts) if parts else "Everyone"


# --------------------------------------------------------------------------- JSON and CSV


def _round(value: float | None, places: int = 4) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(value, places)


def _headline_json(cell: SafeKpi) -> dict[str, Any]:
    return {
        "n": cell.n,
        "n_display": cell.n_display,
        "rate": _round(cell.rate),
        "ci_low": _round(cell.ci_low),
        "ci_high": _round(cell.ci_high),
        "rag": cell.rag,
        "suppressed": cell.suppressed,
    }


HEADLINE_COUNTS = "children in care and care leavers (not foster carers)"


def _carers_json(carers: CarersFigures) -> dict[str, Any]:
    return {
        "title": carers.title,
        # the last day carers' figures count, when a running period is cut short
        "counted_to": carers.counted.last_day.isoformat() if carers.counted else None,
        "counted_note": carers.counted_to,
        "overall": _kpi_json(carers.overall),
        "overall_year_on_year": _kpi_json(carers.year_on_year) if carers.year_on_year else None,
        "person_level": _kpi_json(carers.people),
        "breakdowns": [
            {
                "name": b.name,
                "title": b.title,
                "dimensions": list(b.dimensions),
                "measure": b.measure,
                "cells": [_kpi_json(c) for c in b.cells],
            }
            for b in (*carers.breakdowns, *carers.people_breakdowns)
        ],
        "monthly": [_kpi_json(c) for c in carers.monthly],
    }


def _kpi_json(cell: SafeKpi) -> dict[str, Any]:
    data = cell.to_dict()
    for name in ("rate", "ci_low", "ci_high", "previous_rate", "change", "p_value"):
        data[name] = _round(data[name])
    return data


def _stat_json(cell: SafeStat) -> dict[str, Any]:
    return {k: _round(v) if isinstance(v, float) else v for k, v in cell.to_dict().items()}


def _methods(report: Report) -> dict[str, str]:
    o = report.options
    t = percent(o.target)
    return {
        "who_is_counted": (
            "The headline, its interval, RAG, trend and comparisons count children in care "
            "and care leavers only: the 80% target is young people's. Foster carers' "
            "answers are shown apart, in their own figure, and are never added in."
        ),
        "answer_level_rate": (
            "Of all answers to the questions that count towards the measure, the share in the "
            "top two answers (happy or very happy; yes). 'I'd rather not say' and skipped "
            "questions are left out and counted separately."
        ),
        "person_level_rate": (
            "Of the people who answered at least one counted question in the period, the share "
            "whose own answers were mostly (more than half) satisfied or better."
        ),
        "rag": (
            f"Green at or above the {t}% target; amber within {percent(o.tolerance)} points "
            f"below it; red further below. 'Clearly above' or 'clearly below' means the whole "
            f"95% confidence interval is on that side of the target."
        ),
        "confidence_interval": (
            "95% Wilson score interval: the range the true figure probably lies in, wider when "
            "fewer people answered. It stays honest for small groups and rates near 0% or 100%."
        ),
        "change": (
            f"Compared with {report.period.last} using a two-proportion z-test; a change is "
            f"called significant when p < 0.05."
        ),
        "suppression": (
            f"Any count from 1 to {o.threshold - 1} (answers or people) is shown as 'fewer than "
            f"{o.threshold}' with no percentage. If that would let a hidden figure be worked out "
            f"from a total and the other figures, the next smallest figure is hidden too "
            f"('hidden'). Previous-period figures hidden then are not compared with."
        ),
        "time": f"Periods are calendar days in {o.timezone} time.",
        "quotes": (
            "Quotes come only from people who agreed to be quoted, with names, contact details, "
            "places and schools removed."
        ),
    }


def to_dict(report: Report) -> dict[str, Any]:
    """The JSON shape: period, target, overall, breakdowns, themes, coverage and more."""
    if not isinstance(report, Report):
        raise TypeError("to_dict takes a Report")
    sizes = report.cohort_sizes
    return {
        "period": {
            "label": report.period.label,
            "kind": report.period.kind,
            "title": report.period.title,
            "start": report.period.start.isoformat(),
            "end": report.period.last_day.isoformat(),
            "previous": report.previous.label,
            # the last day the figures count, when a running period is cut short
            "counted_to": report.counted.last_day.isoformat() if report.counted else None,
        },
        "generated_at": report.generated_at.isoformat(),
        "target": report.options.target,
        "tolerance": report.options.tolerance,
        "suppression_threshold": report.options.threshold,
        "counted_note": report.counted_to,
        "overall": _kpi_json(report.overall),
        "overall_year_on_year": _kpi_json(report.year_on_year) if report.year_on_year else None,
        "comparisons": [
            {
                "name": row.name,
                "period": row.period,
                "rate": row.rate,
                "shown": row.shown,
                "ours": row.ours,
                "source": row.source or None,
                "note": row.note or None,
            }
            for row in report.comparisons
        ],
        "trusted_arrivals": list(report.options.trusted_arrivals),
        "by_arrival": [
            {k: v for k, v in _kpi_json(cell).items() if k != "sentence"}
            for cell in (report.by_arrival.cells if report.by_arrival else ())
        ],
        "by_language": [
            {k: v for k, v in _kpi_json(cell).items() if k != "sentence"}
            | {"language_name": languages.english_name(cell.key["language"])}
            for cell in (report.by_language.cells if report.by_language else ())
        ],
        "by_help": [
            {k: v for k, v in _kpi_json(cell).items() if k != "sentence"}
            for cell in (report.by_help.cells if report.by_help else ())
        ],
        "person_level": _kpi_json(report.people),
        "headline_counts": HEADLINE_COUNTS,
        "carers": _carers_json(report.carers) if report.carers else None,
        "breakdowns": [
            {
                "name": b.name,
                "title": b.title,
                "dimensions": list(b.dimensions),
                "measure": "people" if b.name.startswith("people_") else "answers",
                "cells": [_kpi_json(c) for c in b.cells],
            }
            for b in (*report.breakdowns, *report.people_breakdowns)
        ],
        "monthly": [_kpi_json(c) for c in report.monthly],
        "monthly_by_cohort": [_kpi_json(c) for c in report.monthly_by_cohort],
        "indicators": {
            "questions": [_stat_json(c) for c in report.questions],
            "domains": [_stat_json(c) for c in report.domains],
            "life_satisfaction": [_stat_json(c) for c in report.life],
        },
        "themes": [_stat_json(c) for c in report.themes.themes],
        "themes_note": report.themes.note,
        "themes_analysed_comments": report.themes.analysed,
        "theme_sentiment": [_stat_json(c) for c in report.themes.sentiment],
        "themes_by_cohort": [_stat_json(c) for c in report.themes.by_cohort],
        "quotes": [{"text": q.text, "theme": q.theme, "who": q.who} for q in report.quotes],
        "quotes_note": report.quotes_note,
        "coverage": {
            "cohort_sizes_as_of": sizes.as_of if sizes else None,
            "cohort_sizes_source": sizes.source if sizes else None,
            "counted_note": report.coverage_counted_to,
            "cells": [_stat_json(c) for c in report.coverage],
            "response_rates": [_stat_json(c) for c in report.response_rates],
        },
        "you_said_we_did": [
            {
                "theme": y.theme,
                "you_said": y.you_said,
                "we_did": y.we_did,
                "posted": y.posted.isoformat(),
            }
            for y in report.you_said
        ],
        "methods": _methods(report),
    }


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False)


CSV_DIMENSIONS = (
    "cohort",
    "age_band",
    "domain",
    "survey_id",
    "question_id",
    "placement_type",
    "locality",
    "sex",
    "disability",
    "ethnicity",
    "came_to_uk_alone",
    "language",
    "helped",
    "month",
)
CSV_COLUMNS = (
    "period",
    "table",
    "measure",
    *CSV_DIMENSIONS,
    "target",
    "n",
    "n_display",
    "not_counted",
    "rate",
    "ci_low",
    "ci_high",
    "rag",
    "position",
    "previous_rate",
    "change",
    "p_value",
    "significant",
    "direction",
    "suppressed",
    "sentence",
)


def _csv_rows(report: Report) -> Iterable[tuple[str, SafeKpi]]:
    yield "overall", report.overall
    if report.year_on_year is not None:
        # the same headline, its previous_rate and change taken from a year before
        yield "overall_year_on_year", report.year_on_year
    yield "person_level", report.people
    for cell in report.by_arrival.cells if report.by_arrival else ():
        yield "by_arrival", cell
    for cell in report.by_language.cells if report.by_language else ():
        yield "by_language", cell
    for cell in report.by_help.cells if report.by_help else ():
        yield "by_help", cell
    for breakdown in (*report.breakdowns, *report.people_breakdowns):
        for cell in breakdown.cells:
            yield breakdown.name, cell
    for cell in report.monthly:
        yield "monthly", cell
    for cell in report.monthly_by_cohort:
        yield "monthly_by_cohort", cell
    # foster carers' own figures: not in the rows above (the headline is young people's)
    carers = report.carers
    if carers is not None:
        yield "carers_overall", carers.overall
        if carers.year_on_year is not None:
            yield "carers_overall_year_on_year", carers.year_on_year
        yield "carers_person_level", carers.people
        for breakdown in (*carers.breakdowns, *carers.people_breakdowns):
            for cell in breakdown.cells:
                yield f"carers_{breakdown.name}", cell
        for cell in carers.monthly:
            yield "carers_monthly", cell


def to_csv(report: Report) -> str:
    """One row per KPI cell, every table, already suppressed."""
    if not isinstance(report, Report):
        raise TypeError("to_csv takes a Report")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for table, cell in _csv_rows(report):
        data = _kpi_json(cell)
        row = {name: data.get(name, "") for name in CSV_COLUMNS}
        row.update(period=report.period.label, table=table, target=report.options.target)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


# --------------------------------------------------------------------------- HTML


def _pct(value: float | None) -> str:
    return "" if value is None else f"{percent(value)}%"


def _ci(cell: SafeKpi | SafeStat) -> str:
    low = cell.ci_low if isinstance(cell, SafeKpi) else cell.value("ci_low")
    high = cell.ci_high if isinstance(cell, SafeKpi) else cell.value("ci_high")
    if low is None or high is None:
        return ""
    return f"{percent(float(low))}%–{percent(float(high))}%"


def _direction(cell: SafeKpi, last: str) -> str:
    if cell.direction is None:
        return "No comparison" if cell.rate is not None else ""
    arrow = {"up": "↑ Up", "down": "↓ Down", "same": "→ No change"}[cell.direction]
    if cell.direction == "same":
        return f"{arrow} on {last}"
    note = "significant" if cell.significant else "not significant"
    return f"{arrow} from {_pct(cell.previous_rate)} ({note})"


def _charts(report: Report) -> dict[str, Chart]:
    target = report.options.target
    names = [_month_label(m) for m in report.months]
    labels = {m.label: i for i, m in enumerate(report.months)}
    cohorts: dict[str, list[SafeKpi | None]] = {}
    for cell in report.monthly_by_cohort:
        cohort = cell.key["cohort"]
        series = cohorts.setdefault(cohort, [None] * len(names))
        series[labels[cell.key["month"]]] = cell
    charts = {
        "trend": trend_chart(
            names,
            {"Young people": list(report.monthly)},
            target,
            "Satisfied or better, month by month",
        ),
        "cohorts": trend_chart(
            names,
            {
                COHORT_WORDS.get(c, c).capitalize(): s
                for c, s in sorted(cohorts.items())
                if c != NOT_RECORDED
            },
            target,
            "Satisfied or better by who answered, month by month",
        ),
    }
    domains = report.breakdown("domain")
    if domains and domains.cells:
        charts["domains"] = bar_chart(
            [cell_label(c, report.labels) for c in domains.cells],
            list(domains.cells),
            target,
            f"Satisfied or better by domain, {report.period.title}",
        )
    return charts


def _environment(target: float) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = _pct
    env.filters["actual"] = lambda rate: "—" if rate is None else percent_text(rate, target)
    env.filters["ci"] = _ci
    env.filters["longdate"] = lambda d: f"{d.day} {d:%B %Y}"
    env.globals["theme_label"] = theme_label
    env.globals["ARRIVAL_WORDS"] = ARRIVAL_WORDS
    env.globals["language_name"] = languages.english_name
    return env


def trusted_words(trusted: Sequence[str]) -> str:
    """ "Telegram and single-use survey links": the ways in the headline counts."""
    words = [
        ARRIVAL_WORDS.get(a, a).lower().replace("telegram", "Telegram")
        for a in trusted
        if a not in ("unknown", "demo", "import")
    ]
    if not words:
        return "the ways in the council chose"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def to_html(report: Report) -> str:
    """A self-contained page for the Corporate Parenting Group: no links out, charts inline."""
    if not isinstance(report, Report):
        raise TypeError("to_html takes a Report")
    template = _environment(report.options.target).get_template("report.html")
    return template.render(
        report=report,
        o=report.options,
        charts=_charts(report),
        label=lambda cell: cell_label(cell, report.labels),
        words=lambda d, v, s="": value_words(d, v, report.labels, s),
        direction=lambda cell: _direction(cell, report.period.last),
        methods=_methods(report),
        target_pct=percent(report.options.target),
        trusted_words=trusted_words(report.options.trusted_arrivals),
    )


def render(report: Report, format: str) -> str:
    """The report in one of html, json or csv."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return {"html": to_html, "json": to_json, "csv": to_csv}[format](report)
