"""Out-of-range ids and periods are "not found" (404), never a server error (500), on
every staff page with an id or a period, and on the BI API (issue 18)."""

from __future__ import annotations

import re

import pytest
import test_web_staff_support as support
from flask import Flask
from test_web_staff_matrix import ROUTES
from test_web_staff_support import Seeded, csrf_token, no_canaries, signed_in

from heard.wiring import Database
from storage.api_tokens import add_token
from storage.db import transaction

fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app
clients = support.clients

HUGE_IDS = (2**63, 2**63 - 1, 2**64, 2**31, 10**30)
NOT_NUMBERS = ("-1", "0x10", "1e3", "%C2%B2")
_ID_PART = re.compile(r"/\d+(?=/|$)")
PERIODS = ("0001-01", "0001-Q1", "0001-02", "9999-12", "9999-Q4", "9998-99", "9999-00", "1899-12")


def _routes_with_ids() -> list[tuple[str, str, str, frozenset[str], dict[str, str]]]:
    seeded_ids = Seeded(alert_id=7, script_alert_id=8, post_id=9, report_id=10, staff_ids={})
    found = []
    for endpoint, method, make_path, roles, data in ROUTES:
        try:
            path = make_path(seeded_ids)
        except KeyError:  # the staff account routes: any id will do for the pattern
            path = make_path(Seeded(7, 8, 9, 10, {"participation": 11}))
        if _ID_PART.search(path):
            found.append((endpoint, method, path, roles, data))
    return found


ID_ROUTES = _routes_with_ids()


def test_every_route_with_an_id_is_checked(staff_app: Flask) -> None:
    with_ids = {
        (rule.endpoint, method)
        for rule in staff_app.url_map.iter_rules()
        if rule.endpoint.startswith("staff.") and rule.arguments
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert with_ids and with_ids == {(e, m) for e, m, *_ in ID_ROUTES}


@pytest.mark.parametrize(
    ("endpoint", "method", "path", "roles", "data"),
    ID_ROUTES,
    ids=[f"{m} {e}" for e, m, *_ in ID_ROUTES],
)
def test_out_of_range_ids_are_not_found(
    staff_app: Flask,
    seeded: Seeded,
    endpoint: str,
    method: str,
    path: str,
    roles: frozenset[str],
    data: dict[str, str],
) -> None:
    client = signed_in(staff_app, sorted(roles)[0])
    token = csrf_token(client)
    for value in (*HUGE_IDS, *NOT_NUMBERS):
        url = _ID_PART.sub(f"/{value}", path)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 404, f"{method} {url}"
        no_canaries(response.get_data(as_text=True))
        if value in HUGE_IDS:  # a staff page's "not found" (the others never reach one)
            assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "page", ["/staff/dashboard", "/staff/themes", "/staff/reports/now?format=csv"]
)
def test_periods_at_the_ends_of_the_calendar_are_not_found(
    clients: dict, seeded: Seeded, page: str
) -> None:
    joiner = "&" if "?" in page else "?"
    for period in PERIODS:
        response = clients["participation"].get(f"{page}{joiner}period={period}")
        assert response.status_code == 404, f"{page} {period}"
    fine = clients["participation"].get(f"{page}{joiner}period=2026-Q3")
    assert fine.status_code == 200


def test_a_huge_assignee_in_the_queue_filter_is_ignored(clients: dict, seeded: Seeded) -> None:
    lead = clients["safeguarding"]
    for raw in (str(2**63), str(10**30), "²", "-1"):
        assert lead.get(f"/staff/alerts?assignee={raw}").status_code == 200, raw
    url = f"/staff/alerts/{seeded.alert_id}/assign"
    response = lead.post(url, data={"assignee": str(2**63), "csrf_token": csrf_token(lead)})
    assert response.status_code == 302  # "choose a colleague", nothing changed


def test_the_api_says_not_found_for_such_periods(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    with transaction(database.sessions) as session:
        token = add_token(session, "power-bi")[1]
    client = staff_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/kpi", "/api/v1/breakdowns", "/api/v1/monthly", "/api/v1/report"):
        for period in PERIODS:
            response = client.get(f"{path}?period={period}", headers=headers)
            assert response.status_code == 404, f"{path} {period}"
            assert "no figures for that period" in response.get_json()["error"]
        assert client.get(f"{path}?period=2026-Q3", headers=headers).status_code == 200
