"""In a real browser, at phone size (320 px), JavaScript on and off, in English and in Arabic
(right to left): the 8-11 check-in shows a picture beside every answer (the survey's
`symbol:`s, shipped in webforms/static/symbols/), loaded from Heard itself, with an empty alt
because the answer's words are right beside it. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import browser_support
import pytest
from browser_support import LiveServer, axe_violations, describe_violations, phone_page
from journey_support import snap

from surveys.definition import load_catalogue
from surveys.messages import load_messages
from surveys.translations import localise

live_server = browser_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

SURVEY = "checkin-8-11"
CATALOGUE = load_catalogue()


def go(page: Any, act: Any) -> None:
    with page.expect_navigation():
        act()


def pictures(page: Any) -> list[dict[str, Any]]:
    """Each answer on the page: its words, and its picture's file, alt, size and place."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main .choices label.choice')].map((label) => {
            const img = label.querySelector('img');
            const words = [...label.querySelectorAll('span')].filter(
                (s) => !s.getAttribute('aria-hidden') && s.textContent.trim())[0];
            const r = img && img.getBoundingClientRect();
            const w = words.getBoundingClientRect();
            return {
                words: words.textContent.trim(),
                src: img ? img.getAttribute('src') : null,
                alt: img ? img.getAttribute('alt') : null,
                loaded: img ? img.complete && img.naturalWidth > 0 : false,
                width: r ? r.width : 0,
                pictureMiddle: r ? r.left + r.width / 2 : 0,
                wordsMiddle: w.left + w.width / 2,
                sameRow: r ? r.top < w.bottom && w.top < r.bottom : false,
            };
        })"""
    )


def fits(page: Any) -> None:
    width, scroll = page.evaluate(
        "() => [document.documentElement.clientWidth, document.documentElement.scrollWidth]"
    )
    assert scroll <= width, (scroll, width)


@pytest.mark.parametrize(
    ("code", "javascript"), [("en", True), ("en", False), ("ar", True), ("ar", False)]
)
def test_pictures_beside_the_answers(live_server: LiveServer, code: str, javascript: bool) -> None:
    local = localise(CATALOGUE[SURVEY], code)
    words = load_messages(language=code)
    with phone_page(javascript=javascript, viewport={"width": 320, "height": 740}) as page:
        page.context.add_cookies([{"name": "heard_lang", "value": code, "url": live_server.url}])
        elsewhere: list[str] = []
        page.on(
            "request",
            lambda r: elsewhere.append(r.url) if not r.url.startswith(live_server.url) else None,
        )
        page.goto(live_server.invite(SURVEY))
        rtl = page.get_attribute("html", "dir") == "rtl"
        assert rtl == (code == "ar")
        go(page, lambda: page.get_by_role("button", name=words.consent_yes, exact=True).tap())
        go(page, lambda: page.get_by_role("button", name=words.quote_no, exact=True).tap())

        # the faces: one picture for each, above its word, and "I'd rather not say" has none
        assert page.inner_text("h1") == local.questions[0].text
        seen = pictures(page)
        faces = [s for s in seen if s["src"]]
        assert [s["src"].rsplit("/", 1)[-1] for s in faces] == [
            f"face-{n}.svg" for n in range(1, 6)
        ], seen
        assert [s["words"] for s in faces] == [o.label for o in local.questions[0].options[:5]]
        assert all(s["alt"] == "" and s["loaded"] and s["width"] >= 28 for s in faces), faces
        assert [s for s in seen if not s["src"]][0]["words"] == local.questions[0].options[5].label
        # right to left, the very sad face is on the right
        first, last = faces[0]["pictureMiddle"], faces[-1]["pictureMiddle"]
        assert (first > last) if rtl else (first < last), faces
        fits(page)
        snap(page, f"symbols-1-faces-{code}", javascript=javascript)
        if javascript:
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)

        # on to "Do you know who your social worker is?", a choice with its own pictures
        wanted = local.question("know_social_worker").text
        for _ in range(8):
            if page.inner_text("h1") == wanted:
                break
            page.locator("main label.choice").first.tap()
            go(page, lambda: page.locator("main button[name=action][value=answer]").tap())
        assert page.inner_text("h1") == wanted
        seen = pictures(page)
        assert [s["src"] and s["src"].rsplit("/", 1)[-1] for s in seen] == [
            "yes.svg",
            "no.svg",
            "not-sure.svg",
            None,
        ], seen
        for shown in seen[:3]:
            assert shown["alt"] == "" and shown["loaded"] and shown["sameRow"], shown
            # the picture comes first in reading order: left of the words, or right of them
            before = shown["pictureMiddle"] > shown["wordsMiddle"]
            assert before if rtl else not before, shown
        fits(page)
        snap(page, f"symbols-2-choice-{code}", javascript=javascript)
        if javascript:
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)
        assert not elsewhere, f"fetched from outside Heard: {elsewhere}"
