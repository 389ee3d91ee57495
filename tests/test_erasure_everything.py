"""Erasure leaves nothing of the person in any table, whichever way they ask for it.

People answer over Telegram, by an invite link and in the web chat (answers, comments,
local-offer questions, reminders, a sealed chat address, processed updates, an invite,
a disclosure, a sealed mobile number for texts through GOV.UK Notify and the text sent
to it with its fresh link), then are erased by /forgetme, the "delete my answers" pages and
`heard erase`. Every table is then reflected from the database, so a table added later
is searched too, and every column of every row is searched for anything of theirs.
Only the tables in ALLOWED_SURVIVORS may still hold them; someone else is untouched.
(Processed updates stay: they hold Telegram's update numbers and random form nonces,
which say nothing about anyone, and the scan checks that too.)
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from browser_support import issue_link, shared_offer_search
from fakes.notify_api import FakeNotify
from fakes.telegram_api import FakeTelegram, RunningBot, heard_bot
from notify_support import MOBILE, NOON, a_scheduler, ask_for_texts, desk_for, with_notify
from privacy_support import (
    finish_telegram_checkin,
    telegram_checkin,
    telegram_offer_question,
    text_of,
    web_app,
    web_chat,
    web_checkin,
    web_delete_my_data,
)
from sqlalchemy import Engine, MetaData, select, text, update

from bot.reminders import send_due_reminders
from heard.settings import Settings
from heard.wiring import Database
from storage import models
from storage.db import transaction
from storage.invites import hash_token
from storage.models import utcnow
from surveys.people import People

# Where something of an erased person may legally stay, and why. Keep this tiny: any
# other table that still holds them fails the test.
ALLOWED_SURVIVORS = {
    "safeguarding_alerts": "kept for their retention time by child-protection law, by "
    "pseudonym; the person is told so before and after erasing",
    "reports": "aggregated reports already published are not rewritten",
}
T = TypeVar("T")
TELEGRAM_CHILD, TELEGRAM_LEAVER, TELEGRAM_OTHER = 6_401_223_871, 6_401_223_872, 6_401_223_873


@dataclass
class Person:
    """Everything that would identify one respondent, gathered while they still exist."""

    name: str
    channel_ref: str  # how People hashes them, e.g. "telegram:123"
    words: dict[str, str]  # their own words, each with a word found nowhere else
    needles: dict[str, str] = field(default_factory=dict)
    respondent_id: int | None = None


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    what: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column} holds {self.what}"


def gather(database: Database, people: People, person: Person, **extra: str) -> None:
    """Their pseudonym (and the prefix staff see), row id, sealed address, device hash,
    and every word they wrote, read from the database before they are erased."""
    channel, _, external = person.channel_ref.partition(":")
    pseudonym = people.pseudonym(channel, external)
    person.needles |= {"pseudonym": pseudonym, "pseudonym prefix": pseudonym[:12], **extra}
    person.needles |= {f"words ({what})": words for what, words in person.words.items()}
    with transaction(database.sessions) as session:
        respondent = session.scalar(
            select(models.Respondent).where(models.Respondent.pseudonym == pseudonym)
        )
        assert respondent is not None, person.name
        person.respondent_id = respondent.id
        address = session.get(models.ChatAddress, respondent.id)
        if address is not None:
            person.needles["sealed chat address"] = address.address
        for device_hash in session.scalars(
            select(models.Invite.device_hash).where(models.Invite.respondent_id == respondent.id)
        ):
            if device_hash:
                person.needles["invite device hash"] = device_hash
        comments = session.scalars(
            select(models.Comment.text).where(models.Comment.respondent_id == respondent.id)
        ).all()
    assert comments, f"{person.name} wrote no comment"


def _as_text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def scan(engine: Engine, person: Person) -> list[Hit]:
    """Every place in every table (reflected, so none is missed) that holds the person."""
    metadata = MetaData()
    metadata.reflect(engine)
    hits: list[Hit] = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            to_respondent = {
                fk.parent.name
                for fk in table.foreign_keys
                if fk.column.table.name == "respondents" and fk.column.name == "id"
            }
            if table.name == "respondents":
                to_respondent.add("id")
            for row in connection.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    if column in to_respondent and value == person.respondent_id:
                        hits.append(Hit(table.name, column, "their respondent id"))
                    shown = _as_text(value)
                    hits += [
                        Hit(table.name, column, what)
                        for what, needle in person.needles.items()
                        if needle in shown
                    ]
    return hits


def strays(hits: list[Hit]) -> list[Hit]:
    return [hit for hit in hits if hit.table not in ALLOWED_SURVIVORS]


# ------------------------------------------------------------------ the journeys


async def _telegram(
    bot: RunningBot, database: Database, child: Person, leaver: Person, other: Person
) -> None:
    """A check-in with a disclosure and /settings; a care leaver's offer question and
    check-in; someone else's check-in; then a reminder to each of them."""
    await telegram_checkin(
        bot, TELEGRAM_CHILD, comment=child.words["comment"], disclosure=child.words["disclosure"]
    )
    await bot.type(TELEGRAM_CHILD, "/settings")
    await bot.press(TELEGRAM_CHILD, "Every 2 weeks")
    assert await telegram_offer_question(bot, TELEGRAM_LEAVER, leaver.words["offer"])
    await bot.type(TELEGRAM_LEAVER, "/checkin")
    await finish_telegram_checkin(bot, TELEGRAM_LEAVER, leaver.words["comment"])
    await bot.press(TELEGRAM_LEAVER, "Every month")  # reminders are off until chosen
    await telegram_checkin(
        bot, TELEGRAM_OTHER, comment=other.words["comment"], disclosure=other.words["disclosure"]
    )
    await bot.press(TELEGRAM_OTHER, "Every month")
    config = bot.app.bot_data["config"]
    noon = utcnow().replace(hour=12, minute=0) + timedelta(days=60)
    sweep = await send_due_reminders(bot.app.bot, database.sessions, config, now=noon)
    assert sweep.sent == 3


async def _forget_me(bot: RunningBot, user: int) -> str:
    confirm = await bot.type(user, "/forgetme")
    assert confirm is not None
    await bot.press(user, "Yes, delete it all", message=confirm)
    return str(bot.fake.bot_messages(user)[-1]["text"])


def cast() -> tuple[Person, Person, Person, Person, Person]:
    """Fresh people for each run: the erased four, then someone who must be untouched."""
    child = Person(
        "a child on Telegram, erased by /forgetme",
        f"telegram:{TELEGRAM_CHILD}",
        {
            "comment": "our cat pumpernickle sleeps on my bed",
            "disclosure": "i want to die wexlorth",
        },
    )
    leaver = Person(
        "a care leaver on Telegram, erased by `heard erase`",
        f"telegram:{TELEGRAM_LEAVER}",
        {
            "offer": "can i get help with driving lessons quorbile",
            "comment": "my flat is damp yarnstoke",
        },
    )
    web = Person(
        "a child by invite link, erased by 'delete my answers'",
        "web:",
        {"comment": "my new school is flumberton", "disclosure": "i want to kill myself pellucine"},
    )
    chat = Person(
        "a care leaver in the web chat, erased by 'delete my answers'",
        "webchat:",
        {
            "offer": "where can i live when im 18 marrowvane",
            "comment": "my PA is called zibbertoss",
            "disclosure": "i want to die tonight cravensock",
        },
    )
    other = Person(
        "someone else, never erased",
        f"telegram:{TELEGRAM_OTHER}",
        {"comment": "football on saturdays grimbleshanks", "disclosure": "he hits me tovarine"},
    )
    return child, leaver, web, chat, other


def _heard(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    environment |= {
        "HEARD_DATA_DIR": str(settings.data_dir),
        "HEARD_DATABASE_URL": settings.database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "heard.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def on_telegram(
    database: Database,
    settings: Settings,
    fake: FakeTelegram,
    work: Callable[[RunningBot], Awaitable[T]],
) -> T:
    """Run `work` on Heard's real bot (the deployment's keys) against the fake Bot API."""

    async def run() -> T:
        async with heard_bot(
            database,
            fake,
            pseudonym_key=settings.pseudonym_key,
            secret_key=settings.secret_key.encode(),
            offer=shared_offer_search(),
        ) as bot:
            return await work(bot)

    return asyncio.run(run())


def test_erasure_by_every_route_leaves_nothing_of_the_person(
    database: Database, settings: Settings
) -> None:
    people = People(database.sessions, settings.pseudonym_key)
    child, leaver, web_person, chat_person, other = cast()
    fake = FakeTelegram().start()
    notify = FakeNotify().start()
    try:
        on_telegram(
            database, settings, fake, lambda bot: _telegram(bot, database, child, leaver, other)
        )
        gather(database, people, child, raw_id=str(TELEGRAM_CHILD))
        gather(database, people, leaver, raw_id=str(TELEGRAM_LEAVER))
        gather(database, people, other, raw_id=str(TELEGRAM_OTHER))

        app = web_app(database, settings)
        notify_settings = with_notify(settings, database, notify)
        app.extensions["heard.services"]["web_contacts"] = desk_for(notify_settings, database)
        token, other_token = issue_link(database, "checkin-11-17"), issue_link(database, "pulse")
        web, chat, other_web = app.test_client(), app.test_client(), app.test_client()
        thanks = web_checkin(
            web,
            token,
            comment=web_person.words["comment"],
            disclosure=web_person.words["disclosure"],
        )
        # They ask for a text when their next check-in is ready; a month on, one is sent.
        assert "We'll let you know" in text_of(ask_for_texts(web, token, thanks, MOBILE, True))
        web_chat(
            chat,
            offer_question=chat_person.words["offer"],
            comment=chat_person.words["comment"],
            disclosure=chat_person.words["disclosure"],
        )
        other_words = "the youth club is great snorkelbine"
        web_checkin(other_web, other_token, comment=other_words, disclosure="he hits me plimsoll")
        web_device = web.get_cookie("heard_device", path="/s/")
        chat_device = chat.get_cookie("heard_chat", path="/chat")
        assert web_device is not None and chat_device is not None
        with transaction(database.sessions) as session:
            invite_id = session.scalar(
                select(models.Invite.id).where(models.Invite.token_hash == hash_token(token))
            )
        web_person.channel_ref = f"web:{invite_id}"
        chat_person.channel_ref = f"webchat:{chat_device.value}"
        with transaction(database.sessions) as session:
            session.execute(
                update(models.Respondent)
                .where(models.Respondent.pseudonym == people.pseudonym("web", str(invite_id)))
                .values(last_active_at=NOON - timedelta(days=40))
            )
        assert a_scheduler(notify_settings, database).run(NOON).sent == 1
        [text_message] = notify.to(MOBILE)
        with transaction(database.sessions) as session:
            sealed = session.scalars(select(models.WebContact.contact_sealed)).one()
        texted = next(w for w in text_message.body.split() if "/s/" in w and "stop" not in w)
        gather(
            database,
            people,
            web_person,
            invite_token=token,
            device=web_device.value,
            mobile=MOBILE.removeprefix("+44"),
            sealed_mobile=sealed,
            notify_id=text_message.id,
            texted_link_hash=hash_token(texted.rsplit("/", 1)[1]),
        )
        gather(database, people, chat_person, device=chat_device.value)
        other.needles["their web words"] = other_words

        erased = (child, leaver, web_person, chat_person)
        before = {
            person.name: {h.table for h in scan(database.engine, person)} for person in erased
        }
        for tables in before.values():  # they really are in every table that can hold them
            assert {"respondents", "answers", "comments", "survey_sessions"} <= tables
        assert "chat_addresses" in before[child.name]
        assert (
            "offer_queries" in before[leaver.name] and "offer_queries" in before[chat_person.name]
        )
        assert "invites" in before[web_person.name]
        assert {"web_contacts", "web_contact_deliveries"} <= before[web_person.name]
        other_before = Counter(scan(database.engine, other))

        # ---------------------------------------------------------- erase, by every route
        told_by_bot = on_telegram(
            database, settings, fake, lambda bot: _forget_me(bot, TELEGRAM_CHILD)
        )
    finally:
        fake.stop()
        notify.stop()
    assert "keeps a record" in told_by_bot  # told that safeguarding records stay
    assert "keeps that record" in text_of(web.get(f"/s/{token}/my-data/delete"))
    for client, base in ((web, f"/s/{token}"), (chat, "/chat")):
        done_page = " ".join(web_delete_my_data(client, base).split())
        assert "have been deleted" in done_page and "keeps that record" in done_page
    exported = _heard(settings, "export", "--respondent", leaver.channel_ref)
    assert exported.returncode == 0, exported.stderr
    assert leaver.words["comment"] in exported.stdout
    assert leaver.words["offer"] in exported.stdout  # their offer questions are theirs too
    done = _heard(settings, "erase", "--respondent", leaver.channel_ref, "--yes")
    assert done.returncode == 0, done.stderr
    assert "Safeguarding records about this person are kept" in done.stdout

    # ---------------------------------------------------------- nothing of them is left
    for person in erased:
        hits = scan(database.engine, person)
        assert not strays(hits), f"{person.name}:\n" + "\n".join(map(str, strays(hits)))
        kept = {(hit.table, hit.column) for hit in hits}
        assert kept <= {("safeguarding_alerts", "pseudonym"), ("safeguarding_alerts", "text")}
        if "disclosure" in person.words:
            assert ("safeguarding_alerts", "text") in kept, f"{person.name}: the alert was lost"
    assert Counter(scan(database.engine, other)) == other_before, "someone else was touched"
    assert "already been used" in text_of(app.test_client().get(f"/s/{token}"))

    # ---------------------------------------------------------- a table added later is searched
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE future_things (id INTEGER PRIMARY KEY, note TEXT)"))
        connection.execute(
            text("INSERT INTO future_things (id, note) VALUES (1, :note)"),
            {"note": f"remember {child.needles['pseudonym']}"},
        )
    assert [str(hit) for hit in strays(scan(database.engine, child))] == [
        "future_things.note holds pseudonym",
        "future_things.note holds pseudonym prefix",
    ]
