"""Journey: Jay, 16, in foster care, does a check-in on Telegram typing the way teenagers type.

Jay never presses an answer button. They type "yeah", "v happy", "nah", "meh", "😊", a typo,
"back", "/back", "/skip", "stop" and later "carry on", and at the end "stop messaging me".
Each step asserts the words Jay sees in the chat. The real bot Application talks to a fake
Telegram server; the answers land in a real database, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.telegram_api import FakeTelegram, RunningBot, heard_bot
from sqlalchemy import select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.definition import EQUALITY_QUESTIONS, load_catalogue

JAY = 5571601
TOTAL = len(load_catalogue()["checkin-11-17"].questions)  # every question it can ask
QUESTION = re.compile(r"^Question (\d+) of (\d+)\n(.+)", re.S)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def text(messages: list[dict[str, Any]]) -> str:
    return "\n\n".join(m.get("text", "") for m in messages)


def question(message: dict[str, Any]) -> tuple[int, int, str]:
    """(position, total, question words) of a question message."""
    found = QUESTION.match(message["text"])
    assert found, f"not a question: {message['text']!r}"
    return int(found.group(1)), int(found.group(2)), found.group(3)


def stored(database: Database) -> dict[str, str]:
    with transaction(database.sessions) as session:
        rows = session.execute(select(models.Answer.question_id, models.Answer.value)).all()
    return dict(rows)


def reminders(database: Database) -> tuple[bool, int]:
    with transaction(database.sessions) as session:
        row = session.execute(
            select(models.Respondent.reminders_enabled, models.Respondent.reminder_every_days)
        ).one()
    return bool(row[0]), int(row[1])


async def teen_answer(bot: RunningBot, shown: dict[str, Any]) -> list[dict[str, Any]]:
    """What Jay types at a question: teen words for yes/no and happy scales, a score for
    the 0-10 one, /skip for the free text, and a tap where only a list will do."""
    labels = [label for label, _ in bot.fake.buttons(shown)]
    if "being heard fairly" in shown["text"]:  # sex, disability, ethnicity, came alone
        return await bot.chat(JAY, "rather not say")
    if labels[:3] == ["Yes", "Sometimes", "No"]:
        return await bot.chat(JAY, "nah")
    if "Very happy" in labels:
        return await bot.chat(JAY, "its ok")
    if "10" in labels:
        return await bot.chat(JAY, "prob 7/10")
    if labels == ["Skip"]:
        return await bot.chat(JAY, "/skip")
    return await bot.tap(JAY, next(label for label in labels if "rather not" not in label))


def test_a_teenager_types_everything_and_is_understood(
    database: Database, fake: FakeTelegram
) -> None:
    async def journey() -> None:
        async with heard_bot(database, fake) as bot:
            # 1. Jay says hi and says who they are: a short offer of a check-in, not 31
            #    questions at once.
            said = await bot.chat(JAY, "/start")
            assert "Hi, I'm Heard" in said[0]["text"]
            assert said[-1]["text"] == "First, which of these is you?"
            await bot.press(JAY, "A child or young person in care")
            offered = await bot.tap(JAY, "16 or 17")
            assert offered[-1]["text"].startswith("Thanks! Would you like to do a check-in now?")
            assert len(offered[-1]["text"]) < 200
            assert [label for label, _ in fake.buttons(offered[-1])] == [
                "Start a check-in",
                "Not now",
            ]

            # 2. The check-in explains itself and asks if that's OK: Jay types "yeah", then
            #    "nah" to being quoted.
            consent = await bot.tap(JAY, "Start a check-in")
            assert "Is that OK?" in consent[-1]["text"]
            quote = await bot.chat(JAY, "yeah")
            assert "Can we use your words" in quote[-1]["text"]
            first = await bot.chat(JAY, "nah")
            assert question(first[-1]) == (
                1,
                TOTAL,
                "How happy are you with where you live at the moment?",
            )

            # 3. "v happy", "yeah": read, and on to the next question each time.
            said = await bot.chat(JAY, "v happy")
            assert question(said[-1])[:2] == (2, TOTAL)
            assert "Do you feel safe where you live?" in said[-1]["text"]
            said = await bot.chat(JAY, "yeah")
            assert question(said[-1])[:2] == (3, TOTAL)

            # 4. "meh" isn't yes, sometimes or no: a kind re-ask and the same question again.
            said = await bot.chat(JAY, "meh")
            assert "Sorry, I didn't quite get that." in said[0]["text"]
            assert "yes, sometimes, no" in said[0]["text"]
            assert "didn't get that" not in text(said).replace("didn't quite get that", "")
            assert question(said[-1])[:2] == (3, TOTAL)
            said = await bot.chat(JAY, "sorta")
            assert question(said[-1])[:2] == (4, TOTAL)

            # 5. An emoji and a typo are answers too.
            said = await bot.chat(JAY, "😊")
            assert question(said[-1])[:2] == (5, TOTAL)
            said = await bot.chat(JAY, "yse")
            assert question(said[-1])[:2] == (6, TOTAL)
            assert stored(database) == {
                "home_happy": "5",
                "feel_safe": "yes",
                "feel_settled": "sometimes",
                "own_space": "4",
                "rules_fair": "yes",
            }

            # 6. "back", then "/back": Jay is told what they said, in words.
            said = await bot.chat(JAY, "back")
            assert "You said: Yes." in said[0]["text"]
            assert question(said[-1])[:2] == (5, TOTAL)
            said = await bot.chat(JAY, "/back")
            went_back = said[0]["text"]
            answer = re.search(r"You said: (.+?)\. You can change it", went_back)
            assert answer and answer.group(1).endswith("Happy"), went_back
            assert not re.search(r"\b\w, \w\b", went_back)  # never "H, a, p, p, y"
            assert question(said[-1])[:2] == (4, TOTAL)
            said = await bot.chat(JAY, "good")  # the same again; on past what's answered
            assert question(said[-1])[:2] == (6, TOTAL)

            # 7. "/skip" on a question that counts: why not, and the same question.
            said = await bot.chat(JAY, "/skip")
            assert "we can't skip it" in said[0]["text"]
            assert question(said[-1])[:2] == (6, TOTAL)
            said = await bot.chat(JAY, "nah")
            assert question(said[-1])[:2] == (7, TOTAL)

            # 8. "stop": a break, answers kept. Later, "carry on": the same question.
            waiting = said[-1]
            said = await bot.chat(JAY, "stop")
            assert "I've saved your answers so far" in text(said)
            assert not any(QUESTION.match(m["text"]) for m in said)
            said = await bot.chat(JAY, "carry on")
            assert "Welcome back" in said[0]["text"]
            assert said[-1]["text"] == waiting["text"]

            # 9. More teen words: "not rly", "ye".
            said = await bot.chat(JAY, "not rly")
            assert question(said[-1])[:2] == (8, TOTAL)
            said = await bot.chat(JAY, "ye")
            assert question(said[-1])[:2] == (9, TOTAL)

            # 10. And so on to the end, typing wherever typing will do.
            shown = said[-1]
            for _ in range(40):
                if "Thank you" in shown["text"]:
                    break
                shown = (await teen_answer(bot, shown))[-1]
            assert "Thank you!" in shown["text"]

            # The progress line never jumped in total, and only went back after "back".
            positions = [
                question(m)[:2] for m in fake.bot_messages(JAY) if QUESTION.match(m.get("text", ""))
            ]
            assert {total for _, total in positions} == {TOTAL}
            assert positions[-1][0] == TOTAL

            # 11. Once, after this first check-in: would Jay like reminders? Every week.
            assert shown["text"].endswith("Would you like a reminder to check in?")
            assert reminders(database) == (False, 30)  # off until chosen
            said = await bot.tap(JAY, "Every week", message=shown)
            assert said[-1]["text"].startswith("OK, I'll remind you every week.")
            assert reminders(database) == (True, 7)

            # 12. "/back" and "/skip" with no check-in going say so; "stop messaging me"
            #     turns reminders off, as /stop does.
            said = await bot.chat(JAY, "/back")
            assert "You don't have a check-in going right now" in said[0]["text"]
            said = await bot.chat(JAY, "/skip")
            assert "nothing to skip" in said[0]["text"]
            said = await bot.chat(JAY, "stop messaging me")
            assert said[0]["text"].startswith("OK, no more reminders.")
            assert reminders(database)[0] is False

    asyncio.run(journey())
    answers = stored(database)
    assert answers["own_space"] == "4" and answers["carers_there"] == "no"
    assert answers["trusted_adult"] == "no" and answers["know_social_worker"] == "yes"
    assert answers["life_score"] == "7"
    assert "anything_else" not in answers  # skipped
    assert {answers[name] for name in EQUALITY_QUESTIONS} == {"prefer_not_to_say"}
