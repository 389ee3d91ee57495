"""Every staff route × every role, anonymous included: allowed, 403, or sent to sign in.

A forbidden page must never carry data: no child's words, no figures, no
report content. The list of routes here must cover every route the staff
blueprint has, so a new page cannot be added without saying who may use it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import test_web_staff_support as support
from flask import Flask
from test_web_staff_support import ROLES, Seeded, csrf_token, no_canaries, signed_in

from webforms.staff.roles import allowed_roles

# Fixtures shared with the other staff test modules.
clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

P, S, A = frozenset({"participation"}), frozenset({"safeguarding"}), frozenset({"admin"})
ANY = frozenset(ROLES)

# (endpoint, method, path maker, allowed roles, form data for a POST)
Route = tuple[str, str, Callable[[Seeded], str], frozenset[str], dict[str, str]]
ROUTES: list[Route] = [
    ("staff.home", "GET", lambda s: "/staff/", ANY, {}),
    ("staff.dashboard", "GET", lambda s: "/staff/dashboard", P, {}),
    ("staff.themes", "GET", lambda s: "/staff/themes", P, {}),
    ("staff.reports", "GET", lambda s: "/staff/reports", P, {}),
    (
        "staff.report_download",
        "GET",
        lambda s: f"/staff/reports/{s.report_id}/download",
        P,
        {},
    ),
    ("staff.report_now", "GET", lambda s: "/staff/reports/now?format=csv", P, {}),
    ("staff.invite_batches", "GET", lambda s: "/staff/invites", P, {}),
    ("staff.you_said", "GET", lambda s: "/staff/you-said", P, {}),
    (
        "staff.you_said",
        "POST",
        lambda s: "/staff/you-said",
        P,
        {"theme": "friendship", "you_said": "More trips", "we_did": "Two trips a term"},
    ),
    ("staff.you_said_edit", "GET", lambda s: f"/staff/you-said/{s.post_id}", P, {}),
    (
        "staff.you_said_edit",
        "POST",
        lambda s: f"/staff/you-said/{s.post_id}",
        P,
        {"theme": "stability", "you_said": "Edited", "we_did": "Edited too"},
    ),
    ("staff.you_said_publish", "POST", lambda s: f"/staff/you-said/{s.post_id}/publish", P, {}),
    (
        "staff.you_said_unpublish",
        "POST",
        lambda s: f"/staff/you-said/{s.post_id}/unpublish",
        P,
        {},
    ),
    ("staff.alerts", "GET", lambda s: "/staff/alerts", S, {}),
    ("staff.alert_detail", "GET", lambda s: f"/staff/alerts/{s.alert_id}", S, {}),
    (
        "staff.alert_status",
        "POST",
        lambda s: f"/staff/alerts/{s.alert_id}/status",
        S,
        {"status": "acknowledged", "note": ""},
    ),
    (
        "staff.alert_assign",
        "POST",
        lambda s: f"/staff/alerts/{s.alert_id}/assign",
        S,
        {"assignee": ""},
    ),
    (
        "staff.alert_message",
        "POST",
        lambda s: f"/staff/alerts/{s.alert_id}/message",
        S,
        {"message": "Hi, this is Sam from the council."},
    ),
    ("staff.accounts", "GET", lambda s: "/staff/accounts", A, {}),
    (
        "staff.accounts_add",
        "POST",
        lambda s: "/staff/accounts",
        A,
        {
            "email": "new@council.example",
            "role": "participation",
            "password": "another long passphrase",
            "confirm": "another long passphrase",
        },
    ),
    (
        "staff.account_deactivate",
        "POST",
        lambda s: f"/staff/accounts/{s.staff_ids['participation']}/deactivate",
        A,
        {},
    ),
    (
        "staff.account_reactivate",
        "POST",
        lambda s: f"/staff/accounts/{s.staff_ids['participation']}/reactivate",
        A,
        {},
    ),
    (
        "staff.account_unlock",
        "POST",
        lambda s: f"/staff/accounts/{s.staff_ids['participation']}/unlock",
        A,
        {},
    ),
    ("staff.offer_entries", "GET", lambda s: "/staff/offer", A, {}),
    ("staff.surveys", "GET", lambda s: "/staff/surveys", A, {}),
    ("staff.change_password", "GET", lambda s: "/staff/password", ANY, {}),
    ("staff.change_password", "POST", lambda s: "/staff/password", ANY, {}),  # refused: empty
    ("staff.logout", "POST", lambda s: "/staff/logout", ANY, {}),  # last: it signs them out
]


def test_the_matrix_covers_every_staff_route(staff_app: Flask) -> None:
    declared = {(e, m) for e, m, *_ in ROUTES}
    for rule in staff_app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff."):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if rule.endpoint == "staff.login":
                continue
            assert (rule.endpoint, method) in declared, f"{method} {rule.rule} is not in the matrix"
    for endpoint, _method, _path, roles, _data in ROUTES:
        assert allowed_roles(staff_app.view_functions[endpoint]) == roles, endpoint
    assert allowed_roles(staff_app.view_functions["staff.login"]) is None


@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *ROLES])
def test_every_route_for_every_role(staff_app: Flask, seeded: Seeded, role: str | None) -> None:
    client = signed_in(staff_app, role)
    for endpoint, method, make_path, roles, data in ROUTES:
        path = make_path(seeded)
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={**data, "csrf_token": csrf_token(client)})
        body = response.get_data(as_text=True)
        where = f"{role or 'anonymous'} {method} {path} ({endpoint})"
        if role is None:
            assert response.status_code == 302, where
            assert response.headers["Location"].startswith("/staff/login"), where
            no_canaries(body)
        elif role in roles:
            assert response.status_code in (200, 302, 400), where
            if response.status_code == 302 and endpoint != "staff.logout":
                assert not response.headers["Location"].startswith("/staff/login"), where
        else:
            assert response.status_code == 403, where
            no_canaries(body)
            assert "%" not in body, where  # no figures at all
            assert "This page is not part of your role" in body


@pytest.mark.parametrize("role", ROLES)
def test_posts_without_a_csrf_token_are_refused(
    staff_app: Flask, seeded: Seeded, role: str
) -> None:
    for _endpoint, method, make_path, roles, data in ROUTES:
        if method != "POST" or role not in roles:
            continue
        client = signed_in(staff_app, role)
        response = client.post(make_path(seeded), data=data)
        assert response.status_code == 400, make_path(seeded)


def test_anonymous_posts_without_a_token_are_refused(staff_app: Flask, seeded: Seeded) -> None:
    client = staff_app.test_client()
    response = client.post(f"/staff/alerts/{seeded.alert_id}/status", data={"status": "closed"})
    assert response.status_code == 400
    no_canaries(response.get_data(as_text=True))
    response = client.post("/staff/login", data={"email": "a@b.c", "password": "x" * 12})
    assert response.status_code == 400


def test_pages_carry_the_security_headers(clients: dict, seeded: Seeded) -> None:
    response = clients["safeguarding"].get(f"/staff/alerts/{seeded.alert_id}")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "worker-src 'self'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    body = response.get_data(as_text=True)
    assert "<script" not in body and " style=" not in body
    assert "manifest" not in body  # the installable app is the public pages' only
