"""Breaking the bot on purpose: kill -9 mid-check-in, every update delivered three times, and
the database cut off during an answer. Nothing a young person said is lost or doubled."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from fakes.telegram_api import FakeTelegram, RunningBot, heard_bot
from reliability_support import BotProcess, TcpProxy, snapshot, wait_until
from sqlalchemy import Engine, event, select, text
from sqlalchemy.engine import make_url

from bot.texts import load_texts
from heard.settings import Settings
from heard.wiring import Database, open_database
from storage import models
from storage.db import make_engine
from surveys.definition import Survey, load_catalogue

USER = 5559001
PROGRESS = re.compile(r"^Question (\d+) of (\d+)\n(.*)$", re.S)
CHECKIN = load_catalogue()["checkin-11-17"]
COMMENT = "it's fine"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def pick(labels: list[str]) -> str:
    """ "No" where offered (short follow-ups), else the first real option."""
    real = [label for label in labels if label != "Skip" and "rather not" not in label]
    return next((label for label in real if label == "No"), real[0])


def stored_answers(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(select(models.Answer.question_id, models.Answer.value)).all()
    assert len(rows) == len({question for question, _ in rows}), rows
    return dict(rows)


def expected_value(survey: Survey, question_text: str, answer: str) -> tuple[str, str]:
    """The question id and stored value for what the person pressed (or typed)."""
    question = next(q for q in survey.questions if q.text == question_text)
    if question.type == "text":
        return question.id, answer
    option = next(
        o for o in question.options if f"{o.emoji} {o.label}" == answer or o.label == answer
    )
    return question.id, option.value


# ------------------------------------------------------------------ crash mid-survey


class Chat:
    """The young person's side of a chat with a `heard bot` process, through the fake."""

    def __init__(self, fake: FakeTelegram, bot: BotProcess) -> None:
        self.fake, self.bot = fake, bot
        self.answered: dict[str, str] = {}  # question text -> label pressed or words typed

    def _ready(self, before: int) -> dict[str, Any] | None:
        self.bot.check_alive()
        messages = self.fake.bot_messages(USER)
        if len(messages) <= before:
            return None
        last = messages[-1]
        if self.fake.buttons(last) or PROGRESS.match(last.get("text", "")):
            return last
        return last if "Your answers have been saved" in last.get("text", "") else None

    def settled(self, before: int) -> dict[str, Any]:
        """The bot's last message once its reply has finished arriving (up to 60 s)."""
        while True:
            last = wait_until(lambda: self._ready(before), 60, "the bot's reply")
            count = len(self.fake.bot_messages(USER))
            time.sleep(0.1)
            if len(self.fake.bot_messages(USER)) == count:
                return last

    def type(self, words: str) -> dict[str, Any]:
        before = len(self.fake.bot_messages(USER))
        self.fake.type_text(USER, words)
        return self.settled(before)

    def press(self, label: str, message: dict[str, Any] | None = None, wait: bool = True) -> Any:
        before = len(self.fake.bot_messages(USER))
        message = message or self.fake.last(USER)
        update_id = self.fake.press_data(USER, message, dict(self.fake.buttons(message))[label])
        return self.settled(before) if wait else update_id

    def answer(self, message: dict[str, Any] | None = None, wait: bool = True) -> Any:
        """Answer the question on screen (or on `message`), remembering what was said."""
        message = message or self.fake.last(USER)
        question = PROGRESS.match(message["text"])
        assert question, message["text"]
        labels = [label for label, _ in self.fake.buttons(message)]
        if not labels or labels == ["Skip"]:
            self.answered[question.group(3)] = COMMENT
            return self.type(COMMENT)
        label = pick(labels)
        self.answered[question.group(3)] = label
        return self.press(label, message, wait)


def progress(message: dict[str, Any]) -> tuple[int, str]:
    match = PROGRESS.match(message["text"])
    assert match, message["text"]
    return int(match.group(1)), match.group(3)


def current_question(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.scalar(select(models.SurveySession.current_question_id))


@pytest.mark.slow
def test_kill_9_mid_checkin_resumes_at_the_right_question_with_nothing_lost_or_doubled(
    settings: Settings, fake: FakeTelegram, tmp_path: Path
) -> None:
    bot = BotProcess(settings, fake, tmp_path).start()
    chat = Chat(fake, bot)
    engine = make_engine(settings.database_url)
    try:
        chat.type("/start")
        chat.press("A child or young person in care")
        chat.press("16 or 17")
        chat.press("Start a check-in")
        chat.press("Yes, let's start")
        chat.press("No thanks")
        for _ in range(3):
            chat.answer()
        waiting = fake.last(USER)
        bot.kill()  # between two answers

        bot.start()
        resumed = chat.type("/checkin")
        assert "Welcome back" in fake.bot_messages(USER)[-2]["text"]
        assert resumed["text"] == waiting["text"]  # the same question, same place
        assert len(stored_answers(engine)) == 3
        chat.answer(waiting)  # a button from before the crash still works
        chat.answer()
        in_flight = fake.last(USER)
        update_id = chat.answer(wait=False)
        wait_until(lambda: update_id in fake._delivered, 30, "the bot to fetch the press")
        bot.kill()  # while that answer is being handled, or just after

        bot.start()
        shown = chat.type("/checkin")
        position, question_text = progress(shown)
        answers = stored_answers(engine)
        assert position == len(answers) + 1  # no gaps, no repeats
        assert current_question(engine) == next(
            q.id for q in CHECKIN.questions if q.text == question_text
        )
        if shown["text"] == in_flight["text"]:  # the press was lost with the process: again
            assert len(answers) == 5
        last = shown
        for _ in range(40):
            if "Your answers have been saved" in last["text"]:
                break
            last = chat.answer()
        assert "Your answers have been saved" in last["text"]
        assert bot.stop() == 0
    finally:
        if bot.alive():
            bot.kill()
    expected = dict(expected_value(CHECKIN, q, a) for q, a in chat.answered.items())
    assert stored_answers(engine) == expected
    with engine.connect() as connection:
        states = connection.scalars(select(models.SurveySession.state)).all()
    engine.dispose()
    assert states == ["completed"]
    assert all(COMMENT not in err for err in bot.stderr)  # a child's words never in the logs


# ------------------------------------------------------------------ duplicate delivery


class Recorder:
    """Drives a RunningBot and keeps every update id, to replay them later."""

    def __init__(self, bot: RunningBot) -> None:
        self.bot, self.fake = bot, bot.fake
        self.ids: list[int] = []

    async def type(self, words: str, user: int = USER) -> dict[str, Any]:
        update_id = self.fake.type_text(user, words)
        self.ids.append(update_id)
        await self.bot.wait(update_id)
        return self.fake.last(user)

    async def press(self, label: str, user: int = USER) -> dict[str, Any]:
        message = self.fake.last(user)
        self.ids.append(
            await self.bot.press_data(user, message, dict(self.fake.buttons(message))[label])
        )
        return self.fake.last(user)

    async def answer_all(self, comment: str, by_typing_every: int) -> None:
        """Answer until the thanks: some pressed, some typed, the comment typed."""
        for turn in range(60):
            message = self.fake.last(USER)
            if "Your answers have been saved" in message["text"]:
                return
            labels = [label for label, _ in self.fake.buttons(message)]
            if not labels or labels == ["Skip"]:
                await self.type(comment)
            elif turn % by_typing_every == 0:
                await self.type(re.sub(r"^[^\w']+\s*", "", pick(labels)))
            else:
                await self.press(pick(labels))
        raise AssertionError(f"the check-in did not finish: {self.fake.last(USER)['text']!r}")


def test_every_update_delivered_three_times_leaves_the_database_as_one_delivery(
    database: Database, fake: FakeTelegram
) -> None:
    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            chat = Recorder(bot)
            await chat.type("/start")
            await chat.press("A child or young person in care")
            await chat.press("16 or 17")
            await chat.press("Start a check-in")
            await chat.press("Yes, let's start")
            await chat.type("no thanks")
            await chat.type("back")
            await chat.answer_all("I get scared at home sometimes", by_typing_every=3)
            await chat.type("/checkin")  # the pulse, now the full check-in is done
            await chat.answer_all(COMMENT, by_typing_every=2)
            await chat.type("/settings")
            await chat.press("Every week")
            await chat.type("what about money for uni")  # outside a check-in
            assert len(chat.ids) > 35  # the pulse asks no consent again: consent once per group
            once = snapshot(database.engine)
            said = len(fake.bot_messages(USER))
            for _ in range(2):
                for update_id in chat.ids:
                    await bot.redeliver(update_id)
            assert snapshot(database.engine) == once
            # Only replies that change nothing are given again: the age question after
            # "who are you" and /settings. No question, thanks or safeguarding reply.
            again = {m["text"].split("\n")[0] for m in fake.bot_messages(USER)[said:]}
            assert again <= {load_texts().age_question, "Reminders: every week."}
            assert len(once["answers"]) > 20 and once["safeguarding_alerts"]

    asyncio.run(scenario())


# ------------------------------------------------------------------ database unavailable


def sorry(message: dict[str, Any]) -> bool:
    words = message["text"].lower()
    return "couldn't save that" in words and "try again in a minute" in words


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_database_cut_off_during_an_answer_says_sorry_keeps_nothing_then_recovers(
    database_url: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    direct = make_engine(database_url)
    target = make_url(database_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    database = open_database(make_settings(tmp_path / "data", proxied))
    terminate = {"armed": False}

    def kill_backend_mid_insert(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        """From a second connection, end this one's server process just as the answer goes in."""
        if not (
            terminate["armed"] and statement.lstrip().upper().startswith("INSERT INTO ANSWERS")
        ):
            return
        terminate["armed"] = False
        pid = cursor.connection.info.backend_pid
        with direct.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            wait_until(
                lambda: (
                    not admin.scalar(
                        text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                    )
                ),
                10,
                "the server process to end",
            )

    event.listen(database.engine, "before_cursor_execute", kill_backend_mid_insert)

    def nothing_half_written(answers: int, update_id: int) -> None:
        assert len(stored_answers(direct)) == answers
        with direct.connect() as connection:
            keys = connection.scalars(select(models.ProcessedUpdate.update_id)).all()
        assert str(update_id) not in keys

    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(USER)
            await bot.consent(USER)
            first = fake.last(USER)
            await bot.press(USER, pick([label for label, _ in fake.buttons(first)]))
            question = fake.last(USER)
            label = pick([label for label, _ in fake.buttons(question)])
            data = dict(fake.buttons(question))[label]

            terminate["armed"] = True  # 1. the connection dies mid-INSERT
            failed = await bot.press_data(USER, question, data)
            assert not terminate["armed"], "the answer's INSERT never ran"
            assert sorry(fake.last(USER)), fake.last(USER)["text"]
            nothing_half_written(1, failed)
            await bot.press_data(USER, question, data)  # the same answer, pressed again
            assert len(stored_answers(direct)) == 2
            assert progress(fake.last(USER))[0] == 3

            question = fake.last(USER)  # 2. the database is unreachable for a while
            data = dict(fake.buttons(question))[pick([t for t, _ in fake.buttons(question)])]
            proxy.cut()
            for _ in range(2):
                failed = await bot.press_data(USER, question, data)
                assert sorry(fake.last(USER)), fake.last(USER)["text"]
                nothing_half_written(2, failed)
            proxy.restore()
            await bot.press_data(USER, question, data)  # no restart: pre-ping reconnects
            assert len(stored_answers(direct)) == 3
            assert progress(fake.last(USER))[0] == 4

    try:
        asyncio.run(scenario())
    finally:
        database.close()
        proxy.close()
        direct.dispose()
