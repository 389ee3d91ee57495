"""In a real browser, at phone size (320 and 390 px), JavaScript on and off: a child chooses
Arabic on the first page, and everything after is in Arabic and laid out right to left,
the survey question included; their answer counts, in Arabic. With JavaScript on, "Read it
to me" speaks in Arabic (the browser's own speech synthesis, recorded by a stub: headless
Chromium has no voice). axe-core checks the Arabic pages. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import browser_support
import pytest
from babel.support import Translations
from browser_support import LiveServer, axe_violations, describe_violations, phone_page
from journey_support import assert_sees, snap, words_in_view
from sqlalchemy import select

from storage import models
from storage.db import transaction
from surveys import languages
from surveys.definition import load_catalogue
from surveys.messages import load_messages
from surveys.translations import localise

live_server = browser_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SURVEY = "checkin-8-11"
CATALOGUE = load_catalogue()
ARABIC_NAME = languages.native_name("ar")
TRANSLATIONS = Path(__file__).resolve().parents[1] / "webforms" / "translations"


def said(code: str, words: str) -> str:
    """The public pages' `words` in language `code`, from the compiled catalogue."""
    return str(Translations.load(str(TRANSLATIONS), [code]).gettext(words))


SPEECH_STUB = """
(() => {
  window.__spoken = [];
  window.__voices = [{lang: 'ar-SA', name: 'Test Arabic', default: true},
                     {lang: 'ps-AF', name: 'Test Pashto', default: false},
                     {lang: 'en-GB', name: 'Test English', default: false}];
  let synth = window.speechSynthesis;
  if (!synth) {
    synth = new EventTarget();
    Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
  }
  synth.speak = (u) => { window.__spoken.push({text: u.text, lang: u.lang}); };
  synth.cancel = () => {};
  synth.getVoices = () => window.__voices;
})();
"""


def sticks_out(page: Any) -> dict[str, Any]:
    """Anything wider than the screen on either side (right to left overflows to the left)."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const out = [];
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.width === 0 || el.closest('.visually-hidden, .skip-link')) continue;
                if (r.left < -0.5 || r.right > width + 0.5) {
                    out.push(`${el.tagName.toLowerCase()}.${el.className} ${r.left}..${r.right}`);
                }
            }
            return {scrollWidth: document.documentElement.scrollWidth, width,
                    culprits: out.slice(0, 8)};
        }"""
    )


def fits(page: Any) -> None:
    found = sticks_out(page)
    assert found["scrollWidth"] <= found["width"] and not found["culprits"], found


def go(page: Any, act: Any) -> None:
    with page.expect_navigation():
        act()


@pytest.mark.parametrize(
    ("code", "width", "javascript"),
    [
        ("ar", 320, True),
        ("ar", 320, False),
        ("ar", 390, True),
        ("ar", 390, False),
        ("ps", 320, True),
        ("ps", 375, False),
    ],
)
def test_a_child_chooses_their_language_and_answers_in_it(
    live_server: LiveServer, code: str, javascript: bool, width: int
) -> None:
    local = localise(CATALOGUE[SURVEY], code)
    words = load_messages(language=code)
    with phone_page(javascript=javascript, viewport={"width": width, "height": 740}) as page:
        if javascript:
            page.add_init_script(SPEECH_STUB)
        page.goto(live_server.url + "/")
        # the choice is on the first page, each language in its own name
        name = languages.native_name(code)
        chooser = page.locator("main .language-choice").get_by_role("link", name=name)
        assert chooser.is_visible()
        box = chooser.bounding_box()
        assert box["height"] >= 44, box  # big enough to tap
        go(page, chooser.tap)
        assert page.get_attribute("html", "lang") == code
        assert page.get_attribute("html", "dir") == "rtl"
        assert_sees(page, said(code, "Tell us how things are going"))
        # right to left: the heading starts at the right-hand edge
        heading = page.locator("h1").bounding_box()
        assert heading["x"] + heading["width"] > width * 0.8, heading
        fits(page)
        snap(page, f"language-1-home-{code}-{width}", javascript=javascript)
        if javascript:
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)

        # their link: the first page and the questions, in Arabic
        page.goto(live_server.invite(SURVEY))
        assert page.get_attribute("html", "dir") == "rtl"
        assert_sees(page, local.title)
        go(page, lambda: page.get_by_role("button", name=words.consent_yes, exact=True).tap())
        go(page, lambda: page.get_by_role("button", name=words.quote_no, exact=True).tap())
        first = local.questions[0]
        assert page.inner_text("h1") == first.text
        assert_sees(page, said(code, "Question %(position)s of %(total)s").split("%")[0])
        fits(page)
        seen = words_in_view(page)
        assert not re.search(r"[A-Za-z]{2,}", re.sub("Heard|Childline", "", seen)), seen
        snap(page, f"language-2-question-{code}-{width}", javascript=javascript)

        if javascript:
            read = page.get_by_role("button", name=said(code, "Read it to me"), exact=True)
            assert read.is_visible()
            read.tap()
            spoken = page.evaluate("() => window.__spoken")
            assert spoken and spoken[0]["text"] == first.text, spoken
            assert {s["lang"] for s in spoken} == {code}, spoken
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)

        best = next(o for o in first.options if o.value == "5")
        page.locator("label.choice", has_text=best.label).first.tap()
        go(page, lambda: page.get_by_role("button", name=said(code, "Next"), exact=True).tap())
        assert page.inner_text("h1") == local.questions[1].text
        assert page.get_attribute("html", "dir") == "rtl"

    with transaction(live_server.database.sessions) as session:
        answers = session.execute(
            select(
                models.Answer.question_id,
                models.Answer.value,
                models.Answer.language,
                models.Answer.is_kpi,
                models.Answer.satisfied_or_better,
            )
        ).all()
    # it counts like any other answer, and says which language it was given in
    assert [tuple(a) for a in answers] == [(first.id, "5", code, True, True)]


def test_offline_the_page_says_so_in_the_language_chosen(live_server: LiveServer) -> None:
    """The service worker keeps the offline page; choosing a language keeps it in that one."""
    with phone_page(javascript=True, viewport={"width": 360, "height": 740}) as page:
        page.goto(live_server.url + "/")
        assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
        page.goto(live_server.url + "/you-said")  # the worker is in charge of this page
        assert page.evaluate("!!navigator.serviceWorker.controller")
        link = page.locator("footer .language-links").get_by_role("link", name=ARABIC_NAME)
        go(page, link.tap)
        assert page.get_attribute("html", "dir") == "rtl"
        page.wait_for_function(
            """() => caches.match('/offline').then(r => r && r.text())
                   .then(t => !!t && t.includes('dir="rtl"'))""",
            timeout=10_000,
        )
        page.context.set_offline(True)
        page.goto(live_server.url + "/offline-test-any-page")
        assert page.get_attribute("html", "dir") == "rtl"
        assert_sees(page, "أنت غير متصل بالإنترنت")
        page.context.set_offline(False)
