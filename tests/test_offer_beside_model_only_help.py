"""A care leaver's offer question that only the safeguarding model flags still gets its answer.

A statistical second opinion once read "how do i get on the pill" as self-harm (no
lexicon rule matches it); here a small real model file that does so stands in for the
shipped one, which no longer does. The help and the alert stand, as for any flag; the
answer the offer is sure of goes under the help, not logged (those words belong only in
the alerts queue). A lexicon match keeps the help alone: "my carer hits me" must never
be answered with "keeping in touch with your carers". Walked on the search page, in the
web chat and through the real PTB bot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from browser_support import csrf_token, make_app
from fakes.telegram_api import FakeTelegram, heard_bot
from flask import Flask
from sqlalchemy import func, select
from test_web_public_chat import join_chat, say

from analysis.safeguarding import detect
from analysis.safeguarding import detector as detector_module
from analysis.safeguarding.model import FORMAT, LinearModel, bucket
from bot.offer import load_offer_search
from heard.wiring import Database
from storage import models
from storage.db import transaction

MODEL_ONLY = "how do i get on the pill"
LEXICON = "my carer hits me when he is drunk"
LEAVER = 5557001


BUCKETS = 4096


def pill_reader() -> LinearModel:
    """A real model file's content that reads "pill" as self-harm and nothing else."""
    joint = [[0] * BUCKETS for _ in range(2)]
    joint[1][bucket("w pill", BUCKETS)] = 4000  # hundredths: 40.0 towards self-harm
    return LinearModel.from_dict(
        {
            "format": FORMAT,
            "version": "pill-1",
            "buckets": BUCKETS,
            "scale": 100,
            "min_words": 5,
            "threshold": 0.5,
            "urgent_from": 1.01,
            "raise_from": 1.01,
            "classes": ["none", "self_harm_suicide"],
            "joint": {"bias": [1.0, 0.0], "weights": joint},
            "level": {"bias": 0.0, "weights": [0] * BUCKETS},
        }
    )


@pytest.fixture(autouse=True)
def model_that_misreads_the_pill(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detector_module, "_model_or_none", pill_reader)


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def test_the_questions_are_flagged_as_this_file_assumes() -> None:
    model_only, lexicon = detect(MODEL_ONLY), detect(LEXICON)
    assert model_only is not None and model_only.flag and model_only.source == "model", (
        "the lexicon now matches the question: pick another that only a model would flag"
    )
    assert lexicon is not None and lexicon.flag and "lexicon" in lexicon.source


def counts(database: Database) -> tuple[int, int]:
    with transaction(database.sessions) as session:
        alerts = session.scalar(select(func.count(models.SafeguardingAlert.id))) or 0
        logged = session.scalar(select(func.count(models.OfferQuery.id))) or 0
    return alerts, logged


def test_search_page_gives_the_help_then_the_answer(app: Flask, database: Database) -> None:
    client = app.test_client()
    token = csrf_token(client.get("/offer").get_data(as_text=True))
    page = client.post("/offer/search", data={"csrf_token": token, "q": MODEL_ONLY})
    html = page.get_data(as_text=True)
    assert 'role="alert" id="help-now"' in html and "What we found" in html
    assert html.index('id="help-now"') < html.index("What we found")
    assert 'href="/offer/entry/sexual-health"' in html
    assert counts(database) == (1, 0)  # the alert, and nothing logged
    page = client.post("/offer/search", data={"csrf_token": token, "q": LEXICON})
    html = page.get_data(as_text=True)
    assert 'id="help-now"' in html and "What we found" not in html
    assert "keeping-in-touch" not in html


def test_web_chat_gives_the_help_then_the_answer(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = join_chat(client, "care_leaver")
    page = say(client, page, text=MODEL_ONLY)
    log = page[page.index('id="chat-log"') :]
    assert 'id="help-now"' in log and "offer-reply" in log
    assert log.index('id="help-now"') < log.index("offer-reply")
    assert "/offer/entry/sexual-health" in log and "not sure I&#39;ve understood" not in log
    assert counts(database) == (1, 0)
    page = say(client, page, text=LEXICON)
    log = page[page.index('id="chat-log"') :]
    assert 'id="help-now"' in log and "offer-reply" not in log
    assert counts(database) == (2, 0)


def test_bot_gives_the_help_then_the_answer(database: Database, fake: FakeTelegram) -> None:
    offer = load_offer_search()
    assert offer is not None

    async def scenario() -> None:
        async with heard_bot(database, fake, offer=offer) as bot:
            await bot.join(LEAVER, who="A care leaver", age=None)
            await bot.press(LEAVER, "Not now")
            help_and_answer, asked = (m["text"] for m in await bot.chat(LEAVER, MODEL_ONLY))
            assert "Childline" in help_and_answer or "116 123" in help_and_answer
            assert "sexual health" in help_and_answer.lower()
            assert asked.startswith("Would you like someone from the council to get in touch")
            await bot.type(LEAVER, "no thanks")
            help_alone, asked = (m["text"] for m in await bot.chat(LEAVER, LEXICON))
            assert "How to get it" not in help_alone and "carers" not in help_alone.lower()

    asyncio.run(scenario())
    assert counts(database) == (2, 0)
