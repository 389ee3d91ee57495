"""/mydata as a message a young person can read: who they are, their reminders, then each
check-in with its date and each question with the words of their answer.

The JSON export follows as a file for anyone who wants it; this is the part people read.
The question and answer words come from surveys.readable, as on the web's "my answers".
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.texts import FREQUENCIES, Texts
from surveys.definition import Survey
from surveys.readable import readable_check_ins


def _date(value: str | None, timezone: str) -> str:
    """'2026-01-15T12:00:00+00:00' -> '15 January 2026', in the council's time zone."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(zoneinfo.ZoneInfo(timezone))
    return f"{moment.day} {moment:%B %Y}"


def reminder_words(texts: Texts, on: bool, every_days: int) -> str:
    """'off', 'every month', 'every 10 days'."""
    if not on:
        return texts.frequency_now["none"]
    named = {days: key for key, days in FREQUENCIES.items() if days}
    key = named.get(every_days)
    return (
        texts.frequencies[key].lower()
        if key
        else texts.frequency_now["every"].format(days=every_days)
    )


def _about(texts: Texts, about: Mapping[str, Any]) -> list[str]:
    who = texts.cohort_labels.get(about.get("who") or "", texts.mydata_unknown)
    age = texts.age_labels.get(about.get("age_band") or "", texts.mydata_unknown)
    reminders = about.get("reminders") or {}
    start, _, end = str(reminders.get("quiet_hours") or "-").partition("-")
    quoted = texts.mydata_yes if about.get("happy_to_be_quoted") else texts.mydata_no
    return [
        texts.mydata_who.format(who=who[:1].lower() + who[1:], age=age),
        texts.mydata_quote.format(answer=quoted),
        texts.mydata_reminders.format(
            frequency=reminder_words(
                texts, bool(reminders.get("on")), int(reminders.get("every_days") or 0)
            ),
            quiet_start=start,
            quiet_end=end,
        ),
    ]


def readable_my_data(
    data: Mapping[str, Any], texts: Texts, catalogue: Mapping[str, Survey], timezone: str
) -> str:
    """Everything in the export that is about the person, in sentences; blank lines between
    parts so a long one splits cleanly across messages."""
    parts = [texts.mydata_title, "\n".join(_about(texts, data.get("about_you") or {}))]
    for check_in in readable_check_ins(data, catalogue):
        heading = texts.mydata_checkin.format(
            title=check_in.title,
            date=_date(check_in.started, timezone),
            state=texts.mydata_states.get(check_in.state, check_in.state),
        )
        lines = [f"• {question}\n  {answer}" for question, answer in check_in.rows]
        parts.append("\n".join([heading, *(lines or [texts.mydata_no_answers])]))
    questions = data.get("offer_questions") or []
    if questions:
        asked = [f'• "{q["text"]}" ({_date(q.get("when"), timezone)})' for q in questions]
        parts.append("\n".join([texts.mydata_offer_questions, *asked]))
    if data.get("safeguarding_records_kept"):
        parts.append(texts.mydata_safeguarding)
    return "\n\n".join(parts)
