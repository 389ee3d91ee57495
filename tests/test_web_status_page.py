"""The status page an IT person checks does not say all is well while alerts go nowhere."""

from __future__ import annotations

import test_web_staff_support as support
from flask import Flask
from flask.testing import FlaskClient
from test_web_staff_support import Seeded

from heard.wiring import Database
from storage.alert_queue import get_alert
from storage.db import transaction
from storage.models import utcnow

clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

NOBODY = "Alerts are not being sent to anyone: set HEARD_SAFEGUARDING_EMAIL"


def test_status_says_so_when_alerts_reach_nobody(
    staff_app: Flask, clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    staff_app.extensions["heard.services"] = {"alert_delivery_problems": [NOBODY]}
    for role in ("admin", "participation", "safeguarding"):
        body = clients[role].get("/status").get_data(as_text=True)
        assert "Heard is running, but safeguarding alerts are not reaching anyone" in body, role
        assert NOBODY in body
        # the seeded alert, raised half an hour ago, never went out either
        assert "1 alert has not been sent to anyone yet" in body


def test_status_is_plain_when_alerts_are_going_out(
    staff_app: Flask, clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    with transaction(database.sessions) as session:
        alert = get_alert(session, seeded.alert_id)
        assert alert is not None
        alert.notified_at, alert.notice_sent_by, alert.route = utcnow(), "email", "lead"
    staff_app.extensions["heard.services"] = {"alert_delivery_problems": []}
    body = clients["admin"].get("/status").get_data(as_text=True)
    assert "<h1>Heard is running</h1>" in body
    assert "not reaching anyone" not in body and "not been sent to anyone" not in body


def test_an_unsent_alert_alone_is_enough_to_warn(
    staff_app: Flask, clients: dict[str, FlaskClient], seeded: Seeded
) -> None:
    staff_app.extensions["heard.services"] = {"alert_delivery_problems": []}
    body = clients["admin"].get("/status").get_data(as_text=True)
    assert "Heard is running, but safeguarding alerts are not reaching anyone" in body
    assert "1 alert has not been sent to anyone yet" in body
