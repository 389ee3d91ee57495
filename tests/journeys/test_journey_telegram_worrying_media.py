"""Journey: Alex, 16, in care, sends Heard things that aren't typed words: a photo of their
arm with a worrying caption, a voice note, a sticker, a location, a file and a round video.

Heard reads a caption exactly as typed words (so the caption raises a safeguarding alert and
the staff chat is told by the scheduler's sweep, without the words), answers everything
else kindly, and never downloads or keeps a photo or recording. Each step asserts the
words Alex sees. The real bot Application talks to a fake Telegram server sending real
update JSON; the database is real, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.telegram_api import DASHBOARD, STAFF_CHAT, FakeTelegram, heard_bot
from sqlalchemy import inspect, select, text

from heard.wiring import Database
from notices.routes import default_routes
from notices.sweep import Outbox, sweep
from notices.telegram import TelegramSender
from storage import models
from storage.db import transaction
from surveys.definition import load_catalogue

ALEX = 5572201
TOTAL = len(load_catalogue()["checkin-11-17"].questions)  # every question it can ask
WORRY = "this is what he did to my arm. he hits me"
READ_THE_CAPTION = (
    "I can't see pictures or files, or listen to recordings, "
    "but I've read the words you sent with it."
)
TYPE_IT = "Sorry, I can only read typed words, so I can't see that. Could you type it instead?"
CANT_LISTEN = "Sorry, I can't listen to voice notes or videos."


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def alerts(database: Database) -> list[tuple[str | None, str]]:
    with transaction(database.sessions) as session:
        return list(
            session.execute(
                select(models.SafeguardingAlert.text, models.SafeguardingAlert.channel).order_by(
                    models.SafeguardingAlert.id
                )
            ).all()
        )


def staff_chat(fake: FakeTelegram) -> list[str]:
    return [m["text"] for m in fake.bot_messages(STAFF_CHAT)]


async def staff_told(database: Database, fake: FakeTelegram) -> list[str]:
    """The scheduler's sweep runs (every 15 seconds in `heard scheduler`); what the staff
    chat has been told so far."""
    outbox = Outbox(
        default_routes((), str(STAFF_CHAT)),
        (TelegramSender(fake.token, fake.api_url),),
        base_url=DASHBOARD,
    )
    await asyncio.to_thread(sweep, database.sessions, outbox)
    return staff_chat(fake)


def everything_stored(database: Database) -> str:
    """Every row of every table, as text, to look for anything of a photo or recording."""
    rows: list[Any] = []
    with database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            rows.extend(connection.execute(text(f'SELECT * FROM "{table}"')).all())
    return json.dumps([list(map(str, row)) for row in rows])


def test_a_worrying_photo_caption_reaches_a_person_and_other_media_get_kind_replies(
    database: Database, fake: FakeTelegram
) -> None:
    async def journey() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.chat(ALEX, "/start")
            await bot.press(ALEX, "A child or young person in care")
            await bot.press(ALEX, "16 or 17")
            later = await bot.tap(ALEX, "Not now")
            assert later[-1]["text"].startswith("OK. Type /checkin whenever you're ready")

            # 1. A photo of their arm, captioned. The caption is read like typed words:
            #    help now, and a person told.
            said = await bot.send(ALEX, "photo", caption=WORRY)
            reply = said[0]["text"]
            assert reply.startswith(READ_THE_CAPTION)
            assert "Thank you for telling Heard" in reply
            # "he hits me" says it goes on: urgent, so 999 and Childline come first
            assert "If you are in danger right now, call 999." in reply
            assert "Childline: call 0800 1111" in reply
            assert alerts(database) == [(WORRY, "telegram")]
            [notice] = await staff_told(database, fake)
            assert notice.startswith("Safeguarding alert 1 needs attention.")
            assert notice.endswith(f"{DASHBOARD}/staff/alerts/1")  # a link, never the words
            assert "arm" not in notice and "hits" not in notice

            # 2. A voice note: Heard can't listen, says so, and where to get help now.
            said = await bot.send(ALEX, "voice")
            assert said[0]["text"].startswith(CANT_LISTEN)
            assert "could you type it instead?" in said[0]["text"]
            assert "call 999" in said[0]["text"] and "Childline" in said[0]["text"]

            # 3. A sticker, a location and a file: only typed words can be read. (Said once,
            #    even if Telegram delivers the sticker twice.)
            for kind in ("sticker", "location", "document"):
                said = await bot.send(ALEX, kind)
                assert [m["text"] for m in said] == [
                    f"{TYPE_IT} If you need someone to talk to now, type /help."
                ], kind
            sticker = fake.send_media(ALEX, "sticker")
            await bot.wait(sticker)
            before = len(fake.bot_messages(ALEX))
            await bot.redeliver(sticker)
            assert len(fake.bot_messages(ALEX)) == before

            # 4. A round video message is spoken too.
            said = await bot.send(ALEX, "video_note")
            assert said[0]["text"].startswith(CANT_LISTEN) and "call 999" in said[0]["text"]

            # 5. In a check-in, a sticker gets the same kind words and the question again;
            #    a photo's caption is an answer, as if typed.
            await bot.chat(ALEX, "/checkin")
            await bot.chat(ALEX, "yes")
            first = (await bot.chat(ALEX, "no"))[-1]
            assert first["text"].startswith(f"Question 1 of {TOTAL}")
            said = await bot.send(ALEX, "sticker")
            assert said[0]["text"].startswith(TYPE_IT)
            assert said[-1]["text"] == first["text"]
            said = await bot.send(ALEX, "photo", caption="v happy")
            assert said[0]["text"] == READ_THE_CAPTION
            assert said[-1]["text"].startswith(
                f"Question 2 of {TOTAL}\nDo you feel safe where you live?"
            )

            # 6. At "Do you feel safe where you live?", a caption that says "no" and tells
            #    of harm: help and a person, never stored as the answer "no".
            safe = said[-1]
            said = await bot.send(ALEX, "photo", caption="no. he hits me")
            assert said[0]["text"].startswith(READ_THE_CAPTION)
            assert "Thank you for telling Heard" in said[0]["text"]
            assert said[-1]["text"] == "Would you like to carry on with the questions?"
            assert len(await staff_told(database, fake)) == len(alerts(database))
            back = await bot.tap(ALEX, "Carry on")
            assert back[-1]["text"] == safe["text"]  # the same question, still to answer

            # 7. Typed, not captioned, the same: help, a person told, no answer stored.
            said = await bot.chat(ALEX, "no, he hurts me")
            assert "Thank you for telling Heard" in said[0]["text"]
            assert said[-1]["text"] == "Would you like to carry on with the questions?"
            assert len(await staff_told(database, fake)) == len(alerts(database))

    asyncio.run(journey())
    assert alerts(database) == [
        (WORRY, "telegram"),
        ("no. he hits me", "telegram"),
        ("no, he hurts me", "telegram"),
    ]
    with transaction(database.sessions) as session:
        answers = dict(
            session.execute(select(models.Answer.question_id, models.Answer.value)).all()
        )
    assert answers == {"home_happy": "5"}  # "no" was not taken as feeling safe or not
    # Nothing of a photo or recording was fetched or kept.
    assert not any(call.method in ("getFile", "downloadFile") for call in fake.calls)
    kept = everything_stored(database)
    assert "file-" not in kept and "51.8642" not in kept and "letter.pdf" not in kept
