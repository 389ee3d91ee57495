"""Both ways a young person reopens an actioned or closed alert, a late "yes, please" to
someone getting in touch and a reply to the lead who messaged them, write their history
lines in the council's own time with the zone named, as the staff pages write theirs:
in summer (BST, UTC+1) and in winter (GMT), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.addresses import AddressBook
from bot.services import BotServices
from heard.wiring import Database
from storage import alerts as alerts_module
from storage import models
from storage.alert_history import entries, written_by
from storage.alerts import lead_messaged, raise_alert, set_alert_status
from storage.db import transaction
from surveys.contact import RECORDED, ContactDesk
from surveys.people import People
from webforms.public.services import build_public_services
from webforms.staff.alerts import history_rows

LONDON = "Europe/London"
KEY = b"reopen-local-time-key-0123456789abcdef"
ASKED = "new: reopened because they asked for someone to get in touch after it was closed"
REPLIED = "new: reopened because they replied after it was closed"


def _closed_alert(session: Session, pseudonym: str, when: datetime) -> models.SafeguardingAlert:
    alert = raise_alert(
        session,
        pseudonym=pseudonym,
        text="i dont feel safe at home",
        category="unsafe_home",
        level="concern",
        channel="telegram",
        cohort="child_in_care",
        age_band="11-17",
        when=when - timedelta(days=1),
    )
    set_alert_status(session, alert, "closed", by="lead@council", when=when - timedelta(hours=2))
    return alert


def _note(database: Database, alert_id: int) -> str:
    with transaction(database.sessions) as session:
        row = session.get(models.SafeguardingAlert, alert_id)
        assert row is not None and row.status == "new"
        return row.note or ""


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        (datetime(2026, 7, 2, 14, 5, tzinfo=UTC), "02 Jul 2026, 15:05 BST"),
        (datetime(2026, 12, 2, 14, 5, tzinfo=UTC), "02 Dec 2026, 14:05 GMT"),
    ],
    ids=["summer", "winter"],
)
def test_both_reopenings_are_written_in_the_councils_time(
    database: Database, monkeypatch: pytest.MonkeyPatch, now: datetime, shown: str
) -> None:
    monkeypatch.setattr(alerts_module, "utcnow", lambda: now)
    people = People(database.sessions, KEY)
    bot = BotServices(
        database.sessions,
        people,
        AddressBook(KEY),
        contact=ContactDesk(database.sessions, KEY, timezone=LONDON),  # as bot/app.py builds it
    )
    web_desk = build_public_services(database.sessions, KEY, with_offer=False, timezone=LONDON)[
        "contact_desk"
    ]
    assert isinstance(web_desk, ContactDesk)
    child = bot.pseudonym(7001)
    with transaction(database.sessions) as session:
        in_telegram, on_the_web, replied_to = (_closed_alert(session, child, now) for _ in range(3))
        lead_messaged(session, replied_to, when=now - timedelta(hours=1))
        ids = in_telegram.id, on_the_web.id, replied_to.id

    # A late "yes, please": in Telegram (its button) and on the web (the form).
    answered = bot.answer_contact(
        child, ids[0], wanted=True, chat_id=7001, key=("telegram", "reopen-1")
    )
    assert answered == RECORDED
    assert web_desk.answer(ids[1], pseudonym=child, wanted=True)
    # Their reply to the lead, in Telegram (bot/typed_messages.py passes the bot's zone).
    assert bot.reply_to_lead(child, "ok thx", ("telegram", "reopen-2"), timezone=LONDON) == ids[2]

    for alert_id in ids[:2]:
        assert _note(database, alert_id).split("\n")[-1] == f"{shown} · Heard · {ASKED}"
    replied = _note(database, ids[2]).split("\n")
    assert replied[-2:] == [
        f"{shown} · the young person · reply from the young person: \u201cok thx\u201d",
        f"{shown} · Heard · {REPLIED}",
    ]
    # The staff page's history shows the same time for each, as its "Reopened" line does
    # (staff_time: the council's time), and retention dates each line to the minute.
    for alert_id in ids:
        note = _note(database, alert_id)
        assert history_rows(note)[-1].when == shown
        assert written_by(entries(note)[-1], LONDON) == now + timedelta(minutes=1)
