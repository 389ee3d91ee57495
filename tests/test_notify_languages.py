"""Texts and emails in the young person's language (issue 16), through the fake Notify.

The council writes a Notify template per language (HEARD_NOTIFY_SMS_TEMPLATE_ID_AR and
the like); a message goes with the template for the person's language when there is
one, else with the default (English) template. The language is the one kept with their
contact (`heard invite --language`, or the page's language when they asked for texts),
else their recorded language. Settings are checked with clear words, and `heard doctor`
says which languages have their own template.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from fakes.notify_api import (
    API_KEY,
    EMAIL_TEMPLATE,
    EMAIL_TEMPLATE_AR,
    SMS_TEMPLATE,
    SMS_TEMPLATE_AR,
    FakeNotify,
)
from notify_support import (
    INVITE,
    MOBILE,
    MOBILE_TYPED,
    NOON,
    a_scheduler,
    ask_for_texts,
    cli_env,
    notify_app,
    plain_checkin,
    with_notify,
)
from sqlalchemy import select, update

from heard.cli import main
from heard.settings import Settings, SettingsError, load_settings
from heard.wiring import Database
from storage.db import transaction
from storage.models import Respondent, WebContact, utcnow
from storage.reminders import is_quiet
from surveys.people import People
from webforms.public.language import LANGUAGE_COOKIE


@pytest.fixture
def fake() -> Iterator[FakeNotify]:
    server = FakeNotify().start()
    yield server
    server.stop()


@pytest.fixture
def notify(settings: Settings, database: Database, fake: FakeNotify) -> Settings:
    """Notify with an Arabic text template; no Pashto one."""
    return replace(
        with_notify(settings, database, fake),
        notify_sms_templates_by_language=(("ar", SMS_TEMPLATE_AR),),
        notify_email_templates_by_language=(("ar", EMAIL_TEMPLATE_AR),),
    )


def _signed_up(notify: Settings, database: Database, page_language: str | None = None) -> str:
    """A web check-in, then yes to texts on a page in `page_language` (None: English)."""
    from browser_support import issue_link

    client = notify_app(notify, database).test_client()
    token = issue_link(database, "checkin-8-11")
    thanks = plain_checkin(client, token)
    if page_language is not None:
        client.set_cookie(LANGUAGE_COOKIE, page_language)
    kept = ask_for_texts(client, token, thanks, MOBILE_TYPED, consent=True)
    assert kept.status_code == 200
    return token


def _month_later(database: Database, language: str | None = None) -> None:
    with transaction(database.sessions) as session:
        session.execute(
            update(Respondent).values(last_active_at=NOON - timedelta(days=40), language=language)
        )


def _kept_language(database: Database) -> str | None:
    with transaction(database.sessions) as session:
        return session.scalars(select(WebContact.language)).one()


# ------------------------------------------------------------------ the reminder round


@pytest.mark.parametrize(
    ("recorded", "template"),
    [("ar", SMS_TEMPLATE_AR), (None, SMS_TEMPLATE), ("en", SMS_TEMPLATE), ("ps", SMS_TEMPLATE)],
)
def test_a_reminder_goes_with_the_template_for_the_persons_language(
    notify: Settings,
    database: Database,
    fake: FakeNotify,
    recorded: str | None,
    template: str,
) -> None:
    _signed_up(notify, database)
    assert _kept_language(database) is None  # asked on an English page: nothing kept
    _month_later(database, language=recorded)
    assert a_scheduler(notify, database).run(NOON).sent == 1
    [message] = fake.to(MOBILE)
    assert message.template_id == template
    if template == SMS_TEMPLATE_AR:
        assert "لإيقاف هذه الرسائل" in message.body and "/stop-messages" in message.body


def test_without_an_arabic_template_an_arabic_person_gets_the_default(
    settings: Settings, database: Database, fake: FakeNotify
) -> None:
    notify = with_notify(settings, database, fake)  # no per-language templates at all
    _signed_up(notify, database, page_language="ar")
    _month_later(database, language="ar")
    assert a_scheduler(notify, database).run(NOON).sent == 1
    [message] = fake.to(MOBILE)
    assert message.template_id == SMS_TEMPLATE


def test_asking_on_an_arabic_page_keeps_only_the_code_and_texts_come_in_arabic(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    _signed_up(notify, database, page_language="ar")
    assert _kept_language(database) == "ar"
    with transaction(database.sessions) as session:  # shown in their data, as kept
        pseudonym = session.scalars(select(Respondent.pseudonym)).one()
    exported = People(database.sessions, notify.pseudonym_key).export(pseudonym)
    assert exported is not None and exported["texts_and_emails"]["language"] == "ar"
    _month_later(database, language=None)  # never chose a language in the chat
    assert a_scheduler(notify, database).run(NOON).sent == 1
    [message] = fake.to(MOBILE)
    assert message.template_id == SMS_TEMPLATE_AR


def test_an_email_in_arabic_uses_the_arabic_email_template(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    from heard.notify_wiring import notify_templates
    from notices.notify import NotifySender
    from storage.web_contacts import Contact

    sender = NotifySender(API_KEY, notify_templates(notify), base_url=fake.base_url)
    to = Contact("email", "sam@example.org")
    sender.send(to, "http://x/s/t", "http://x/s/t/stop-messages", "r-1", language="ar")
    sender.send(to, "http://x/s/t", "http://x/s/t/stop-messages", "r-2", language="ps")
    sender.send(to, "http://x/s/t", "http://x/s/t/stop-messages", "r-3")
    used = [n.template_id for n in fake.to("sam@example.org")]
    assert used == [EMAIL_TEMPLATE_AR, EMAIL_TEMPLATE, EMAIL_TEMPLATE]


# ------------------------------------------------------------------ heard invite --language


def test_a_worker_sends_the_first_link_in_arabic_and_later_links_follow(
    notify: Settings,
    database: Database,
    fake: FakeNotify,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli_env(monkeypatch, notify, fake, HEARD_NOTIFY_SMS_TEMPLATE_ID_AR=SMS_TEMPLATE_AR)
    assert main([*INVITE, "--mobile", MOBILE_TYPED, "--child-agreed", "--language", "AR"]) == 0
    capsys.readouterr()
    if is_quiet(utcnow(), notify.timezone, "21:00", "08:00"):
        tomorrow_noon = (utcnow() + timedelta(days=1)).replace(hour=12, minute=0)
        assert a_scheduler(notify, database).run(tomorrow_noon).sent == 1
    [first] = fake.to(MOBILE)
    assert first.template_id == SMS_TEMPLATE_AR
    assert _kept_language(database) == "ar"  # the code only

    # The child answers (on an English page): the contact is theirs, still in Arabic.
    token = next(w for w in first.body.split() if "/s/" in w and "stop" not in w)
    plain_checkin(notify_app(notify, database).test_client(), token.split("/s/")[1])
    _month_later(database)
    assert a_scheduler(notify, database).run(NOON).sent == 1
    assert [n.template_id for n in fake.to(MOBILE)] == [SMS_TEMPLATE_AR, SMS_TEMPLATE_AR]


def test_a_worker_sending_in_english_keeps_no_language(
    notify: Settings,
    database: Database,
    fake: FakeNotify,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli_env(monkeypatch, notify, fake, HEARD_NOTIFY_SMS_TEMPLATE_ID_AR=SMS_TEMPLATE_AR)
    assert main([*INVITE, "--mobile", MOBILE_TYPED, "--child-agreed", "--language", "en"]) == 0
    assert _kept_language(database) is None


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (
            ["--mobile", MOBILE_TYPED, "--child-agreed", "--language", "fr"],
            "--language 'fr' is not a language Heard speaks; use one of en (English), ar (Arabic)",
        ),
        (
            ["--mobile", MOBILE_TYPED, "--child-agreed", "--language", "arabic"],
            "is not a language Heard speaks",
        ),
        (["--language", "ar"], "--language is for a link sent by text or email"),
    ],
)
def test_heard_invite_language_is_checked_kindly(
    notify: Settings,
    fake: FakeNotify,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    words: str,
) -> None:
    cli_env(monkeypatch, notify, fake, HEARD_NOTIFY_SMS_TEMPLATE_ID_AR=SMS_TEMPLATE_AR)
    assert main([*INVITE, *extra]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not fake.notifications


# ------------------------------------------------------------------ settings


def _base(tmp_path: object) -> dict[str, str]:
    return {
        "HEARD_DATA_DIR": str(tmp_path),
        "HEARD_NOTIFY_API_KEY": API_KEY,
        "HEARD_NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
    }


@pytest.mark.parametrize(
    ("values", "words"),
    [
        (
            {"HEARD_NOTIFY_SMS_TEMPLATE_ID_AR": "arabic-one"},
            "HEARD_NOTIFY_SMS_TEMPLATE_ID_AR is not a Notify template ID; copy the ID",
        ),
        (
            {"HEARD_NOTIFY_SMS_TEMPLATE_ID_FR": SMS_TEMPLATE_AR},
            "HEARD_NOTIFY_SMS_TEMPLATE_ID_FR is not for a language Heard ships; end it with "
            "the language code in capitals, one of _AR, _PS",
        ),
        (
            {"HEARD_NOTIFY_SMS_TEMPLATE_ID_ar": SMS_TEMPLATE_AR},
            "HEARD_NOTIFY_SMS_TEMPLATE_ID_ar is not for a language Heard ships",
        ),
        (
            {"HEARD_NOTIFY_SMS_TEMPLATE_ID_EN": SMS_TEMPLATE_AR},
            "English is the default template; set HEARD_NOTIFY_SMS_TEMPLATE_ID instead",
        ),
        (
            {"HEARD_NOTIFY_EMAIL_TEMPLATE_ID_AR": EMAIL_TEMPLATE_AR},
            "HEARD_NOTIFY_EMAIL_TEMPLATE_ID_AR is set but HEARD_NOTIFY_EMAIL_TEMPLATE_ID is not",
        ),
        (
            {"HEARD_NOTIFY_SMS_TEMPLATE_IDS_AR": SMS_TEMPLATE_AR},
            "HEARD_NOTIFY_SMS_TEMPLATE_IDS_AR is not a Heard setting",
        ),
    ],
)
def test_language_template_settings_are_checked(
    tmp_path: object, values: dict[str, str], words: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ={**_base(tmp_path), **values}, env_file=None)
    assert words in str(caught.value)


def test_language_template_settings_load(tmp_path: object) -> None:
    loaded = load_settings(
        environ={
            **_base(tmp_path),
            "HEARD_NOTIFY_SMS_TEMPLATE_ID_AR": SMS_TEMPLATE_AR,
            "HEARD_NOTIFY_SMS_TEMPLATE_ID_PS": EMAIL_TEMPLATE_AR,
        },
        env_file=None,
    )
    assert loaded.notify_sms_templates_by_language == (
        ("ar", SMS_TEMPLATE_AR),
        ("ps", EMAIL_TEMPLATE_AR),
    )
    assert loaded.notify_email_templates_by_language == ()


# ------------------------------------------------------------------ heard doctor


def test_doctor_says_which_languages_have_their_own_template(
    notify: Settings, fake: FakeNotify
) -> None:
    from heard.doctor_command import check_notify

    found = {f.check: f for f in check_notify(replace(notify, notify_email_template_id=None))}
    assert found["GOV.UK Notify"].status == "ok"
    assert found["Notify languages"].status == "ok"
    assert found["Notify languages"].detail == (
        "texts: Arabic (ar) has its own template; Pashto (ps) gets the English one "
        "(HEARD_NOTIFY_SMS_TEMPLATE_ID_<CODE> adds one)"
    )
    english_only = replace(
        notify, notify_sms_templates_by_language=(), notify_email_templates_by_language=()
    )
    plain = {f.check: f for f in check_notify(english_only)}
    assert plain["Notify languages"].detail.startswith(
        "texts: no language has its own template; Arabic (ar), Pashto (ps) get the English one"
    )
    assert "emails: no language has its own template" in plain["Notify languages"].detail
