"""Shared fixtures and helpers for the staff web tests (imported by test_web_staff_*.py).

Everything runs on the real app factory over SQLite and PostgreSQL (the
`database` fixture), signs in through the real login form and posts the real
CSRF token, so a test passes only if a person could do the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from heard.settings import Settings
from heard.wiring import Database
from storage.alerts import raise_alert
from storage.db import transaction
from storage.models import utcnow
from storage.reports import store_report
from storage.staff import add_staff
from storage.you_said import add_post
from webforms.app import create_app
from webforms.config import WebConfig
from webforms.staff.passwords import hash_password, set_hasher

PASSWORD = "correct horse battery staple"
ROLES = ("participation", "safeguarding", "admin")
EMAILS = {role: f"{role}@council.example" for role in ROLES}
THRESHOLD = 5

# Words that must never reach a page the viewer's role may not see.
CHILD_WORDS = "he hits me when she is out CANARY-CHILD-7731"
SCRIPT_WORDS = "<script>alert('x')</script> CANARY-SCRIPT-5512"
REPORT_CANARY = "CANARY-REPORT-4420"
POST_CANARY = "CANARY-YOUSAID-9183"
CANARIES = (CHILD_WORDS, "CANARY-CHILD-7731", "CANARY-SCRIPT-5512", REPORT_CANARY, POST_CANARY)
# Real argon2id, with parameters cheap enough for hundreds of sign-ins in a test run.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Seeded:
    alert_id: int
    script_alert_id: int
    post_id: int
    report_id: int
    staff_ids: dict[str, int]


@pytest.fixture
def fast_hashing() -> Iterator[None]:
    set_hasher(FAST_HASHER)
    yield
    set_hasher(PasswordHasher())


@pytest.fixture
def staff_app(database: Database, settings: Settings, fast_hashing: None) -> Flask:
    config = WebConfig(
        secret_key=settings.secret_key,
        kpi_target=0.80,
        suppression_threshold=THRESHOLD,
        timezone="Europe/London",
    )
    app = create_app(database.sessions, config)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def seeded(database: Database, fast_hashing: None) -> Seeded:
    """One account per role, two alerts, a you-said post and a stored report."""
    hashed = hash_password(PASSWORD)
    with transaction(database.sessions) as session:
        ids = {
            role: add_staff(session, email=EMAILS[role], password_hash=hashed, role=role).id
            for role in ROLES
        }
        alert = raise_alert(
            session,
            pseudonym="p" * 64,
            text=CHILD_WORDS,
            category="domestic_abuse",
            level="urgent",
            channel="web",
            cohort="child_in_care",
            age_band="11-17",
            when=utcnow() - timedelta(minutes=30),
        )
        script_alert = raise_alert(
            session,
            pseudonym="p" * 64,
            text=SCRIPT_WORDS,
            category="bullying",
            level="concern",
            channel="webchat",
            cohort="care_leaver",
            age_band="16-25",
        )
        post = add_post(
            session,
            theme="moves_and_transitions",
            you_said=f"Moving school was hard {POST_CANARY}",
            we_did="We now keep you at your school when you move home.",
            author=EMAILS["participation"],
            published=False,
        )
        now = utcnow()
        report = store_report(
            session,
            kind="monthly",
            period_label="2025-01",
            period_start=now - timedelta(days=30),
            period_end=now,
            format="csv",
            content=f"period,table\n2025-01,{REPORT_CANARY}\n",
            summary={"overall": {"rate": 0.81, "n_display": "120"}},
        )
        return Seeded(alert.id, script_alert.id, post.id, report.id, ids)


def csrf_token(client: FlaskClient) -> str:
    """The token a browser would post: read from a page the client can see."""
    page = client.get("/staff/login", follow_redirects=True)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client)
    return client.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": token},
        **extra,
    )


def signed_in(app: Flask, role: str | None) -> FlaskClient:
    """A client signed in with `role`'s account, or anonymous for None."""
    client = app.test_client()
    if role is not None:
        response = login(client, EMAILS[role])
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def no_canaries(body: str) -> None:
    for canary in CANARIES:
        assert canary not in body


@pytest.fixture
def clients(staff_app: Flask, seeded: Seeded) -> Iterator[dict[str, FlaskClient]]:
    yield {role: signed_in(staff_app, role) for role in ROLES}
