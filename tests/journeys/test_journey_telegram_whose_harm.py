"""Journey: whose harm it is decides who is told. Jordan, 18, a care leaver, is in the
middle of a check-in and types, as a teenager would, a question about Staying Put with
the harm from a boyfriend run on after it; Casey, 16, in care, says their foster carer and
her husband hit them.

Harm is pinned on the nearest person named (lexicon 2026.12-13): Jordan's is domestic
abuse, for the safeguarding lead, not an allegation about a carer for the LADO; Casey's is
an allegation about a carer, for the LADO. Each step asserts the words the young person
sees, the alert stored, and, after the scheduler's sweep, whose inbox the email reached
(without the young person's words). The real bot Application talks to a fake Telegram
server; the email goes through a real SMTP server on loopback (aiosmtpd) by the council's
alert routes file; the database is real, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from alert_support import LEAD, SENDER, SmtpServer, smtp_server
from fakes.telegram_api import FakeTelegram, heard_bot
from sqlalchemy import select
from test_alert_email import BASE
from test_alert_routes import LADO

from heard.wiring import Database
from notices.email import EmailSender, SmtpRelay
from notices.routes import compile_routes
from notices.sweep import Outbox, SweepResult, sweep
from storage import models
from storage.db import transaction
from surveys.definition import load_catalogue

JORDAN, CASEY = 5573301, 5573302
TOTAL = len(load_catalogue()["checkin-care-leaver"].questions)  # every question it can ask
JORDANS_WORDS = "can i stay with my foster carers after 18 my boyfriend hits me"
CASEYS_WORDS = "my foster carer and her husband hit me"
TELLING_PARTS = ("boyfriend", "husband", "after 18", "hit me", "hits me")
# The council's routes: allegations about a carer to the LADO, everything else to the lead.
ROUTES = f"""\
version: 1
routes:
  safeguarding_lead:
    name: Safeguarding lead
    email: {LEAD}
  lado:
    name: LADO
    email: {LADO}
rules:
  - category: allegation_about_carer
    route: lado
default_route: safeguarding_lead
"""


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def mail() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def council_outbox(tmp_path: Path, mail: SmtpServer) -> Outbox:
    """What `heard scheduler` sends with: the council's routes file, email by the relay."""
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES, encoding="utf-8")
    sender = EmailSender(SmtpRelay.parse(mail.url()), SENDER, timeout=5)
    return Outbox(compile_routes(routes), (sender,), base_url=BASE)


def stored_alerts(database: Database) -> list[tuple[str, str, str, str | None, str | None]]:
    """Every alert: its category, level, channel, cohort and the route the sweep chose."""
    with transaction(database.sessions) as session:
        rows = session.scalars(
            select(models.SafeguardingAlert).order_by(models.SafeguardingAlert.id)
        ).all()
        return [(r.category, r.level, r.channel, r.cohort, r.route) for r in rows]


async def the_sweep_runs(database: Database, outbox: Outbox) -> SweepResult:
    """The scheduler's sweep (every 15 seconds in `heard scheduler`), once."""
    return await asyncio.to_thread(sweep, database.sessions, outbox)


def test_harm_from_a_boyfriend_goes_to_the_lead_and_from_carers_to_the_lado(
    database: Database, fake: FakeTelegram, mail: SmtpServer, tmp_path: Path
) -> None:
    outbox = council_outbox(tmp_path, mail)

    async def journey() -> None:
        async with heard_bot(database, fake) as bot:
            # 1. Jordan, a care leaver, starts a check-in and says they still live with
            #    their foster family.
            await bot.join(JORDAN, who="A care leaver", age=None)
            await bot.consent(JORDAN)
            second = await bot.press(JORDAN, "Still with my foster family (Staying Put)")
            assert second["text"].startswith(f"Question 2 of {TOTAL}\n")

            # 2. Mid-conversation, they ask about staying on and say their boyfriend hits
            #    them. Help now, in words for an adult care leaver; no local-offer answer
            #    about Staying Put beside it; then the check-in, paused.
            said = await bot.chat(JORDAN, JORDANS_WORDS)
            help_now = said[0]["text"]
            assert help_now.startswith("Thank you for telling Heard. You have done the right")
            assert "If you are in danger right now, call 999." in help_now
            assert "Childline (for under 19s): call 0800 1111." in help_now
            assert "whose job is keeping children and young people safe will be told" in help_now
            assert "You can also tell your personal adviser (PA)" in help_now
            assert not any("Staying Put" in m["text"] for m in said)
            assert said[1]["text"].startswith("Would you like someone from the council to get")
            assert said[-1]["text"] == "Would you like to carry on with the questions?"
            back = await bot.tap(JORDAN, "Carry on")
            assert back[-1]["text"] == second["text"]  # the same question, still to answer

            # 3. One alert: domestic abuse, urgent. Not an allegation about a carer.
            assert stored_alerts(database) == [
                ("domestic_abuse", "urgent", "telegram", "care_leaver", None)
            ]

            # 4. The sweep emails the safeguarding lead, and not the LADO.
            assert (await the_sweep_runs(database, outbox)).notices == 1
            [to_lead] = mail.mailbox.messages()
            assert to_lead.rcpt_tos == [LEAD] and mail.mailbox.to(LADO) == []
            assert to_lead.subject == f"Heard: urgent safeguarding alert {to_lead.alert_id}"
            assert "Route:   Safeguarding lead" in to_lead.body
            assert "About:   Domestic abuse" in to_lead.body
            assert f"{BASE}/staff/alerts/{to_lead.alert_id}" in to_lead.body

            # 5. Casey, 16, in care, not in a check-in, says their foster carer and her
            #    husband hit them: the same help, and an allegation about a carer.
            await bot.chat(CASEY, "/start")
            await bot.press(CASEY, "A child or young person in care")
            await bot.press(CASEY, "16 or 17")
            later = await bot.tap(CASEY, "Not now")
            assert later[-1]["text"].startswith("OK. Type /checkin whenever you're ready")
            said = await bot.chat(CASEY, CASEYS_WORDS)
            assert said[0]["text"].startswith("Thank you for telling Heard.")
            assert "If you are in danger right now, call 999." in said[0]["text"]
            assert stored_alerts(database)[1:] == [
                ("allegation_about_carer", "urgent", "telegram", "child_in_care", None)
            ]

            # 6. The next sweep emails the LADO, and the lead gets nothing more.
            assert (await the_sweep_runs(database, outbox)).notices == 1
            [to_lado] = mail.mailbox.to(LADO)
            assert to_lado.rcpt_tos == [LADO] and len(mail.mailbox.to(LEAD)) == 1
            assert "Route:   LADO" in to_lado.body
            assert "About:   Allegation about a carer" in to_lado.body

    asyncio.run(journey())
    assert [(category, route) for category, *_, route in stored_alerts(database)] == [
        ("domestic_abuse", "safeguarding_lead"),
        ("allegation_about_carer", "lado"),
    ]
    # Neither email carries the young person's words, nor a telling part of them.
    for message in mail.mailbox.messages():
        said = f"{message.subject}\n{message.body}\n{message.message.as_string()}".lower()
        for words in (JORDANS_WORDS, CASEYS_WORDS, *TELLING_PARTS):
            assert words not in said, words
