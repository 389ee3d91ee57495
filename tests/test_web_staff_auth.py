"""Staff sign-in: argon2 hashes, lockout, the per-address limit, audit, `heard staff add`."""

from __future__ import annotations

import argparse
import io
import re
import time
from datetime import timedelta

import pytest
import test_web_staff_support as support
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import select
from test_web_staff_support import EMAILS, PASSWORD, Seeded, csrf_token, login, signed_in

from heard.settings import Settings
from heard.staff_command import configure_parser, read_new_password, run_staff
from heard.wiring import Database
from storage.audit import audit_entries
from storage.db import transaction
from storage.models import StaffUser, utcnow
from storage.staff import find_staff
from webforms.limits import SIGN_IN_FAILURES_PER_ADDRESS
from webforms.staff.auth import MAX_FAILURES
from webforms.staff.passwords import verify_password
from webforms.staff.roles import MAX_SESSION_SECONDS, SIGNED_IN_AT

SIGN_IN_CAP = int(SIGN_IN_FAILURES_PER_ADDRESS.split()[0])

# Fixtures shared with the other staff test modules.
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app


def _user(database: Database, email: str) -> StaffUser:
    with transaction(database.sessions) as session:
        user = find_staff(session, email)
        assert user is not None
        return user


def test_passwords_are_stored_as_argon2id_hashes(database: Database, seeded: Seeded) -> None:
    with transaction(database.sessions) as session:
        hashes = list(session.scalars(select(StaffUser.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)
    assert verify_password(hashes[0], PASSWORD)
    assert not verify_password(hashes[0], PASSWORD + "!")
    assert not verify_password(None, PASSWORD)
    assert not verify_password("not a hash", PASSWORD)


def test_sign_in_and_out_are_audited(staff_app: Flask, database: Database, seeded: Seeded) -> None:
    client = staff_app.test_client()
    response = login(client, EMAILS["participation"])
    assert response.status_code == 302 and response.headers["Location"] == "/staff/dashboard"
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/staff/login"
    assert client.get("/staff/dashboard").status_code == 302
    with transaction(database.sessions) as session:
        success = audit_entries(session, "login.success")
        logout = audit_entries(session, "logout")
    assert [e.actor for e in success] == [EMAILS["participation"]]
    assert success[0].detail["reason"] == "ok" and success[0].detail["address"]
    assert len(logout) == 1
    assert _user(database, EMAILS["participation"]).last_login_at is not None


def test_failures_are_audited_without_the_password(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    client = staff_app.test_client()
    assert login(client, EMAILS["admin"], "wrong but long password").status_code == 200
    assert login(client, "nobody@council.example", PASSWORD).status_code == 200
    assert login(client, "my password typed in the wrong box", PASSWORD).status_code == 200
    with transaction(database.sessions) as session:
        failures = audit_entries(session, "login.failure")
    reasons = sorted(e.detail["reason"] for e in failures)
    assert reasons == ["bad_password", "unknown_account", "unknown_account"]
    actors = {e.actor for e in failures}
    assert actors == {EMAILS["admin"], "nobody@council.example", "(not an email address)"}
    for entry in failures:
        assert PASSWORD not in str(entry.detail) and "wrong but long" not in str(entry.detail)


def test_every_refusal_reads_the_same(staff_app: Flask, seeded: Seeded) -> None:
    client = staff_app.test_client()
    wrong = login(client, EMAILS["admin"], "wrong but long password").get_data(as_text=True)
    unknown = login(client, "nobody@council.example", PASSWORD).get_data(as_text=True)
    assert "did not work" in wrong and "did not work" in unknown

    def strip(page: str) -> str:
        main = page.split("<main")[1].split("</main>")[0]
        return re.sub(r'name="csrf_token"[^>]*>', "", main)

    assert strip(wrong).replace(EMAILS["admin"], "X") == strip(unknown).replace(
        "nobody@council.example", "X"
    )


def test_lockout_after_five_failures_for_fifteen_minutes(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    client = staff_app.test_client()
    email = EMAILS["safeguarding"]
    for _ in range(MAX_FAILURES):
        assert login(client, email, "not the right password").status_code == 200
    user = _user(database, email)
    assert user.failed_logins == MAX_FAILURES
    assert user.locked_until is not None
    assert timedelta(minutes=14) < user.locked_until - utcnow() <= timedelta(minutes=15)
    # Even the right password is refused while locked.
    response = login(client, email, PASSWORD)
    assert response.status_code == 200 and "did not work" in response.get_data(as_text=True)
    with transaction(database.sessions) as session:
        reasons = [e.detail["reason"] for e in audit_entries(session, "login.failure")]
    assert reasons[0] == "locked" and reasons[1] == "locked_now"
    # From another address the right password works all along (the lock is this address's).
    assert login(staff_app.test_client(), email, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    # When the lock is lifted, the right password works and the count starts again.
    with transaction(database.sessions) as session:
        stored = find_staff(session, email)
        assert stored is not None
        stored.locked_until = utcnow() - timedelta(seconds=1)
    assert login(client, email, PASSWORD).status_code == 302
    user = _user(database, email)
    assert user.failed_logins == 0 and user.locked_until is None


def test_an_admin_can_unlock_an_account(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    locked_out = staff_app.test_client()
    for _ in range(MAX_FAILURES):
        login(locked_out, EMAILS["participation"], "not the right password")
    admin = signed_in(staff_app, "admin")
    page = admin.get("/staff/accounts").get_data(as_text=True)
    assert "Locked until" in page
    url = f"/staff/accounts/{seeded.staff_ids['participation']}/unlock"
    assert admin.post(url, data={"csrf_token": csrf_token(admin)}).status_code == 302
    assert login(locked_out, EMAILS["participation"]).status_code == 302


def test_one_address_is_slowed_whatever_the_account(staff_app: Flask, seeded: Seeded) -> None:
    client = staff_app.test_client()
    for n in range(SIGN_IN_CAP):
        response = login(client, f"guess{n}@council.example", "a guessed password")
        assert response.status_code == 200
    blocked = login(client, EMAILS["admin"], PASSWORD)
    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in blocked.get_data(as_text=True)
    elsewhere = staff_app.test_client()
    response = login(elsewhere, EMAILS["admin"], environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert response.status_code == 302


def test_deactivating_an_account_ends_its_sessions(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    participation = signed_in(staff_app, "participation")
    assert participation.get("/staff/you-said").status_code == 200
    admin = signed_in(staff_app, "admin")
    url = f"/staff/accounts/{seeded.staff_ids['participation']}/deactivate"
    assert admin.post(url, data={"csrf_token": csrf_token(admin)}).status_code == 302
    assert participation.get("/staff/you-said").status_code == 302
    assert login(staff_app.test_client(), EMAILS["participation"]).status_code == 200


def test_an_admin_cannot_deactivate_themselves(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    admin = signed_in(staff_app, "admin")
    url = f"/staff/accounts/{seeded.staff_ids['admin']}/deactivate"
    admin.post(url, data={"csrf_token": csrf_token(admin)})
    assert _user(database, EMAILS["admin"]).active


def test_sign_in_never_redirects_off_the_staff_area(staff_app: Flask, seeded: Seeded) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "/status"):
        client = staff_app.test_client()
        token = csrf_token(client)
        response = client.post(
            "/staff/login",
            query_string={"next": target},
            data={"email": EMAILS["admin"], "password": PASSWORD, "csrf_token": token},
        )
        assert response.headers["Location"] == "/staff/accounts", target
    client = staff_app.test_client()
    first = client.get("/staff/surveys")
    assert first.headers["Location"].startswith("/staff/login?next=")
    token = csrf_token(client)
    response = client.post(
        first.headers["Location"],
        data={"email": EMAILS["admin"], "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/staff/surveys"


def test_the_session_cookie_is_httponly_and_samesite(staff_app: Flask, seeded: Seeded) -> None:
    client = staff_app.test_client()
    response = login(client, EMAILS["admin"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_admin_adds_an_account_with_an_argon2_hash(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    admin = signed_in(staff_app, "admin")
    data = {
        "email": "New.Person@Council.example",
        "role": "safeguarding",
        "password": "short",
        "confirm": "short",
        "csrf_token": csrf_token(admin),
    }
    assert admin.post("/staff/accounts", data=data).status_code == 400
    data.update(password="a long enough passphrase", confirm="a different passphrase!")
    page = admin.post("/staff/accounts", data=data)
    assert page.status_code == 400 and "not the same" in page.get_data(as_text=True)
    data.update(confirm="a long enough passphrase")
    assert admin.post("/staff/accounts", data=data).status_code == 302
    user = _user(database, "new.person@council.example")
    assert user.role == "safeguarding" and user.password_hash.startswith("$argon2id$")
    assert admin.post("/staff/accounts", data=data).status_code == 400  # already there
    assert login(staff_app.test_client(), "new.person@council.example", "a long enough passphrase")


# --------------------------------------------------------------------------- heard staff add


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    configure_parser(parser.add_subparsers(dest="staff_command"))
    return parser.parse_args(list(argv))


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_staff_add_reads_the_password_from_stdin(
    fast_hashing: None,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", _Pipe("a very long passphrase\na very long passphrase\n"))
    assert run_staff(_args("add", "Lead@Council.example", "--role", "admin"), settings) == 0
    assert "Added a admin account for lead@council.example" in capsys.readouterr().out
    from heard.wiring import open_database

    database = open_database(settings)
    try:
        user = _user(database, "lead@council.example")
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, "a very long passphrase")
        with transaction(database.sessions) as session:
            assert audit_entries(session, "staff.add")[0].actor == "command line"
    finally:
        database.close()
    monkeypatch.setattr("sys.stdin", _Pipe("a very long passphrase\n"))
    assert run_staff(_args("add", "lead@council.example", "--role", "admin"), settings) == 2
    assert "already has an account" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("stdin", "problem"),
    [
        ("short\n", "at least 12"),
        ("", "no password"),
        ("a very long passphrase\nanother long passphrase\n", "not the same"),
    ],
)
def test_staff_add_refuses_a_bad_password(
    fast_hashing: None,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin: str,
    problem: str,
) -> None:
    monkeypatch.setattr("sys.stdin", _Pipe(stdin))
    assert run_staff(_args("add", "x@council.example", "--role", "participation"), settings) == 2
    assert problem in capsys.readouterr().err


def test_staff_add_needs_a_role(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(staff_command="add", email="x@council.example", role=None)
    assert run_staff(args, settings) == 2
    assert "--role" in capsys.readouterr().err


def test_staff_add_prompts_twice_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(
        [
            "too short",
            "a very long passphrase",
            "a typo'd passphrase",
            "a very long passphrase",
            "a very long passphrase",
        ]
    )
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert read_new_password("x@council.example", prompt=True) == "a very long passphrase"


def test_a_session_ends_after_a_working_day(staff_app: Flask, seeded: Seeded) -> None:
    client = signed_in(staff_app, "admin")
    assert client.get("/staff/accounts").status_code == 200
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = time.time() - MAX_SESSION_SECONDS - 1
    response = client.get("/staff/accounts")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
    assert client.get("/staff/accounts").status_code == 302  # really signed out


def test_old_hash_parameters_are_upgraded_at_sign_in(
    staff_app: Flask, database: Database, seeded: Seeded
) -> None:
    old = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    with transaction(database.sessions) as session:
        user = find_staff(session, EMAILS["admin"])
        assert user is not None
        user.password_hash = old
    assert login(staff_app.test_client(), EMAILS["admin"]).status_code == 302
    upgraded = _user(database, EMAILS["admin"]).password_hash
    assert upgraded != old and upgraded.startswith("$argon2id$")
    assert verify_password(upgraded, PASSWORD)


def test_a_refused_form_says_what_to_do(staff_app: Flask, seeded: Seeded) -> None:
    client = signed_in(staff_app, "participation")
    response = client.post("/staff/you-said", data={"theme": "money", "csrf_token": "forged"})
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
