"""Texts through GOV.UK Notify for people on the web: the whole path, on SQLite and PostgreSQL.

A child finishes a web check-in, says yes to "a text when your next check-in is
ready" (with consent), and a month later the scheduler's reminder round sends them a
fresh single-use link through the fake Notify (the official client, real HTTP, JWT
checked). The link is a check-in whose answers are theirs; a second scheduler sends
nothing more; quiet hours wait; a 429 waits and is sent later; a send interrupted by a
crash is found again by its reference, not sent twice; the contact is sealed in the
database and never in a log.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fakes.notify_api import FakeNotify
from notify_support import (
    MOBILE,
    MOBILE_TYPED,
    NOON,
    OFFER_WORDS,
    a_scheduler,
    ask_for_texts,
    notify_app,
    plain_checkin,
    text_of,
    with_notify,
)
from sqlalchemy import func, select, text, update

from heard.settings import Settings
from heard.wiring import Database
from storage.db import transaction
from storage.invites import hash_token
from storage.models import (
    Answer,
    Invite,
    Respondent,
    SurveySession,
    WebContact,
    WebContactDelivery,
    utcnow,
)
from storage.web_contacts import ContactSealer, Due, claim_new, due_contacts, prepare_link
from surveys.people import People


@pytest.fixture
def fake() -> Iterator[FakeNotify]:
    server = FakeNotify().start()
    yield server
    server.stop()


@pytest.fixture
def notify(settings: Settings, database: Database, fake: FakeNotify) -> Settings:
    return with_notify(settings, database, fake)


def _issue(database: Database, survey_id: str = "checkin-8-11") -> str:
    from browser_support import issue_link

    return issue_link(database, survey_id)


def _signed_up(notify: Settings, database: Database, typed: str = MOBILE_TYPED) -> str:
    """A child's check-in, then yes to texts: their link's token."""
    app = notify_app(notify, database)
    client = app.test_client()
    token = _issue(database)
    thanks = plain_checkin(client, token)
    assert OFFER_WORDS in thanks
    kept = ask_for_texts(client, token, thanks, typed, consent=True)
    assert kept.status_code == 200
    assert "We'll let you know" in text_of(kept)
    return token


def _month_later(database: Database) -> None:
    """Make everyone's last answer 40 days before NOON (their gap is 30 days)."""
    with transaction(database.sessions) as session:
        session.execute(update(Respondent).values(last_active_at=NOON - timedelta(days=40)))


def _without_times(text: str) -> str:
    """The text without its timestamps, whose microseconds can hold "7700" by chance."""
    return re.sub(r"\d{2}:\d{2}:\d{2}(?:\.\d+)?", "", text)


def _token_in(body: str, base_url: str) -> str:
    link = next(word for word in body.split() if word.startswith(f"{base_url}/s/"))
    return link.removeprefix(f"{base_url}/s/")


def test_a_fresh_single_use_link_by_text_once_and_its_answers_count(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    first_token = _signed_up(notify, database)
    with transaction(database.sessions) as session:
        contact = session.scalars(select(WebContact)).one()
        person = session.get(Respondent, contact.respondent_id)
        assert person is not None and person.reminders_enabled
        assert contact.consent_how == "end_of_checkin" and contact.consent_wording
        assert contact.consent_at is not None and contact.kind == "sms"
        pseudonym = person.pseudonym
    # Sealed at rest: the raw column holds no part of the number.
    with database.engine.connect() as connection:
        raw = connection.scalar(text("SELECT contact_sealed FROM web_contacts"))
    assert raw and "7700" not in raw and "900123" not in raw
    assert ContactSealer(notify.pseudonym_key).open(raw).to == MOBILE

    # Not due yet: nothing is sent.
    scheduler = a_scheduler(notify, database)
    today = utcnow().replace(hour=12, minute=0)
    assert scheduler.run(today).sent == 0 and not fake.notifications

    _month_later(database)
    late = NOON.replace(hour=22, minute=30)  # 22:30 in London: quiet hours
    assert scheduler.run(late).quiet == 1 and not fake.notifications
    result = scheduler.run(NOON)
    assert result.sent == 1
    [message] = fake.to(MOBILE)
    assert message.type == "sms"
    assert "stop these texts" in message.body
    fresh = _token_in(message.body, notify.base_url)
    assert fresh != first_token
    assert f"{notify.base_url}/s/{fresh}/stop-messages" in message.body

    # Recorded: Notify's id and status, never the number, the link or the words.
    with transaction(database.sessions) as session:
        delivery = session.scalars(select(WebContactDelivery)).one()
        assert delivery.state == "sent" and delivery.notify_id == message.id
        assert delivery.notify_status == "created"
        invite = session.get(Invite, delivery.invite_id)
        assert invite is not None and invite.token_hash == hash_token(fresh)
        assert not invite.open_link and invite.first_used_at is None
    with database.engine.connect() as connection:
        row = " ".join(
            str(v) for v in connection.execute(text("SELECT * FROM web_contact_deliveries")).one()
        )
    row = _without_times(row)
    assert "7700" not in row and fresh not in row and "check-in" not in row

    # A second scheduler, now and later, sends nothing more for this round.
    assert a_scheduler(notify, database).run(NOON).sent == 0
    assert a_scheduler(notify, database).run(NOON + timedelta(hours=3)).sent == 0
    assert len(fake.notifications) == 1

    # Notify's status is fetched later and recorded.
    fake.set_status(message.id, "delivered")
    assert scheduler.run(NOON + timedelta(hours=4)).statuses == 1
    with transaction(database.sessions) as session:
        assert session.scalars(select(WebContactDelivery.notify_status)).one() == "delivered"

    # The link opens a check-in for the same person; their answers count.
    app = notify_app(notify, database)
    phone = app.test_client()
    thanks = plain_checkin(phone, fresh)
    assert "We'll send a link to" in thanks  # their contact is still kept: no offer again
    with transaction(database.sessions) as session:
        person_id = session.scalar(select(Respondent.id).where(Respondent.pseudonym == pseudonym))
        fresh_invite = session.scalar(select(Invite).where(Invite.token_hash == hash_token(fresh)))
        assert fresh_invite is not None and fresh_invite.respondent_id == person_id
        completed = session.scalar(
            select(func.count(SurveySession.id))
            .where(SurveySession.respondent_id == person_id)
            .where(SurveySession.state == "completed")
        )
        assert completed == 2
        answered = session.scalar(
            select(func.count(Answer.id))
            .join(SurveySession, SurveySession.id == Answer.session_id)
            .where(SurveySession.invite_id == fresh_invite.id)
        )
        assert answered and answered > 3
    # Answering started a new stretch: nothing until their gap has passed, then one more.
    assert scheduler.run((utcnow() + timedelta(days=1)).replace(hour=12)).sent == 0
    assert scheduler.run((utcnow() + timedelta(days=31)).replace(hour=12)).sent == 1
    assert len(fake.to(MOBILE)) == 2
    # Their data, as they or a subject access request see it: the contact, never its number.
    exported = People(database.sessions, notify.pseudonym_key).export(pseudonym)
    assert exported is not None
    held = exported["texts_and_emails"]
    assert held["kind"] == "text messages" and held["how"] == "end of checkin"
    assert held["messages_sent"] == 2 and held["agreed"]
    held_text = _without_times(str(exported))
    assert "7700" not in held_text and "900123" not in held_text


def test_two_schedulers_at_once_send_one_text(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    _signed_up(notify, database)
    _month_later(database)
    results = []
    start = threading.Barrier(2)

    def run() -> None:
        scheduler = a_scheduler(notify, database)
        start.wait()
        results.append(scheduler.run(NOON))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.sent for r in results) == [0, 1]
    assert len(fake.to(MOBILE)) == 1


def test_a_429_waits_and_is_sent_later_not_lost(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    _signed_up(notify, database)
    _month_later(database)
    fake.rate_limit_next = 2
    scheduler = a_scheduler(notify, database)
    assert scheduler.run(NOON).rate_limited == 1
    assert not fake.notifications
    with transaction(database.sessions) as session:
        delivery = session.scalars(select(WebContactDelivery)).one()
        assert delivery.state == "retry" and delivery.invite_id is None
        assert delivery.next_attempt_at == NOON + timedelta(minutes=1)
        # The link it would have carried was never sent, so it is gone.
        carried = select(func.count(Invite.id)).where(Invite.batch == "notify-reminders")
        assert session.scalar(carried) == 0
    assert scheduler.run(NOON + timedelta(seconds=30)).sent == 0  # still backing off
    second = scheduler.run(NOON + timedelta(minutes=1))
    assert second.rate_limited == 1  # Notify's daily limit, say: longer wait
    with transaction(database.sessions) as session:
        waiting = session.scalars(select(WebContactDelivery)).one()
        assert waiting.next_attempt_at == NOON + timedelta(minutes=3)
    assert scheduler.run(NOON + timedelta(minutes=3)).sent == 1
    assert len(fake.to(MOBILE)) == 1
    assert a_scheduler(notify, database).run(NOON + timedelta(minutes=10)).sent == 0
    assert len(fake.notifications) == 1


def test_a_send_cut_off_by_a_crash_is_found_by_its_reference_not_sent_twice(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    _signed_up(notify, database)
    _month_later(database)
    scheduler = a_scheduler(notify, database)
    [due] = _due(database)
    # A scheduler claims, makes the link and Notify takes the text; then the process dies.
    with transaction(database.sessions) as session:
        claimed = claim_new(session, due.contact_id, due.round_key, NOON, timedelta(minutes=10))
        assert claimed is not None
        contact_row, token = prepare_link(session, claimed, NOON)
        reference = str(claimed.reference)
        contact = ContactSealer(notify.pseudonym_key).open(contact_row.contact_sealed)
    scheduler.sender.send(contact, f"{notify.base_url}/s/{token}", "stop", reference)
    assert len(fake.notifications) == 1
    # Before the claim lapses nobody touches it; after, Notify is asked and it is recorded.
    assert scheduler.run(NOON + timedelta(minutes=5)).sent == 0
    recovered = a_scheduler(notify, database).run(NOON + timedelta(minutes=11))
    assert recovered.recovered == 1 and recovered.sent == 0
    assert len(fake.notifications) == 1
    with transaction(database.sessions) as session:
        delivery = session.scalars(select(WebContactDelivery)).one()
        assert delivery.state == "sent" and delivery.notify_id == fake.notifications[0].id


def _due(database: Database) -> list[Due]:
    with transaction(database.sessions) as session:
        return due_contacts(session, NOON)


def test_the_contact_never_reaches_a_log(
    notify: Settings,
    database: Database,
    fake: FakeNotify,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    email = "sam.fictional@example.org"
    _signed_up(notify, database, typed=email)
    _month_later(database)
    fake.rate_limit_next = 1
    scheduler = a_scheduler(notify, database)
    scheduler.run(NOON)
    scheduler.run(NOON + timedelta(minutes=2))
    [message] = fake.to(email)
    fake.set_status(message.id, "delivered")
    scheduler.run(NOON + timedelta(hours=1))
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert "429" in logged  # the client's warning is there, as a status code only
    for secret in (email, "sam.fictional", _token_in(message.body, notify.base_url)):
        assert secret not in logged


def test_stop_link_and_my_data_remove_the_contact(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    token = _signed_up(notify, database)
    _month_later(database)
    a_scheduler(notify, database).run(NOON)
    [message] = fake.to(MOBILE)
    fresh = _token_in(message.body, notify.base_url)
    app = notify_app(notify, database)
    anyone = app.test_client()
    page = anyone.get(f"/s/{fresh}/stop-messages")
    assert "Stop messages from Heard?" in text_of(page)
    with transaction(database.sessions) as session:  # opening it changed nothing
        assert session.scalar(select(func.count(WebContact.id))) == 1
    from browser_support import csrf_token

    done = anyone.post(f"/s/{fresh}/stop-messages", data={"csrf_token": csrf_token(text_of(page))})
    assert "We won't send you any more texts or emails" in text_of(done)
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(WebContact.id))) == 0
        person = session.scalars(select(Respondent)).one()
        assert not person.reminders_enabled and person.opted_out
    assert a_scheduler(notify, database).run(NOON + timedelta(days=40)).sent == 0
    assert token  # the first link is untouched by stopping


def test_my_data_page_shows_and_removes_the_contact(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    app = notify_app(notify, database)
    client = app.test_client()
    token = _issue(database)
    thanks = plain_checkin(client, token)
    ask_for_texts(client, token, thanks, "sam@example.org", consent=True)
    mine = text_of(client.get(f"/s/{token}/my-data"))
    assert 'We\'ll send a link to <bdi dir="ltr">s•••@example.org</bdi>' in mine
    from browser_support import csrf_token

    stopped = client.post(f"/s/{token}/messages/remove", data={"csrf_token": csrf_token(mine)})
    assert "No more messages" in text_of(stopped)
    assert OFFER_WORDS in text_of(client.get(f"/s/{token}/my-data"))
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(WebContact.id))) == 0


def test_deleting_my_answers_erases_the_contact_deliveries_and_unused_links(
    notify: Settings, database: Database, fake: FakeNotify
) -> None:
    from privacy_support import web_delete_my_data

    app = notify_app(notify, database)
    client = app.test_client()
    token = _issue(database)
    thanks = plain_checkin(client, token)
    ask_for_texts(client, token, thanks, MOBILE_TYPED, consent=True)
    with transaction(database.sessions) as session:
        session.execute(update(Respondent).values(last_active_at=NOON - timedelta(days=40)))
    a_scheduler(notify, database).run(NOON)
    [message] = fake.to(MOBILE)
    fresh = _token_in(message.body, notify.base_url)
    assert "have been deleted" in web_delete_my_data(client, f"/s/{token}")
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(WebContact.id))) == 0
        assert session.scalar(select(func.count(WebContactDelivery.id))) == 0
        unused = select(Invite.id).where(Invite.token_hash == hash_token(fresh))
        assert session.scalar(unused) is None
    assert app.test_client().get(f"/s/{fresh}").status_code == 404  # the text's link opens nothing
