"""The landing page is public; raw counts and the health check are not a data leak."""

from __future__ import annotations

from browser_support import make_app

from heard.wiring import Database


def test_home_is_public_and_status_needs_a_staff_sign_in(database: Database) -> None:
    client = make_app(database).test_client()
    home = client.get("/")
    assert home.status_code == 200
    assert b"Start a check-in" in home.data and b'lang="en-GB"' in home.data
    status = client.get("/status")
    assert status.status_code in (302, 303)
    assert "/staff/login" in status.headers["Location"]
    assert client.get("/healthz").json["ok"] is True
    assert home.headers["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in home.headers["Content-Security-Policy"]
    assert "worker-src 'self'" in home.headers["Content-Security-Policy"]


def test_a_form_without_its_security_code_gets_a_kind_page(database: Database) -> None:
    app = make_app(database)
    app.config["TESTING"] = False  # so CSRF is enforced as in production
    response = app.test_client().post("/chat/start", data={"cohort": "care_leaver"})
    assert response.status_code == 400
    assert b"Please try that again" in response.data


def test_unknown_pages_and_failures_get_kind_pages_not_tracebacks(database: Database) -> None:
    app = make_app(database)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    @app.get("/boom-for-test")
    def boom() -> str:
        raise RuntimeError("a bug, with a child's words in it")

    client = app.test_client()
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and b"We can't find that page" in missing.data
    wrong_method = client.delete("/")
    assert wrong_method.status_code == 405 and b"We can't find that page" in wrong_method.data
    failed = client.get("/boom-for-test")
    assert failed.status_code == 500
    assert b"Something went wrong on our side" in failed.data
    assert b"Traceback" not in failed.data and b"child's words" not in failed.data
