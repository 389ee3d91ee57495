"""The dashboard shows the report's "Answers by language" and "Answered with help" (issue 16).

Every figure is the report's own suppressed cell (a small group reads "fewer than 5");
answers by language are shown for quarters and financial years only, as in the report,
because a language can hint at ethnic origin; and neither table is split by group, so a
filtered page (like the equality groups) leaves them out and says so.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import test_web_staff_support as support
from flask.testing import FlaskClient

from analysis.periods import Period, month_of, parse_period
from analysis.report import Report, ReportOptions, build_report
from heard.wiring import Database
from storage.db import transaction
from storage.models import utcnow
from storage.respondents import get_or_create_respondent, set_profile
from storage.surveys import save_answer, start_session
from surveys.definition import load_catalogue
from surveys.versions import record_version

clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

SURVEY, QUESTION = "checkin-8-11", "home_happy"
MONTH_NOTE = (
    "Answers by language are shown for quarters and financial years, not for a single month"
)
FILTER_NOTE = (
    "Answers by language and answers given with a grown-up's help are shown for everyone only"
)


class TablesById(HTMLParser):
    """The rows of each table with an id, as cell text (a cell's parts run together)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            box = dict(attrs).get("aria-labelledby") or ""
            self._table = self.tables.setdefault(box.removesuffix("-caption"), [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(html: str, name: str) -> dict[str, dict[str, str]] | None:
    """The table with id `name`, row heading -> {column heading: cell}; None if absent."""
    parser = TablesById()
    parser.feed(html)
    rows = parser.tables.get(name)
    if rows is None:
        return None
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=False)) for row in rows[1:] if row}


def answers(
    database: Database,
    people: int,
    *,
    language: str = "en",
    helped: bool | None = None,
    unhappy: int = 0,
    first: int = 0,
) -> None:
    """`people` children in care aged 8-11 answer the KPI question a moment ago, through a
    single-use link (a way in the headline counts), in `language`, `helped` or not."""
    survey = load_catalogue()[SURVEY]
    question = survey.question(QUESTION)
    when = utcnow() - timedelta(seconds=30)
    with transaction(database.sessions) as session:
        version = record_version(session, survey)
        for n in range(first, first + people):
            person = get_or_create_respondent(session, f"lang-help-{n}".ljust(64, "x"), "web")
            set_profile(
                session, person, cohort="child_in_care", age_band="8-11", consent_version="1"
            )
            visit = start_session(
                session,
                respondent_id=person.id,
                version=version,
                channel="web",
                first_question_id=None,
                when=when,
            )
            visit.helped = helped
            happy = n - first >= unhappy
            value = next(
                o.value for o in question.options if o.counts and o.satisfied_or_better == happy
            )
            save_answer(
                session,
                visit,
                question_id=QUESTION,
                value=value,
                is_kpi=True,
                satisfied_or_better=happy,
                when=when,
                language=language,
            )


def this_month() -> Period:
    return month_of((utcnow() - timedelta(seconds=30)).astimezone(ZoneInfo("Europe/London")).date())


def this_quarter() -> Period:
    month = this_month().start
    return parse_period(f"{month.year}-Q{(month.month - 1) // 3 + 1}")


def report(database: Database, period: Period) -> Report:
    with database.engine.connect() as connection:
        return build_report(connection, period, ReportOptions(threshold=support.THRESHOLD))


def page(client: FlaskClient, period: Period, **filters: str) -> str:
    query = "".join(f"&{k}={v}" for k, v in filters.items())
    response = client.get(f"/staff/dashboard?period={period.label}{query}")
    assert response.status_code == 200
    return " ".join(response.get_data(as_text=True).split())  # line breaks folded


def test_no_answers(clients: dict[str, FlaskClient]) -> None:
    client = clients["participation"]
    quarter = page(client, this_quarter())
    assert "<summary>Answers by language</summary>" in quarter
    assert "<summary>Answered with help</summary>" in quarter
    for name in ("table-by-language", "table-by-help"):
        rows = table(quarter, name)
        assert rows is not None and list(rows) == ["No answers in this period."], name
    assert MONTH_NOTE not in quarter and FILTER_NOTE not in quarter
    month = page(client, this_month())
    assert MONTH_NOTE in month and table(month, "table-by-language") is None
    assert list(table(month, "table-by-help") or ()) == ["No answers in this period."]


def test_one_language_only(clients: dict[str, FlaskClient], database: Database) -> None:
    answers(database, 8, unhappy=2)  # 6 of 8 in English, none with help
    html = page(clients["participation"], this_quarter())
    rows = table(html, "table-by-language")
    assert rows is not None and list(rows) == ["English"]
    assert rows["English"]["n"] == "8" and rows["English"]["Actual"] == "75%"
    assert "Answers in every language count together in the council's figure." in html
    helped = table(html, "table-by-help")
    assert helped is not None and list(helped) == ["No, or not asked"]
    assert helped["No, or not asked"]["n"] == "8"


def test_a_small_language_group_and_a_small_helped_group_read_fewer_than_5(
    clients: dict[str, FlaskClient], database: Database
) -> None:
    answers(database, 10, unhappy=2)  # 8 of 10 in English, not helped
    answers(database, 2, language="ar", helped=True, first=100)  # two in Arabic, helped
    quarter = this_quarter()
    html = page(clients["participation"], quarter)
    rows = table(html, "table-by-language")
    assert rows is not None and set(rows) == {"English", "Arabic (العربية)"}
    arabic = rows["Arabic (العربية)"]
    assert arabic["n"] == "fewer than 5" and arabic["Actual"] == "fewer than 5"
    assert arabic["95% interval"] == ""
    # English would give the two away by subtraction from the headline, so it is hidden
    assert rows["English"]["Actual"] == "hidden" and rows["English"]["n"] == "hidden"
    assert 'id="table-by-language-hidden"' in html
    # the native name is marked as the language it is in, for screen readers
    assert '<span lang="ar" dir="rtl">العربية</span>' in html
    helped = table(html, "table-by-help")
    assert helped is not None and helped["Yes"]["n"] == "fewer than 5"
    assert helped["No, or not asked"]["Actual"] == "hidden"
    # every figure is the report's own cell
    published = report(database, quarter)
    assert published.by_language is not None and published.by_help is not None
    shown = {c.key["language"]: c.n_display for c in published.by_language.cells}
    assert shown == {"en": rows["English"]["n"], "ar": arabic["n"]}
    assert {c.key["helped"]: c.n_display for c in published.by_help.cells} == {
        "yes": helped["Yes"]["n"],
        "no": helped["No, or not asked"]["n"],
    }
    for row in (arabic, helped["Yes"]):  # no percentage beside the council's target
        assert not any("%" in cell for column, cell in row.items() if column != "Target")


def test_a_month_says_languages_are_for_quarters_and_a_quarter_shows_them(
    clients: dict[str, FlaskClient], database: Database
) -> None:
    answers(database, 10, unhappy=2)
    answers(database, 6, language="ps", helped=True, unhappy=6, first=100)  # 6 in Pashto
    client = clients["participation"]
    month, quarter = this_month(), this_quarter()

    monthly = page(client, month)
    assert table(monthly, "table-by-language") is None
    assert MONTH_NOTE in monthly
    assert "because a language can hint at someone's ethnic origin" in monthly
    assert f'href="/staff/dashboard?period={quarter.label}">See {quarter.title}</a>' in monthly
    assert "Pashto" not in monthly
    # answers with help are published every period in the report, a month included
    assert report(database, month).by_help is not None
    helped = table(monthly, "table-by-help")
    assert helped is not None and helped["Yes"]["n"] == "6" and helped["Yes"]["Actual"] == "0%"
    assert helped["No, or not asked"]["n"] == "10"

    quarterly = page(client, quarter)
    assert MONTH_NOTE not in quarterly
    rows = table(quarterly, "table-by-language")
    assert rows is not None and set(rows) == {"English", "Pashto (پښتو)"}
    assert rows["Pashto (پښتو)"]["n"] == "6" and rows["Pashto (پښتو)"]["Actual"] == "0%"
    assert rows["English"]["n"] == "10" and rows["English"]["Actual"] == "80%"
    assert '<span lang="ps" dir="rtl">پښتو</span>' in quarterly


@pytest.mark.parametrize(
    "filters",
    [
        {"cohort": "child_in_care"},
        {"age_band": "8-11"},
        {"cohort": "child_in_care", "age_band": "8-11"},
    ],
)
def test_a_filtered_page_leaves_both_tables_out_as_it_does_the_equality_groups(
    clients: dict[str, FlaskClient], database: Database, filters: dict[str, str]
) -> None:
    answers(database, 10, unhappy=2)
    answers(database, 6, language="ar", helped=True, first=100)
    client = clients["participation"]
    everyone = page(client, this_quarter())
    assert table(everyone, "table-by-language") is not None
    html = page(client, this_quarter(), **filters)
    assert "Showing only:" in html
    assert table(html, "table-by-language") is None and table(html, "table-by-help") is None
    assert "<summary>Answers by language</summary>" not in html
    assert "Arabic" not in html
    assert FILTER_NOTE in html and MONTH_NOTE not in html
    # and a month under a filter says the same, not the month note
    monthly = page(client, this_month(), **filters)
    assert FILTER_NOTE in monthly and MONTH_NOTE not in monthly
