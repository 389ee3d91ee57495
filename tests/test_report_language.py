"""Reports say which language answers were given in, and count every language together.

A language can hint at ethnic origin, so the "Answers by language" table is published for
quarters and financial years only, as the equality breakdowns are (docs/privacy.md)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from test_comparators import _answers
from test_report import CATALOGUE, seed

from analysis.periods import Period, financial_year_of, month_of, parse_period
from analysis.report import Report, ReportOptions, build_report, render
from heard.wiring import Database
from surveys.engine import ConversationEngine
from surveys.people import People

KEY = b"report-language-key-01234567"


def _answer_in(database: Database, language: str, words: str, people: range) -> None:
    """People who answer the first question of the 11-17 check-in in `language`, typed."""
    engine = ConversationEngine(database.sessions, CATALOGUE)
    directory = People(database.sessions, KEY)
    yes_no = {"ar": ("نعم", "لا"), "ps": ("هو", "نه")}[language]
    for user in people:
        pseudonym = directory.pseudonym("test", user)
        directory.set_profile(pseudonym, "test", cohort="child_in_care", age_band="11-17")
        engine.begin(pseudonym, channel="telegram", survey_id="checkin-11-17", language=language)
        engine.handle(pseudonym, text=yes_no[0], language=language)  # consent
        engine.handle(pseudonym, text=yes_no[1], language=language)  # not quoted
        reply = engine.handle(pseudonym, text=words, language=language)
        assert reply.accepted, reply.messages


def _quarter() -> Period:
    today = datetime.now(UTC).date()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def _report(database: Database, period: Period | None = None) -> Report:
    period = period or _quarter()
    with database.engine.connect() as connection:
        return build_report(connection, period, ReportOptions(), catalogue=CATALOGUE)


def test_an_arabic_answer_counts_in_the_kpi_and_small_groups_are_hidden(
    database: Database,
) -> None:
    seed(database, _answers("en", datetime.now(UTC), 8, 10))  # 8 of 10 in English
    _answer_in(database, "ar", "مبسوط كتير", range(1, 2))  # one, very happy, in Arabic
    report = _report(database)
    assert (report.overall.n, report.overall.rate) == (11, 9 / 11)  # counted with the rest
    assert report.by_language is not None
    cells = {cell.key["language"]: cell for cell in report.by_language.cells}
    assert set(cells) == {"en", "ar"}
    # one Arabic answer is too few to show, and English would give it away by subtraction
    assert cells["ar"].n is None and "fewer than" in cells["ar"].n_display
    assert cells["en"].n is None and cells["en"].rate is None
    html = render(report, "html")
    assert "Answers by language" in html and "Arabic" in html
    served = json.loads(render(report, "json"))["by_language"]
    assert {c["language"]: c["n"] for c in served} == {"en": None, "ar": None}


def test_the_language_table_shows_each_language_once_there_are_enough(
    database: Database,
) -> None:
    seed(database, _answers("en", datetime.now(UTC), 8, 10))
    _answer_in(database, "ar", "مبسوط كتير", range(1, 6))  # five very happy in Arabic
    _answer_in(database, "ps", "خفه یم", range(11, 17))  # six unhappy in Pashto
    report = _report(database)
    assert (report.overall.n, report.overall.rate) == (21, 13 / 21)  # all languages together
    assert report.by_language is not None
    cells = {cell.key["language"]: cell for cell in report.by_language.cells}
    assert (cells["en"].n, cells["en"].rate) == (10, 0.8)
    assert (cells["ar"].n, cells["ar"].rate) == (5, 1.0)
    assert (cells["ps"].n, cells["ps"].rate) == (6, 0.0)
    html = render(report, "html")
    table = html.split('<table class="languages">', 1)[1].split("</table>", 1)[0]
    for name in ("English", "Arabic", "Pashto"):
        assert name in table
    rows = [r for r in csv.DictReader(io.StringIO(render(report, "csv")))]
    by_language = {r["language"]: r["n"] for r in rows if r["table"] == "by_language"}
    assert by_language == {"en": "10", "ar": "5", "ps": "6"}
    served = json.loads(render(report, "json"))["by_language"]
    assert {c["language_name"] for c in served} == {"English", "Arabic", "Pashto"}


def test_a_month_has_no_language_table_but_its_quarter_and_year_do(database: Database) -> None:
    seed(database, _answers("en", datetime.now(UTC), 8, 10))
    _answer_in(database, "ar", "مبسوط كتير", range(1, 6))
    today = datetime.now(UTC).date()
    month = _report(database, month_of(today))
    assert month.overall.n == 15  # the Arabic answers count in the month's figure
    assert month.by_language is None
    assert "Answers by language" not in render(month, "html")
    assert json.loads(render(month, "json"))["by_language"] == []
    rows = csv.DictReader(io.StringIO(render(month, "csv")))
    assert not [r for r in rows if r["table"] == "by_language"]
    for period in (_quarter(), financial_year_of(today)):
        report = _report(database, period)
        assert report.by_language is not None, period
        cells = {cell.key["language"]: cell.n for cell in report.by_language.cells}
        assert cells == {"en": 10, "ar": 5}, period
        assert "Answers by language" in render(report, "html")
