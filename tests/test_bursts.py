"""A burst of check-ins is shown to staff: more in one hour than in a usual week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import test_web_staff_support as staff_support
from test_rate_limits import _app, _start_checkin
from test_web_public_chat import join_chat

from analysis.bursts import find_bursts
from heard.wiring import Database
from storage.db import transaction
from storage.staff import add_staff
from webforms.staff.passwords import hash_password

fast_hashing = staff_support.fast_hashing  # a fixture
SINCE = datetime(2026, 12, 1, tzinfo=UTC)
UNTIL = datetime(2027, 1, 1, tzinfo=UTC)


def _quiet_weeks(per_week: int) -> list[tuple[datetime, str]]:
    return [
        (SINCE - timedelta(weeks=week, minutes=10 + hour * 10), "telegram")
        for week in range(8)
        for hour in range(per_week)
    ]


def test_an_hour_with_more_than_a_usual_week_is_a_burst() -> None:
    hour = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    scripted = [(hour + timedelta(seconds=i * 15), "webchat") for i in range(60)]
    bursts = find_bursts(_quiet_weeks(3) + scripted, SINCE, UNTIL)
    assert [(b.hour, b.channel, b.count) for b in bursts] == [(hour, "webchat", 60)]
    assert bursts[0].usual_week == 3


def test_a_busy_council_or_a_small_hour_is_not_a_burst() -> None:
    hour = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    nine = [(hour, "webchat")] * 9  # below the minimum of ten
    assert find_bursts(_quiet_weeks(0) + nine, SINCE, UNTIL) == []
    sixty = [(hour, "invite")] * 60
    assert find_bursts(_quiet_weeks(70) + sixty, SINCE, UNTIL) == []  # a usual week is 70


def test_only_hours_inside_the_period_are_looked_at() -> None:
    before = [(SINCE - timedelta(minutes=30), "webchat")] * 40
    after = [(UNTIL, "webchat")] * 40
    assert find_bursts(before + after, SINCE, UNTIL) == []
    edge = [(SINCE, "webchat")] * 10  # exactly ten, in the first hour, with a quiet history
    assert [b.count for b in find_bursts(edge, SINCE, UNTIL)] == [10]


def test_sixty_scripted_check_ins_are_slowed_and_the_dashboard_shows_the_burst(
    database: Database, fast_hashing: None
) -> None:
    app = _app(database)
    for _ in range(60):
        client = app.test_client()
        _start_checkin(client, join_chat(client, "child_in_care", "11-17"))
    with transaction(database.sessions) as session:
        add_staff(
            session,
            email=staff_support.EMAILS["participation"],
            password_hash=hash_password(staff_support.PASSWORD),
            role="participation",
        )
    staff = app.test_client()
    assert staff_support.login(staff, staff_support.EMAILS["participation"]).status_code == 302
    today = datetime.now(UTC)
    page = staff.get(f"/staff/dashboard?period={today:%Y-%m}").get_data(as_text=True)
    assert "Check these check-ins before you rely on this figure" in page
    assert "40 check-ins through the web chat" in page
    assert "a usual week: fewer than 5" in page
    filtered = staff.get(f"/staff/dashboard?period={today:%Y-%m}&cohort=care_leaver")
    assert "Check these check-ins" not in filtered.get_data(as_text=True)
