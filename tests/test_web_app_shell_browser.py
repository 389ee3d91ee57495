"""In a real browser: the service worker keeps only the shell, and offline shows the offline page.

Headless Chromium at 360x740 with the real Content-Security-Policy (no bypass_csp), so a
CSP that refused the worker or the manifest would fail here. With JavaScript off the
pages load as before and no worker is registered. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import browser_support
import pytest
from browser_support import LiveServer, phone_page, screenshot

live_server = browser_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SMALL_PHONE = {"width": 360, "height": 740}
NEVER_KEPT = re.compile(r"^/(staff|api|mydata|chat)(/|$)|^/s/|my-data")
OFFLINE_WORDS = (
    "You're offline",
    "Your answers have not been sent.",
    "When you're back online, open your link again.",
)


@contextmanager
def phone(javascript: bool) -> Iterator[tuple[Any, Any]]:
    """A phone under the real CSP (the worker's rules are part of what is tested)."""
    with phone_page(javascript=javascript, viewport=SMALL_PHONE, bypass_csp=False) as page:
        yield page.context, page


def kept_in_caches(page: Any) -> dict[str, list[str]]:
    """Every cache the page's origin has, and the paths of what each one keeps."""
    return page.evaluate(
        """async () => {
            const out = {};
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                out[name] = (await cache.keys()).map(r => r.method + " " + new URL(r.url).pathname
                                                           + new URL(r.url).search);
            }
            return out;
        }"""
    )


def test_the_worker_keeps_only_the_shell_and_offline_shows_the_offline_page(
    live_server: LiveServer,
) -> None:
    with phone(javascript=True) as (context, page):
        page.goto(live_server.url + "/")
        assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
        screenshot(page, "app-shell-home")
        shell = page.evaluate(
            """fetch('/sw.js').then(r => r.text())
                 .then(t => JSON.parse(t.match(/var SHELL = (\\[.*?\\]);/)[1]))"""
        )
        # Visits the worker sees but must never keep: pages, a survey, a POST, my data, staff.
        page.goto(live_server.invite("checkin-8-11"))
        page.locator("main button[type=submit]").first.click()
        page.wait_for_load_state()
        page.goto(live_server.url + "/chat")
        page.goto(live_server.url + "/chat/my-data")
        page.goto(live_server.url + "/offer")
        page.goto(live_server.url + "/you-said")
        page.goto(live_server.url + "/staff/login")
        page.goto(live_server.url + "/offline")
        assert page.evaluate("!!navigator.serviceWorker.controller"), "the worker is in charge"

        caches = kept_in_caches(page)
        assert list(caches) and all(name.startswith("heard-shell-") for name in caches), caches
        kept = [entry for entries in caches.values() for entry in entries]
        assert sorted(kept) == sorted(f"GET {url}" for url in shell), kept
        assert "GET /static/heard.css" in kept and "GET /offline" in kept
        for entry in kept:
            method, path = entry.split(" ", 1)
            assert method == "GET" and not NEVER_KEPT.search(path), entry
        assert not page.console_errors, page.console_errors  # no CSP refusal, no script error

        context.set_offline(True)
        for path in ("/you-said", live_server.invite("checkin-8-11")[len(live_server.url) :]):
            page.goto(live_server.url + path)
            for words in OFFLINE_WORDS:
                assert page.get_by_text(words).is_visible(), (path, words)
            assert page.evaluate(
                "getComputedStyle(document.body).fontFamily.includes('system-ui')"
            ), "the stylesheet came from the worker's cache"
        screenshot(page, "app-shell-offline")
        context.set_offline(False)


def test_with_javascript_off_pages_load_and_no_worker_is_registered(
    live_server: LiveServer,
) -> None:
    with phone(javascript=False) as (context, page):
        for url in (live_server.url + "/", live_server.invite("checkin-8-11")):
            response = page.goto(url)
            assert response is not None and response.ok, url
            assert page.locator("h1").first.is_visible()
        page.goto(live_server.url + "/")
        assert page.get_by_text("Start a check-in").is_visible()
        screenshot(page, "app-shell-no-javascript")
        assert not context.service_workers
        assert not page.console_errors, page.console_errors


def test_chromium_finds_heard_installable(live_server: LiveServer) -> None:
    """The browser's own verdict (DevTools' Page.getInstallabilityErrors): the manifest,
    its icons, the worker and a secure origin (127.0.0.1 counts) are all it needs, on a
    child's link as on the first page."""
    with phone(javascript=True) as (context, page):
        devtools = context.new_cdp_session(page)
        for where in (live_server.url + "/", live_server.invite("checkin-8-11")):
            page.goto(where)
            assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
            page.reload()  # now under the worker's control, as an installed app starts
            found = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
            # A test browser's context is incognito, where Chromium never offers to install
            # anything: that is the browser's rule, not Heard's. Any other reason fails.
            errors = [error for error in found if error["errorId"] != "in-incognito"]
            assert errors == [], (where, errors)
            manifest = devtools.send("Page.getAppManifest")
            assert manifest["url"].endswith("/manifest.webmanifest"), manifest["url"]
            assert not manifest["errors"], manifest["errors"]
