"""Journey: Samir, 19, a care leaver who reads Arabic, chooses Arabic with /language and
asks Heard about the help care leavers can get, outside a check-in and in the middle of
one. Every word of the offer's answers is Arabic: the entry's (localoffer/data/*.ar.yaml)
and the offer's own (localoffer/words.ar.yaml: "How to get it:", "I'm not sure...", the
topics), with no English label left. The real bot Application talks to a fake Telegram
server; the database is real, SQLite and PostgreSQL. The log of questions stays English.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fakes.telegram_api import FakeTelegram, heard_bot
from sqlalchemy import select

from analysis.safeguarding import please_read_reply
from bot.offer import load_offer_search
from bot.texts import load_texts
from heard.wiring import Database
from localoffer.catalogue import load_offer
from localoffer.words import load_offer_words
from storage import models
from storage.db import transaction
from surveys import languages
from surveys.messages import load_messages

SAMIR = 5571977
ARABIC = languages.native_name("ar")
WORDS = load_offer_words("ar")
ENGLISH = load_offer_words("en")
STAYING_PUT = load_offer().translations["ar"]["staying-put"].fields


def label(words: object, name: str) -> str:
    """A line's words before its first {placeholder}: "How to get it:"."""
    return str(words.texts[name]).split("{")[0].strip()  # type: ignore[attr-defined]


ENGLISH_LABELS = [
    label(ENGLISH, name)
    for name in ("how_to_get_it", "contact", "others", "ask_about_others", "not_sure")
] + ["You could look through", "You can always ask your PA", *ENGLISH.areas.values()]


def alerts(database: Database) -> list[tuple[str, str]]:
    with transaction(database.sessions) as session:
        rows = session.scalars(
            select(models.SafeguardingAlert).order_by(models.SafeguardingAlert.id)
        )
        return [(row.category, row.channel) for row in rows]


def no_english_labels(text: str) -> None:
    left = [words for words in ENGLISH_LABELS if words in text]
    assert not left, f"English left in an Arabic answer: {left}\n{text}"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def test_a_care_leaver_who_chose_arabic_gets_the_offer_wholly_in_arabic(
    database: Database, fake: FakeTelegram
) -> None:
    offer = load_offer_search()
    if offer is None:
        pytest.skip("the local offer search is not part of this build")
    texts = load_texts(language="ar")

    async def journey() -> None:
        async with heard_bot(database, fake, offer=offer) as bot:
            # 1. Samir says who they are, then chooses Arabic.
            await bot.chat(SAMIR, "/start")
            await bot.tap(SAMIR, "A care leaver")
            shown = await bot.type(SAMIR, "/language")
            assert shown is not None
            await bot.press_data(SAMIR, shown, dict(fake.buttons(shown))[ARABIC])

            # 2. A question typed in English words (Heard searches in English): the
            #    answer's words and its labels are Arabic.
            said = await bot.chat(SAMIR, "can i stay with my foster carers after 18?")
            answer = said[-1]["text"]
            assert answer.startswith(STAYING_PUT["title"])
            assert f"{label(WORDS, 'how_to_get_it')} {STAYING_PUT['how_to_get_it']}" in answer
            assert f"{label(WORDS, 'contact')} {STAYING_PUT['contact']}" in answer
            assert label(WORDS, "others") in answer
            assert label(WORDS, "ask_about_others") in answer
            no_english_labels(answer)

            # 3. Something the offer is not sure of: "not sure", the topics to look
            #    through and who to ask, all in Arabic.
            said = await bot.chat(SAMIR, "how do i get a pass for the festival")
            unsure = said[-1]["text"]
            assert unsure.startswith(WORDS.texts["not_sure"])
            assert label(WORDS, "look_through") in unsure
            assert any(name in unsure for name in WORDS.areas.values())
            assert label(WORDS, "ask_pa") in unsure
            no_english_labels(unsure)

            # 4. A check-in. At "Is that OK?", Samir asks the question again instead:
            #    the same Arabic answer, then back to the check-in, in Arabic.
            consent = (await bot.chat(SAMIR, "/checkin"))[-1]
            assert load_messages(language="ar").consent_question in consent["text"]
            said = await bot.chat(SAMIR, "can i stay with my foster carers after 18?")
            assert [message["text"] for message in said] == [
                answer,
                texts.back_to_checkin,
                consent["text"],
            ]

    asyncio.run(journey())
    with transaction(database.sessions) as session:
        asked = session.scalars(select(models.OfferQuery.text).order_by(models.OfferQuery.id))
        logged = list(asked)
    assert logged == [
        "can i stay with my foster carers after 18?",
        "how do i get a pass for the festival",
        "can i stay with my foster carers after 18?",
    ]


ASKED_IN_ARABIC = "هل يمكنني البقاء مع عائلتي الحاضنة بعد 18؟"


def test_a_care_leaver_types_the_question_in_arabic_and_gets_the_arabic_answer(
    database: Database, fake: FakeTelegram
) -> None:
    offer = load_offer_search()
    if offer is None:
        pytest.skip("the local offer search is not part of this build")
    searched = offer.ask(ASKED_IN_ARABIC)
    assert searched.confident and searched.answer_ids[0] == "staying-put"

    async def journey() -> None:
        async with heard_bot(database, fake, offer=offer) as bot:
            await bot.chat(SAMIR, "/start")
            await bot.tap(SAMIR, "A care leaver")
            shown = await bot.type(SAMIR, "/language")
            assert shown is not None
            await bot.press_data(SAMIR, shown, dict(fake.buttons(shown))[ARABIC])

            # Samir types the question in Arabic: the entry's Arabic answer at once, and,
            # as for any words in another language, a person will read them too.
            said = await bot.chat(SAMIR, ASKED_IN_ARABIC)
            answer = said[0]["text"]
            assert answer.startswith(STAYING_PUT["title"])
            assert f"{label(WORDS, 'how_to_get_it')} {STAYING_PUT['how_to_get_it']}" in answer
            assert please_read_reply("care_leaver", language="ar").split("\n")[0] in answer
            no_english_labels(answer)
            assert alerts(database) == [("please_read", "telegram")]

            # Words the offer cannot answer ("I want to die", in Levantine Arabic, which
            # the lexicon does not read): the note and the help alone, never "not sure".
            said = await bot.chat(SAMIR, "بدي موت")
            note = please_read_reply("care_leaver", language="ar")
            assert said[0]["text"].startswith(note.split("\n")[0])
            assert WORDS.texts["not_sure"] not in said[0]["text"]

    asyncio.run(journey())
