"""The local offer in the chat: /offer, and a care leaver's plain questions outside a check-in."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fakes.telegram_api import FakeTelegram, heard_bot
from sqlalchemy import select

from bot.offer import load_offer_search
from heard.wiring import Database
from storage import models
from storage.db import transaction

LEAVER, TEEN = 5556001, 5556002


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def test_care_leavers_questions_are_answered_from_the_offer(
    database: Database, fake: FakeTelegram
) -> None:
    offer = load_offer_search()
    if offer is None:
        pytest.skip("the local offer search is not part of this build")

    async def scenario() -> None:
        async with heard_bot(database, fake, offer=offer) as bot:
            await bot.join(LEAVER, who="A care leaver", age=None)
            await bot.press(LEAVER, "Not now")
            reply = await bot.type(LEAVER, "im skint, can i get help with money for college")
            assert "bursary" in reply["text"].lower()
            assert "What would you like to know" in (await bot.type(LEAVER, "/offer"))["text"]
            reply = await bot.type(LEAVER, "where can i live when im 18")
            assert "How to get it" in reply["text"] or "not sure" in reply["text"]
            reply = await bot.type(LEAVER, "/offer staying put")
            assert "Staying Put" in reply["text"]

            await bot.join(TEEN)
            await bot.press(TEEN, "Not now")
            assert "didn't get that" in (await bot.type(TEEN, "what can i get"))["text"]

    asyncio.run(scenario())
    with transaction(database.sessions) as session:
        logged = session.execute(select(models.OfferQuery.text, models.OfferQuery.channel)).all()
    assert len(logged) == 3 and {channel for _, channel in logged} == {"telegram"}


def test_an_offer_question_reaching_another_bot_worker_is_still_answered(
    database: Database, fake: FakeTelegram
) -> None:
    """With two bot workers (or a restart) between /offer and the question, the quoted
    prompt says what the message is; a child in care's plain text would not be searched."""
    offer = load_offer_search()
    if offer is None:
        pytest.skip("the local offer search is not part of this build")

    async def scenario() -> None:
        async with heard_bot(database, fake, offer=offer) as first_worker:
            await first_worker.join(TEEN)
            await first_worker.press(TEEN, "Not now")
            prompt = await first_worker.type(TEEN, "/offer")
            assert prompt is not None and "What would you like to know" in prompt["text"]
            asked = fake.sent("sendMessage")[-1]
            assert asked.params["reply_markup"]["force_reply"] is True
        async with heard_bot(database, fake, offer=offer) as second_worker:
            reply = await second_worker.type(TEEN, "what is staying put", reply_to=prompt)
            assert reply is not None and "Staying Put" in reply["text"]
            reply = await second_worker.type(TEEN, "what is staying put")
            assert reply is not None and "didn't get that" in reply["text"]

    asyncio.run(scenario())


def test_without_the_offer_it_says_it_is_coming(database: Database, fake: FakeTelegram) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake, offer=None) as bot:
            assert "Soon" in (await bot.type(LEAVER, "/offer"))["text"]

    asyncio.run(scenario())
