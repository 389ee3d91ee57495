"""Journey: Sam, 17, in care, looks at what Heard keeps about them, chooses reminders, and
then has it all deleted.

/mydata is a message Sam can read (who they are, their reminders, each check-in with its
date and each question with the words of their answer), split across messages when long,
with the JSON file after it. Reminders are off until Sam chooses. After /forgetme, /mydata
says nothing is kept. The real bot Application talks to a fake Telegram server; the
database is real, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import zoneinfo
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fakes.telegram_api import FakeTelegram, RunningBot, heard_bot
from sqlalchemy import func, select

from bot.offer import load_offer_search
from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.definition import load_catalogue

SAM = 5572501
CHECKIN = load_catalogue()["checkin-11-17"]
LONG_WORDS = "I like my new school and my carers are kind but I miss my little brother. " * 25


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def today_in_london() -> str:
    now = datetime.now(zoneinfo.ZoneInfo("Europe/London"))
    return f"{now.day} {now:%B %Y}"


async def answer_the_rest(bot: RunningBot, user: int, comment: str) -> dict[str, Any]:
    """Tap the first real answer to each question, and type `comment` where words go."""
    for _ in range(40):
        shown = bot.fake.last(user)
        if "Thank you" in shown["text"]:
            return shown
        labels = [label for label, _ in bot.fake.buttons(shown) if "rather not" not in label]
        if not labels or labels == ["Skip"]:
            await bot.chat(user, comment)
        else:
            await bot.press(user, labels[0])
    raise AssertionError(f"the check-in never ended: {bot.fake.last(user)['text']!r}")


def rows(database: Database) -> int:
    with transaction(database.sessions) as session:
        return sum(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (models.Respondent, models.SurveySession, models.Answer, models.OfferQuery)
        )


def test_my_data_is_readable_reminders_are_chosen_and_forget_me_forgets(
    database: Database, fake: FakeTelegram
) -> None:
    offer = load_offer_search()

    async def journey() -> None:
        async with heard_bot(database, fake, offer=offer) as bot:
            # 1. Sam joins, answers two questions, then takes a break.
            await bot.join(SAM)
            await bot.consent(SAM)
            await bot.press(SAM, "Happy")
            await bot.press(SAM, "Sometimes")
            await bot.chat(SAM, "stop")
            if offer is not None:
                reply = await bot.chat(SAM, "can i stay with my foster carers after 18")
                assert "Staying Put" in reply[-1]["text"]

            # 2. /mydata: sentences Sam can read, then the file.
            said = await bot.chat(SAM, "/mydata")
            readable = [m["text"] for m in said if "text" in m]
            assert len(readable) == 1
            lines = readable[0].split("\n")
            assert lines[:4] == [
                "Here's everything Heard keeps about you.",
                "",
                "Who you are: a child or young person in care (11 to 17).",
                "Happy for your words to be used in reports (never your name): no.",
            ]
            assert "Reminders: off. No messages from 21:00 to 08:00." in lines
            assert f"Check-in on {today_in_london()} (paused): How are things going?" in lines
            assert "\n".join(lines).count("• ") == 2 + (offer is not None)
            assert "• How happy are you with where you live at the moment?\n  Happy" in readable[0]
            assert "• Do you feel safe where you live?\n  Sometimes" in readable[0]
            if offer is not None:
                assert "Questions you asked about help for care leavers:" in lines
                assert (
                    f'• "can i stay with my foster carers after 18" ({today_in_london()})' in lines
                )
            for code in ("home_happy", "feel_safe", '"answer"', "child_in_care", "11-17"):
                assert code not in readable[0]
            document = said[-1]
            assert document["document"]["file_name"] == "my-heard-data.json"
            assert document["caption"] == "The same, as a file for computers."
            _, content = fake.sent("sendDocument")[-1].files["document"]
            data = json.loads(content)
            assert [(a["question"], a["answer"], a["check_in"]) for a in data["answers"]] == [
                ("home_happy", "4", 1),
                ("feel_safe", "sometimes", 1),
            ]
            assert str(SAM) not in content.decode()  # never the Telegram id

            # 3. /settings: reminders are off until Sam chooses. Every 2 weeks, please.
            settings = (await bot.chat(SAM, "/settings"))[-1]
            assert settings["text"].startswith("Reminders: off.")
            chosen = await bot.press(SAM, "Every 2 weeks", message=settings)
            assert chosen["text"].startswith("Reminders: every 2 weeks.")
            said = await bot.chat(SAM, "/mydata")
            assert "Reminders: every 2 weeks. No messages from 21:00 to 08:00." in said[0]["text"]

            # 4. Sam finishes the check-in with a lot to say: /mydata comes in parts, in
            #    order, none too long for Telegram, every question there.
            await bot.chat(SAM, "/checkin")
            thanks = await answer_the_rest(bot, SAM, LONG_WORDS.strip())
            assert "Would you like a reminder" not in thanks["text"]  # chosen already
            said = await bot.chat(SAM, "/mydata")
            parts = [m["text"] for m in said if "text" in m]
            assert len(parts) >= 2 and all(len(part) <= 4096 for part in parts)
            assert parts[0].startswith("Here's everything Heard keeps about you.")
            whole = "\n\n".join(parts)
            assert f"Check-in on {today_in_london()} (finished): How are things going?" in whole
            shown = [q for q in CHECKIN.questions if q.text in whole]
            assert len(shown) >= 20 and CHECKIN.questions[-1] in shown
            assert LONG_WORDS.strip()[:200] in whole
            assert said[-1]["document"]["file_name"] == "my-heard-data.json"

            # 5. /forgetme, "No, keep it" first; then yes. /mydata: nothing kept.
            confirm = (await bot.chat(SAM, "/forgetme"))[-1]
            assert "You can't undo it." in confirm["text"]
            kept = await bot.press(SAM, "No, keep it", message=confirm)
            assert kept["text"] == "OK, nothing has been deleted."
            assert rows(database) > 0
            confirm = (await bot.chat(SAM, "/forgetme"))[-1]
            done = await bot.press(SAM, "Yes, delete it all", message=confirm)
            assert done["text"].startswith("Done. Everything about you has been deleted.")
            documents = len(fake.sent("sendDocument"))
            said = await bot.chat(SAM, "/mydata")
            assert [m["text"] for m in said] == ["Heard doesn't keep anything about you right now."]
            assert len(fake.sent("sendDocument")) == documents

    asyncio.run(journey())
    assert rows(database) == 0
