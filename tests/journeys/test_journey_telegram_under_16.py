"""Journey: children under 16 find the bot; Telegram is for 16 and over, so the web is for them.

Mia, 13, types "hi", then "im 13". Noah, 12, presses /start, says he is in care, and presses
"Under 16". Lily, 14, presses /start and types "fourteen". Each is told kindly, in the words
from texts.yaml, that their check-in is on the web and how to get a link, and Heard keeps
nothing about them: no respondent, no address, no answers. Zara, 13, types something worrying
with her age: she gets the safeguarding help first, as anyone does. Sam, 17, still joins and
starts the check-in as before. The real bot Application talks to a fake Telegram server;
the database is real, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fakes.telegram_api import FakeTelegram, heard_bot
from sqlalchemy import func, select

from bot.texts import load_texts
from heard.wiring import Database
from storage import models
from storage.db import transaction
from storage.reminders import chat_addresses

MIA, NOAH, LILY, ZARA, SAM = 5581301, 5581202, 5581403, 5581304, 5581705
UNDER_16 = load_texts().under_16
JOINED = load_texts().under_16_joined


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def kept(database: Database) -> dict[str, int]:
    with transaction(database.sessions) as session:
        return {
            "respondents": session.scalar(select(func.count(models.Respondent.id))) or 0,
            "addresses": session.scalar(select(func.count()).select_from(chat_addresses)) or 0,
            "sessions": session.scalar(select(func.count(models.SurveySession.id))) or 0,
            "answers": session.scalar(select(func.count(models.Answer.id))) or 0,
            "comments": session.scalar(select(func.count(models.Comment.id))) or 0,
            "offer_queries": session.scalar(select(func.count(models.OfferQuery.id))) or 0,
            "alerts": session.scalar(select(func.count(models.SafeguardingAlert.id))) or 0,
        }


NOTHING = {
    "respondents": 0,
    "addresses": 0,
    "sessions": 0,
    "answers": 0,
    "comments": 0,
    "offer_queries": 0,
    "alerts": 0,
}


def test_children_under_16_are_kindly_sent_to_the_web_and_nothing_is_kept(
    database: Database, fake: FakeTelegram
) -> None:
    async def journey() -> None:
        async with heard_bot(database, fake) as bot:
            # 1. Mia, 13, types "hi", then "im 13": the web is for her, and why.
            said = await bot.chat(MIA, "hi")
            assert said[-1]["text"] == "Hi! Type /start to begin."
            said = await bot.chat(MIA, "im 13")
            assert [m["text"] for m in said] == [UNDER_16]
            words = said[0]["text"]
            assert "Telegram is only for people aged 16 and over" in words
            assert "Your check-in is on a website instead" in words
            assert "ask your social worker or your carer" in words
            assert "participation team" in words
            assert not fake.buttons(said[0])  # nothing to press that would sign her up
            assert kept(database) == NOTHING

            # 2. Noah, 12, presses /start (which keeps who he is and where to reach him
            #    until he says his age), says he is in care and is offered 16 or 17 only,
            #    or "Under 16". He presses "Under 16": the same kind words, and the row
            #    /start made is gone.
            said = await bot.chat(NOAH, "/start")
            assert said[-1]["text"] == "First, which of these is you?"
            assert kept(database)["respondents"] == 1
            asked = await bot.tap(NOAH, "A child or young person in care")
            assert asked[-1]["text"] == "Thanks! How old are you?"
            labels = [label for label, _ in fake.buttons(asked[-1])]
            assert labels == ["16 or 17", "Under 16"]
            before = len(fake.bot_messages(NOAH))
            message = fake.last(NOAH)
            update_id = fake.press_data(NOAH, message, dict(fake.buttons(message))["Under 16"])
            await bot.wait(update_id)
            said = fake.bot_messages(NOAH)[before:]
            assert [m["text"] for m in said] == [UNDER_16]
            assert fake.last(NOAH)["text"] == UNDER_16
            assert kept(database) == NOTHING
            # the question now reads as what he chose, without its buttons
            assert fake.bot_messages(NOAH)[before - 1]["text"].endswith("✔ Under 16")
            # Telegram delivers the press again: nothing said twice, nothing kept
            await bot.redeliver(update_id)
            assert len(fake.bot_messages(NOAH)) == before + 1
            assert kept(database) == NOTHING
            # /checkin: he has no profile, so he is asked who he is, never signed up
            said = await bot.chat(NOAH, "/checkin")
            assert "which of these is you" in said[-1]["text"]
            assert kept(database)["sessions"] == 0 and kept(database)["answers"] == 0

            # 3. Lily, 14, presses /start and types her age in words at "which of these
            #    is you?": the same.
            await bot.chat(LILY, "/start")
            said = await bot.chat(LILY, "fourteen")
            assert [m["text"] for m in said] == [UNDER_16]
            assert kept(database) == NOTHING

            # 4. Zara, 13, types something worrying with her age: the safeguarding help
            #    first, and would she like someone to get in touch; her alert is kept, so
            #    is she (a safeguarding lead may need to reach her).
            await bot.chat(ZARA, "/start")
            said = await bot.chat(ZARA, "im 13 and i want to die")
            assert UNDER_16 not in [m["text"] for m in said]
            assert "116 123" in said[0]["text"] or "Childline" in said[0]["text"]
            assert said[-1]["text"].startswith("Would you like someone from the council")
            assert kept(database)["alerts"] == 1
            assert kept(database)["respondents"] == 1

            # 5. Sam, 17, in care, joins as before and the check-in starts.
            await bot.chat(SAM, "/start")
            await bot.tap(SAM, "A child or young person in care")
            offered = await bot.tap(SAM, "16 or 17")
            assert offered[-1]["text"].startswith("Thanks! Would you like to do a check-in now?")
            consent = await bot.tap(SAM, "Start a check-in")
            assert "Is that OK?" in consent[-1]["text"]
            await bot.consent(SAM)
            first = fake.last(SAM)
            assert first["text"].startswith("Question 1 of ")
            said = await bot.tap(SAM, "Happy")
            assert said[-1]["text"].startswith("Question 2 of ")
            with transaction(database.sessions) as session:
                people = session.execute(
                    select(models.Respondent.cohort, models.Respondent.age_band)
                ).all()
                answers = session.scalar(select(func.count(models.Answer.id)))
            assert set(map(tuple, people)) == {
                ("child_in_care", "11-17"),
                (None, None),
            }  # Sam, Zara
            assert answers == 1

            # 6. Sam then says, in /settings, that he is under 16 after all: one press
            #    does not delete his answers. His reminders stop, and he is asked.
            await bot.chat(SAM, "/stop")  # leaves the check-in he was in
            await bot.chat(SAM, "/settings")
            await bot.tap(SAM, "Change who I am or my age")
            await bot.tap(SAM, "A child or young person in care")
            said = await bot.tap(SAM, "Under 16")
            assert said[-1]["text"] == JOINED
            assert [label for label, _ in fake.buttons(said[-1])] == [
                "Yes, delete it all",
                "No, keep it",
            ]
            with transaction(database.sessions) as session:
                sam = session.scalar(
                    select(models.Respondent).where(models.Respondent.age_band == "11-17")
                )
                assert sam is not None and sam.reminders_enabled is False
                assert session.scalar(select(func.count(models.Answer.id))) == 1

    asyncio.run(journey())
