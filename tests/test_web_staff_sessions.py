"""Staff sessions (issue 18): sign-out ends the session on the server, the idle timeout,
no-store on every staff page, sign-in limits per account and address, ProxyFix, and the
rules for new passwords."""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import pytest
import test_web_staff_support as support
from flask import Flask
from flask.testing import FlaskClient
from test_web_staff_matrix import ROUTES
from test_web_staff_support import (
    CHILD_WORDS,
    EMAILS,
    PASSWORD,
    ROLES,
    THRESHOLD,
    Seeded,
    csrf_token,
    login,
    no_canaries,
    signed_in,
)

from heard.settings import Settings, load_settings
from heard.staff_command import configure_parser, run_staff
from heard.wiring import Database
from storage.alert_queue import get_alert
from storage.audit import audit_entries
from storage.db import transaction
from storage.staff import find_staff
from webforms.app import create_app
from webforms.config import WebConfig
from webforms.limits import SIGN_IN_FAILURES_PER_ADDRESS
from webforms.staff.auth import MAX_FAILURES
from webforms.staff.passwords import password_problem, verify_password
from webforms.staff.roles import LAST_SEEN

fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

SIGN_IN_CAP = int(SIGN_IN_FAILURES_PER_ADDRESS.split()[0])
WRONG = "not the right password at all"
STRANGER = {"REMOTE_ADDR": "203.0.113.66"}
LEAD_DESK = {"REMOTE_ADDR": "192.0.2.10"}


def _app(database: Database, settings: Settings, **config: int) -> Flask:
    app = create_app(
        database.sessions,
        WebConfig(secret_key=settings.secret_key, suppression_threshold=THRESHOLD, **config),
    )
    app.config["TESTING"] = True
    return app


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _sign_out(client: FlaskClient) -> None:
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/login"


# --------------------------------------------------------------------------- sign-out


def test_a_copied_cookie_stops_working_after_sign_out(staff_app: Flask, seeded: Seeded) -> None:
    lead = signed_in(staff_app, "safeguarding")
    alert = f"/staff/alerts/{seeded.alert_id}"
    assert CHILD_WORDS in lead.get(alert).get_data(as_text=True)
    copied = _session_cookie(lead)
    replay = staff_app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get(alert).status_code == 200  # the copy works while they are signed in
    _sign_out(lead)
    replay = staff_app.test_client()
    replay.set_cookie("session", copied)
    response = replay.get(alert)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")
    no_canaries(response.get_data(as_text=True))
    assert "Sign in" in replay.get(response.headers["Location"]).get_data(as_text=True)


def test_sign_out_ends_the_persons_other_sessions_too(staff_app: Flask, seeded: Seeded) -> None:
    desk, phone = signed_in(staff_app, "safeguarding"), signed_in(staff_app, "safeguarding")
    colleague = signed_in(staff_app, "participation")
    assert phone.get("/staff/alerts").status_code == 200
    _sign_out(desk)
    assert phone.get("/staff/alerts").status_code == 302
    assert colleague.get("/staff/dashboard").status_code == 200  # only that person
    assert login(phone, EMAILS["safeguarding"]).status_code == 302  # and they can come back
    assert phone.get("/staff/alerts").status_code == 200


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def _staff_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    configure_parser(parser.add_subparsers(dest="staff_command"))
    return parser.parse_args(list(argv))


def test_a_new_password_from_the_command_line_ends_every_session(
    staff_app: Flask,
    database: Database,
    settings: Settings,
    seeded: Seeded,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lead = signed_in(staff_app, "safeguarding")
    args = _staff_args("password", EMAILS["safeguarding"])
    monkeypatch.setattr("sys.stdin", _Pipe("aaaaaaaaaaaa\n"))
    assert run_staff(args, settings) == 2
    assert "one character over and over" in capsys.readouterr().err
    assert lead.get("/staff/alerts").status_code == 200  # refused: nothing changed
    monkeypatch.setattr("sys.stdin", _Pipe("a fresh sentence about our river\n"))
    assert run_staff(args, settings) == 0
    assert "session they had open is ended" in capsys.readouterr().out
    assert lead.get("/staff/alerts").status_code == 302
    assert login(staff_app.test_client(), EMAILS["safeguarding"]).status_code == 200  # old one
    new = login(staff_app.test_client(), EMAILS["safeguarding"], "a fresh sentence about our river")
    assert new.status_code == 302
    with transaction(database.sessions) as session:
        assert audit_entries(session, "staff.password")[0].actor == "command line"
    monkeypatch.setattr("sys.stdin", _Pipe("a fresh sentence about our river\n"))
    assert run_staff(_staff_args("password", "nobody@council.example"), settings) == 2
    assert "no account for nobody@council.example" in capsys.readouterr().err


# --------------------------------------------------------------------------- idle timeout


def _idle_for(client: FlaskClient, seconds: float) -> None:
    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - seconds


def test_idle_for_thirty_minutes_signs_out_kindly_and_comes_back(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    client = signed_in(staff_app, "safeguarding")
    alert = f"/staff/alerts/{seeded.alert_id}"
    _idle_for(client, 29 * 60)
    assert client.get(alert).status_code == 200  # 29 minutes: still signed in
    _idle_for(client, 31 * 60)
    response = client.get(alert + "?show=all")
    assert response.status_code == 302
    target = response.headers["Location"]
    assert target.startswith("/staff/login?next=")
    no_canaries(response.get_data(as_text=True))
    page = client.get(target).get_data(as_text=True)
    assert "signed out after 30 minutes without activity" in page
    assert "Please sign in to see that page" not in page
    assert client.get("/staff/alerts").status_code == 302  # really signed out
    token = csrf_token(client)
    back = client.post(
        target, data={"email": EMAILS["safeguarding"], "password": PASSWORD, "csrf_token": token}
    )
    assert back.status_code == 302 and back.headers["Location"] == alert + "?show=all"
    assert "signed out after" not in client.get("/staff/login").get_data(as_text=True)
    with transaction(database.sessions) as session:
        [idle] = [e for e in audit_entries(session, "logout") if e.detail.get("reason") == "idle"]
    assert idle.actor == EMAILS["safeguarding"] and idle.detail["minutes"] == 30


def test_activity_keeps_a_session_alive_until_the_working_day_ends(
    staff_app: Flask, seeded: Seeded
) -> None:
    client = signed_in(staff_app, "participation")
    _idle_for(client, 25 * 60)
    assert client.get("/staff/you-said").status_code == 200  # a page: the clock restarts
    with client.session_transaction() as session:
        assert time.time() - session[LAST_SEEN] < 5


def test_the_idle_limit_is_a_setting(
    database: Database, settings: Settings, seeded: Seeded, tmp_path: Path
) -> None:
    app = _app(database, settings, staff_idle_minutes=5)
    client = signed_in(app, "admin")
    _idle_for(client, 6 * 60)
    target = client.get("/staff/accounts").headers["Location"]
    assert "signed out after 5 minutes" in client.get(target).get_data(as_text=True)
    chosen = load_settings({"HEARD_STAFF_IDLE_MINUTES": "15"}, None, tmp_path)
    assert chosen.staff_idle_minutes == 15
    assert load_settings({}, None, tmp_path).staff_idle_minutes == 30


def test_a_post_after_idling_goes_to_sign_in_without_acting(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    client = signed_in(staff_app, "safeguarding")
    token = csrf_token(client)
    _idle_for(client, 45 * 60)
    url = f"/staff/alerts/{seeded.alert_id}/status"
    response = client.post(url, data={"status": "closed", "note": "", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/login"
    with transaction(database.sessions) as session:
        alert = get_alert(session, seeded.alert_id)
        assert alert is not None and alert.status != "closed"


# --------------------------------------------------------------------------- no-store


@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *ROLES])
def test_every_staff_response_says_no_store(
    staff_app: Flask, seeded: Seeded, role: str | None
) -> None:
    client = signed_in(staff_app, role)
    seen = 0
    for endpoint, method, make_path, _roles, data in ROUTES:
        path = make_path(seeded)
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={**data, "csrf_token": csrf_token(client)})
        where = f"{role or 'anonymous'} {method} {path} ({endpoint})"
        assert response.headers.get("Cache-Control") == "no-store", where
        seen += 1
    for path in ("/staff/login", "/staff/alerts/99999", f"/staff/alerts/{2**63}"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    assert seen == len(ROUTES)


# --------------------------------------------------------------------------- sign-in limits


def test_a_stranger_cannot_lock_out_the_safeguarding_lead(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    stranger = staff_app.test_client()
    for _ in range(MAX_FAILURES + 3):
        response = login(stranger, EMAILS["safeguarding"], WRONG, environ_base=STRANGER)
        assert response.status_code == 200
    # The stranger is locked out of that account, even if they now guess right...
    refused = login(stranger, EMAILS["safeguarding"], environ_base=STRANGER)
    assert refused.status_code == 200 and "did not work" in refused.get_data(as_text=True)
    # ...while the lead at their own desk signs in as ever,
    assert login(staff_app.test_client(), EMAILS["safeguarding"], environ_base=LEAD_DESK)
    lead = staff_app.test_client()
    assert login(lead, EMAILS["safeguarding"], environ_base=LEAD_DESK).status_code == 302
    # and other accounts still work from the stranger's connection (a shared wifi).
    assert login(staff_app.test_client(), EMAILS["admin"], environ_base=STRANGER).status_code == 302
    with transaction(database.sessions) as session:
        user = find_staff(session, EMAILS["safeguarding"])
        assert user is not None and user.locked_until is not None  # shown to admins
        reasons = [e.detail["reason"] for e in audit_entries(session, "login.failure")]
    assert "locked_now" in reasons and "locked" in reasons


def test_unknown_accounts_lock_alike(staff_app: Flask, seeded: Seeded) -> None:
    client = staff_app.test_client()
    pages = [
        login(client, email, WRONG).get_data(as_text=True)
        for email in ("nobody@council.example", EMAILS["participation"])
        for _ in range(MAX_FAILURES + 1)
    ]
    assert all("did not work" in page for page in pages)


def test_one_persons_typos_never_lock_out_their_office(staff_app: Flask, seeded: Seeded) -> None:
    office = {"REMOTE_ADDR": "198.51.100.20"}
    typist = staff_app.test_client()
    for _ in range(MAX_FAILURES * 2):  # locked out of their own account, from here
        assert login(typist, EMAILS["participation"], WRONG, environ_base=office).status_code == 200
    # Ten colleagues mistype too, a few times each, through the same address.
    for n in range(10):
        colleague = staff_app.test_client()
        for _ in range(3):
            login(colleague, f"colleague{n}@council.example", WRONG, environ_base=office)
    for role in ("safeguarding", "admin"):
        fine = staff_app.test_client()
        assert login(fine, EMAILS[role], environ_base=office).status_code == 302, role


def test_an_admin_unlock_lifts_the_lock_from_every_address(
    staff_app: Flask, seeded: Seeded
) -> None:
    stranger, lead = staff_app.test_client(), staff_app.test_client()
    for client, where in ((stranger, STRANGER), (lead, LEAD_DESK)):
        for _ in range(MAX_FAILURES):
            login(client, EMAILS["participation"], WRONG, environ_base=where)
    admin = signed_in(staff_app, "admin")
    page = admin.get("/staff/accounts").get_data(as_text=True)
    assert "on the connection the wrong passwords came from" in page
    url = f"/staff/accounts/{seeded.staff_ids['participation']}/unlock"
    assert admin.post(url, data={"csrf_token": csrf_token(admin)}).status_code == 302
    assert login(lead, EMAILS["participation"], environ_base=LEAD_DESK).status_code == 302


# --------------------------------------------------------------------------- ProxyFix


def _via_proxy(person: str) -> dict[str, object]:
    return {
        "environ_base": {"REMOTE_ADDR": "10.0.0.2"},
        "headers": {"X-Forwarded-For": person},
    }


def test_behind_a_trusted_proxy_each_person_has_their_own_address(
    database: Database, settings: Settings, seeded: Seeded
) -> None:
    app = _app(database, settings, trusted_proxies=1)
    for n in range(SIGN_IN_CAP):  # one person behind the proxy guesses many accounts...
        client = app.test_client()
        login(client, f"guess{n}@council.example", WRONG, **_via_proxy("203.0.113.5"))
    blocked = login(app.test_client(), EMAILS["admin"], **_via_proxy("203.0.113.5"))
    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in blocked.get_data(as_text=True)
    assert 60 <= int(blocked.headers["Retry-After"]) <= 601
    # ...and only they are stopped, not everyone who comes through the same proxy.
    fine = login(app.test_client(), EMAILS["admin"], **_via_proxy("192.0.2.44"))
    assert fine.status_code == 302
    with transaction(database.sessions) as session:
        addresses = {e.detail["address"] for e in audit_entries(session, "login.success")}
    assert addresses == {"192.0.2.44"}


def test_without_trusted_proxies_a_forwarded_header_is_ignored(
    database: Database, settings: Settings, seeded: Seeded, tmp_path: Path
) -> None:
    app = _app(database, settings)  # HEARD_TRUSTED_PROXIES=0, the default
    for n in range(SIGN_IN_CAP):  # a script cannot escape the cap by inventing addresses
        login(app.test_client(), f"guess{n}@council.example", WRONG, **_via_proxy(f"192.0.2.{n}"))
    assert login(app.test_client(), EMAILS["admin"], **_via_proxy("192.0.2.200")).status_code == 429
    assert load_settings({"HEARD_TRUSTED_PROXIES": "2"}, None, tmp_path).trusted_proxies == 2
    assert load_settings({}, None, tmp_path).trusted_proxies == 0


# --------------------------------------------------------------------------- new passwords


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short", "at least 12"),
        ("aaaaaaaaaaaa", "one character over and over"),
        ("password1234", "common ones"),
        ("qwertyuiop123", "common ones"),
        ("iloveyou2026", "common ones"),
        ("Password123!", "common ones"),
        ("sam.jones@council.example", "email address"),
        ("samjones-council-2026", "email address"),
    ],
)
def test_weak_new_passwords_are_refused_kindly(password: str, words: str) -> None:
    problem = password_problem(password, "sam.jones@council.example")
    assert problem is not None and words in problem
    if words != "at least 12":
        assert "Try three or four words" in problem  # says what to do instead


@pytest.mark.parametrize(
    "password", [PASSWORD, "a fresh sentence about our river", "Tea at four on Fridays!"]
)
def test_a_sentence_is_a_good_password(password: str) -> None:
    assert password_problem(password, "sam.jones@council.example") is None


def test_the_admin_page_refuses_a_common_password_and_keeps_the_form(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    admin = signed_in(staff_app, "admin")
    data = {
        "email": "new.lead@council.example",
        "role": "safeguarding",
        "password": "password1234",
        "confirm": "password1234",
        "csrf_token": csrf_token(admin),
    }
    page = admin.post("/staff/accounts", data=data)
    body = page.get_data(as_text=True)
    assert page.status_code == 400 and "common ones people use" in body
    assert 'value="new.lead@council.example"' in body  # what was typed is kept
    with transaction(database.sessions) as session:
        assert find_staff(session, "new.lead@council.example") is None
    data.update(password="aaaaaaaaaaaa", confirm="aaaaaaaaaaaa")
    assert "one character over" in admin.post("/staff/accounts", data=data).get_data(as_text=True)
    data.update(password="a fresh sentence about our river", confirm=data["password"])
    data.update(confirm="a fresh sentence about our river")
    assert admin.post("/staff/accounts", data=data).status_code == 302
    with transaction(database.sessions) as session:
        user = find_staff(session, "new.lead@council.example")
        assert user is not None
        assert verify_password(user.password_hash, "a fresh sentence about our river")


def test_heard_staff_add_refuses_a_common_password(
    fast_hashing: None,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", _Pipe("qwertyuiop123\nqwertyuiop123\n"))
    args = _staff_args("add", "x@council.example", "--role", "participation")
    assert run_staff(args, settings) == 2
    assert "common ones people use" in capsys.readouterr().err


# --------------------------------------------------------------------------- own password


def _change(client: FlaskClient, current: str, new: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
    data = {"current": current, "password": new, "confirm": confirm or new}
    return client.post("/staff/password", data={**data, "csrf_token": csrf_token(client)})


def test_staff_change_their_own_password_and_other_sessions_end(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    desk, phone = signed_in(staff_app, "safeguarding"), signed_in(staff_app, "safeguarding")
    page = desk.get("/staff/password")
    assert page.status_code == 200 and "Change your password" in page.get_data(as_text=True)
    assert 'href="/staff/password"' in desk.get("/staff/alerts").get_data(as_text=True)
    refusals = {
        "That is not your current password": _change(
            desk, WRONG, "a fresh sentence about our river"
        ),
        "common ones people use": _change(desk, PASSWORD, "password1234"),
        "one character over and over": _change(desk, PASSWORD, "zzzzzzzzzzzzzz"),
        "the password you have now": _change(desk, PASSWORD, PASSWORD),
        "two new passwords are not the same": _change(
            desk, PASSWORD, "a fresh sentence about our river", "a fresh sentence about a river"
        ),
    }
    for words, response in refusals.items():
        assert response.status_code == 400 and words in response.get_data(as_text=True), words
    assert phone.get("/staff/alerts").status_code == 200  # nothing changed yet
    done = _change(desk, PASSWORD, "a fresh sentence about our river")
    assert done.status_code == 302 and done.headers["Location"] == "/staff/alerts"
    after = desk.get("/staff/alerts")
    assert after.status_code == 200  # this session carries on...
    assert "Anywhere else you were signed in" in after.get_data(as_text=True)
    assert phone.get("/staff/alerts").status_code == 302  # ...every other one has ended
    assert login(staff_app.test_client(), EMAILS["safeguarding"]).status_code == 200
    fresh = login(
        staff_app.test_client(), EMAILS["safeguarding"], "a fresh sentence about our river"
    )
    assert fresh.status_code == 302
    with transaction(database.sessions) as session:
        assert [e.actor for e in audit_entries(session, "staff.password")] == [
            EMAILS["safeguarding"]
        ]
        assert len(audit_entries(session, "staff.password.refused")) == 1


def test_the_password_page_is_no_way_round_the_sign_in_limits(
    staff_app: Flask, seeded: Seeded
) -> None:
    client = signed_in(staff_app, "admin")
    for _ in range(MAX_FAILURES):
        assert _change(client, WRONG, "a fresh sentence about our river").status_code == 400
    blocked = _change(client, PASSWORD, "a fresh sentence about our river")
    assert blocked.status_code == 400
    assert "Too many wrong passwords" in blocked.get_data(as_text=True)
    assert (
        login(staff_app.test_client(), EMAILS["admin"], environ_base=LEAD_DESK).status_code == 302
    )


def test_heard_staff_unlock_lifts_a_lock_the_web_app_holds(
    staff_app: Flask,
    settings: Settings,
    seeded: Seeded,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = staff_app.test_client()
    for _ in range(MAX_FAILURES):
        login(client, EMAILS["participation"], WRONG)
    assert login(client, EMAILS["participation"]).status_code == 200  # locked here
    assert run_staff(_staff_args("list"), settings) == 0
    assert "locked from one connection" in capsys.readouterr().out
    assert run_staff(_staff_args("unlock", EMAILS["participation"]), settings) == 0
    assert login(client, EMAILS["participation"]).status_code == 302
