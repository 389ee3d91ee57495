"""Issue 17 in the chat: a care leaver asks about the new local offer topics in their own
words (typos, slang, no punctuation) through the real PTB Application, and an off-topic
question about a game gets "I'm not sure", not a confident wrong entry."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fakes.telegram_api import FakeTelegram, heard_bot

from bot.offer import load_offer_search
from heard.wiring import Database

LEAVER = 5557001


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def test_a_care_leaver_asks_about_the_new_topics(database: Database, fake: FakeTelegram) -> None:
    offer = load_offer_search()
    if offer is None:
        pytest.skip("the local offer search is not part of this build")

    async def scenario() -> None:
        async with heard_bot(database, fake, offer=offer) as bot:
            await bot.join(LEAVER, who="A care leaver", age=None)
            await bot.press(LEAVER, "Not now")

            # /offer, then a question with typos and no punctuation
            prompt = await bot.type(LEAVER, "/offer")
            assert prompt is not None and "What would you like to know" in prompt["text"]
            reply = await bot.type(LEAVER, "how much is a provisonal licence", reply_to=prompt)
            assert reply is not None
            text = reply["text"]
            assert text.startswith("Driving lessons, the theory test and your provisional licence")
            assert "£34" in text and "check with your PA" in text and "Contact:" in text

            # plain slang, without /offer
            reply = await bot.type(LEAVER, "wanna get a buss pas 4 college")
            assert reply is not None
            assert "Bus passes, the railcard and help with travel" in reply["text"]

            # /offer with the question after it, text-speak
            reply = await bot.type(LEAVER, "/offer my visa runs out soon wot do i do")
            assert reply is not None
            assert reply["text"].startswith("Help with your immigration status")
            assert "Home Office" in reply["text"]

            # off-topic: not a confident wrong answer
            reply = await bot.type(LEAVER, "/offer how do i get better at this video game")
            assert reply is not None
            assert "not sure I've understood" in reply["text"]
            assert "Ambassador" not in reply["text"].split("\n\n")[0]

    asyncio.run(scenario())
