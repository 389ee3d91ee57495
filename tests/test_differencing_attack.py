"""An independent attacker: download every view Heard offers for a financial year and
try every difference. Nothing hidden may be recovered.

Suppression is only as good as its weakest combination of outputs. Each report hides
its small cells and enough others that no cell of that report can be worked out by
subtraction; but a council's BI tool (or a curious reader) can fetch July, August,
September and the quarter, and "the quarter minus August minus September" is July
whatever each report did on its own. So this test plays that reader, with no
knowledge of how Heard suppresses:

1. a synthetic council (fixed seed) answers across the financial year 2025-26 and a
   few months either side, in many small cells (0 to 4 people a month per group);
2. through the real app it downloads, for every month, quarter, calendar year and
   financial year, the BI API's report (and its /kpi, /breakdowns and /monthly for
   the financial year's periods), the staff report download, the themes page, and
   the dashboard filtered to every cohort, age band and pair (the cells its page
   renders); a period the app refuses is skipped: only what Heard offers counts;
3. `Attacker` writes every linear relation a statistician would try (a quarter is
   its three months, a year its quarters and its months, a table's cells add up to
   the table without one of its dimensions where the categories are exhaustive, a
   theme's feelings add up to the theme) and asks, by a rank test, which hidden
   cells those equations pin down, for the answers (n), the satisfied answers
   (round(rate * n)) and the "rather not say" answers, and for theme comments;
4. a cell shown in one view and hidden in another is reported too, as is a cell's
   rate shown as another period's "previous" while the cell itself is hidden;
5. the themes page's feeling split must not give a hidden count away.

The seeded truth is used only to keep the attacker honest: every figure it reads must
match what was seeded, and a within-period relation is used only where it holds in the
data (an attacker knows which tables partition the answers).
"""

from __future__ import annotations

import html
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from random import Random
from typing import Any

import numpy as np
import pytest
import test_web_staff_support as staff_support
from flask import Flask
from flask.testing import FlaskClient
from test_report import CATALOGUE, Given, seed

from analysis.periods import PeriodError, parse_period, published
from analysis.report import CSV_DIMENSIONS, ReportOptions, build_report
from heard.settings import Settings
from heard.wiring import Database
from storage.api_tokens import add_token
from storage.comments import add_comment, annotate_comment
from storage.db import transaction
from storage.staff import add_staff
from webforms.app import create_app
from webforms.config import WebConfig
from webforms.staff.filters import AGE_BAND_CHOICES, COHORT_CHOICES, Filter, dashboard_figures
from webforms.staff.passwords import hash_password

fast_hashing = staff_support.fast_hashing  # a fixture: cheap argon2 for the sign-in

SEED = 2025_26
THRESHOLD = 5
NOT_RECORDED = "not recorded"

# (cohort, age band, survey, KPI questions, types of home) of the synthetic council
GROUPS = (
    ("child_in_care", "8-11", "checkin-8-11", ("bedroom_happy", "carers_care"),
     ("foster", "residential")),
    ("child_in_care", "11-17", "checkin-11-17", ("home_happy", "feel_safe", "good_friend"),
     ("foster", "residential")),
    ("care_leaver", "16-25", "checkin-care-leaver", ("feel_safe_home", "good_friend"), (None,)),
    ("carer", "adult", "carer-feedback", ("support_overall", "hear_back"), (None,)),
)  # fmt: skip
THEMES = ("friendship", "feeling_safe", "money")
FEELINGS = {"positive": 0.6, "neutral": 0.0, "negative": -0.6}

# the months with answers: the financial year 2025-26 and three months either side
DATA_MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 7)]
QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
YEARS = ["2025", "2026"]
FINANCIAL_YEARS = ["2024-25", "2025-26", "2026-27"]
PERIODS = DATA_MONTHS + QUARTERS + YEARS + FINANCIAL_YEARS
# /kpi, /breakdowns and /monthly are slices of /report: fetched (each builds the whole
# report again, so this is slow) for one quarter only
ALL_API_VIEWS_FOR = ("2025-Q3",)
API_VIEWS = ("report", "kpi", "breakdowns", "monthly")
# "answers": young people's, the headline's; "carers": foster carers' own figures, planned
# apart and never added into the headline (report.YOUNG_PEOPLE)
MEASURES = {
    "answers": ("n", "satisfied", "not_counted"),
    "carers": ("n", "satisfied", "not_counted"),
    "comments": ("n",),
}

Key = tuple[tuple[str, str], ...]
Ident = tuple[str, str, Key]  # (family: "answers" or "comments", period label, key)


def _key(pairs: Iterable[tuple[str, Any]]) -> Key:
    return tuple(sorted((d, str(v)) for d, v in pairs if d != "month"))


def _months_of(label: str) -> list[str]:
    period = parse_period(label)
    months, day = [], period.start
    while day < period.end:
        months.append(f"{day.year}-{day.month:02d}")
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def _quarters_of(label: str) -> list[str]:
    return [f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in _months_of(label)[::3]]


# --------------------------------------------------------------------------- the council


@dataclass
class Council:
    """What was seeded, and the true counts of every cell it makes (the attacker's check)."""

    answers: list[Given] = field(default_factory=list)
    comments: list[tuple[str, str, datetime, tuple[str, ...], str]] = field(default_factory=list)
    truth: dict[Ident, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )

    def count(self, family: str, month: str, keys: Iterable[Key], **values: int) -> None:
        periods = {month} | {p for p in PERIODS if month in _months_of(p)}
        for period in periods:
            for key in keys:
                for measure, value in values.items():
                    self.truth[(family, period, key)][measure] += value

    def true(self, ident: Ident, measure: str) -> int:
        return self.truth[ident][measure] if ident in self.truth else 0


def synthetic_council() -> Council:
    """0 to 4 people a month in each group, each answering their survey's KPI questions,
    with a "rather not say" now and then; a few comments a month about a few themes."""
    rng = Random(SEED)
    council = Council()
    for month in DATA_MONTHS:
        year, number = int(month[:4]), int(month[5:])
        for g, (cohort, band, survey, questions, homes) in enumerate(GROUPS):
            for i in range(rng.choice((0, 0, 1, 1, 2, 3, 4))):
                person = f"{month}-{g}-{i}"
                when = datetime(year, number, rng.randint(2, 27), 12, 0, tzinfo=UTC)
                home = rng.choice(homes)
                for question_id in questions:
                    question = CATALOGUE[survey].question(question_id)
                    options = [o.value for o in question.options if o.counts]
                    value = "prefer_not_to_say" if rng.random() < 0.08 else rng.choice(options)
                    council.answers.append(
                        Given(person, cohort, band, survey, question_id, value, when, home)
                    )
                    counted = value != "prefer_not_to_say"
                    satisfied = counted and bool(question.is_satisfied_or_better(value))
                    dims = {
                        "cohort": cohort,
                        "age_band": band,
                        "domain": question.domain,
                        "survey_id": survey,
                        "question_id": question_id,
                        "placement_type": home or NOT_RECORDED,
                        "arrived": "invite",  # the web, through a single-use link
                        "language": "en",  # seeded answers are in English
                        "helped": "no",  # nobody said a grown-up was helping
                    }
                    tables = [(), ("cohort",), ("cohort", "age_band"), ("age_band",)]
                    tables += [("domain",), ("cohort", "domain"), ("survey_id",)]
                    tables += [("survey_id", "question_id"), ("placement_type",), ("arrived",)]
                    tables += [("language",), ("helped",)]
                    # the dashboard's views of one group: its split by domain, survey, question
                    tables += [
                        (*group, *split)
                        for group in (("cohort",), ("age_band",), ("cohort", "age_band"))
                        for split in (("domain",), ("survey_id",), ("survey_id", "question_id"))
                    ]
                    tables = list({frozenset(t): t for t in tables}.values())  # each once
                    council.count(
                        "carers" if cohort == "carer" else "answers",
                        month,
                        [_key((d, dims[d]) for d in table) for table in tables],
                        n=int(counted),
                        satisfied=int(satisfied),
                        not_counted=int(not counted),
                    )
                if rng.random() < 0.5:
                    themes = tuple(sorted(rng.sample(THEMES, rng.choice((1, 1, 2)))))
                    feeling = rng.choice(list(FEELINGS))
                    council.comments.append((person, cohort, when, themes, feeling))
                    keys = [
                        _key(pairs)
                        for theme in themes
                        for pairs in (
                            [("theme", theme)],
                            [("theme", theme), ("sentiment", feeling)],
                            [("theme", theme), ("cohort", cohort)],
                        )
                    ]
                    council.count("comments", month, keys, n=1)
    return council


def seed_council(database: Database, council: Council) -> None:
    people = seed(database, council.answers)
    with transaction(database.sessions) as session:
        for person, cohort, when, themes, feeling in council.comments:
            band = next(g.age_band for g in council.answers if g.person == person)
            comment = add_comment(
                session,
                respondent_id=people[person],
                text="it is ok I suppose",
                channel="web",
                cohort=cohort,
                age_band=band,
                quote_consent=False,
                when=when,
            )
            annotate_comment(
                session, comment, themes=list(themes), polarity=FEELINGS[feeling], subjectivity=0.5
            )


# --------------------------------------------------------------------------- downloading


@dataclass(frozen=True)
class Shown:
    """One published cell, as one view showed it."""

    view: str
    ident: Ident
    values: Mapping[str, int | None]  # measure -> value; None: hidden
    previous: tuple[Ident, float] | None = None  # another period's rate shown with it


def _kpi_cell(
    view: str,
    period: str,
    cell: Mapping[str, Any],
    dims: Iterable[str],
    family: str = "answers",
) -> Shown:
    dims = list(dims)
    key = _key((d, cell[d]) for d in dims if d != "month")
    at = str(cell["month"]) if "month" in dims else period
    n, rate, aside = cell.get("n"), cell.get("rate"), cell.get("not_counted")
    n = None if n in (None, "") else int(n)
    rate = None if rate in (None, "") else float(rate)
    satisfied = 0 if n == 0 else round(rate * n) if (n is not None and rate is not None) else None
    previous = cell.get("previous_rate")
    before = parse_period(at).previous().label
    return Shown(
        view,
        (family, at, key),
        {
            "n": n,
            "satisfied": satisfied,
            "not_counted": None if aside in (None, "") else int(aside),
        },
        None if previous in (None, "") else ((family, before, key), float(previous)),
    )


def cells_of_report(view: str, period: str, data: Mapping[str, Any]) -> Iterator[Shown]:
    """Every answers-measure KPI cell (and theme count) in an API report's JSON."""
    if "overall" in data:
        yield _kpi_cell(view, period, data["overall"], ())
    if data.get("overall_year_on_year"):
        # the same headline, suppressed on its own; its "previous" is a year before
        cell = dict(data["overall_year_on_year"], previous_rate=None)
        yield _kpi_cell(view + " (year on year)", period, cell, ())
    for cell in data.get("by_arrival", ()):
        yield _kpi_cell(view, period, cell, ("arrived",))
    for cell in data.get("by_language", ()):
        yield _kpi_cell(view, period, cell, ("language",))
    for cell in data.get("by_help", ()):
        yield _kpi_cell(view, period, cell, ("helped",))
    for table in data.get("breakdowns", ()):
        if table["measure"] == "answers":
            for cell in table["cells"]:
                yield _kpi_cell(view, period, cell, table["dimensions"])
    for cell in data.get("monthly", ()):
        yield _kpi_cell(view, period, cell, ("month",))
    for cell in data.get("monthly_by_cohort", ()):
        yield _kpi_cell(view, period, cell, ("month", "cohort"))
    carers = data.get("carers") or {}
    if carers:
        yield _kpi_cell(view, period, carers["overall"], (), "carers")
        if carers.get("overall_year_on_year"):
            cell = dict(carers["overall_year_on_year"], previous_rate=None)
            yield _kpi_cell(view + " (year on year)", period, cell, (), "carers")
        for table in carers["breakdowns"]:
            if table["measure"] == "answers":
                for cell in table["cells"]:
                    yield _kpi_cell(view, period, cell, table["dimensions"], "carers")
        for cell in carers["monthly"]:
            yield _kpi_cell(view, period, cell, ("month",), "carers")
    for name, dims in (
        ("themes", ("theme",)),
        ("theme_sentiment", ("theme", "sentiment")),
        ("themes_by_cohort", ("theme", "cohort")),
    ):
        for cell in data.get(name, ()):
            key = _key((d, cell[d]) for d in dims)
            yield Shown(view, ("comments", period, key), {"n": cell["n"]})


def cells_of_csv(view: str, period: str, text: str) -> Iterator[Shown]:
    """The staff download as CSV: one row per KPI cell (by_arrival has no column for
    how people came, so it is left out)."""
    import csv
    import io

    dims = CSV_DIMENSIONS  # the download's own columns: what a reader of the file sees
    for row in csv.DictReader(io.StringIO(text)):
        if row["measure"] != "answers" or row["table"] == "by_arrival":
            continue
        if row["table"] in ("overall_year_on_year", "carers_overall_year_on_year"):
            row = {**row, "previous_rate": ""}
        family = "carers" if row["table"].startswith("carers_") else "answers"
        yield _kpi_cell(view, period, row, [d for d in dims if row.get(d)], family)


_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def theme_rows(page: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(theme, comments shown, [(feeling, shown)]) from the themes page's first table."""
    table = page.split('id="table-themes"', 1)[-1].split("</table>", 1)[0]
    table = table.split("<tbody>", 1)[-1]
    rows = []
    for row in _ROW.findall(table):
        cells = [_text(c) for c in _CELL.findall(row)]
        if len(cells) != 5:
            continue
        feelings = [
            (feeling, shown)
            for part in cells[4].split("; ")
            if ": " in part
            for feeling, shown in [part.split(": ", 1)]
        ]
        rows.append((cells[0], cells[1], feelings))
    return rows


def _count(shown: str) -> int | None:
    shown = shown.replace(",", "")
    return int(shown) if shown.isdigit() else None


@dataclass
class Downloads:
    shown: list[Shown] = field(default_factory=list)
    themes_pages: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)
    staff_format: str = ""


def download_everything(app: Flask, token: str, staff: FlaskClient) -> Downloads:
    got = Downloads()
    bearer = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    for period in PERIODS:
        for view in API_VIEWS if period in ALL_API_VIEWS_FOR else ("report",):
            response = api.get(f"/api/v1/{view}?period={period}", headers=bearer)
            if response.status_code == 400:
                got.refused.append(f"api/{view}?period={period}")
                continue
            assert response.status_code == 200, (view, period, response.status_code)
            got.served.append(f"api/{view}?period={period}")
            data = response.get_json()
            assert data["period"]["label"] == period
            got.shown += cells_of_report(f"api/{view} {period}", period, data)
        for fmt in ("json", "csv"):
            response = staff.get(f"/staff/reports/now?period={period}&format={fmt}")
            # refused: a 400, or the reports page again saying why
            if response.status_code == 400 or response.mimetype == "text/html":
                got.refused.append(f"staff/reports/now?period={period}&format={fmt}")
                continue
            assert response.status_code == 200, (period, fmt, response.status_code)
            got.served.append(f"staff download {fmt} {period}")
            got.staff_format = got.staff_format or fmt
            text = response.get_data(as_text=True)
            view = f"staff download ({fmt}) {period}"
            if fmt == "json":
                import json

                got.shown += cells_of_report(view, period, json.loads(text))
            else:
                got.shown += cells_of_csv(view, period, text)
            break  # one format is the same cells again
        response = staff.get(f"/staff/themes?period={period}")
        if response.status_code == 400:
            got.refused.append(f"staff/themes?period={period}")
            continue
        assert response.status_code == 200, (period, response.status_code)
        page = response.get_data(as_text=True)
        if f"Themes and quotes: {html.escape(parse_period(period).title)}" not in page:
            got.refused.append(f"staff/themes?period={period} (showed another period)")
            continue
        got.themes_pages[period] = page
        got.shown += themes_page_cells(f"themes page {period}", period, page)
    return got


def dashboard_cells(database: Database) -> Iterator[Shown]:
    """The dashboard filtered to each cohort, each age band and each pair, for every
    period it shows: the very cells its page renders (`dashboard_figures`), read from
    the report the dashboard builds, since its tables are not in any download."""

    filters = [Filter(cohort=c) for c, _ in COHORT_CHOICES]
    filters += [Filter(age_band=b) for b, _ in AGE_BAND_CHOICES]
    filters += [Filter(c, b) for c, _ in COHORT_CHOICES for b, _ in AGE_BAND_CHOICES]
    options = ReportOptions(threshold=THRESHOLD, timezone="Europe/London")
    for period in PERIODS:
        try:
            published(parse_period(period))
        except PeriodError:
            continue  # the dashboard refuses it too
        with database.engine.connect() as connection:
            report = build_report(connection, parse_period(period), options)
        for chosen in filters:
            figures = dashboard_figures(report, chosen)
            view = f"dashboard {period} {chosen.words()}"
            for cell in figures.cells:
                if cell.measure == "answers":
                    # a view of foster carers reads their own figures (`Report.table`)
                    key = cell.key
                    theirs = key.get("cohort") == "carer" or key.get("age_band") == "adult"
                    dims = [d for d, _ in cell.dimensions]
                    family = "carers" if theirs else "answers"
                    yield _kpi_cell(view, period, cell.to_dict(), dims, family)


def themes_page_cells(view: str, period: str, page: str) -> Iterator[Shown]:
    """The themes page read as a person would: a theme's comments, and each feeling's
    share of them (a count only where the theme's own count is shown)."""
    from analysis.themes import THEME_IDS
    from webforms.staff.themes import theme_label

    ids = {theme_label(theme): theme for theme in THEME_IDS}
    for label, comments, feelings in theme_rows(page):
        theme = ids[label]
        total = _count(comments)
        yield Shown(view, ("comments", period, _key([("theme", theme)])), {"n": total})
        for feeling, shown in feelings:
            share = re.fullmatch(r"(\d+)%", shown)
            if share and total is None:
                continue  # a share of a hidden count: no count can be read here
            count = round(int(share.group(1)) / 100 * total) if share and total else None
            key = _key([("theme", theme), ("sentiment", feeling)])
            yield Shown(view, ("comments", period, key), {"n": count})


# --------------------------------------------------------------------------- the attack


@dataclass(frozen=True)
class Equation:
    """sum(coefficient * cell) == 0, and what it says in words."""

    terms: Mapping[Ident, int]
    words: str


def describe(ident: Ident, measure: str = "") -> str:
    family, period, key = ident
    what = ", ".join(f"{d}={v}" for d, v in key) or "everyone"
    if family == "comments":
        what = f"comments about {what}"
    return f"{what} in {period}" + (f" ({measure})" if measure else "")


class Attacker:
    """A statistician with every download and no knowledge of Heard's suppression.

    Why: each report may be safe on its own and still give a cell away in combination
    with another (a quarter minus two of its months is the third). The attacker
    gathers every published figure by (cell, period), writes every sum it knows must
    hold, and solves for the hidden ones. A hidden cell is recovered when its unit
    vector lies in the row space of the equations restricted to the unknowns (the
    equations then fix its value, whatever the other unknowns are).
    """

    def __init__(self, shown: list[Shown], council: Council) -> None:
        self.council = council
        self.shown = shown
        self.known: dict[tuple[Ident, str], int] = {}
        self.hidden_in: dict[tuple[Ident, str], list[str]] = defaultdict(list)
        self.seen: dict[tuple[Ident, str], dict[str, int | None]] = defaultdict(dict)
        for cell in shown:
            for measure, value in cell.values.items():
                self.seen[(cell.ident, measure)][cell.view] = value
                if value is None:
                    self.hidden_in[(cell.ident, measure)].append(cell.view)
                else:
                    self.known[(cell.ident, measure)] = value
        published = {cell.ident for cell in shown}
        # every cell there is: published, or with answers (a table left out is not zero)
        self.cells = published | {i for i, v in council.truth.items() if any(v.values())}

    # ----------------------------------------------------------------- honesty checks

    def misread(self) -> list[str]:
        """Figures that do not match what was seeded: the attacker's model is wrong."""
        wrong = []
        for (ident, measure), views in self.seen.items():
            for view, value in views.items():
                if value is not None and value != self.council.true(ident, measure):
                    wrong.append(
                        f"{describe(ident, measure)} is {value} in {view}, "
                        f"seeded {self.council.true(ident, measure)}"
                    )
        return wrong

    def inconsistent(self) -> list[str]:
        """The same cell shown in one view and hidden in another."""
        found = []
        for (ident, measure), views in sorted(self.seen.items()):
            hidden = [v for v, value in views.items() if value is None]
            shown = {v: value for v, value in views.items() if value is not None}
            if hidden and shown:
                view, value = next(iter(shown.items()))
                found.append(
                    f"{describe(ident, measure)}: {value} in {view} "
                    f"(and {len(shown) - 1} more), hidden in {hidden[0]}"
                    + (f" (and {len(hidden) - 1} more)" if len(hidden) > 1 else "")
                )
        return found

    def rates_shown_as_previous(self) -> list[str]:
        """A cell hidden in its own period, whose rate another period shows as "previous"."""
        found = []
        for cell in self.shown:
            if cell.previous is None:
                continue
            ident, rate = cell.previous
            if (ident, "n") in self.hidden_in and (ident, "n") not in self.known:
                n = self.council.true(ident, "n")
                found.append(
                    f"{describe(ident)}: hidden (n={n}), but {cell.view} shows its rate "
                    f"{rate:.0%} as the previous period's"
                )
        return sorted(set(found))

    # ----------------------------------------------------------------- equations

    def equations(self) -> list[Equation]:
        by_period: dict[tuple[str, str], list[Key]] = defaultdict(list)
        for family, period, key in self.cells:
            by_period[(family, period)].append(key)
        found: list[Equation] = []
        # a quarter, year or financial year is the sum of its months and of its quarters
        for family, period, key in self.cells:
            kind = parse_period(period).kind
            splits = [_months_of(period)] if kind != "month" else []
            if kind in ("year", "financial_year"):
                splits.append(_quarters_of(period))
            for parts in splits:
                terms = {(family, period, key): -1}
                for part in parts:
                    terms[(family, part, key)] = terms.get((family, part, key), 0) + 1
                found.append(Equation(terms, f"{period} = {' + '.join(parts)}"))
        # within a period, a table's cells add up to the table without one dimension
        for (family, period), keys in by_period.items():
            present = set(keys)
            groups: dict[tuple[Key, tuple[str, ...]], list[Key]] = defaultdict(list)
            for key in keys:
                for i, (dimension, _) in enumerate(key):
                    parent = key[:i] + key[i + 1 :]
                    groups[(parent, tuple(d for d, _ in key) + (dimension,))].append(key)
            for (parent, shape), children in groups.items():
                if parent not in present:
                    continue
                terms = {(family, period, parent): -1}
                terms.update({(family, period, child): 1 for child in children})
                gone = shape[-1]
                words = f"{describe((family, period, parent))} = sum over {gone}"
                found.append(Equation(terms, words))
        return found

    def holds(self, equation: Equation, measure: str) -> bool:
        """Whether a relation is true of the seeded data (else the attacker would not use it)."""
        return sum(c * self.council.true(i, measure) for i, c in equation.terms.items()) == 0

    # ----------------------------------------------------------------- solving

    def recovered(self) -> list[str]:
        """Every hidden figure the equations give away, small ones (1 to 4) first."""
        found: list[tuple[Ident, str, str]] = []
        everything = self.equations()
        for family, measures in MEASURES.items():
            mine = [e for e in everything if next(iter(e.terms))[0] == family]
            for measure in measures:
                found += self._solve([e for e in mine if self.holds(e, measure)], measure)
        self.recovered_cells = [(ident, measure) for ident, measure, _ in found]

        def order(item: tuple[Ident, str, str]) -> tuple[Any, ...]:
            ident, measure, text = item
            small = 0 < self.council.true(ident, measure) < THRESHOLD
            by_rank = "(rank test)" in text  # subtraction first: it reads better
            return (not small, by_rank, list(MEASURES[ident[0]]).index(measure), ident[1], ident)

        return [text for _, _, text in sorted(found, key=order)]

    def _value(self, ident: Ident, measure: str, derived: Mapping[Ident, int]) -> int | None:
        if (ident, measure) in self.known:
            return self.known[(ident, measure)]
        if ident not in self.cells:
            return 0  # no such cell in that period: nothing to hide
        return derived.get(ident)

    def _solve(self, equations: list[Equation], measure: str) -> list[tuple[Ident, str, str]]:
        """First by subtraction, one unknown at a time (as a person would, and it reads
        well); then by linear algebra on what is left, for combinations of sums."""
        derived: dict[Ident, int] = {}
        found = []
        equations = sorted(equations, key=lambda e: len(e.terms))  # the shortest reason first
        changed = True
        while changed:
            changed = False
            for equation in equations:
                values = {i: self._value(i, measure, derived) for i in equation.terms}
                unknown = [i for i, v in values.items() if v is None]
                if len(unknown) != 1:
                    continue
                [cell] = unknown
                coefficient = equation.terms[cell]
                rest = sum(c * (values[i] or 0) for i, c in equation.terms.items() if i != cell)
                derived[cell] = -rest // coefficient
                changed = True
                if (cell, measure) in self.hidden_in:
                    words = self._explain(cell, measure, equation, values, derived)
                    found.append((cell, measure, words))
        # what subtraction could not reach: a rank test on the remaining equations
        rows: list[tuple[Equation, dict[Ident, int]]] = []
        for equation in equations:
            left = {
                i: c for i, c in equation.terms.items() if self._value(i, measure, derived) is None
            }
            if left:
                rows.append((equation, left))
        parent: dict[Ident, Ident] = {}

        def root(x: Ident) -> Ident:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for _, left in rows:
            first, *others = left
            for other in others:
                parent[root(other)] = root(first)
        clusters: dict[Ident, list[tuple[Equation, dict[Ident, int]]]] = defaultdict(list)
        for row in rows:
            clusters[root(next(iter(row[1])))].append(row)
        for cluster in clusters.values():
            found += self._pinned(cluster, measure)
        return found

    def _explain(
        self,
        cell: Ident,
        measure: str,
        equation: Equation,
        values: Mapping[Ident, int | None],
        derived: Mapping[Ident, int],
    ) -> str:
        """ "age_band=8-11 in 2025-07: n=3 = 2025-Q3 (12) minus 2025-08 (5) minus 2025-09 (4)"."""
        sign = -equation.terms[cell]
        parts = []
        zeros = 0
        for ident, c in sorted(equation.terms.items(), key=lambda item: -item[1] * sign):
            if ident == cell:
                continue
            if not values[ident]:
                zeros += 1  # adds nothing: left out of the words
                continue
            name = ident[1] if ident[2] == cell[2] else describe(ident)
            if ident[1] == cell[1] and ident[2] != cell[2]:
                name = ", ".join(f"{d}={v}" for d, v in ident[2]) or "everyone"
            worked = ", worked out" if (ident, measure) not in self.known else ""
            parts.append(f"{'plus' if c * sign > 0 else 'minus'} {name} ({values[ident]}{worked})")
        formula = " ".join(parts).removeprefix("plus ")
        if not formula:
            formula = "0 (every other term is 0)"
        elif zeros:
            formula += f" (the other {zeros} term(s) are 0)"
        return (
            f"{describe(cell)}: {measure}={derived[cell]} = {formula} "
            f"[seeded {self.council.true(cell, measure)}; "
            f"hidden in {self.hidden_in[(cell, measure)][0]}; from {equation.words}]"
        )

    def _pinned(
        self, rows: list[tuple[Equation, dict[Ident, int]]], measure: str
    ) -> list[tuple[Ident, str, str]]:
        cells = sorted({i for _, unknown in rows for i in unknown})
        place = {c: j for j, c in enumerate(cells)}
        matrix = np.zeros((len(rows), len(cells)))
        for r, (_, unknown) in enumerate(rows):
            for ident, coefficient in unknown.items():
                matrix[r, place[ident]] = coefficient
        _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
        basis = vt[singular > 1e-9 * max(1.0, singular.max(initial=0.0))]
        weight = (basis**2).sum(axis=0)
        return [
            (
                ident,
                measure,
                f"{describe(ident)}: {measure}={self.council.true(ident, measure)} [seeded; hidden "
                f"in {self.hidden_in[(ident, measure)][0]}] is fixed by {len(rows)} equations "
                f"together (rank test), e.g. {'; '.join(sorted({e.words for e, _ in rows})[:3])}",
            )
            for ident, w in zip(cells, weight, strict=True)
            if w > 1 - 1e-6 and (ident, measure) in self.hidden_in
        ]


def feeling_split_give_aways(pages: Mapping[str, str]) -> list[str]:
    """A theme whose comments are shown and exactly one feeling is not: the theme's count
    minus the shown feelings is the hidden one (with the others at 0%, it is all of it)."""
    found = []
    for period, page in pages.items():
        for theme, comments, feelings in theme_rows(page):
            total = _count(comments)
            if total is None:
                continue
            hidden = [f for f, shown in feelings if not re.fullmatch(r"\d+%", shown)]
            if len(hidden) == 1:
                shown = sum(
                    round(int(s[:-1]) / 100 * total) for f, s in feelings if f not in hidden
                )
                found.append(
                    f"themes page {period}: {theme}, {hidden[0]} = {total} comments "
                    f"minus the shown feelings ({shown}) = {total - shown}"
                )
    return found


# --------------------------------------------------------------------------- the test


@pytest.fixture
def app(database: Database, settings: Settings, fast_hashing: None) -> Flask:
    config = WebConfig(
        secret_key=settings.secret_key,
        suppression_threshold=THRESHOLD,
        timezone="Europe/London",
    )
    app = create_app(database.sessions, config)
    app.config["TESTING"] = True
    return app


def test_downloading_every_view_and_subtracting_recovers_nothing(
    app: Flask, database: Database
) -> None:
    started = time.monotonic()
    council = synthetic_council()
    seed_council(database, council)
    with transaction(database.sessions) as session:
        token = add_token(session, "attacker")[1]
        add_staff(
            session,
            email=staff_support.EMAILS["participation"],
            password_hash=hash_password(staff_support.PASSWORD),
            role="participation",
        )
    staff = app.test_client()
    assert staff_support.login(staff, staff_support.EMAILS["participation"]).status_code == 302

    got = download_everything(app, token, staff)
    got.shown += dashboard_cells(database)
    downloaded = time.monotonic()
    attacker = Attacker(got.shown, council)

    # the attacker reads what was seeded, and the data has the small cells this is about
    assert not attacker.misread(), "\n".join(attacker.misread()[:20])
    small = [
        i for i in council.truth if i[1] in DATA_MONTHS and 0 < council.true(i, "n") < THRESHOLD
    ]
    assert len(small) > 100 and got.served and got.themes_pages
    assert any(key == (("age_band", "8-11"),) for _, _, key in small)

    problems = {
        "recovered by differencing": attacker.recovered(),
        "shown in one view, hidden in another": attacker.inconsistent(),
        "rate of a hidden cell shown as another period's previous": (
            attacker.rates_shown_as_previous()
        ),
        "themes page feeling split gives a count away": feeling_split_give_aways(got.themes_pages),
    }
    hidden = {k for k in attacker.hidden_in if k not in attacker.known}
    refused: dict[str, list[str]] = defaultdict(list)
    for what in got.refused:
        refused[re.sub(r"period=[^&\s]+", "period=…", what)].append(
            re.search(r"period=([^&\s]+)", what).group(1)  # type: ignore[union-attr]
        )
    refusals = "; ".join(f"{w} for {len(p)} periods ({p[0]}, ...)" for w, p in refused.items())
    summary = (
        f"{len(got.served)} downloads, refused: {refusals or 'none'}; "
        f"{len(got.shown)} cells read, {len(hidden)} hidden (cell, measure) pairs; "
        f"download {downloaded - started:.1f}s, attack {time.monotonic() - downloaded:.1f}s"
    )
    print(summary)
    report = [summary]
    if problems["recovered by differencing"]:
        pairs = attacker.recovered_cells
        tiny = sum(0 < council.true(i, m) < THRESHOLD for i, m in pairs)
        by = {m: sum(measure == m for _, measure in pairs) for m in MEASURES["answers"]}
        kinds: dict[str, int] = defaultdict(int)
        for (family, period, _), _m in pairs:
            kinds[f"{family} {parse_period(period).kind}"] += 1
        report.append(
            f"recovered: {len(pairs)} hidden (cell, measure) pairs, {tiny} of them small "
            f"(1 to {THRESHOLD - 1}); by measure {by}; by period {dict(sorted(kinds.items()))}"
        )
    for name, found in problems.items():
        if found:
            report.append(f"{len(found)} {name}, e.g.:")
            report += [f"  {line}" for line in found[:25]]
    assert not any(problems.values()), "\n".join(report)
