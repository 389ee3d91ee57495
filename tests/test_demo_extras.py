"""The demo's extras: its alerts' history lines read like real ones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from heard.demo.extras import add_demo_extras
from heard.demo.logins import ensure_demo_logins
from heard.notice_wiring import current_routes
from heard.settings import Settings
from heard.wiring import Database
from storage.alert_history import entries, stamp, written_by
from storage.db import transaction
from storage.models import SafeguardingAlert


def test_demo_alert_history_is_stamped_in_the_councils_time_zone(
    database: Database, settings: Settings
) -> None:
    """Real history lines start with storage.alert_history.stamp in the council's time
    zone ("... BST · who · what"); the demo's did in UTC, so the two read differently and
    a demo's July line was an hour behind the times the alert page shows beside it."""
    assert settings.timezone == "Europe/London"
    logins = ensure_demo_logins(database, settings.data_dir)
    added = add_demo_extras(
        database, settings, last_month=date(2026, 7, 1), seed=3, staff_emails=logins
    )
    assert added is not None and added.alerts
    with transaction(database.sessions) as session:
        alerts = list(session.scalars(select(SafeguardingAlert).order_by(SafeguardingAlert.id)))
        lines = [entry.text for alert in alerts for entry in entries(alert.note)]
        acknowledged = [a for a in alerts if a.note and a.status == "acknowledged"]
        closed = [a for a in alerts if a.note and a.status == "closed"]
        assert acknowledged and closed
        for alert in acknowledged:
            assert alert.acknowledged_at is not None
            first = entries(alert.note)[0].text
            assert first.startswith(f"{stamp(alert.acknowledged_at, settings.timezone)} · ")
        for alert in closed:
            assert alert.closed_at is not None
            last = entries(alert.note)[-1].text
            assert last.startswith(f"{stamp(alert.closed_at, settings.timezone)} · ")
            assert " · closed: " in last
        for alert in alerts:
            for entry in entries(alert.note):
                written = written_by(entry, settings.timezone)
                assert written is not None and written >= alert.created_at
    assert lines and all(" BST · " in line and " UTC · " not in line for line in lines)


def test_demo_alerts_are_routed_as_the_sweep_would_route_them(
    database: Database, settings: Settings
) -> None:
    """An alert the demo says was sent names the route it went to: before, every seeded
    alert read "Route: Not routed yet" beside "Sent on ...", which contradicts itself."""
    routes = current_routes(settings)
    logins = ensure_demo_logins(database, settings.data_dir)
    add_demo_extras(database, settings, last_month=date(2026, 11, 1), seed=3, staff_emails=logins)
    with transaction(database.sessions) as session:
        alerts = list(session.scalars(select(SafeguardingAlert)))
        assert alerts
        for alert in alerts:
            assert alert.notified_at is not None and alert.notice_sent_by == "email"
            assert alert.route == routes.route_for(alert.category, alert.level).key
            assert routes.name_of(alert.route) != "Not routed yet"
