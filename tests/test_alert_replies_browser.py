"""In a real browser on a 320 px phone, JavaScript on and off: the young person's reply
to the lead is on the alert page, in the history, with its time.

The teen tells the real bot (fake Bot API) something worrying and says "Yes, please";
the lead, signed in on a phone, sends a message from the alert page; the teen types
back; the lead's alert page then shows the reply in the history, in view and inside the
screen's width, with JavaScript on and off.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import browser_support
import pytest
from browser_support import PSEUDONYM_KEY, LiveServer, phone_page, screenshot
from fakes.telegram_api import FakeTelegram, RunningBot, heard_bot
from journey_support import add_staff_account, overflow, sign_in
from sqlalchemy import select

from notices.child_message import ChildMessenger
from storage import models
from storage.db import transaction

live_server = browser_support.live_server
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "sam.safeguarding@council.example"
PASSWORD = "a long sentence for Sam's password"
TEEN = 5591701
WORDS = "Hi, this is Sam from the council's safeguarding team. Can I ring you?"
REPLY = "can u call me after school"
THANKS = "Thanks \u2014 I've passed that to the person who messaged you."


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def in_bot(
    server: LiveServer, fake: FakeTelegram, work: Callable[[RunningBot], Awaitable[Any]]
) -> Any:
    """The real bot, on a thread of its own (Playwright's sync API holds this one)."""

    async def run() -> Any:
        async with heard_bot(server.database, fake, pseudonym_key=PSEUDONYM_KEY) as bot:
            return await work(bot)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=120)


def test_the_reply_is_on_the_alert_page_on_a_phone_with_and_without_javascript(
    live_server: LiveServer, fake: FakeTelegram
) -> None:
    live_server.app.extensions["heard.services"]["child_messenger"] = ChildMessenger(
        fake.token, fake.api_url, timeout=5
    )
    add_staff_account(live_server.database, EMAIL, "safeguarding", PASSWORD)

    async def tell(bot: RunningBot) -> None:
        await bot.join(TEEN)
        await bot.press(TEEN, "Not now")
        _help, asked = await bot.chat(TEEN, "my foster dad hits me and i dont want to go home")
        await bot.tap(TEEN, "Yes, please", message=asked)

    in_bot(live_server, fake, tell)
    with transaction(live_server.database.sessions) as session:
        alert_id = session.scalar(select(models.SafeguardingAlert.id))
    assert alert_id is not None
    alert_page = f"{live_server.url}/staff/alerts/{alert_id}"

    with phone_page(viewport={"width": 320, "height": 640}) as page:
        sign_in(page, live_server.url, EMAIL, PASSWORD)
        page.goto(alert_page)
        page.get_by_label("Message them in Telegram").fill(WORDS)
        with page.expect_navigation():
            page.get_by_role("button", name="Send").click()
        assert "If they reply in the next 7 days" in page.inner_text("main")
        assert fake.last(TEEN)["text"] == WORDS

    async def reply(bot: RunningBot) -> list[dict]:
        return await bot.chat(TEEN, REPLY)

    said = in_bot(live_server, fake, reply)
    assert [m["text"] for m in said][0].startswith(THANKS)

    for javascript in (True, False):
        with phone_page(javascript=javascript, viewport={"width": 320, "height": 640}) as seen:
            sign_in(seen, live_server.url, EMAIL, PASSWORD)
            seen.goto(alert_page)
            history = seen.get_by_role("table", name="History and notes")
            history.scroll_into_view_if_needed()
            row = history.get_by_role("row").filter(has_text="reply from the young person")
            when, who, what = (  # each cell, without the name shown beside it on a phone
                cell.locator(".stack-value").inner_text() for cell in row.get_by_role("cell").all()
            )
            assert re.fullmatch(r"\d{2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)", when)
            assert who == "the young person"
            assert f"\u201c{REPLY}\u201d" in what
            reply_box = seen.get_by_text(REPLY, exact=False).first
            assert reply_box.is_visible()
            assert seen.evaluate(
                "() => { const r = document.querySelector('.history').getBoundingClientRect();"
                " return r.top < window.innerHeight && r.bottom > 0; }"
            ), "the history is not in view"
            width = overflow(seen)
            assert width["scrollWidth"] <= 320, f"JS {javascript}: too wide: {width}"
            screenshot(seen, f"alert-reply-js-{'on' if javascript else 'off'}")
