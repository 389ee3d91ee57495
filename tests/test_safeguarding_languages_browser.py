"""In a real browser at phone size, JavaScript on and off: a child who has chosen Arabic
writes "I want to die" in Arabic in the web chat and is shown the help in Arabic, right to
left, with 999 and Childline in view and tappable; the alert is raised. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import browser_support
import pytest
from browser_support import LiveServer, axe_violations, describe_violations, phone_page
from journey_support import assert_sees, snap
from sqlalchemy import select

from analysis.safeguarding.replies import load_replies
from storage import models
from storage.db import transaction
from surveys import languages

live_server = browser_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

AR = load_replies(language="ar")
MESSAGE = "بدي موت"  # "I want to die"


def go(page: Any, act: Any) -> None:
    with page.expect_navigation():
        act()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_arabic_words_in_the_chat_get_arabic_help_right_to_left(
    live_server: LiveServer, javascript: bool
) -> None:
    with phone_page(javascript=javascript, viewport={"width": 360, "height": 740}) as page:
        page.goto(live_server.url + "/")
        chooser = page.locator("main .language-choice").get_by_role(
            "link", name=languages.native_name("ar")
        )
        go(page, chooser.tap)
        assert page.get_attribute("html", "dir") == "rtl"
        page.goto(live_server.url + "/chat")
        go(page, lambda: page.locator('button[name="cohort"][value="child_in_care"]').tap())
        go(page, lambda: page.locator('button[name="age_band"][value="11-17"]').tap())
        box = page.locator("#chat-text")
        box.tap()
        box.fill(MESSAGE)
        if javascript:
            page.keyboard.press("Enter")
            page.wait_for_selector("#help-now")
            page.wait_for_function("() => !document.querySelector('#chat[aria-busy]')")
        else:
            go(page, lambda: page.keyboard.press("Enter"))
        help_now = page.locator("#help-now")
        help_now.scroll_into_view_if_needed()
        assert help_now.is_visible()
        assert help_now.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert page.get_attribute("html", "lang") == "ar"
        assert_sees(page, AR.lines["please_read"][0], "999")
        # Childline's line and its tappable number
        childline = AR.lines["please_read"][2].format(childline=AR.childline)
        assert childline.split(":")[0] in help_now.inner_text()
        assert "0800 1111" in help_now.inner_text()
        assert help_now.locator('a[href="tel:08001111"]').count() >= 1
        assert help_now.locator('a[href="tel:999"]').count() >= 1
        link = page.locator('#help-now a[href="tel:08001111"]').first
        link.scroll_into_view_if_needed()
        assert link.is_visible()
        # shown as 0800 1111, not "1111 0800" as right-to-left text would turn it
        first, second = link.evaluate(
            """a => {
                const text = a.firstChild, where = [];
                for (const [from, to] of [[0, 4], [5, 9]]) {
                    const range = document.createRange();
                    range.setStart(text, from);
                    range.setEnd(text, to);
                    where.push(range.getBoundingClientRect().left);
                }
                return where;
            }"""
        )
        assert first < second, (first, second)
        # would they like someone to get in touch: in Arabic too
        assert AR.lines["contact_ask"][0] in help_now.inner_text()
        assert page.get_by_role("button", name=AR.lines["contact_yes"][0]).is_visible()
        snap(page, "safeguarding-arabic-chat-help", javascript=javascript)
        if javascript:
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)

    with transaction(live_server.database.sessions) as session:
        alerts = session.execute(
            select(
                models.SafeguardingAlert.channel,
                models.SafeguardingAlert.category,
                models.SafeguardingAlert.text,
            )
        ).all()
    assert [tuple(a) for a in alerts] == [("webchat", "please_read", MESSAGE)]
