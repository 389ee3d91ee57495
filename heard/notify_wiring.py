"""Settings to GOV.UK Notify: the sender, the desk the web pages and `heard invite` use,
and the scheduled reminder round. Nothing here when HEARD_NOTIFY_API_KEY is unset."""

from __future__ import annotations

import logging

from heard.settings import Settings
from heard.wiring import Database
from notices.notify import NotifySender, NotifyTemplates
from notices.web_contact_desk import WebContactDesk
from notices.web_reminders import RoundResult, WebReminders
from storage.web_contacts import ContactSealer

log = logging.getLogger("heard.notify")


def notify_templates(settings: Settings) -> NotifyTemplates:
    """The default (English) templates and any per language (HEARD_NOTIFY_*_TEMPLATE_ID_<CODE>)."""
    return NotifyTemplates(
        settings.notify_sms_template_id,
        settings.notify_email_template_id,
        dict(settings.notify_sms_templates_by_language),
        dict(settings.notify_email_templates_by_language),
    )


def notify_sender(settings: Settings) -> NotifySender | None:
    if settings.notify_api_key is None:
        return None
    return NotifySender(
        settings.notify_api_key,
        notify_templates(settings),
        base_url=settings.notify_base_url,
    )


def web_contact_desk(settings: Settings, database: Database) -> WebContactDesk | None:
    """For services["web_contacts"]: None (no offer shown) unless Notify is set up."""
    sender = notify_sender(settings)
    if sender is None:
        return None
    return WebContactDesk(
        database.sessions, settings.pseudonym_key, sender, settings.base_url, settings.timezone
    )


def run_web_reminders(settings: Settings, database: Database) -> RoundResult:
    sender = notify_sender(settings)
    if sender is None:
        return RoundResult()
    reminders = WebReminders(
        database.sessions,
        sender,
        ContactSealer(settings.pseudonym_key),
        settings.base_url,
        settings.timezone,
    )
    return reminders.run()
