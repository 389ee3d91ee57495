"""The safeguarding alerts queue: exact words to the safeguarding role only, every look audited."""

from __future__ import annotations

import re

import test_web_staff_support as support
from flask import Flask
from flask.testing import FlaskClient
from test_web_staff_support import (
    CHILD_WORDS,
    EMAILS,
    PASSWORD,
    SCRIPT_WORDS,
    Seeded,
    csrf_token,
)

from heard.wiring import Database
from notices.routes import default_routes
from storage.alert_queue import get_alert
from storage.audit import audit_entries
from storage.db import transaction
from storage.models import utcnow
from storage.staff import add_staff
from webforms.staff.passwords import hash_password

# Fixtures shared with the other staff test modules.
clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app


def _status(client: FlaskClient, alert_id: int, status: str, note: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        f"/staff/alerts/{alert_id}/status",
        data={"status": status, "note": note, "csrf_token": csrf_token(client)},
    )


def test_the_queue_shows_the_words_escaped_and_records_the_look(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    page = clients["safeguarding"].get("/staff/alerts")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert CHILD_WORDS in body
    assert "<script>alert(" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body
    assert body.index(CHILD_WORDS) < body.index("CANARY-SCRIPT")  # urgent first
    with transaction(database.sessions) as session:
        entry = audit_entries(session, "alert.queue_view")[0]
    assert entry.actor == EMAILS["safeguarding"]
    assert sorted(entry.detail["alert_ids"]) == sorted([seeded.alert_id, seeded.script_alert_id])


def test_opening_an_alert_is_audited(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    page = clients["safeguarding"].get(f"/staff/alerts/{seeded.script_alert_id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "&lt;script&gt;" in body and "<script>alert(" not in body
    assert f"/staff/alerts/{seeded.alert_id}" in body  # the same person's other alert
    with transaction(database.sessions) as session:
        views = audit_entries(session, "alert.view")
    assert [(v.actor, v.target) for v in views] == [
        (EMAILS["safeguarding"], f"alert:{seeded.script_alert_id}")
    ]


def test_status_moves_one_way_with_who_when_and_a_note(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    client, alert_id = clients["safeguarding"], seeded.alert_id
    assert _status(client, alert_id, "acknowledged").status_code == 302
    refused = _status(client, alert_id, "actioned")  # a note is needed from here on
    assert refused.status_code == 400
    assert "Say what was done" in refused.get_data(as_text=True)
    assert (
        _status(client, alert_id, "actioned", "Rang the social worker <b>today</b>").status_code
        == 302
    )
    assert _status(client, alert_id, "new").status_code == 400  # never backwards
    assert _status(client, alert_id, "closed", "Strategy meeting held").status_code == 302
    assert _status(client, alert_id, "acknowledged").status_code == 400  # closed is final
    with transaction(database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None
        assert alert.status == "closed"
        assert alert.acknowledged_by == EMAILS["safeguarding"] and alert.acknowledged_at
        assert alert.closed_by == EMAILS["safeguarding"] and alert.closed_at
        history = (alert.note or "").splitlines()
        changes = [
            (e.detail["before"], e.detail["after"]) for e in audit_entries(session, "alert.status")
        ]
    assert len(history) == 3
    # in the council's own time, as the page shows times, with the zone named
    assert all(EMAILS["safeguarding"] in line for line in history)
    assert all(re.search(r"\d{2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST) · ", line) for line in history)
    assert "Rang the social worker <b>today</b>" in history[1]
    assert changes == [
        ("actioned", "closed"),
        ("acknowledged", "actioned"),
        ("new", "acknowledged"),
    ]
    page = client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    assert "&lt;b&gt;today&lt;/b&gt;" in page and "This alert is closed" in page
    done = client.get("/staff/alerts?show=done").get_data(as_text=True)
    assert CHILD_WORDS in done


def test_an_unknown_alert_is_not_found(clients: dict[str, FlaskClient], seeded: Seeded) -> None:
    assert clients["safeguarding"].get("/staff/alerts/99999").status_code == 404
    assert _status(clients["safeguarding"], 99999, "acknowledged").status_code == 404
    # Other roles learn nothing, not even whether it exists.
    assert clients["admin"].get("/staff/alerts/99999").status_code == 403
    assert clients["admin"].get(f"/staff/alerts/{seeded.alert_id}").status_code == 403


def test_only_the_safeguarding_menu_counts_alerts(
    clients: dict[str, FlaskClient], seeded: Seeded
) -> None:
    safeguarding = clients["safeguarding"].get("/staff/alerts").get_data(as_text=True)
    assert "2 new" in safeguarding and "badge-urgent" in safeguarding
    for role, page in (("participation", "/staff/you-said"), ("admin", "/staff/accounts")):
        body = clients[role].get(page).get_data(as_text=True)
        assert "new</span>" not in body and "/staff/alerts" not in body, role


def test_words_removed_by_retention_say_so(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    with transaction(database.sessions) as session:
        alert = get_alert(session, seeded.alert_id)
        assert alert is not None
        alert.text = None
    body = clients["safeguarding"].get(f"/staff/alerts/{seeded.alert_id}").get_data(as_text=True)
    assert "removed after the retention period" in body
    assert SCRIPT_WORDS not in body


def test_who_and_where_read_as_words(clients: dict[str, FlaskClient], seeded: Seeded) -> None:
    queue = clients["safeguarding"].get("/staff/alerts").get_data(as_text=True)
    assert "A child in care, aged 11 to 17; Web form" in queue
    assert "A care leaver, aged 16 to 25; Web chat" in queue
    page = clients["safeguarding"].get(f"/staff/alerts/{seeded.alert_id}").get_data(as_text=True)
    assert "<dt>Who</dt><dd>A child in care, aged 11 to 17</dd>" in page
    assert "<dt>Where</dt><dd>Web form</dd>" in page
    assert "child_in_care" not in page and "age band 11-17" not in page


# ------------------------------------------------------------------ routes, assignees, no-store

COLLEAGUE = "colleague@council.example"


def _colleague(database: Database) -> int:
    with transaction(database.sessions) as session:
        return add_staff(
            session, email=COLLEAGUE, password_hash=hash_password(PASSWORD), role="safeguarding"
        ).id


def _assign(client: FlaskClient, alert_id: int, assignee: str, back: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        f"/staff/alerts/{alert_id}/assign",
        data={"assignee": assignee, "back": back, "csrf_token": csrf_token(client)},
    )


def _route(database: Database, alert_id: int, route: str) -> None:
    with transaction(database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None
        alert.route = route


def test_alert_pages_are_never_stored(clients: dict[str, FlaskClient], seeded: Seeded) -> None:
    client = clients["safeguarding"]
    for path in ("/staff/alerts", "/staff/alerts?show=done", f"/staff/alerts/{seeded.alert_id}"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    refused = _status(client, seeded.alert_id, "actioned")  # sent back with the words
    assert refused.status_code == 400 and refused.headers["Cache-Control"] == "no-store"


def test_an_alert_is_assigned_to_me_or_a_colleague_with_history_and_audit(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    client, alert_id = clients["safeguarding"], seeded.alert_id
    colleague = _colleague(database)
    me = seeded.staff_ids["safeguarding"]
    page = client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    assert "<dt>Assigned to</dt><dd>Nobody yet</dd>" in page
    assert f'<option value="{me}">Me ({EMAILS["safeguarding"]})</option>' in page
    assert f'<option value="{colleague}">{COLLEAGUE}</option>' in page
    assert EMAILS["admin"] not in page.split('id="assignee"')[1].split("</select>")[0]

    back = f"/staff/alerts/{alert_id}"
    done = _assign(client, alert_id, str(me), back)
    assert done.status_code == 302 and done.headers["Location"].endswith(back)
    page = client.get(back).get_data(as_text=True)
    assert f"Alert {alert_id} is now assigned to {EMAILS['safeguarding']}." in page
    assert f"<dt>Assigned to</dt><dd>{EMAILS['safeguarding']}</dd>" in page
    queue = "/staff/alerts?show=open&assignee=none"
    assert _assign(client, alert_id, str(colleague), queue).headers["Location"].endswith(queue)
    assert _assign(client, alert_id, str(seeded.staff_ids["admin"])).status_code == 302
    assert (
        _assign(client, alert_id, "none", "https://elsewhere.example/x")
        .headers["Location"]
        .endswith(f"/staff/alerts/{alert_id}")
    )  # never sent off the alerts pages
    with transaction(database.sessions) as session:
        alert = get_alert(session, alert_id)
        assert alert is not None and alert.assigned_to is None
        history = (alert.note or "").splitlines()
        moves = [
            (e.detail["before"], e.detail["after"]) for e in audit_entries(session, "alert.assign")
        ]
    assert [line.split(" · ", 1)[1] for line in history] == [
        f"{EMAILS['safeguarding']} · assigned to {EMAILS['safeguarding']}",
        f"{EMAILS['safeguarding']} · assigned to {COLLEAGUE}",
        f"{EMAILS['safeguarding']} · assigned to nobody",
    ]
    assert moves == [(colleague, None), (me, colleague), (None, me)]  # the admin was refused
    assert clients["admin"].post(f"/staff/alerts/{alert_id}/assign").status_code in (400, 403)
    assert _assign(client, 99999, str(me)).status_code == 404


def test_the_queue_filters_by_route_and_by_assignee_with_a_plain_form(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    client = clients["safeguarding"]
    colleague = _colleague(database)
    _route(database, seeded.alert_id, "lado")
    _assign(client, seeded.script_alert_id, str(colleague))
    everything = client.get("/staff/alerts").get_data(as_text=True)
    assert '<form method="get" action="/staff/alerts" class="filter-form"' in everything
    assert '<option value="lado">Lado</option>' in everything  # a route with no routes file
    assert "Route: Lado" in everything and "Route: Not routed yet" in everything

    def shown(query: str) -> tuple[bool, bool]:
        body = client.get(f"/staff/alerts?show=open&{query}").get_data(as_text=True)
        return CHILD_WORDS in body, "CANARY-SCRIPT" in body

    assert shown("route=lado") == (True, False)
    assert shown("route=none") == (False, True)
    assert shown("route=no_such_route") == (True, True)  # not a choice: ignored
    assert shown(f"assignee={colleague}") == (False, True)
    assert shown("assignee=none") == (True, False)
    assert shown("assignee=me") == (False, False)
    assert shown(f"route=lado&assignee={colleague}") == (False, False)
    body = client.get("/staff/alerts?show=open&assignee=none").get_data(as_text=True)
    assert "1 alert (filtered), new first" in body and "Show all" in body
    assert '<option value="none" selected>Nobody yet</option>' in body
    with transaction(database.sessions) as session:
        looks = audit_entries(session, "alert.queue_view")
    assert looks[0].detail["assignee"] == "none" and looks[0].detail["alert_ids"] == [
        seeded.alert_id
    ]


def test_the_queue_says_loudly_when_alerts_reach_nobody(
    staff_app: Flask, clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    staff_app.extensions["heard.services"] = {
        "alert_delivery_problems": [
            "Alerts are not being sent to anyone: set HEARD_SAFEGUARDING_EMAIL"
        ],
        "alert_routes": default_routes([]),
    }
    for path in ("/staff/alerts", f"/staff/alerts/{seeded.alert_id}"):
        body = clients["safeguarding"].get(path).get_data(as_text=True)
        assert "Alerts are not being sent to anyone: set HEARD_SAFEGUARDING_EMAIL" in body, path
        # the seeded alert from half an hour ago never went out either
        assert "1 alert has not been sent to anyone yet" in body
    with transaction(database.sessions) as session:
        alert = get_alert(session, seeded.alert_id)
        assert alert is not None
        alert.notified_at, alert.notice_sent_by, alert.route = utcnow(), "email,telegram", "x"
    staff_app.extensions["heard.services"] = {"alert_delivery_problems": []}
    body = clients["safeguarding"].get(f"/staff/alerts/{seeded.alert_id}").get_data(as_text=True)
    assert "not being sent" not in body and "not been sent to anyone yet" not in body
    assert re.search(r"<dd>Sent by email and Telegram on \d{2} \w{3} \d{4}, \d{2}:\d{2}<", body)
