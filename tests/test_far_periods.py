"""Periods far ahead (or far back) give the ordinary page with no answers, never a 500.

The 500 came from a period whose months hold no KPI answers while someone had answered
an equality question before its end: the empty frame's month ends were numpy objects,
which merge_asof refused ("Incompatible merge dtype"). 2027 worked only because the
chart's 18 months still reached back to the seeded answers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
import test_web_staff_support as support
from flask.testing import FlaskClient
from test_report import Given, seed

from analysis.equality import EQUALITY_QUESTIONS, as_described
from heard.wiring import Database

clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

PAGES = ("/staff/dashboard", "/staff/themes", "/staff/reports/now")
FAR = ("2028-12", "2030-01", "2030-Q1", "2031-Q2", "2040-01", "1990-01", "1995-Q1")
AUG = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)


def test_no_answers_in_the_frame_but_equality_answers_before_its_end() -> None:
    answers = pd.DataFrame(
        {
            "respondent_id": pd.Series([1], dtype="int64"),
            "question_id": ["sex"],
            "answered_at": pd.to_datetime([AUG]),
            "value": ["girl_or_woman"],
        }
    )
    found = as_described(
        pd.Series([], dtype="int64"), pd.Series([], dtype="datetime64[ns, UTC]"), answers
    )
    assert set(found) == set(EQUALITY_QUESTIONS)
    assert all(len(column) == 0 for column in found.values())
    one = as_described(
        pd.Series([1], dtype="int64"),
        pd.Series(pd.to_datetime([datetime(2026, 9, 1, tzinfo=UTC)])),
        answers,
    )
    assert list(one["sex"]) == ["girl_or_woman"]
    assert one["disability"].isna().all()  # nobody answered it: left empty, not NOT_ANSWERED


@pytest.fixture
def answered(database: Database) -> None:
    """A young person's check-in in August 2026 that includes an equality answer."""
    seed(
        database,
        [
            Given("a", "child_in_care", "11-17", "checkin-11-17", "home_happy", "4", AUG),
            Given("a", "child_in_care", "11-17", "checkin-11-17", "sex", "girl_or_woman", AUG),
        ],
    )


@pytest.mark.parametrize("period", FAR)
@pytest.mark.parametrize("page", PAGES)
def test_far_periods_show_the_page_not_an_error(
    answered: None, clients: dict[str, FlaskClient], page: str, period: str
) -> None:
    response = clients["participation"].get(f"{page}?period={period}")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    body = response.get_data(as_text=True)
    if page == "/staff/dashboard":
        assert "No answers" in body


@pytest.mark.parametrize("period", ("2026-08", "2026-Q3", "2027-01"))
def test_periods_with_answers_still_work(
    answered: None, clients: dict[str, FlaskClient], period: str
) -> None:
    for page in PAGES:
        assert clients["participation"].get(f"{page}?period={period}").status_code == 200
