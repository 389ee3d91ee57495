"""Messaging a person in Telegram from their alert page.

A person who told Heard in Telegram that they may not be safe, and said "Yes, please"
to someone getting in touch, has their chat sealed on the alert. The safeguarding role
can write to them there: the words are checked (notices.child_message.check_message),
sent as the bot by the wiring's `child_messenger` (no bot token: none, and the page
says so), and only once Telegram has taken them recorded in the alert's history, with
who and when, and in the audit log. A send that fails is audited as not sent, nothing
goes into the history, and the lead is told kindly with their words still in the box.
Each box shown carries a one-time value, claimed (storage.updates) before sending, so
Send pressed twice sends once. For REPLY_WINDOW after the lead's last message, what
they type back in Telegram is added to this history as their reply (bot.typed_messages),
and the alert's route is told again.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from flask import abort, flash, redirect, url_for
from sqlalchemy.orm import Session

from notices.child_message import ChildMessenger, SendFailed, check_message
from storage.alert_queue import alerts_from_same_person, get_alert
from storage.alerts import REPLY_WINDOW, add_history, lead_messaged
from storage.audit import audit
from storage.db import transaction
from storage.models import SafeguardingAlert
from storage.updates import first_delivery
from webforms.staff.alerts import _contact_view, _history_line, _render_detail, _status_form
from webforms.staff.blueprint import actor, services, sessions, staff
from webforms.staff.forms import AlertMessageForm
from webforms.staff.roles import roles_required

log = logging.getLogger("heard.web")
ACTION = "messaged them in Telegram"
NOT_ASKED = (
    "They have not asked in Telegram for someone to get in touch, so there is no chat "
    "to message. Nothing was sent."
)
GONE = (
    "Their details were removed after the retention period, so there is no chat to "
    "message. Nothing was sent."
)
NOT_SET_UP = "Telegram is not set up on this installation, so nothing was sent."
SENT = (
    "Your message was sent to their Heard chat in Telegram. If they reply in the next "
    f"{REPLY_WINDOW.days} days, their reply will appear in the history below and you "
    "will be told."
)
REFUSED = (
    "Telegram would not deliver it: they may have blocked Heard or deleted the chat. "
    "Nothing was sent. Your message is still below; you may need to reach them another "
    "way, for example through their worker."
)
TWICE = (
    "Send was pressed twice, so your message went only once: the history below says "
    "whether Telegram took it."
)
PRESS_AGAIN = "This page was out of date, so nothing was sent. Please press Send again."
NO_ANSWER = (
    "The message could not be sent because Telegram did not answer. Nothing was sent. "
    "Your message is still below, so you can try again in a minute."
)


ONCE_CHANNEL = "alert_message"  # processed_updates: each shown box's Send goes once
_ONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def telegram_chat(alert: SafeguardingAlert) -> int | None:
    """Their Heard chat, if they asked for someone to get in touch and it can be opened."""
    contact = _contact_view(alert)
    if contact is None or not contact.wanted or contact.details is None:
        return None
    return contact.details.telegram_chat


def _gone(alert: SafeguardingAlert) -> bool:
    """They asked for someone to get in touch, and retention has since removed how."""
    return bool(alert.contact_wanted) and alert.contact_sealed is None


def messenger() -> ChildMessenger | None:
    found = services().get("child_messenger")
    return found if isinstance(found, ChildMessenger) else None


def _again(db: Session, alert: SafeguardingAlert, form: AlertMessageForm) -> str:
    """The alert page again with what they typed and what to put right (it shows the
    child's words, so this look is audited as the page's own is)."""
    audit(db, actor(), "alert.view", f"alert:{alert.id}", status=alert.status)
    others = alerts_from_same_person(db, alert)
    return _render_detail(db, alert, others, _status_form(alert), message_form=form)


def _page(alert_id: int) -> Any:
    """Back to the top of the alert page, where the flash that says what happened is."""
    return redirect(url_for("staff.alert_detail", alert_id=alert_id))


@staff.post("/alerts/<int:alert_id>/message")
@roles_required("safeguarding")
def alert_message(alert_id: int) -> Any:
    form = AlertMessageForm()
    sender = messenger()
    with transaction(sessions()) as db:
        alert = get_alert(db, alert_id)
        if alert is None:
            abort(404)
        chat = telegram_chat(alert)
        if chat is None or sender is None:
            why = NOT_SET_UP if chat is not None else GONE if _gone(alert) else NOT_ASKED
            flash(why, "error")
            return _page(alert_id)
        checked = check_message(form.message.data)
        once = form.once.data or ""
        if not checked.problem and not _ONCE.fullmatch(once):
            checked = replace(checked, problem=PRESS_AGAIN)  # an old page: a fresh Send
        if checked.problem:
            form.message.data = checked.text  # hidden characters taken out, ends trimmed
            form.message.errors = [checked.problem]
            return _again(db, alert, form), 400
        if not first_delivery(db, ONCE_CHANNEL, once):  # Send pressed twice
            flash(TWICE, "info")
            return _page(alert_id)
    # Sent outside any transaction (Telegram may take seconds), recorded only once taken.
    try:
        sender.send(chat, checked)
        failed: SendFailed | None = None
    except SendFailed as exc:
        failed = exc
    with transaction(sessions()) as db:
        alert = get_alert(db, alert_id)
        if alert is None:  # erased while the message went: it was sent, say so
            abort(404)
        if failed is not None:
            log.warning(
                "a message to a person's chat for alert %s was not sent: %s", alert_id, failed
            )
            audit(db, actor(), "alert.message", f"alert:{alert_id}", sent=False, reason=str(failed))
            form.message.errors = [NO_ANSWER if failed.channel_down else REFUSED]
            return _again(db, alert, form), 502
        words = " ".join(checked.text.split())  # one history line, whatever the line breaks
        add_history(db, alert, _history_line(ACTION, actor(), f"\u201c{words}\u201d"))
        lead_messaged(db, alert)  # what they type back for REPLY_WINDOW comes here
        audit(db, actor(), "alert.message", f"alert:{alert_id}", sent=True)
    flash(SENT, "info")
    return _page(alert_id)
