"""Shared helpers for the web tests: building the app, invite links, CSRF, a live server, a browser.

The Flask test-client tests (tests/test_web_public*.py) use the first half. The
browser tests (tests/test_web_browser.py, and the staff dashboard's) use
`live_server` and `browser_page`: the real app served by waitress on 127.0.0.1
with a SQLite database, opened in Debian's headless Chromium.

Without Chromium, Playwright or axe-core the browser tests skip with the reason;
under CI=true they fail instead, so CI can never pass by silently skipping them.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from heard.settings import Settings
from heard.wiring import Database, open_database
from storage.db import transaction
from storage.invites import issue_invite
from webforms.app import create_app
from webforms.config import WebConfig
from webforms.public.services import build_public_services

PSEUDONYM_KEY = b"web-test-pseudonym-key-0123456789"
SECRET_KEY = "web-test-secret-key-0123456789abcdef"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}

PROFILE_FOR = {
    "checkin-4-7": ("child_in_care", "4-7"),
    "checkin-8-11": ("child_in_care", "8-11"),
    "checkin-11-17": ("child_in_care", "11-17"),
    "checkin-care-leaver": ("care_leaver", "16-25"),
    "carer-feedback": ("carer", "adult"),
    "pulse": ("child_in_care", "11-17"),
}


# ------------------------------------------------------------------ the app


@lru_cache(maxsize=1)
def shared_offer_search() -> Any:
    """The local offer's search is pure; build it once for the whole test run."""
    from localoffer.catalogue import load_offer
    from localoffer.search import OfferSearch

    return OfferSearch(load_offer())


def make_app(database: Database, *, with_offer: bool = True, base_url: str = "") -> Flask:
    services = build_public_services(database.sessions, PSEUDONYM_KEY, with_offer=False)
    if with_offer:
        services["offer_search"] = shared_offer_search()
    config = WebConfig(secret_key=SECRET_KEY, base_url=base_url or "http://127.0.0.1:5000")
    app = create_app(database.sessions, config, services)
    app.config["TESTING"] = True
    return app


def issue_link(
    database: Database, survey_id: str = "checkin-8-11", *, open_link: bool = False
) -> str:
    """A new invite token for `survey_id`, with the cohort and age band the survey is for."""
    cohort, age_band = PROFILE_FOR[survey_id]
    with transaction(database.sessions) as session:
        _, token = issue_invite(
            session,
            survey_id=survey_id,
            cohort=cohort,
            age_band=age_band,
            batch="test-batch",
            open_link=open_link,
        )
    return token


# ------------------------------------------------------------------ reading pages


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of the first form on the page (csrf_token, step, nonce)."""
    fields: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) not in fields:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def csrf_token(html: str) -> str:
    token = hidden_fields(html).get("csrf_token")
    assert token, "no csrf_token in the page"
    return token


def choice_values(html: str) -> list[str]:
    """The answer options on a question page, in order (radios, checkboxes or buttons)."""
    return [unescape(v) for v in re.findall(r'name="choice" value="([^"]*)"', html)]


# ------------------------------------------------------------------ live server and browser


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    if in_ci():
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def require_browser(*, axe: bool = False) -> None:
    """Skip (locally) or fail (CI) with a clear reason when the browser kit is missing."""
    if not CHROMIUM.exists():
        skip_or_fail(
            "browser tests need Debian's Chromium at /usr/bin/chromium "
            "(apt-get install -y chromium)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("browser tests need the playwright package (pip install -e '.[dev]')")
    if axe and not AXE_JS.exists():
        skip_or_fail(
            f"the accessibility check needs axe-core at {AXE_JS} (npm ci --prefix tests/browser)"
        )


@dataclass
class LiveServer:
    """The real app on a real port, and the database behind it for setting up and checking."""

    url: str
    database: Database
    settings: Settings
    app: Flask

    def invite(self, survey_id: str = "checkin-8-11", *, open_link: bool = False) -> str:
        return f"{self.url}/s/{issue_link(self.database, survey_id, open_link=open_link)}"


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """waitress serving create_app on 127.0.0.1 (a free port) over a fresh SQLite database."""
    yield from serve(tmp_path, f"sqlite:///{tmp_path / 'heard.sqlite3'}")


def serve(tmp_path: Path, database_url: str) -> Iterator[LiveServer]:
    """The real app on a free port of 127.0.0.1 over `database_url`, until the caller is done."""
    from conftest import make_settings
    from waitress.server import create_server

    settings = make_settings(tmp_path / "data", database_url)
    database = open_database(settings)
    app = make_app(database)
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="heard-test")
    port = server.effective_port  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}"
    app.extensions["heard.config"] = WebConfig(secret_key=SECRET_KEY, base_url=url)
    thread = threading.Thread(target=server.run, name="heard-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, database=database, settings=settings, app=app)
    finally:
        stop_waitress(server, thread)
        database.close()


def stop_waitress(server: Any, thread: threading.Thread) -> None:
    """Stop `server` and its loop `thread` without either touching a closed descriptor.

    `server.close()` from this thread closed the sockets while the loop thread sat in
    select() on them, and a worker finishing a request could still pull the closed
    trigger: EBADF warnings, now and then. So the workers finish first (the trigger is
    still open for them), then the loop closes its own sockets, from its own thread.
    """
    from waitress import wasyncore

    server.task_dispatcher.shutdown()
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(timeout=5)


@contextmanager
def phone_page(
    *,
    javascript: bool = True,
    viewport: Mapping[str, int] = PHONE,
    bypass_csp: bool = True,
) -> Iterator[Any]:
    """A phone-sized page (touch, 2x) in headless Chromium, JavaScript on or off, with
    its console errors in `page.console_errors` and its context as `page.context`.
    `bypass_csp` lets axe-core be injected; pass False to run under the real CSP."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=dict(viewport),  # type: ignore[arg-type]
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.console_errors = errors  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def browser_page(live_server: LiveServer) -> Iterator[Any]:
    """A phone-sized page in headless Chromium (bypass_csp so axe-core can be injected)."""
    with phone_page() as page:
        yield page


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core's violations of WCAG 2.0/2.1/2.2 A and AA at the given impacts."""
    require_browser(axe=True)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                             'wcag22aa', 'best-practice']}
        })"""
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node.get("target")) for node in v.get("nodes", [])[:3])
        for v in violations
    )
