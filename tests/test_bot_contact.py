"""After help in Telegram: "Would you like someone from the council to get in touch?"

Whenever the bot shows help because an alert was raised (typed words in a check-in or
outside one, a caption, an answer the survey marks as a safety signal), the next message
asks, with two buttons signed for that person and that alert. "Yes, please" records the
wish and this chat, sealed on the alert, so the safeguarding lead can message them here;
"No, thank you" records that too. A forged button, someone else's alert, a second press
or a redelivered update records nothing wrong. The real bot Application talks to the fake
Telegram server; the database is real, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.telegram_api import FakeTelegram, RunningBot, heard_bot
from sqlalchemy import select

from analysis.safeguarding import contact_wording
from bot import callbacks as cb
from bot.callbacks import ButtonSigner
from bot.texts import load_texts
from heard.wiring import Database
from storage import models
from storage.alerts import raise_alert
from storage.db import transaction
from storage.sealing import ContactDetails
from surveys.contact import ContactDesk

TEEN, CARER, OTHER = 5581401, 5581402, 5581403
PSEUDONYM_KEY = b"bot-test-pseudonym-key-0123456789"  # heard_bot's
SECRET_KEY = b"bot-test-secret-key-0123456789"
DISCLOSURE = "my foster dad hits me and i dont want to go home"
WORDING = contact_wording("child_in_care")
ASK, YES, NO = WORDING.ask, WORDING.yes, WORDING.no
TEXTS = load_texts()


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def texts_of(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("text", "") for m in messages]


def labels(fake: FakeTelegram, message: dict[str, Any]) -> list[str]:
    return [label for label, _ in fake.buttons(message)]


def the_alerts(database: Database) -> list[models.SafeguardingAlert]:
    with transaction(database.sessions) as session:
        rows = list(
            session.scalars(select(models.SafeguardingAlert).order_by(models.SafeguardingAlert.id))
        )
        session.expunge_all()
    return rows


def opened(database: Database, alert: models.SafeguardingAlert) -> ContactDetails | None:
    return ContactDesk(database.sessions, PSEUDONYM_KEY).view(alert).details


def contact_question(fake: FakeTelegram, chat: int) -> dict[str, Any]:
    """The latest "would you like someone to get in touch?" in this chat, as it is now."""
    return [m for m in fake.bot_messages(chat) if m.get("text", "").startswith(ASK)][-1]


async def to_first_question(bot: RunningBot, user: int) -> dict[str, Any]:
    await bot.join(user)
    return await bot.consent(user)


def test_a_teenager_types_a_disclosure_mid_checkin_and_says_yes_please(
    database: Database, fake: FakeTelegram
) -> None:
    async def journey() -> list[str]:
        async with heard_bot(database, fake) as bot:
            first = await to_first_question(bot, TEEN)
            assert "How happy are you with where you live" in first["text"]

            said = await bot.chat(TEEN, DISCLOSURE)
            # 1. the help, on its own; 2. the question, with its two buttons; 3. carry on?
            assert len(said) == 3, texts_of(said)
            help_, asked, carry_on = said
            assert help_["text"].startswith("Thank you for telling Heard.")
            assert "999" in help_["text"] and "Childline" in help_["text"]
            assert not fake.buttons(help_)
            assert asked["text"] == ASK
            assert labels(fake, asked) == [YES, NO]
            assert carry_on["text"] == "Would you like to carry on with the questions?"
            assert labels(fake, carry_on) == ["Carry on", "Stop for now"]
            [alert] = the_alerts(database)
            assert alert.contact_answered_at is None  # nothing until they choose

            thanks = await bot.tap(TEEN, YES, message=asked)
            assert texts_of(thanks) == [
                "Thank you. We have told the person at the council whose job is keeping "
                "children and young people safe, and they will message you here as soon as "
                "they can."
            ]
            edited = contact_question(fake, TEEN)
            assert edited["text"] == f"{ASK}\n\n✔ {YES}"  # as every answered button reads
            assert not fake.buttons(edited)
            [alert] = the_alerts(database)
            assert alert.contact_wanted is True
            assert str(TEEN) not in (alert.contact_sealed or "")  # sealed, not in the open
            assert opened(database, alert) == ContactDetails(telegram_chat=TEEN)

            # The check-in carries on from the "carry on?" it was waiting on.
            again = await bot.tap(TEEN, "Carry on", message=carry_on)
            assert "How happy are you with where you live" in again[-1]["text"]
            assert labels(fake, again[-1])  # its answer buttons
            return texts_of(fake.bot_messages(TEEN))

    chat = asyncio.run(journey())
    assert chat.count(f"{ASK}\n\n✔ {YES}") == 1
    assert len(the_alerts(database)) == 1


def test_no_to_feeling_safe_asks_too_and_no_thank_you_is_recorded(
    database: Database, fake: FakeTelegram
) -> None:
    async def journey() -> None:
        async with heard_bot(database, fake) as bot:
            shown = await to_first_question(bot, TEEN)
            for _ in range(5):
                if "Do you feel safe where you live?" in shown["text"]:
                    break
                shown = await bot.press(TEEN, lambda label: label.endswith("Happy"))
            assert "Do you feel safe where you live?" in shown["text"]
            said = await bot.tap(TEEN, lambda label: label.endswith("No"))
            help_, asked, next_question = said
            assert help_["text"].startswith("Thank you for telling Heard.")
            assert asked["text"] == ASK and labels(fake, asked) == [YES, NO]
            assert next_question["text"].startswith("Question 3 of")  # the answer counted
            declined = await bot.tap(TEEN, NO, message=asked)
            assert texts_of(declined) == [
                "That's OK. If you change your mind, you can tell your social worker any time."
            ]
            assert contact_question(fake, TEEN)["text"] == f"{ASK}\n\n✔ {NO}"
            [alert] = the_alerts(database)
            assert (alert.category, alert.contact_wanted, alert.contact_sealed) == (
                "unsafe_home",
                False,
                None,
            )
            assert alert.contact_answered_at is not None

    asyncio.run(journey())


def test_outside_a_checkin_and_in_a_caption_the_question_follows_the_help(
    database: Database, fake: FakeTelegram
) -> None:
    async def journey() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(CARER, who="A foster carer", age=None)
            await bot.press(CARER, "Not now")
            said = await bot.chat(CARER, "the boy in my care came back from contact with bruises")
            help_, asked = said
            assert "NSPCC" in help_["text"] and "Childline" not in help_["text"]
            assert asked["text"] == ASK and labels(fake, asked) == [YES, NO]
            thanks = await bot.tap(CARER, YES, message=asked)
            carer = contact_wording("carer")
            assert texts_of(thanks) == [carer.thanks_chat]

            said = await bot.send(
                TEEN, "photo", caption="this is what he did to my arm. he hits me"
            )
            help_, asked = said
            assert help_["text"].startswith("I can't see pictures")  # the caption was read
            assert "Thank you for telling Heard." in help_["text"]
            assert asked["text"] == ASK
            await bot.tap(TEEN, NO, message=asked)

    asyncio.run(journey())
    carer_alert, teen_alert = the_alerts(database)
    assert carer_alert.cohort == "carer" and carer_alert.contact_wanted is True
    assert opened(database, carer_alert) == ContactDetails(telegram_chat=CARER)
    assert teen_alert.contact_wanted is False


def test_forged_foreign_second_and_redelivered_presses_record_nothing_wrong(
    database: Database, fake: FakeTelegram
) -> None:
    signer = ButtonSigner(SECRET_KEY)

    async def journey() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.join(TEEN)
            await bot.press(TEEN, "Not now")
            help_, asked = await bot.chat(TEEN, DISCLOSURE)
            [alert] = the_alerts(database)
            yes_data = dict(fake.buttons(asked))[YES]

            # Forged: the right shape, a made-up signature. Pressed by someone else: the
            # signature is for TEEN, so it is foreign to OTHER.
            forged = yes_data.rsplit("|", 1)[0] + "|AAAAAAAAAA"
            await bot.press_data(TEEN, asked, forged)
            await bot.press_data(OTHER, asked, yes_data)
            # Well signed for OTHER, but the alert is TEEN's: OTHER cannot answer for it.
            theirs = signer.encode(OTHER, cb.CONTACT, alert.id, "y")
            await bot.press_data(OTHER, asked, theirs)
            # Well signed, but nonsense, and an alert that does not exist.
            await bot.press_data(TEEN, asked, signer.encode(TEEN, cb.CONTACT, alert.id, "x"))
            await bot.press_data(TEEN, asked, signer.encode(TEEN, cb.CONTACT, 99999, "y"))
            assert the_alerts(database)[0].contact_answered_at is None
            assert contact_question(fake, TEEN)["text"] == ASK  # still asking
            refusals = [c.params.get("text") for c in fake.sent("answerCallbackQuery")]
            assert refusals[-5:] == [TEXTS.forged_button] * 5
            assert fake.bot_messages(OTHER) == []

            # The real press, then Telegram redelivers it: one thanks, one record.
            pressed = await bot.press_data(TEEN, asked, yes_data)
            answered_at = the_alerts(database)[0].contact_answered_at
            assert answered_at is not None
            await bot.redeliver(pressed)
            # A second press (a double tap before the buttons went): the first answer stands.
            await bot.press_data(TEEN, asked, dict(fake.buttons(asked))[NO])
            refusals = [c.params.get("text") for c in fake.sent("answerCallbackQuery")]
            assert refusals[-1] == TEXTS.contact_answered_before
            after = texts_of(fake.bot_messages(TEEN))
            assert after.count(WORDING.thanks_chat) == 1
            assert WORDING.declined not in after
            [final] = the_alerts(database)
            assert final.contact_wanted is True and final.contact_answered_at == answered_at
            assert opened(database, final) == ContactDetails(telegram_chat=TEEN)

    asyncio.run(journey())


def test_someone_elses_alert_is_refused_even_with_a_good_signature(
    database: Database, fake: FakeTelegram
) -> None:
    """An alert raised on the web for another person: a press signed for TEEN that names
    it (as if the secret key had leaked) still cannot answer for them."""
    with transaction(database.sessions) as session:
        web = raise_alert(
            session,
            pseudonym="w" * 64,
            text="something said on the web",
            category="unsafe_home",
            level="concern",
            channel="web",
            cohort="child_in_care",
            age_band="11-17",
        ).id
    data = ButtonSigner(SECRET_KEY).encode(TEEN, cb.CONTACT, web, "y")

    async def journey() -> None:
        async with heard_bot(database, fake) as bot:
            shown = await bot.type(TEEN, "/start")
            assert shown is not None
            await bot.press_data(TEEN, shown, data)

    asyncio.run(journey())
    [alert] = the_alerts(database)
    assert alert.contact_answered_at is None and alert.contact_sealed is None
    assert fake.sent("answerCallbackQuery")[-1].params.get("text") == TEXTS.forged_button
