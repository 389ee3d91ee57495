"""How a contact gets in: `heard invite --mobile/--email --child-agreed` (a worker, with the
child's consent), and the kindly worded offer at the end of a web check-in; each checked
with kind words that keep what was typed. And HEARD_NOTIFY_* settings, checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from browser_support import csrf_token
from fakes.notify_api import API_KEY, SMS_TEMPLATE, FakeNotify
from notify_support import (
    INVITE,
    MOBILE,
    MOBILE_TYPED,
    NOON,
    OFFER_WORDS,
    a_scheduler,
    ask_for_texts,
    cli_env,
    notify_app,
    plain_checkin,
    text_of,
    with_notify,
)
from privacy_support import web_app
from sqlalchemy import func, select, update

from heard.cli import main
from heard.settings import Settings, SettingsError, load_settings
from heard.wiring import Database
from storage.db import transaction
from storage.models import Respondent, WebContact, WebContactDelivery, utcnow
from storage.reminders import is_quiet


@pytest.fixture
def fake() -> Iterator[FakeNotify]:
    server = FakeNotify().start()
    yield server
    server.stop()


@pytest.fixture
def notify(settings: Settings, database: Database, fake: FakeNotify) -> Settings:
    return with_notify(settings, database, fake)


def test_a_worker_texts_a_child_their_first_link_and_it_becomes_theirs(
    notify: Settings,
    database: Database,
    fake: FakeNotify,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli_env(monkeypatch, notify, fake)
    assert main([*INVITE, "--mobile", MOBILE_TYPED, "--child-agreed"]) == 0
    out = capsys.readouterr()
    assert "900123" not in out.out + out.err  # masked: only the last four digits
    assert "0123" in out.out
    if is_quiet(utcnow(), notify.timezone, "21:00", "08:00"):
        assert "will be sent by the scheduler" in out.out and not fake.notifications
        tomorrow_noon = (utcnow() + timedelta(days=1)).replace(hour=12, minute=0)
        assert a_scheduler(notify, database).run(tomorrow_noon).sent == 1
    else:
        assert "Sent a single-use checkin-8-11 link" in out.out
    [message] = fake.to(MOBILE)
    assert "/s/" not in out.out  # the link went to the child only
    token = next(w for w in message.body.split() if "/s/" in w and "stop" not in w).split("/s/")[1]
    with transaction(database.sessions) as session:
        contact = session.scalars(select(WebContact)).one()
        assert contact.consent_how == "worker_invite" and contact.respondent_id is None
        assert session.scalars(select(WebContactDelivery.round_key)).one() == "first"

    # The child answers on their phone: the contact is now theirs, and so are later links.
    app = notify_app(notify, database)
    phone = app.test_client()
    thanks = plain_checkin(phone, token)
    assert 'We\'ll send a link to <bdi dir="ltr">07••• ••0123</bdi>' in thanks
    with transaction(database.sessions) as session:
        person = session.scalars(select(Respondent)).one()
        assert session.scalars(select(WebContact.respondent_id)).one() == person.id
        assert person.reminders_enabled
        session.execute(update(Respondent).values(last_active_at=NOON - timedelta(days=40)))
    assert a_scheduler(notify, database).run(NOON).sent == 1
    assert len(fake.to(MOBILE)) == 2


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--mobile", MOBILE_TYPED], "ask the child first"),
        (
            ["--mobile", "07700 9001", "--child-agreed"],
            "has 9 digits, but a UK mobile number has 11",
        ),
        (["--mobile", "+33 6 12 34 56 78", "--child-agreed"], "only send texts to UK mobile"),
        (["--email", "sam at example", "--child-agreed"], "doesn't look like an email address"),
        (["--mobile", MOBILE_TYPED, "--email", "a@b.org", "--child-agreed"], "not both"),
        (["--mobile", MOBILE_TYPED, "--child-agreed", "--count", "3"], "one single-use link"),
    ],
)
def test_heard_invite_refuses_kindly(
    notify: Settings,
    fake: FakeNotify,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    words: str,
) -> None:
    cli_env(monkeypatch, notify, fake)
    assert main([*INVITE, *extra]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not fake.notifications


def test_heard_invite_needs_notify_set_up(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_env(monkeypatch, settings, None)
    assert main([*INVITE, "--mobile", MOBILE_TYPED, "--child-agreed"]) == 2
    assert "needs GOV.UK Notify" in capsys.readouterr().err


def test_the_offer_keeps_what_was_typed_and_says_kindly_what_is_wrong(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    from browser_support import issue_link

    app = notify_app(notify, database)
    client = app.test_client()
    token = issue_link(database, "checkin-8-11")
    thanks = plain_checkin(client, token)
    assert OFFER_WORDS in thanks and "how to stop" in thanks
    wrong = ask_for_texts(client, token, thanks, "07700 90012x", consent=True)
    page = text_of(wrong)
    assert wrong.status_code == 200
    assert "only has numbers in it" in page and 'value="07700 90012x"' in page
    unticked = text_of(ask_for_texts(client, token, page, MOBILE_TYPED, consent=False))
    assert "tick the box" in unticked and f'value="{MOBILE_TYPED}"' in unticked
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(WebContact.id))) == 0
    kept = text_of(ask_for_texts(client, token, unticked, "Sam@Example.org ", consent=True))
    assert "When your next check-in is ready, we'll send a link to S•••@Example.org" in kept
    with transaction(database.sessions) as session:
        assert session.scalars(select(WebContact.kind)).one() == "email"


def test_no_offer_without_notify_and_none_for_another_device(
    settings: Settings, notify: Settings, database: Database
) -> None:
    from browser_support import issue_link

    plain = web_app(database, settings).test_client()
    token = issue_link(database, "checkin-8-11")
    assert OFFER_WORDS not in plain_checkin(plain, token)
    refused = plain.post(
        f"/s/{token}/messages", data={"csrf_token": "x", "contact": MOBILE_TYPED, "consent": "yes"}
    )
    assert refused.status_code in (400, 403)

    app = notify_app(notify, database)
    token = issue_link(database, "checkin-8-11")
    thanks = plain_checkin(app.test_client(), token)
    other = app.test_client()
    other.get(f"/s/{token}")
    stranger = other.post(
        f"/s/{token}/messages",
        data={"csrf_token": csrf_token(thanks), "contact": MOBILE_TYPED, "consent": "yes"},
    )
    assert stranger.status_code in (400, 403)
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(WebContact.id))) == 0


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"HEARD_NOTIFY_API_KEY": "not-a-key"}, "is not a GOV.UK Notify API key"),
        ({"HEARD_NOTIFY_API_KEY": API_KEY}, "no template is"),
        ({"HEARD_NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE}, "HEARD_NOTIFY_API_KEY is not"),
        (
            {"HEARD_NOTIFY_API_KEY": API_KEY, "HEARD_NOTIFY_SMS_TEMPLATE_ID": "sms-one"},
            "is not a Notify template ID",
        ),
        (
            {
                "HEARD_NOTIFY_API_KEY": API_KEY,
                "HEARD_NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
                "HEARD_NOTIFY_BASE_URL": "api.example",
            },
            "HEARD_NOTIFY_BASE_URL must start with https://",
        ),
    ],
)
def test_notify_settings_are_checked(tmp_path: object, values: dict[str, str], words: str) -> None:
    environ = {"HEARD_DATA_DIR": str(tmp_path), **values}
    with pytest.raises(SettingsError, match=words) as caught:
        load_settings(environ=environ, env_file=None)
    assert "3d844edf" not in str(caught.value)  # the key's secret is never echoed


def test_notify_settings_load(tmp_path: object) -> None:
    environ = {
        "HEARD_DATA_DIR": str(tmp_path),
        "HEARD_NOTIFY_API_KEY": API_KEY,
        "HEARD_NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
    }
    loaded = load_settings(environ=environ, env_file=None)
    assert loaded.notify_enabled and loaded.notify_email_template_id is None
    assert loaded.notify_base_url == "https://api.notifications.service.gov.uk"
    assert API_KEY not in repr(loaded)


def test_the_scheduler_runs_the_round_only_when_notify_is_set_up(
    settings: Settings, notify: Settings
) -> None:
    from heard.scheduling import job_specs

    assert "web-reminders" not in {spec.id for spec in job_specs(settings)}
    [spec] = [spec for spec in job_specs(notify) if spec.id == "web-reminders"]
    assert spec.func == "heard.jobs:send_web_reminders"


def test_notify_refusing_a_number_says_why_without_it(
    fake: FakeNotify, caplog: pytest.LogCaptureFixture
) -> None:
    from notices.notify import NotifySender, NotifyTemplates, Rejected
    from storage.web_contacts import Contact

    sender = NotifySender(API_KEY, NotifyTemplates(SMS_TEMPLATE, None), base_url=fake.base_url)
    assert sender.kinds == ("sms",)
    with pytest.raises(Rejected) as refused:
        sender.send(Contact("sms", "+441632960001"), "http://x/s/t", "http://x/stop", "ref-1")
    assert str(refused.value) == "400 ValidationError"
    assert "1632960001" not in caplog.text
    with pytest.raises(Rejected):  # no email template: never sent
        sender.send(Contact("email", "a@example.org"), "l", "s", "ref-2")
    wrong_key = API_KEY[:-4] + "0000"
    with pytest.raises(Rejected, match="403 AuthError"):
        NotifySender(wrong_key, NotifyTemplates(SMS_TEMPLATE, None), base_url=fake.base_url).send(
            Contact("sms", MOBILE), "l", "s", "ref-3"
        )
    assert not fake.notifications


def test_the_scheduled_job_sends_from_the_environment_settings(
    notify: Settings,
    database: Database,
    fake: FakeNotify,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from heard.jobs import send_web_reminders
    from notices.web_reminders import RoundResult

    app = notify_app(notify, database)
    client = app.test_client()
    from browser_support import issue_link

    token = issue_link(database, "checkin-8-11")
    ask_for_texts(client, token, plain_checkin(client, token), MOBILE_TYPED, consent=True)
    with transaction(database.sessions) as session:
        session.execute(update(Respondent).values(last_active_at=utcnow() - timedelta(days=40)))
    cli_env(monkeypatch, notify, fake)
    result = send_web_reminders(str(notify.data_dir))
    assert isinstance(result, RoundResult)
    if is_quiet(utcnow(), notify.timezone, "21:00", "08:00"):
        assert result.quiet == 1 and not fake.notifications
    else:
        assert result.sent == 1 and len(fake.to(MOBILE)) == 1


def test_a_first_link_asked_for_late_at_night_waits_for_the_morning(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    from notify_support import desk_for

    from storage.web_contacts import Contact

    desk = desk_for(notify, database)
    late = NOON.replace(hour=22, minute=15)  # 22:15 in London in February
    outcome = desk.first_link(
        Contact("sms", MOBILE),
        survey_id="checkin-8-11",
        cohort="child_in_care",
        age_band="8-11",
        now=late,
    )
    assert outcome.waiting and not outcome.sent and not fake.notifications
    scheduler = a_scheduler(notify, database)
    assert scheduler.run(late + timedelta(hours=2)).quiet == 1  # 00:15: still quiet
    assert scheduler.run(late + timedelta(hours=9, minutes=50)).sent == 1  # 08:05
    assert len(fake.to(MOBILE)) == 1
    assert a_scheduler(notify, database).run(late + timedelta(hours=10)).sent == 0
