"""Every "not found" under /staff/ is the staff page, never the young people's: the staff
menu for someone signed in, a link to sign in for anyone else."""

from __future__ import annotations

import pytest
import test_web_staff_support as support
from flask import Flask
from flask.testing import FlaskClient
from test_web_staff_support import EMAILS, Seeded

clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

BAD = (
    "/staff/alerts/abc",
    "/staff/alerts/-1",
    "/staff/alerts/99999",
    "/staff/alerts/99999999999",
    "/staff/you-said/abc",
    "/staff/reports/abc/download",
    "/staff/nonexistent",
    "/staff/alerts/abc/status",
)
YOUNG_PEOPLES_PAGE = ("chat with Heard", "Nothing you've answered before is lost")


def _staff_not_found(body: str) -> None:
    assert "<h1>Not found</h1>" in body and "Heard staff" in body
    assert "There is nothing here." in body
    for words in YOUNG_PEOPLES_PAGE:
        assert words.replace("'", "&#39;") not in body and words not in body


@pytest.mark.parametrize("path", BAD)
def test_signed_in_staff_get_the_staff_page_with_their_menu(
    clients: dict[str, FlaskClient], path: str
) -> None:
    page = clients["safeguarding"].get(path)
    body = page.get_data(as_text=True)
    assert page.status_code == 404, body
    _staff_not_found(body)
    assert 'aria-label="Staff pages"' in body and 'href="/staff/alerts"' in body
    assert EMAILS["safeguarding"] in body and "Sign out" in body
    assert "Go to your start page" in body
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", [p for p in BAD if p != "/staff/alerts/99999"])
def test_anyone_else_gets_a_plain_staff_page_linking_to_sign_in(
    staff_app: Flask, seeded: Seeded, path: str
) -> None:
    page = staff_app.test_client().get(path)
    body = page.get_data(as_text=True)
    assert page.status_code == 404, body
    _staff_not_found(body)
    assert 'href="/staff/login"' in body and "Sign in to the staff pages" in body
    assert "Staff pages" not in body and "Sign out" not in body


def test_a_page_that_is_there_still_asks_to_sign_in_first(staff_app: Flask, seeded: Seeded) -> None:
    page = staff_app.test_client().get(f"/staff/alerts/{seeded.alert_id}")
    assert page.status_code == 302 and "/staff/login" in page.headers["Location"]


def test_a_session_that_ran_out_goes_to_sign_in_not_to_a_menu(
    clients: dict[str, FlaskClient],
) -> None:
    client = clients["participation"]
    with client.session_transaction() as session:
        session["heard_staff_signed_in_at"] = 0  # signed in long ago
    page = client.get("/staff/nonexistent")
    assert page.status_code == 302 and "/staff/login" in page.headers["Location"]


def test_the_young_peoples_pages_keep_their_own_not_found(staff_app: Flask) -> None:
    body = staff_app.test_client().get("/nonexistent").get_data(as_text=True)
    assert "Heard staff" not in body and "Not found</h1>" not in body
