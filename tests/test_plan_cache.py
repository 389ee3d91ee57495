"""Plans found again by the rows they came from: never for rows that have changed."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import delete, select
from test_report import CATALOGUE, Given, seed

from analysis.periods import parse_period
from analysis.plan_cache import PlanCache, fingerprint
from analysis.report import PLANS, ReportOptions, build_report
from heard.wiring import Database
from storage.db import transaction
from storage.models import Answer

AUG = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)


def test_the_fingerprint_changes_with_any_value_and_not_with_row_order() -> None:
    frame = pd.DataFrame({"cohort": ["a", "b", "b"], "outcome": [1, 0, 1]})
    assert fingerprint(frame) == fingerprint(frame.iloc[::-1])
    assert fingerprint(frame) != fingerprint(frame.assign(outcome=[1, 0, 0]))
    assert fingerprint(frame) != fingerprint(frame.iloc[:2])
    assert fingerprint(frame.iloc[0:0]) == (0, 0)
    listed = pd.DataFrame({"themes": [["money"], ["housing", "money"]]})
    assert fingerprint(listed) != fingerprint(pd.DataFrame({"themes": [["money"], ["housing"]]}))


def test_the_cache_keeps_the_most_recent_and_makes_each_plan_once() -> None:
    cache = PlanCache(size=2)
    made: list[str] = []

    def make(name: str) -> str:
        made.append(name)
        return name.upper()

    assert cache.get("a", lambda: make("a")) == "A"
    assert cache.get("a", lambda: make("a")) == "A"
    cache.get("b", lambda: make("b"))
    cache.get("c", lambda: make("c"))  # "a" is the least recent: it goes
    cache.get("a", lambda: make("a"))
    assert made == ["a", "b", "c", "a"]


def test_a_report_after_an_erasure_is_made_from_what_is_left(database: Database) -> None:
    answers = [
        Given(f"p{i}", "child_in_care", "11-17", "checkin-11-17", "home_happy", "5", AUG)
        for i in range(7)
    ]
    seed(database, answers)
    quarter = parse_period("2026-Q3")

    def headline() -> tuple[str, str | None]:
        with database.engine.connect() as connection:
            report = build_report(connection, quarter, ReportOptions(), catalogue=CATALOGUE)
        return report.overall.n_display, report.overall.suppressed

    assert headline() == ("7", None)
    assert headline() == ("7", None)  # the second time from the plans already made
    with transaction(database.sessions) as session:
        gone = session.scalars(select(Answer.id).limit(4)).all()
        session.execute(delete(Answer).where(Answer.id.in_(gone)))
    assert headline() == ("fewer than 5", "primary")
    PLANS.clear()
    assert headline() == ("fewer than 5", "primary")
