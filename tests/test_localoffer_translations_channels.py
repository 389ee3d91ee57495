"""The local offer in Arabic where a person reads it: the web pages (right to left, a
field still in English marked lang="en"), the web chat and the bot's /offer answer."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
from browser_support import make_app
from fakes.telegram_api import FakeTelegram, heard_bot
from flask import Flask
from markupsafe import escape

from bot.offer import load_offer_search
from heard.wiring import Database
from localoffer.catalogue import load_offer
from localoffer.words import load_offer_words
from surveys import languages

OFFER = load_offer()
STAYING_PUT = OFFER.get("staying-put")
assert STAYING_PUT is not None
AR_WORDS = OFFER.translations["ar"]["staying-put"].fields
PS_WORDS = OFFER.translations["ps"]["staying-put"].fields
ARABIC = languages.native_name("ar")
USER = 5566101


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def page(app: Flask, language: str, url: str) -> str:
    client = app.test_client()
    chosen = client.get(f"/language/{language}?next=/")
    assert chosen.status_code == 303
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def marked(app: Flask, text: str) -> str:
    """Translated words as an Arabic page shows them: names kept in English marked so."""
    from webforms.public.language import names_marked

    with app.test_request_context("/", headers={"Cookie": "heard_lang=ar"}):
        return str(names_marked(text))


def test_an_entry_in_arabic_reads_right_to_left_with_english_marked(app: Flask) -> None:
    html = page(app, "ar", "/offer/entry/staying-put")
    assert re.search(r'<html[^>]* lang="ar"[^>]* dir="rtl"', html) or re.search(
        r'<html[^>]* dir="rtl"[^>]* lang="ar"', html
    )
    # translated: in the page's language, so no lang="en" on it
    assert f"<h1>{marked(app, AR_WORDS['title'])}</h1>" in html
    assert f'<p class="lead">{marked(app, AR_WORDS["summary"])}</p>' in html
    # details: in Arabic once translated; until then English, and marked so
    if "details" in AR_WORDS:
        assert f"<p>{marked(app, AR_WORDS['details'])}</p>" in html
        assert '<span lang="en" dir="ltr">Staying Put</span>' in html
    else:
        assert f'<p lang="en" dir="ltr">{escape(STAYING_PUT.details)}</p>' in html
    assert str(escape(STAYING_PUT.title)) not in html.split("<main", 1)[-1]


def test_an_entry_in_pashto_and_in_english(app: Flask) -> None:
    assert f"<h1>{PS_WORDS['title']}</h1>" in page(app, "ps", "/offer/entry/staying-put")
    english = page(app, "en", "/offer/entry/staying-put")
    assert f"<h1>{escape(STAYING_PUT.title)}</h1>" in english and AR_WORDS["title"] not in english


def test_a_topic_page_in_arabic_shows_translated_cards_and_marks_english_ones(
    app: Flask,
) -> None:
    html = page(app, "ar", "/offer/accommodation")
    assert f"<p>{AR_WORDS['summary']}</p>" in html
    assert ">" + AR_WORDS["title"] + "</a></h2>" in html
    # an entry with no Arabic summary yet (if any is left) stays English, marked lang="en"
    english = [
        entry
        for entry in OFFER.by_area("accommodation")
        if "summary" in OFFER.in_english("ar").get(entry.id, ())
    ]
    for entry in english:
        assert f'<p lang="en" dir="ltr">{escape(entry.summary)}</p>' in html
    # the topic's own name is Arabic (localoffer/words.ar.yaml)
    assert f"<h1>{load_offer_words('ar').areas['accommodation']}</h1>" in html


def test_the_search_page_in_arabic_shows_the_arabic_title(app: Flask) -> None:
    client = app.test_client()
    client.get("/language/ar?next=/")
    html = client.get("/offer/search?q=stay+with+my+foster+carers+after+18").get_data(as_text=True)
    assert AR_WORDS["title"] in html and AR_WORDS["summary"] in html


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def test_the_bots_offer_answer_is_in_the_language_they_chose(
    database: Database, fake: FakeTelegram
) -> None:
    search = load_offer_search()
    assert search is not None

    async def scenario() -> None:
        async with heard_bot(database, fake, offer=search) as bot:
            await bot.join(USER, who="A care leaver", age=None)
            await bot.press(USER, "Not now")
            english = await bot.type(USER, "/offer staying put")
            assert STAYING_PUT.title in english["text"]
            shown = await bot.type(USER, "/language")
            assert shown is not None
            await bot.press_data(USER, shown, dict(fake.buttons(shown))[ARABIC])
            arabic = await bot.type(USER, "/offer staying put")
            assert AR_WORDS["title"] in arabic["text"]
            assert STAYING_PUT.title not in arabic["text"]

    asyncio.run(scenario())


def test_the_web_chat_answers_in_arabic_with_no_english_left_unmarked(app: Flask) -> None:
    from browser_support import csrf_token, hidden_fields
    from test_web_language import english_left

    client = app.test_client()
    client.get("/language/ar?next=/")
    start = client.get("/chat/start").get_data(as_text=True)
    client.post("/chat/start", data={"csrf_token": csrf_token(start), "cohort": "care_leaver"})
    chat = client.get("/chat").get_data(as_text=True)
    html = client.post(
        "/chat",
        data={**hidden_fields(chat), "text": "can i stay with my foster carers after 18"},
        follow_redirects=True,
    ).get_data(as_text=True)
    reply = re.search(r'<li class="from-heard offer-reply">(.*?)</li>', html, re.S)
    assert reply, html
    assert AR_WORDS["title"] in reply.group(1) and AR_WORDS["how_to_get_it"] in reply.group(1)
    assert "How to get it" not in reply.group(1) and "كيف تحصل عليه" in reply.group(1)
    assert english_left(reply.group(1)) == []
    # "PA", kept in English inside the Arabic contact line, is marked as English
    assert '<span lang="en" dir="ltr">PA</span>' in reply.group(1)


def test_the_offers_own_words_on_the_web_pages_are_arabic(app: Flask) -> None:
    """Topics, ages, "not sure" and what has ended: localoffer/words.ar.yaml."""
    words = load_offer_words("ar")
    topics = page(app, "ar", "/offer")
    for area in OFFER.areas():
        assert f">{words.areas[area]}</a>" in topics
    entry = page(app, "ar", "/offer/entry/staying-put")
    assert f">{words.areas['accommodation']}</a>" in entry
    assert words.text("ages_from_to", min_age="18", max_age="21") in entry
    client = app.test_client()
    client.get("/language/ar?next=/")
    ended = client.get("/offer/search?q=staying+put+im+23").get_data(as_text=True)
    note = re.search(r'<p class="status-note">(.*?)</p>', ended, re.S)
    assert note and "23" in note.group(1)
    assert "has ended for you" not in note.group(1) and "might help instead" not in note.group(1)
    unsure = client.get("/offer/search?q=whats+the+weather+like").get_data(as_text=True)
    results = unsure.split('id="results-title"', 1)[1]
    assert words.texts["not_sure"] in results and "not sure" not in results
    english = load_offer_words("en")
    shown = results.split("</section>")[0]
    assert "look through these parts" not in shown and "ask your PA" not in shown
    assert not [name for name in english.areas.values() if f">{name}<" in shown]


ASKED_IN_ARABIC = "هل يمكنني البقاء مع عائلتي الحاضنة بعد 18؟"


def test_a_question_typed_in_arabic_is_answered_and_a_person_still_reads_it(
    app: Flask, database: Database
) -> None:
    """The web chat and the search page: the Arabic answer under the "please read" note
    (an alert for a person, as any words in another language raise); words in another
    language that the offer cannot answer get the note alone."""
    from browser_support import csrf_token, hidden_fields
    from sqlalchemy import select

    from analysis.safeguarding import please_read_reply
    from storage import models
    from storage.db import transaction

    note = please_read_reply("care_leaver", language="ar").split("\n")[0]
    client = app.test_client()
    client.get("/language/ar?next=/")
    start = client.get("/chat/start").get_data(as_text=True)
    client.post("/chat/start", data={"csrf_token": csrf_token(start), "cohort": "care_leaver"})
    chat = client.get("/chat").get_data(as_text=True)
    html = client.post(
        "/chat", data={**hidden_fields(chat), "text": ASKED_IN_ARABIC}, follow_redirects=True
    ).get_data(as_text=True)
    help_now = re.search(r'id="help-now"(.*?)</li>', html, re.S)
    reply = re.search(r'<li class="from-heard offer-reply">(.*?)</li>', html, re.S)
    assert help_now and note in help_now.group(1)
    assert reply and AR_WORDS["title"] in reply.group(1)
    # the answer they asked for first, the note under it (and it does not take the focus)
    assert html.index('class="from-heard offer-reply"') < html.index('id="help-now"')
    assert 'class="safeguarding please-read"' in html

    chat = client.get("/chat").get_data(as_text=True)
    html = client.post(
        "/chat", data={**hidden_fields(chat), "text": "كيف أفوز في فيفا"}, follow_redirects=True
    ).get_data(as_text=True)
    assert note in html and 'class="from-heard offer-reply"' not in html

    search = client.get("/offer/search").get_data(as_text=True)
    found = client.post(
        "/offer/search", data={**hidden_fields(search), "q": ASKED_IN_ARABIC}
    ).get_data(as_text=True)
    assert note in found and AR_WORDS["title"] in found
    with transaction(database.sessions) as session:
        rows = session.scalars(select(models.SafeguardingAlert)).all()
        assert sorted(row.category for row in rows) == ["please_read"] * 3
