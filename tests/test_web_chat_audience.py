"""The web chat speaks to whoever it knows it is talking to (the cohort and age chosen on
its start page): a child in care is greeted, prompted and told "I didn't understand" in
words for them, never sent to the local offer's PA or Leaving Care Service; a care leaver
still gets the local offer. Before anyone types, the chat says that words which worry us
about their safety are passed on, because the help after a disclosure says "as we said at
the start". Answering "would you like someone to get in touch?" outside a check-in is not
followed by "You don't have a check-in open right now": they never asked about one."""

from __future__ import annotations

import re
from html import unescape

import pytest
from browser_support import make_app
from flask import Flask
from test_web_chat_get_in_touch import answer, log_of
from test_web_public_chat import join_chat, say, text_of

from bot.texts import load_texts
from heard.wiring import Database
from webforms.public import chat

SAFETY = (
    "If you tell us something that makes us worried you might not be safe, we will tell the "
    "person at the council whose job is keeping children and young people safe"
)
NOT_UNDERSTOOD = "im so dead if i fail maths lol"  # not a worry: a joke about a test
DISCLOSURE = "my carer hits me when he is drunk"
NO_CHECKIN = "have a check-in open"


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def words(html: str) -> str:
    """The page's words, tags dropped and entities read, spaces folded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def box_label(page: str) -> str:
    found = re.search(r'<label for="chat-text">(.*?)</label>', page, re.S)
    assert found, "no label for the chat's box"
    return words(found.group(1))


@pytest.mark.parametrize("band", ["4-7", "8-11", "11-17"])
def test_a_child_in_care_is_greeted_as_one(app: Flask, band: str) -> None:
    page = join_chat(app.test_client(), "child_in_care", band)
    log = words(log_of(page))
    assert "how things are going, at home, at school" in log
    assert "care leaver" not in log and "local offer" not in log
    assert box_label(page) == 'Type "start" for a check-in'
    assert NO_CHECKIN not in page  # a greeting, not an answer to "back" or "stop"


def test_a_care_leaver_and_a_carer_still_hear_of_the_local_offer(app: Flask) -> None:
    leaver = join_chat(app.test_client(), "care_leaver")
    assert "help care leavers can get (the local offer)" in words(log_of(leaver))
    assert box_label(leaver) == 'Ask about the local offer, or type "start" for a check-in'
    carer = join_chat(app.test_client(), "carer")
    assert "how fostering is going" in words(log_of(carer))
    assert NO_CHECKIN not in leaver and NO_CHECKIN not in carer


def test_the_greeting_for_someone_unknown_fits_every_age(app: Flask) -> None:
    with app.test_request_context("/chat"):
        greeting = str(chat.GREETING)
    assert "type start for a check-in" in greeting
    assert "local offer" not in greeting and "placement" not in greeting
    assert "If you've left care" in greeting  # a care leaver can still ask


@pytest.mark.parametrize("band", ["8-11", "11-17"])
def test_not_understood_is_said_kindly_to_a_child_in_care(app: Flask, band: str) -> None:
    client = app.test_client()
    page = say(client, join_chat(client, "child_in_care", band), text=NOT_UNDERSTOOD)
    log = words(log_of(page))
    assert 'id="help-now"' not in page  # not a worry
    assert "Sorry, I didn't understand that." in log
    assert "type start to do a check-in" in log and "social worker or your carer" in log
    for wrong in ("PA", "personal adviser", "Leaving Care", "local offer", NO_CHECKIN):
        assert wrong not in log, wrong


def test_not_understood_for_a_care_leaver_and_a_carer(app: Flask) -> None:
    client = app.test_client()
    leaver = words(log_of(say(client, join_chat(client, "care_leaver"), text=NOT_UNDERSTOOD)))
    assert "not sure I've understood that" in leaver and "your PA" in leaver
    client = app.test_client()
    carer = words(log_of(say(client, join_chat(client, "carer"), text=NOT_UNDERSTOOD)))
    assert "not sure I've understood that" in carer and "supervising social worker" in carer
    assert "PA" not in carer and "Leaving Care" not in carer


@pytest.mark.parametrize("language", ["ar", "ps"])
def test_the_childs_words_are_translated(app: Flask, language: str) -> None:
    client = app.test_client()
    page = join_chat(client, "child_in_care", "11-17")
    client.set_cookie("heard_lang", language)
    greeting = words(log_of(text_of(client.get("/chat"))))
    assert "Hi!" not in greeting and "Heard" in greeting
    reply = say(client, text_of(client.get("/chat")), text=NOT_UNDERSTOOD)
    assert "Sorry" not in words(log_of(reply)) and "PA" not in words(log_of(reply))
    assert f'lang="{language}"' in reply and page


def test_the_chat_says_what_happens_to_a_worry_before_anything_is_typed(app: Flask) -> None:
    client = app.test_client()
    start = text_of(client.get("/chat"))
    assert SAFETY in words(start)
    assert start.index("chat-safety") < start.index('name="cohort"')
    page = join_chat(client, "child_in_care", "8-11")
    assert SAFETY in words(page)
    assert page.index('id="chat-safety"') < page.index('id="chat-text"')  # above the box
    helped = say(client, page, text=DISCLOSURE)
    assert "as we said at the start" in words(helped)


def test_answering_get_in_touch_outside_a_check_in_says_nothing_of_one(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = say(client, join_chat(client, "child_in_care", "11-17"), text=DISCLOSURE)
    assert 'id="help-now"' in page
    empty = answer(client, page, wanted="yes")
    assert "contact-again" in empty and NO_CHECKIN not in empty
    thanks = answer(client, empty, wanted="yes", first_name="Jas", phone="07700 900123")
    log = words(log_of(thanks))
    assert "Thank you. We have told the person at the council whose job is keeping" in log
    assert NO_CHECKIN not in thanks
    assert "Start a check-in" in thanks  # they can still begin one
    # Asked, "back" with nothing open still says so: that line is for a check-in question.
    back = say(client, thanks, action="back")
    assert NO_CHECKIN in back


def test_telegram_says_it_before_anything_is_typed_too() -> None:
    """The bot's help after a disclosure also says "as we said at the start": its
    welcome, the first thing it says, says it (in each language, as /privacy does)."""
    for language in ("en", "ar", "ps"):
        texts = load_texts(language=language)
        safety = [line for line in texts.privacy.splitlines() if "/" not in line][-1]
        assert safety in texts.welcome, language
    assert "might not be safe" in load_texts().welcome
