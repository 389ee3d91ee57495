"""A young person's check-in over Telegram, end to end: the real PTB Application talking
HTTP to a fake Bot API server, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.telegram_api import FakeTelegram, RunningBot, heard_bot
from sqlalchemy import func, select

from heard.wiring import Database
from storage import models
from storage.db import transaction

USER = 5551001
PROGRESS = re.compile(r"^Question (\d+) of (\d+)\n")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def table_counts(database: Database) -> dict[str, Any]:
    with transaction(database.sessions) as session:
        return {
            "answers": sorted(
                session.execute(select(models.Answer.question_id, models.Answer.value)).all()
            ),
            "comments": session.scalar(select(func.count(models.Comment.id))),
            "sessions": session.execute(
                select(models.SurveySession.state, models.SurveySession.current_question_id)
            ).all(),
            "respondents": session.execute(
                select(models.Respondent.cohort, models.Respondent.age_band)
            ).all(),
            "processed": session.scalar(select(func.count(models.ProcessedUpdate.id))),
            "alerts": session.scalar(select(func.count(models.SafeguardingAlert.id))),
        }


def plain(label: str) -> str:
    """A button label as a person would type it: no emoji, no tick."""
    return re.sub(r"^[^\w']+\s*", "", label)


async def start_as_teenager(bot: RunningBot) -> dict[str, Any]:
    """/start, who you are, age band, a check-in offered and taken: the consent question is
    on screen afterwards."""
    await bot.type(USER, "/start")
    welcome = bot.fake.bot_messages(USER)
    assert "Hi, I'm Heard" in welcome[-2]["text"]
    assert "which of these is you" in welcome[-1]["text"]
    await bot.press(USER, "A child or young person in care")
    assert "How old are you" in bot.fake.last(USER)["text"]
    offered = await bot.press(USER, "16 or 17")
    assert "Would you like to do a check-in now?" in offered["text"]
    assert [label for label, _ in bot.fake.buttons(offered)] == ["Start a check-in", "Not now"]
    consent = await bot.press(USER, "Start a check-in")
    assert "Is that OK?" in consent["text"]
    return consent


async def answer_current(bot: RunningBot, by_button: bool) -> tuple[str, str]:
    """Answer the question on screen; returns (question text, how it was answered)."""
    question = bot.fake.last(USER)
    assert PROGRESS.match(question["text"]), question["text"]
    buttons = [(t, d) for t, d in bot.fake.buttons(question) if t not in ("Skip",)]
    if not buttons:  # free text
        await bot.type(USER, "My mates are great and I like my room")
        return question["text"], "typed text"
    counted = [t for t, _ in buttons if "rather not say" not in t]
    # "No" where offered keeps the follow-ups short; otherwise the first real option.
    choice = next((t for t in counted if plain(t) == "No"), counted[0])
    if by_button:
        await bot.press(USER, choice)
        return question["text"], "button"
    await bot.type(USER, plain(choice))
    return question["text"], "typed"


def test_full_checkin_by_buttons_and_typing(database: Database, fake: FakeTelegram) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await start_as_teenager(bot)
            await bot.press(USER, "Yes, let's start")
            await bot.type(USER, "no thanks")  # the quote question, typed
            answered = 0
            while PROGRESS.match(bot.fake.last(USER)["text"]):
                position = int(PROGRESS.match(bot.fake.last(USER)["text"]).group(1))
                before = len(bot.fake.bot_messages(USER))
                await answer_current(bot, by_button=position % 2 == 1)
                assert len(bot.fake.bot_messages(USER)) > before
                answered += 1
                assert answered < 40
            assert "Your answers have been saved" in bot.fake.last(USER)["text"]
            assert "You said, we did" in bot.fake.last(USER)["text"]
            # pressed questions now read as a record: the answer, no buttons left
            records = [m for m in bot.fake.bot_messages(USER) if "✔" in m.get("text", "")]
            assert len(records) >= answered // 2 + 3  # + who, age band, consent
            assert all("reply_markup" not in m for m in records)
            assert len(fake.sent("answerCallbackQuery")) == len(fake.sent("editMessageText"))
            return answered

    answered = asyncio.run(scenario())
    counts = table_counts(database)
    assert len(counts["answers"]) == answered
    assert len({q for q, _ in counts["answers"]}) == answered  # each once
    assert counts["sessions"] == [("completed", None)]
    assert counts["respondents"] == [("child_in_care", "11-17")]
    assert counts["comments"] == 1
    commands = fake.sent("setMyCommands")[0].params["commands"]
    assert {c["command"] for c in commands} >= {
        "start",
        "checkin",
        "back",
        "skip",
        "help",
        "forgetme",
        "stop",
    }


def test_stop_mid_checkin_and_resume_in_a_new_application(
    database: Database, fake: FakeTelegram
) -> None:
    async def first_run() -> dict[str, Any]:
        async with heard_bot(database, fake) as bot:
            await start_as_teenager(bot)
            await bot.press(USER, "Yes, let's start")
            await bot.press(USER, "No thanks")
            for n in range(3):
                await answer_current(bot, by_button=n != 1)
            question = bot.fake.last(USER)
            await bot.type(USER, "stop")
            assert "saved your answers" in bot.fake.last(USER)["text"]
            return question

    waiting = asyncio.run(first_run())
    before = table_counts(database)
    assert before["sessions"][0][0] == "paused"

    async def second_run() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.type(USER, "/checkin")
            messages = bot.fake.bot_messages(USER)
            assert "Welcome back" in messages[-2]["text"]
            assert messages[-1]["text"] == waiting["text"]  # the same question, same place
            # a button from before the restart still works: its state was in the database
            first = bot.fake.buttons(waiting)[0][0]
            await bot.press(USER, first, message=waiting)
            assert PROGRESS.match(bot.fake.last(USER)["text"]).group(1) == "5"

    asyncio.run(second_run())
    after = table_counts(database)
    assert len(after["answers"]) == len(before["answers"]) + 1 == 4
    assert after["sessions"][0][0] == "active"


def test_the_same_update_twice_changes_nothing(database: Database, fake: FakeTelegram) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.type(USER, "/start")
            who = fake.bot_messages(USER)[-1]
            data = dict(fake.buttons(who))["A child or young person in care"]
            await bot.press_data(USER, who, data)
            ages = fake.bot_messages(USER)[-1]
            profile_update = await bot.press_data(USER, ages, dict(fake.buttons(ages))["16 or 17"])
            offered = fake.last(USER)
            begin_update = await bot.press_data(
                USER, offered, dict(fake.buttons(offered))["Start a check-in"]
            )
            consent = fake.last(USER)
            consent_update = await bot.press_data(
                USER, consent, dict(fake.buttons(consent))["Yes, let's start"]
            )
            await bot.press(USER, "No thanks")
            typed = fake.type_text(USER, "very happy")
            await bot.wait(typed)
            once = table_counts(database)
            sent = len(fake.bot_messages(USER))
            for update_id in (typed, consent_update, begin_update, profile_update):
                await bot.redeliver(update_id)
            assert table_counts(database) == once
            assert len(fake.bot_messages(USER)) == sent  # and nothing said twice
            assert once["answers"] == [("home_happy", "5")]

    asyncio.run(scenario())


def test_forged_and_stale_buttons_are_answered_politely_and_change_nothing(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await start_as_teenager(bot)
            await bot.press(USER, "Yes, let's start")
            await bot.press(USER, "No thanks")
            question = fake.last(USER)
            real = fake.buttons(question)[0][1]
            head, _, mac = real.rpartition("|")
            parts = head.split("|")
            forgeries = [
                "|".join([*parts[:-1], "1"]) + "|" + mac,  # another option, same signature
                "|".join([*parts[:2], str(int(parts[2]) + 1), *parts[3:]]) + "|" + mac,
                "v1|a|1|abcdef|0|AAAAAAAAAA",
                "not our button at all",
                "v9|" + real[3:],
            ]
            before = table_counts(database)
            sent = len(fake.bot_messages(USER))
            answers = len(fake.sent("answerCallbackQuery"))
            for data in forgeries:
                await bot.press_data(USER, question, data)
            await bot.press_data(USER + 1, question, real)  # someone else's button
            assert table_counts(database) == before
            assert len(fake.bot_messages(USER)) == sent
            replies = fake.sent("answerCallbackQuery")[answers:]
            assert len(replies) == len(forgeries) + 1
            assert all("doesn't work" in r.params.get("text", "") for r in replies)
            # a real but stale button: answered politely, nothing changes
            await bot.press(USER, fake.buttons(question)[0][0], message=question)
            moved_on = table_counts(database)
            await bot.press_data(USER, question, real)
            assert table_counts(database) == moved_on
            assert "earlier question" in fake.sent("answerCallbackQuery")[-1].params["text"]

    asyncio.run(scenario())


def test_help_works_mid_checkin_and_changes_nothing(database: Database, fake: FakeTelegram) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await start_as_teenager(bot)
            await bot.press(USER, "Yes, let's start")
            await bot.press(USER, "No thanks")
            question = fake.last(USER)
            before = table_counts(database)
            reply = await bot.type(USER, "/help")
            assert "Childline" in reply["text"] and "999" in reply["text"]
            assert table_counts(database) == before
            await bot.press(USER, fake.buttons(question)[0][0], message=question)
            assert PROGRESS.match(fake.last(USER)["text"]).group(1) == "2"

    asyncio.run(scenario())


def test_care_leaver_multi_choice_toggles_and_skips(database: Database, fake: FakeTelegram) -> None:
    leaver = USER + 7

    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            consent = await bot.join(leaver, who="A care leaver", age=None)
            assert "Is that OK?" in consent["text"]
            await bot.consent(leaver)
            for _ in range(40):
                question = fake.last(leaver)
                if not PROGRESS.match(question["text"]):
                    break
                labels = [label for label, _ in fake.buttons(question)]
                if "Done ✔" in labels:
                    await bot.press(leaver, "Done ✔")  # nothing picked yet
                    assert (
                        "Pick at least one" in fake.sent("answerCallbackQuery")[-1].params["text"]
                    )
                    await bot.press(leaver, "University")
                    await bot.press(leaver, "A job")
                    toggled = await bot.press(leaver, "✅ University")
                    shown = [label for label, _ in fake.buttons(toggled)]
                    assert "✅ A job" in shown and "University" in shown
                    await bot.press(leaver, "Done ✔")
                    assert fake.bot_messages(leaver)[-2]["text"].endswith("✔ A job")
                elif "Skip" in labels:
                    await bot.press(leaver, "Skip")
                else:
                    await bot.press(leaver, next(t for t in labels if "rather not" not in t))
            assert "Your answers have been saved" in fake.last(leaver)["text"]

    asyncio.run(scenario())
    with transaction(database.sessions) as session:
        values = dict(session.execute(select(models.Answer.question_id, models.Answer.value)).all())
    assert values["doing_now"] == "job"
    assert "living_where" not in values and "anything_else" not in values  # skipped
