"""What every journey test (tests/journeys/) shares: the real app, and a phone in Chromium.

Each web journey runs twice, with JavaScript on and off (`journey_page` is
parametrised), at 390x844, the size of a common phone. Steps assert the words a
person sees, not status codes. Screenshots of each step go to
test-artifacts/journeys/ so a reviewer can look at what the person saw.

A journey module imports the fixtures it uses by name, as the browser tests do:
`from journey_support import javascript, journey_page, live_server`.
(Not a conftest.py: browser_support imports the top-level tests/conftest.py by name.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser_support
import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PHONE, LiveServer, require_browser

live_server = browser_support.live_server
JOURNEY_ARTIFACTS = ARTIFACTS / "journeys"


@pytest.fixture(params=["js-on", "js-off"])
def javascript(request: pytest.FixtureRequest) -> bool:
    """True with JavaScript on. Every web journey is walked both ways."""
    return request.param == "js-on"


@pytest.fixture
def journey_page(live_server: LiveServer, javascript: bool) -> Iterator[Any]:
    """A phone-sized page (390x844, touch) in headless Chromium, JavaScript on or off."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            java_script_enabled=javascript,
            bypass_csp=True,
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


def snap(page: Any, name: str, *, javascript: bool) -> Path:
    """A screenshot of what is in view (not the whole page): what the person actually sees."""
    JOURNEY_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = JOURNEY_ARTIFACTS / f"{name}-{'js' if javascript else 'nojs'}.png"
    page.screenshot(path=str(path))
    return path


def words_in_view(page: Any) -> str:
    """The visible text of every element at least partly inside the viewport, in page order."""
    return page.evaluate(
        """() => {
            const out = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const height = window.innerHeight, width = window.innerWidth;
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (!node.textContent.trim()) continue;
                const el = node.parentElement;
                if (!el || el.closest('.visually-hidden')) continue;
                const style = getComputedStyle(el);
                if (style.visibility === 'hidden' || style.display === 'none') continue;
                const range = document.createRange();
                range.selectNodeContents(node);
                for (const r of range.getClientRects()) {
                    if (r.bottom > 0 && r.top < height && r.right > 0 && r.left < width
                        && r.width > 0 && r.height > 0) {
                        out.push(node.textContent.trim());
                        break;
                    }
                }
            }
            return out.join(' ');
        }"""
    )


def assert_in_view(page: Any, selector: str) -> None:
    """The element's top is inside the viewport (not above it, not below the fold)."""
    box = page.evaluate(
        """s => { const el = document.querySelector(s); if (!el) return null;
                  const r = el.getBoundingClientRect();
                  return {top: r.top, bottom: r.bottom, height: window.innerHeight}; }""",
        selector,
    )
    assert box is not None, f"{selector} is not on the page"
    assert 0 <= box["top"] < box["height"], f"{selector} is out of view: {box}"


def assert_sees(page: Any, *phrases: str) -> None:
    """Each phrase is in the words in view (spaces folded, case kept)."""
    seen = " ".join(words_in_view(page).split())
    for phrase in phrases:
        assert " ".join(phrase.split()) in seen, f"{phrase!r} is not in view. In view: {seen!r}"


def assert_not_seen(page: Any, *phrases: str) -> None:
    seen = " ".join(page.inner_text("body").split())
    for phrase in phrases:
        pattern = re.escape(" ".join(phrase.split()))
        assert not re.search(pattern, seen, re.IGNORECASE), f"{phrase!r} should not be shown"
