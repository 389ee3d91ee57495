"""Reports show answers given with a grown-up helping apart ("Answered with help", from the
tick on the web check-in's first page: survey_sessions.helped), and still count them in the
headline. The table is planned and suppressed with the rest, so a small group is hidden."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import update
from test_comparators import _answers
from test_report import CATALOGUE, seed

from analysis.periods import Period, month_of, parse_period
from analysis.report import Report, ReportOptions, build_report, render
from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.engine import ConversationEngine
from surveys.people import People

KEY = b"report-helped-key-0123456789"


def _helped_answers(database: Database, people: range, words: str = "very happy") -> None:
    """People who answer the first question of the 11-17 check-in with a grown-up helping."""
    engine = ConversationEngine(database.sessions, CATALOGUE)
    directory = People(database.sessions, KEY)
    for user in people:
        pseudonym = directory.pseudonym("test", user)
        directory.set_profile(pseudonym, "test", cohort="child_in_care", age_band="11-17")
        engine.begin(pseudonym, channel="telegram", survey_id="checkin-11-17")
        engine.handle(pseudonym, text="yes")  # consent
        engine.handle(pseudonym, text="no")  # not quoted
        assert engine.handle(pseudonym, text=words).accepted
    with transaction(database.sessions) as session:
        session.execute(update(models.SurveySession).values(helped=True))


def _quarter() -> Period:
    today = datetime.now(UTC).date()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def _report(database: Database, period: Period | None = None) -> Report:
    with database.engine.connect() as connection:
        return build_report(connection, period or _quarter(), ReportOptions(), catalogue=CATALOGUE)


def test_one_helped_answer_counts_and_is_hidden(database: Database) -> None:
    _helped_answers(database, range(1, 2))  # one, very happy, with help
    seed(database, _answers("en", datetime.now(UTC), 8, 10))  # 8 of 10 without
    report = _report(database)
    assert (report.overall.n, report.overall.rate) == (11, 9 / 11)  # counted with the rest
    assert report.by_help is not None
    cells = {cell.key["helped"]: cell for cell in report.by_help.cells}
    assert set(cells) == {"yes", "no"}
    # one is too few to show, and the other cell would give it away by subtraction
    assert cells["yes"].n is None and "fewer than" in cells["yes"].n_display
    assert cells["no"].n is None and cells["no"].rate is None
    served = json.loads(render(report, "json"))["by_help"]
    assert {c["helped"]: c["n"] for c in served} == {"yes": None, "no": None}


def test_enough_helped_answers_are_shown_apart_every_period(database: Database) -> None:
    _helped_answers(database, range(1, 7), words="very unhappy")  # six, with help
    seed(database, _answers("en", datetime.now(UTC), 8, 10))
    for period in (_quarter(), month_of(datetime.now(UTC).date())):
        report = _report(database, period)
        assert (report.overall.n, report.overall.rate) == (16, 8 / 16), period
        assert report.by_help is not None
        cells = {cell.key["helped"]: (cell.n, cell.rate) for cell in report.by_help.cells}
        assert cells == {"yes": (6, 0.0), "no": (10, 0.8)}, period
        html = render(report, "html")
        table = html.split('<table class="helped">', 1)[1].split("</table>", 1)[0]
        assert "Answered with help" in table and "No, or not asked" in table
        rows = csv.DictReader(io.StringIO(render(report, "csv")))
        assert {r["helped"]: r["n"] for r in rows if r["table"] == "by_help"} == {
            "yes": "6",
            "no": "10",
        }


def test_without_help_recorded_everything_is_no(database: Database) -> None:
    seed(database, _answers("en", datetime.now(UTC), 8, 10))
    report = _report(database)
    assert report.by_help is not None
    assert [(c.key["helped"], c.n) for c in report.by_help.cells] == [("no", 10)]
