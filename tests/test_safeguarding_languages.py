"""A child who writes in Arabic or Pashto, or has chosen it, is shown the safeguarding help
in that language, in every channel, and the alert is raised for staff in English.

The reply files (analysis/safeguarding/replies.<code>.yaml) are checked on load like the
English one, with one rule of their own: a line keeps its English line's numbers. Then the
help through the real channels: the web form and the web chat (Flask test client,
JavaScript off), the bot (real PTB Application against the fake Bot API) and a safety-signal
option pressed in Arabic. The browser journey is in test_safeguarding_languages_browser.py.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Literal

import pytest
from browser_support import csrf_token, hidden_fields, issue_link, make_app
from fakes.telegram_api import STAFF_CHAT, FakeTelegram, heard_bot
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_bot_alerts import staff_messages, staff_sweep

from analysis.safeguarding import Disclosure, other_language
from analysis.safeguarding.replies import (
    LINE_KEYS,
    REPLIES_PATH,
    contact_wording,
    load_replies,
    numbers_read_left_to_right,
    please_read_reply,
    safeguarding_reply,
    standing_help,
    translation_path,
    translations,
)
from bot.texts import load_texts
from heard.cli import main
from heard.wiring import Database
from storage import models
from storage.datafiles import DataFileError
from storage.db import transaction
from surveys import languages
from surveys.contact import ANSWER_STANDS_FOR, check_contact, read_contact_answer
from surveys.definition import load_catalogue
from surveys.messages import load_messages
from surveys.safeguarding_seam import FreeTextContext, check_free_text, reply_language
from surveys.translations import localise

ARABIC_WISH = "بدي موت"  # "I want to die" (Levantine)
ARABIC_PLAIN = "أريد أن أموت"  # "I want to die" (Modern Standard Arabic)
PASHTO_WISH = "زه غواړم ځان ووژنم"  # "I want to kill myself"
AR = load_replies(language="ar")
PS = load_replies(language="ps")
EN = load_replies()
SURVEY = "checkin-11-17"


def disclosure(
    level: Literal["urgent", "concern"], category: str = "self_harm_suicide"
) -> Disclosure:
    return Disclosure(
        category=category,
        level=level,
        categories=[category],
        matched=[],
        lexicon_version="test",
        source="test",
    )


def shown(line: str) -> str:
    """A line as the person gets it: numbers kept left to right in right-to-left text."""
    return numbers_read_left_to_right(line)


def text_of(html: str) -> str:
    """What a person reads: tags gone, entities decoded."""
    inline = re.sub(r"</?(?:a|span|strong|em|bdi)\b[^>]*>", "", html)
    return unescape(re.sub(r"<[^>]+>", "\n", inline))


# --------------------------------------------------------------------------- the files


@pytest.mark.parametrize("code", ["ar", "ps"])
def test_each_language_has_every_line_marked_draft_with_the_uk_numbers(code: str) -> None:
    replies = load_replies(language=code)
    assert replies.language == code and replies.status == "draft"
    assert replies.in_english == ()  # complete: nothing left to English
    assert set(replies.lines) == set(EN.lines)
    for key in LINE_KEYS:
        assert replies.lines[key] != EN.lines[key], key  # really translated
    urgent = safeguarding_reply(disclosure("urgent"), "child_in_care", language=code)
    assert "999" in urgent and "0800 1111" in urgent and "Childline" in urgent
    assert "116 123" in urgent and "85258" in urgent
    assert urgent.index("999") < urgent.index(replies.lines["told"][0][:12])  # 999 first
    assert not re.search(
        r"[A-Za-z]{4,}",
        re.sub(
            r"Heard|Childline|Samaritans|Shout|SHOUT|"
            r"council|social worker|advocate",
            "",
            urgent,
        ),
    )
    # Childline offers an interpreter: said in the child's language
    interpreter = {"ar": "مترجم", "ps": "ژباړونکي"}[code]
    assert interpreter in urgent
    assert interpreter in please_read_reply("child_in_care", language=code)
    concern = safeguarding_reply(disclosure("concern", "bullying"), "child_in_care", language=code)
    assert "0800 1111" in concern and "999" not in concern
    assert "999" in standing_help(None, language=code)


@pytest.mark.parametrize("code", ["ar", "ps"])
def test_a_foster_carer_is_pointed_to_help_for_adults_not_childline(code: str) -> None:
    carer = safeguarding_reply(disclosure("urgent"), "carer",
                               language=code)  # fmt: skip
    assert "999" in carer and "0808 800 5000" in carer and "116 123" in carer
    assert "Childline" not in carer and "0800 1111" not in carer
    # a care leaver hears Childline is for under 19s, in their language
    leaver = please_read_reply("care_leaver", language=code)
    assert shown(load_replies(language=code).childline_adult) in leaver


@pytest.mark.parametrize("code", ["ar", "ps"])
def test_numbers_read_left_to_right_in_right_to_left_help(code: str) -> None:
    """Without an isolate "0800 1111" shows as "1111 0800" among Arabic letters."""
    said = safeguarding_reply(disclosure("urgent"), "child_in_care", language=code)
    for number in ("999", "0800 1111", "116 123", "85258"):
        assert f"\u2066{number}\u2069" in said, number
    assert "\u2066" not in safeguarding_reply(disclosure("urgent"), "child_in_care")


def test_english_is_unchanged_and_an_unknown_language_is_english() -> None:
    urgent = disclosure("urgent")
    english = safeguarding_reply(urgent, "child_in_care")
    assert english.startswith("Thank you for telling Heard.")
    assert safeguarding_reply(urgent, "child_in_care", language="de") == english
    assert safeguarding_reply(urgent, "child_in_care", language="../x") == english
    assert contact_wording(None).ask.startswith("Would you like someone from the council")
    assert [r.language for r in translations()] == ["ar", "ps"]


def _copy(tmp_path: Path, code: str, edit: str | None = None, new: str = "") -> Path:
    english = tmp_path / "replies.yaml"
    shutil.copy(REPLIES_PATH, english)
    text = translation_path(code).read_text(encoding="utf-8")
    if edit is not None:
        assert edit in text, edit
        text = text.replace(edit, new, 1)
    translation_path(code, english).write_text(text, encoding="utf-8")
    load_replies.cache_clear()
    return english


def _fails(english: Path, code: str) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        load_replies(english, code)
    load_replies.cache_clear()
    return caught.value


def test_a_missing_line_is_said_in_english_and_listed(tmp_path: Path) -> None:
    english = _copy(tmp_path, "ar", '  homelessness:\n    - "إذا كنت تحتاج', '  x_gone:\n    - "')
    # the edit above leaves an unknown key: that is refused, naming it
    error = _fails(english, "ar")
    assert "x_gone" in str(error) and "replies.ar.yaml" in str(error)
    text = translation_path("ar").read_text(encoding="utf-8")
    kept = re.sub(r"  homelessness:\n    - .*\n", "", text)
    translation_path("ar", english).write_text(kept, encoding="utf-8")
    replies = load_replies(english, "ar")
    assert replies.in_english == ("homelessness",)
    assert replies.lines["homelessness"] == EN.lines["homelessness"]
    assert replies.lines["thanks"] == AR.lines["thanks"]
    load_replies.cache_clear()


@pytest.mark.parametrize(
    ("edit", "new", "said"),
    [
        ("اتصل بالرقم 0800 1111. الاتصال مجاني، في أي وقت، في",
         "اتصل بالرقم 0800 1112. الاتصال مجاني، في أي وقت، في", "numbers"),
        ("إذا كنت في خطر الآن، اتصل بالرقم 999.\"\n    - \"{childline}: اتصل بالرقم 0800 1111. "
         "الاتصال مجاني، في أي وقت، في",
         "إذا كنت في خطر الآن، اتصل بالرقم ٩٩٩.\"\n    - \"{childline}: اتصل بالرقم 0800 1111. "
         "الاتصال مجاني، في أي وقت، في", "digits"),
        ('told: "لأن هذا عن سلامتك، سنخبر {role}', 'told: "لأن هذا عن سلامتك، سنخبر {worker}',
         "placeholders"),
        ("status: draft  #", "status: checked  #", "status"),
        ("language: ar", "language: ps", "language"),
        ("  name: فريق السكن في المجلس المحلي (council)",
         "  name: فريق السكن\n  phone: \"01234 567890\"", "phone"),
        ('thanks: "شكراً لأنك أخبرت Heard.', 'thanks: "لقد وضعت نفسك في خطر. your own fault',
         "blames"),
    ],
    ids=["changed number", "arabic digits", "placeholder", "status", "language", "phone", "blame"],
)  # fmt: skip
def test_a_translation_that_changes_where_help_is_or_blames_is_refused(
    tmp_path: Path, edit: str, new: str, said: str
) -> None:
    error = _fails(_copy(tmp_path, "ar", edit, new), "ar")
    message = str(error)
    assert "replies.ar.yaml" in message and error.fix, message
    assert {
        "numbers": "numbers are not the English line's (08001111, 999)",
        "digits": "digits on a UK phone",
        "placeholders": "placeholders",
        "status": "status",
        "language": "language",
        "phone": "phone numbers",
        "blames": "blames",
    }[said] in message


def test_the_council_s_own_numbers_come_from_the_english_file(tmp_path: Path) -> None:
    english = tmp_path / "replies.yaml"
    text = re.sub(
        r'phone: "" .*', 'phone: "01234 567890"', REPLIES_PATH.read_text(encoding="utf-8"), count=1
    )
    english.write_text(text, encoding="utf-8")
    shutil.copy(translation_path("ar"), translation_path("ar", english))
    load_replies.cache_clear()
    replies = load_replies(english, "ar")
    assert replies.out_of_hours.endswith(": 01234 567890")
    assert replies.out_of_hours.startswith(AR.out_of_hours)
    said = safeguarding_reply(disclosure("urgent"), None, replies=replies)
    assert "01234 567890" in said
    load_replies.cache_clear()


def test_heard_surveys_check_lists_the_help_in_each_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["surveys", "check"]) == 0
    shown = capsys.readouterr().out
    for name in ("Arabic (ar", "Pashto (ps"):
        block = shown.split(name, 1)[1].split("\n\n", 1)[0]
        line = next(x for x in block.splitlines() if "safeguarding help" in x)
        assert "draft (to be checked by a qualified translator)" in line, line
    dari = shown.split("Dari (prs", 1)[1].split("\n\n", 1)[0]
    assert "safeguarding help      no file: all in English" in dari


# --------------------------------------------------------------------------- choosing


def test_the_language_is_the_chosen_one_else_the_message_s_else_english() -> None:
    arabic, pashto = other_language(ARABIC_WISH), other_language(PASHTO_WISH)
    farsi = other_language("من می خواهم بمیرم امشب")
    assert reply_language("ar") == "ar" and reply_language("ps", arabic) == "ps"
    assert reply_language("en", arabic) == "ar" and reply_language(None, pashto) == "ps"
    assert reply_language("en", farsi) == "en"  # Heard has no help in Farsi (yet)
    assert reply_language("prs", arabic) == "ar"  # listed but not shipped: the message's
    assert reply_language("de") == "en" and reply_language("en") == "en"


def test_the_seam_helps_in_the_language_and_alerts_staff_in_english(database: Database) -> None:
    def told(text: str, language: str, cohort: str = "child_in_care") -> tuple[str, str, str]:
        with transaction(database.sessions) as session:
            context = FreeTextContext("p1", "web", cohort, "11-17", language=language)
            outcome = check_free_text(session, text, context)
            assert outcome is not None and outcome.alert_id is not None
            alert = session.get(models.SafeguardingAlert, outcome.alert_id)
            assert alert is not None
            return outcome.reply, outcome.language, alert.detected_by or ""

    reply, language, fired = told(ARABIC_WISH, "ar")
    assert language == "ar" and reply == please_read_reply("child_in_care", language="ar")
    assert fired.startswith("please read: message in Arabic")  # staff: English
    reply, language, _ = told(ARABIC_PLAIN, "en")  # an English page, an Arabic message
    assert language == "ar" and "999" in reply and AR.lines["please_read"][0] in reply
    reply, language, fired = told(PASHTO_WISH, "ps")
    assert language == "ps" and PS.lines["please_read"][0] in reply
    reply, language, fired = told("I want to kill myself tonight", "ar")  # English, chosen Arabic
    assert language == "ar" and shown(AR.lines["urgent_first"][0]) in reply
    reply, language, _ = told("I want to kill myself tonight", "en")
    assert language == "en" and reply.startswith(EN.lines["thanks"][0])
    with transaction(database.sessions) as session:
        assert len(session.scalars(select(models.SafeguardingAlert)).all()) == 5


def test_an_unreadable_translation_never_loses_the_alert(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import surveys.safeguarding_seam as seam

    real = seam.please_read_reply

    def broken(cohort: str | None = None, *, language: str = "en") -> str:
        if language != "en":
            raise DataFileError(Path("replies.ar.yaml"), "broken", fix="mend it")
        return real(cohort, language=language)

    monkeypatch.setattr(seam, "please_read_reply", broken)
    with transaction(database.sessions) as session:
        outcome = check_free_text(
            session, ARABIC_WISH, FreeTextContext("p1", "web", None, None, language="ar")
        )
    assert outcome is not None and outcome.language == "en" and "999" in outcome.reply
    with transaction(database.sessions) as session:
        assert session.scalar(select(models.SafeguardingAlert.category)) == "please_read"


# --------------------------------------------------------------------------- get in touch


def test_typed_answers_to_get_in_touch_are_read_in_the_language() -> None:
    cases = {
        ("نعم", "ar"): True, (AR.lines["contact_yes"][0], "ar"): True,
        (AR.lines["contact_no"][0], "ar"): False, ("لا", "ar"): False,
        ("هو", "ps"): True, (PS.lines["contact_no"][0], "ps"): False, ("نه", "ps"): False,
        ("yes please", "ar"): True, ("no thanks", "ps"): False,
        ("ممکن", "ps"): None, ("", "ar"): None, ("who will see it?", "en"): None,
    }  # fmt: skip
    for (text, code), expected in cases.items():
        assert read_contact_answer(text, code) is expected, (text, code)


def test_the_contact_form_s_problems_are_said_in_the_language() -> None:
    _, problems = check_contact("", "", "", language="ar")
    assert problems.errors == {"": AR.lines["contact_need_one"][0]}
    _, problems = check_contact("", "", "12", language="ps")
    assert problems.errors == {"phone": PS.lines["contact_bad_phone"][0]}
    _, problems = check_contact("J" * 61, "", "", language="xx")
    assert problems.errors == {"first_name": EN.lines["contact_too_long"][0]}


# --------------------------------------------------------------------------- the web


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def in_language(client: FlaskClient, code: str) -> None:
    response = client.get(f"/language/{code}?next=/")
    assert response.status_code == 303


def post(client: FlaskClient, token: str, page: str, **data: str) -> str:
    response = client.post(f"/s/{token}", data={**hidden_fields(page), **data})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def help_box(html: str) -> str:
    found = re.search(r'<div class="safeguarding[^"]*" role="alert" id="help-now".*?</fieldset>',
                      html, re.S)  # fmt: skip
    assert found, "no help on the page"
    return found.group(0)


def contact_offer(html: str) -> str:
    found = re.search(r'name="offer" value="([^"]+)"', html)
    assert found
    return unescape(found.group(1))


def alerts(database: Database) -> list[tuple[str, str, str, str]]:
    with transaction(database.sessions) as session:
        rows = session.execute(
            select(
                models.SafeguardingAlert.channel,
                models.SafeguardingAlert.category,
                models.SafeguardingAlert.level,
                models.SafeguardingAlert.text,
            ).order_by(models.SafeguardingAlert.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.mark.parametrize(("code", "message"), [("ar", ARABIC_WISH), ("ar", ARABIC_PLAIN),
                                               ("ps", PASHTO_WISH)])  # fmt: skip
def test_the_web_form_helps_in_the_page_s_language(
    app: Flask, database: Database, code: str, message: str
) -> None:
    replies = load_replies(language=code)
    client = app.test_client()
    in_language(client, code)
    token = issue_link(database, SURVEY)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    page = post(client, token, page, choice="yes")
    page = post(client, token, page, choice="no")
    html = post(client, token, page, action="answer", text=message)
    assert f'lang="{code}" dir="rtl"' in html
    box = help_box(html)
    words = text_of(box)
    for line in replies.lines["please_read"]:
        assert shown(line.format(childline=replies.childline)) in words
    assert "999" in words and "0800 1111" in words and 'href="tel:08001111"' in box
    assert "Thank you" not in words and "danger" not in words  # no English left
    # "would you like someone to get in touch?" in the same language
    assert replies.lines["contact_ask"][0] in words
    assert replies.lines["contact_yes"][0] in words and replies.lines["contact_no"][0] in words
    assert hidden_fields(html)["step"] == "@continue"
    assert alerts(database) == [("web", "please_read", "concern", message)]

    # "yes" with nothing filled in: the kind correction, in the same language
    offer = contact_offer(box)
    again = client.post(
        "/get-in-touch", data={"csrf_token": csrf_token(html), "offer": offer, "wanted": "yes"}
    )
    assert again.status_code == 400
    assert replies.lines["contact_need_one"][0] in text_of(again.get_data(as_text=True))
    done = client.post(
        "/get-in-touch",
        data={"csrf_token": csrf_token(html), "offer": offer, "wanted": "yes",
              "phone": "07700 900123"},
    )  # fmt: skip
    assert done.status_code == 200
    thanks = text_of(done.get_data(as_text=True))
    assert replies.lines["contact_thanks"][0].format(role=replies.role) in thanks
    assert "999" in thanks  # the help stays on the page that follows


def test_an_english_disclosure_on_an_arabic_page_gets_arabic_help(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    in_language(client, "ar")
    token = issue_link(database, SURVEY)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    page = post(client, token, post(client, token, page, choice="yes"), choice="no")
    html = post(client, token, page, action="answer", text="i want to die")
    words = text_of(help_box(html))
    assert shown(AR.lines["urgent_first"][0]) in words and "0800 1111" in words
    assert [a[1:3] for a in alerts(database)] == [("self_harm_suicide", "urgent")]


def test_an_arabic_message_on_an_english_page_gets_arabic_help(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    token = issue_link(database, SURVEY)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert 'lang="en-GB"' in page
    page = post(client, token, post(client, token, page, choice="yes"), choice="no")
    html = post(client, token, page, action="answer", text=ARABIC_PLAIN)
    words = text_of(help_box(html))
    assert AR.lines["please_read"][0] in words and "999" in words
    assert [a[1] for a in alerts(database)] == ["please_read"]


def test_a_safety_signal_pressed_in_arabic_shows_arabic_help_and_alerts_in_english(
    app: Flask, database: Database
) -> None:
    arabic = localise(load_catalogue()[SURVEY], "ar")
    client = app.test_client()
    in_language(client, "ar")
    token = issue_link(database, SURVEY)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    page = post(client, token, post(client, token, page, choice="yes"), choice="no")
    assert hidden_fields(page)["step"] == "home_happy"
    page = post(client, token, page, action="answer", choice="5")
    assert hidden_fields(page)["step"] == "feel_safe"
    assert arabic.question("feel_safe").text in text_of(page)
    html = post(client, token, page, action="answer", choice="no")
    words = text_of(help_box(html))
    assert AR.lines["thanks"][0] in words and AR.lines["concern"][0].split("{")[0] in words
    assert "0800 1111" in words and AR.lines["contact_ask"][0] in words
    [(channel, category, level, said)] = alerts(database)
    assert (channel, category, level) == ("web", "unsafe_home", "concern")
    assert said == 'Chose "No" for "Do you feel safe where you live?"'  # staff read English


def join_chat(client: FlaskClient, code: str) -> str:
    in_language(client, code)
    start = client.get("/chat/start").get_data(as_text=True)
    response = client.post(
        "/chat/start",
        data={"csrf_token": csrf_token(start), "cohort": "child_in_care", "age_band": "11-17"},
    )
    assert response.status_code == 303
    return client.get("/chat").get_data(as_text=True)


def say(client: FlaskClient, page: str, **data: str) -> str:
    response = client.post("/chat", data={**hidden_fields(page), **data})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("code", "message"), [("ar", ARABIC_WISH), ("ps", PASHTO_WISH)])
def test_the_web_chat_helps_in_the_language_outside_and_inside_a_check_in(
    app: Flask, database: Database, code: str, message: str
) -> None:
    replies = load_replies(language=code)
    client = app.test_client()
    page = join_chat(client, code)
    assert f'lang="{code}" dir="rtl"' in page
    html = say(client, page, text=message)  # no check-in going: a local-offer question
    words = text_of(help_box(html))
    assert replies.lines["please_read"][0] in words and "999" in words and "0800 1111" in words
    assert replies.lines["contact_ask"][0] in words
    assert alerts(database) == [("webchat", "please_read", "concern", message)]
    # in a check-in, a plain English disclosure: the urgent help, in their language
    page = say(client, html, action="begin")
    page = say(client, page, choice="yes", step="@consent")
    page = say(client, page, choice="no", step="@quote")
    html = say(client, page, text="i want to kill myself")
    words = text_of(help_box(html))
    assert shown(replies.lines["urgent_first"][0]) in words and "0800 1111" in words
    assert [a[1:3] for a in alerts(database)][-1] == ("self_harm_suicide", "urgent")


def test_the_local_offer_search_helps_in_the_language(app: Flask, database: Database) -> None:
    client = app.test_client()
    in_language(client, "ps")
    page = client.get("/offer").get_data(as_text=True)
    # posted: help and an alert under a one-off reference; a GET link: help, no alert
    html = client.post(
        "/offer/search", data={"csrf_token": csrf_token(page), "q": "i want to kill myself"}
    ).get_data(as_text=True)
    words = text_of(help_box(html))
    assert shown(PS.lines["urgent_first"][0]) in words and PS.lines["contact_ask"][0] in words
    html = client.get("/offer/search", query_string={"q": PASHTO_WISH}).get_data(as_text=True)
    assert 'id="help-now"' not in html  # not a disclosure Heard can read: nothing guessed
    assert [(a[0], a[1]) for a in alerts(database)] == [("offer_search", "self_harm_suicide")]


# --------------------------------------------------------------------------- the bot

USER = 5571001
TEXTS = load_texts()
WORDS_AR = load_messages(language="ar")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def answers_a_day_old(database: Database) -> None:
    """Every "get in touch?" answer given a day and a minute ago, so it is asked afresh."""
    with transaction(database.sessions) as session:
        for alert in session.scalars(select(models.SafeguardingAlert)):
            if alert.contact_answered_at is not None:
                alert.contact_answered_at -= ANSWER_STANDS_FOR + timedelta(minutes=1)


def test_the_bot_helps_in_arabic_after_language_and_staff_hear_in_english(
    database: Database, fake: FakeTelegram
) -> None:
    arabic = localise(load_catalogue()[SURVEY], "ar")
    feel_safe = arabic.question("feel_safe")
    texts_ar = load_texts(language="ar")

    async def scenario() -> None:
        async with heard_bot(database, fake) as bot:
            await bot.type(USER, "/start")
            await bot.press(USER, TEXTS.cohort_labels["child_in_care"])
            await bot.press(USER, TEXTS.age_16_or_17)
            chooser = await bot.type(USER, "/language")
            assert chooser is not None
            await bot.tap(USER, languages.native_name("ar"), message=chooser)
            # outside a check-in: words in Arabic
            said = await bot.chat(USER, ARABIC_WISH)
            help_text, asked = said[-2]["text"], said[-1]["text"]
            assert help_text == please_read_reply("child_in_care", language="ar")
            assert "999" in help_text and "0800 1111" in help_text
            assert asked == AR.lines["contact_ask"][0]
            labels = [label for label, _ in fake.buttons(said[-1])]
            assert labels == [AR.lines["contact_yes"][0], AR.lines["contact_no"][0]]
            # typed, in Arabic: "yes" answers the question as its button would
            after = await bot.chat(USER, "نعم")
            assert [m["text"] for m in after] == [
                AR.lines["contact_thanks_chat"][0].format(role=AR.role)
            ]
            # a day later (within a day their answer would stand: test_contact_asked_once)
            await asyncio.to_thread(answers_a_day_old, database)
            # English words from someone who chose Arabic: the help in Arabic all the same
            said = await bot.chat(USER, "i want to die tonight")
            assert said[-2]["text"].startswith(AR.lines["thanks"][0])
            assert shown(AR.lines["urgent_first"][0]) in said[-2]["text"]
            assert said[-1]["text"] == AR.lines["contact_ask"][0]
            after = await bot.tap(USER, AR.lines["contact_no"][0], message=said[-1])
            worker = AR.workers["child_in_care"]
            assert after[-1]["text"] == AR.lines["contact_declined"][0].format(worker=worker)
            # "yes" typed later is no longer an answer: it is read as any message
            later = await bot.chat(USER, "نعم")
            assert AR.lines["contact_thanks_chat"][0].format(role=AR.role) not in [
                m["text"] for m in later
            ]
            await asyncio.to_thread(answers_a_day_old, database)
            # in a check-in, "No" to feeling safe pressed on an Arabic button
            menu = await bot.chat(USER, "/checkin")
            assert menu
            await bot.press(USER, WORDS_AR.consent_yes)
            await bot.press(USER, WORDS_AR.quote_no)
            best = next(o for o in arabic.questions[0].options if o.value == "5")
            await bot.press(USER, lambda label: label.endswith(best.label))
            assert feel_safe.text in fake.last(USER)["text"]
            no = next(o for o in feel_safe.options if o.value == "no")
            before = len(fake.bot_messages(USER))
            await bot.press(USER, lambda label: label.endswith(no.label))
            told = [m["text"] for m in fake.bot_messages(USER)[before:]]
            assert any(AR.lines["thanks"][0] in t and "0800 1111" in t for t in told), told
            assert AR.lines["contact_ask"][0] in told
            assert texts_ar  # the bot's own words load in Arabic
            await asyncio.to_thread(staff_sweep, database, fake)

    asyncio.run(scenario())
    found = alerts(database)
    assert [(c, cat, lvl) for c, cat, lvl, _ in found] == [
        ("telegram", "please_read", "concern"),
        ("telegram", "self_harm_suicide", "urgent"),
        ("telegram", "unsafe_home", "concern"),
    ]
    assert found[2][3] == 'Chose "No" for "Do you feel safe where you live?"'
    with transaction(database.sessions) as session:
        wanted = session.scalars(
            select(models.SafeguardingAlert.contact_wanted).order_by(models.SafeguardingAlert.id)
        ).all()
    assert wanted[:2] == [True, False]  # typed "نعم", then the "No, thank you" button
    notices = staff_messages(fake)
    assert len(notices) == 3
    for notice in notices:
        assert notice.startswith("Safeguarding alert ") and "needs attention" in notice
        assert not re.search("[\u0600-\u06ff]", notice)  # staff see English, never the words
    assert fake.bot_messages(STAFF_CHAT)
