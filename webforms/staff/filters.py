"""The dashboard's filter: one cohort, one age band, or both, from ?cohort=&age_band=.

A filtered view computes and suppresses nothing itself. It picks the chosen
group's cells out of tables that `analysis.report` suppressed together with the
unfiltered ones (`Report.table`): a filtered total is the very cell the "by who
answered and age band" table shows, and a filtered breakdown is a slice of a
cross-table whose rows and columns are protected against subtraction from the
unfiltered totals. So no pair of views can be subtracted to reveal a hidden cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from analysis.kpi import COHORT_WORDS
from analysis.report import FILTER_DIMENSIONS, FILTERED_BREAKDOWNS, Report
from analysis.suppression import SafeKpi

AGE_BAND_WORDS = {
    "4-7": "4 to 7",
    "8-11": "8 to 11",
    "11-17": "11 to 17",
    "16-25": "16 to 25",
    "adult": "adults",
}
COHORT_CHOICES = tuple((value, words.capitalize()) for value, words in COHORT_WORDS.items())
AGE_BAND_CHOICES = tuple((value, words.capitalize()) for value, words in AGE_BAND_WORDS.items())
# Breakdowns a reader usually wants open; the rest sit in closed <details>.
OPEN_SECTIONS = ("survey", "cohort", "age_band", "domain", "question", "within")


@dataclass(frozen=True)
class Filter:
    """The group a dashboard is showing; no cohort and no age band means everyone."""

    cohort: str | None = None
    age_band: str | None = None

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        chosen = (("cohort", self.cohort), ("age_band", self.age_band))
        return tuple((dimension, value) for dimension, value in chosen if value)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(dimension for dimension, _ in self.pairs)

    @property
    def active(self) -> bool:
        return bool(self.pairs)

    @property
    def foster_carers(self) -> bool:
        """Showing foster carers' own figures (planned apart from young people's)."""
        return self.cohort == "carer" or self.age_band == "adult"

    def matches(self, cell: SafeKpi) -> bool:
        key = cell.key
        return all(key.get(dimension) == value for dimension, value in self.pairs)

    def words(self) -> str:
        """ "Care leavers, 16 to 25"; "Children in care"; "Everyone aged 11 to 17"."""
        cohort = COHORT_WORDS.get(self.cohort or "", "").capitalize()
        band = AGE_BAND_WORDS.get(self.age_band or "", "")
        if cohort and band:
            return f"{cohort}, {band}"
        if cohort:
            return cohort
        if band == "adults":
            return "Adults"
        return f"Everyone aged {band}" if band else "Everyone"

    def query(self) -> dict[str, str]:
        """The filter as URL arguments, for links that keep it."""
        return dict(self.pairs)


def chosen_filter() -> tuple[Filter, str | None]:
    """The filter in the address, and why a value was ignored (for the page to say)."""
    cohort = (request.args.get("cohort") or "").strip()
    band = (request.args.get("age_band") or "").strip()
    problem = None
    if cohort and cohort not in COHORT_WORDS:
        cohort, problem = "", "That group is not one Heard knows."
    if band and band not in AGE_BAND_WORDS:
        band, problem = "", "That age band is not one Heard knows."
    return Filter(cohort or None, band or None), problem


@dataclass(frozen=True)
class Section:
    """One table of the dashboard: a breakdown, or the chosen group's slice of one."""

    name: str
    title: str
    cells: tuple[SafeKpi, ...]
    people: bool = False

    @property
    def open(self) -> bool:
        return not self.people and self.name in OPEN_SECTIONS


@dataclass(frozen=True)
class DashboardFigures:
    """What the dashboard's figures show for one filter (everyone when it is not active)."""

    filter: Filter
    overall: SafeKpi | None
    people: SafeKpi | None
    monthly: tuple[SafeKpi, ...]
    sections: tuple[Section, ...]

    @property
    def cells(self) -> tuple[SafeKpi, ...]:
        headline = tuple(c for c in (self.overall, self.people) if c is not None)
        return headline + self.monthly + tuple(c for s in self.sections for c in s.cells)


def _slice(
    report: Report, chosen: Filter, dims: tuple[str, ...], measure: str
) -> tuple[SafeKpi, ...]:
    table = report.table(dims, measure)
    return tuple(cell for cell in table.cells if chosen.matches(cell)) if table else ()


def dashboard_figures(report: Report, chosen: Filter) -> DashboardFigures:
    """The report's own tables for everyone; for a group, its slices of the report's tables."""
    if not chosen.active:
        everyone = [Section(b.name, b.title, b.cells) for b in report.breakdowns]
        everyone += [Section(b.name, b.title, b.cells, True) for b in report.people_breakdowns]
        return DashboardFigures(
            chosen, report.overall, report.people, report.monthly, tuple(everyone)
        )
    fixed = chosen.dimensions
    overall = _slice(report, chosen, fixed, "answers")
    people = _slice(report, chosen, fixed, "people")
    sections: list[Section] = []
    other = [d for d in FILTER_DIMENSIONS if d not in fixed]
    if other:  # one filter chosen: split its group by the other
        title = "By age band" if other == ["age_band"] else "By who answered"
        both = ("cohort", "age_band")
        sections.append(Section("within", title, _slice(report, chosen, both, "answers")))
        people_cells = _slice(report, chosen, both, "people")
        sections.append(Section("within_people", f"People, {title.lower()}", people_cells, True))
    for name, title, dims in FILTERED_BREAKDOWNS:
        cells = _slice(report, chosen, (*fixed, *dims), "answers")
        if cells:
            sections.append(Section(name, title, cells))
    return DashboardFigures(
        chosen,
        overall[0] if overall else None,
        people[0] if people else None,
        _slice(report, chosen, ("month", *fixed), "answers"),
        tuple(section for section in sections if section.cells),
    )
