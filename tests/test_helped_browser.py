"""In a real browser at phone size (320 px), JavaScript on and off, in English and Arabic: a
carer sitting with a child ticks "A grown-up is helping me answer" on the first page, starts,
and the check-in is kept as helped; the tick is big enough to tap and in view."""

from __future__ import annotations

from typing import Any

import browser_support
import pytest
from browser_support import LiveServer, axe_violations, describe_violations, phone_page
from journey_support import snap
from sqlalchemy import select

from storage import models
from storage.db import transaction
from surveys.messages import load_messages

live_server = browser_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

TICKS = {"en": "A grown-up is helping me answer", "ar": "شخص كبير يساعدني في الإجابة"}


def go(page: Any, act: Any) -> None:
    with page.expect_navigation():
        act()


@pytest.mark.parametrize(
    ("code", "javascript"), [("en", True), ("en", False), ("ar", True), ("ar", False)]
)
def test_a_grown_up_says_they_are_helping(
    live_server: LiveServer, code: str, javascript: bool
) -> None:
    words = load_messages(language=code)
    with phone_page(javascript=javascript, viewport={"width": 320, "height": 740}) as page:
        page.context.add_cookies([{"name": "heard_lang", "value": code, "url": live_server.url}])
        page.goto(live_server.invite("checkin-4-7"))
        tick = page.get_by_role("checkbox", name=TICKS[code], exact=True)
        assert tick.count() == 1 and not tick.is_checked()
        label = page.locator("label.helped-tick")
        box = label.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
        # it comes before "Yes, let's start", so it is seen before starting
        start = page.get_by_role("button", name=words.consent_yes, exact=True)
        assert box["y"] < start.bounding_box()["y"]
        label.tap()  # the whole row is the target, words included
        assert tick.is_checked()
        snap(page, f"helped-1-first-page-{code}", javascript=javascript)
        if javascript:
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)
        go(page, start.tap)
        go(page, lambda: page.get_by_role("button", name=words.quote_no, exact=True).tap())
        assert page.get_by_role("checkbox", name=TICKS[code]).count() == 0
        with transaction(live_server.database.sessions) as session:
            assert list(session.scalars(select(models.SurveySession.helped))) == [True]
