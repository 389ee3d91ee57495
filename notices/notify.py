"""Texts and emails to people who use the web, through GOV.UK Notify.

Checking what someone typed (a UK mobile number or an email address, with kind
words when it is not one), and sending a message with the official
`notifications-python-client`. The words of each message are the council's Notify
template; Heard fills in two placeholders, ((link)) (the fresh check-in link) and
((stop_link)) (the page that stops the messages), so every message says how to stop.
A council may add a template per language (Notify's own way: one template each, written
and checked in Notify); a message goes with the template for the person's language when
there is one, else with the default (English) template.

Nothing here logs a number, an address, a link or Notify's reply (which echoes
them): `hush_notify_client_logs` keeps the client's own warnings to a status code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from storage.web_contacts import Contact

# ------------------------------------------------------------------ checking what was typed

MOBILE_EXAMPLE = "07700 900123"
EMAIL_EXAMPLE = "name@example.com"
_EMAIL = re.compile(r"^[^@\s,;<>()\[\]\"]+@[^@\s,;<>()\[\]\"]+\.[A-Za-z]{2,}$")
_SEPARATORS = re.compile(r"[\s\-().]")


class ContactProblem(ValueError):
    """What was typed is not a number or address we can use; str() is the kind words."""


def check_mobile(typed: str) -> str:
    """A UK mobile number in the form Notify likes (+447...), or kind words why not."""
    text = typed.strip()
    if not text:
        raise ContactProblem(
            f"Please type your mobile number, like {MOBILE_EXAMPLE}, or choose email instead."
        )
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("+"):
        compact = compact[1:]
        if not compact.startswith("44"):
            raise ContactProblem(
                "We can only send texts to UK mobile numbers. They start with 07 or +44 7."
            )
    if not compact.isdigit():
        raise ContactProblem(
            f"A mobile number only has numbers in it, like {MOBILE_EXAMPLE}. "
            "Please check it and try again."
        )
    if compact.startswith("0044"):
        compact = compact[4:]
    elif compact.startswith("44"):
        compact = compact[2:]
    elif compact.startswith("0"):
        compact = compact[1:]
    if not compact.startswith("7"):
        raise ContactProblem(
            f"That doesn't look like a UK mobile number. They start with 07, like {MOBILE_EXAMPLE}."
        )
    if len(compact) != 10:
        have = len(compact) + 1
        raise ContactProblem(
            f"That number has {have} digits, but a UK mobile number has 11, "
            f"like {MOBILE_EXAMPLE}. Please check it and try again."
        )
    return "+44" + compact


def check_email(typed: str) -> str:
    text = typed.strip()
    if not text:
        raise ContactProblem(
            f"Please type your email address, like {EMAIL_EXAMPLE}, or choose a text instead."
        )
    if len(text) > 254 or not _EMAIL.match(text):
        raise ContactProblem(
            f"That doesn't look like an email address. It needs an @ and a dot, "
            f"like {EMAIL_EXAMPLE}. Please check it and try again."
        )
    return text


def check_contact(kind: str, typed: str) -> Contact:
    if kind == "sms":
        return Contact("sms", check_mobile(typed))
    if kind == "email":
        return Contact("email", check_email(typed))
    raise ContactProblem("Please choose a text or an email.")


def masked(contact: Contact) -> str:
    """Enough for the person to recognise their own contact on their own screen."""
    if contact.kind == "sms":
        return "07••• ••" + contact.to[-4:]
    name, _, domain = contact.to.partition("@")
    return f"{name[:1]}•••@{domain}"


# ------------------------------------------------------------------ sending


class RateLimited(Exception):
    """Notify said 429: too many requests now, or today's limit reached. Try later."""


class Rejected(Exception):
    """Notify refused this message for good (e.g. not a mobile number). str() is a short
    reason with no personal data: Notify's error type."""


class Unavailable(Exception):
    """Notify could not be reached or failed (5xx): try later."""


@dataclass(frozen=True)
class Sent:
    notify_id: str
    status: str


class Sender(Protocol):
    @property
    def kinds(self) -> tuple[str, ...]: ...

    def send(
        self,
        contact: Contact,
        link: str,
        stop_link: str,
        reference: str,
        language: str | None = None,
    ) -> Sent: ...

    def status(self, notify_id: str) -> str: ...

    def find_by_reference(self, reference: str) -> Sent | None: ...


@dataclass(frozen=True)
class NotifyTemplates:
    """The council's Notify templates; a kind without one is not offered. Each kind may
    also have a template per language (code to template id), used for people in that
    language; everyone else gets the default (English) one."""

    sms: str | None
    email: str | None
    sms_by_language: Mapping[str, str] = field(default_factory=dict)
    email_by_language: Mapping[str, str] = field(default_factory=dict)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind in ("sms", "email") if getattr(self, kind))

    def template_for(self, kind: str, language: str | None = None) -> str | None:
        """The template for this kind in this language, else the default; None: no kind."""
        default = getattr(self, kind, None) if kind in ("sms", "email") else None
        if not default:
            return None
        by_language: Mapping[str, str] = getattr(self, f"{kind}_by_language")
        return by_language.get(language or "", default)

    def languages(self, kind: str) -> tuple[str, ...]:
        """The language codes with their own template of this kind, sorted."""
        return tuple(sorted(getattr(self, f"{kind}_by_language", {}) or {}))


class NotifySender:
    """GOV.UK Notify through its official client; one client per call (it is not thread-safe)."""

    def __init__(
        self, api_key: str, templates: NotifyTemplates, base_url: str | None = None
    ) -> None:
        self._api_key = api_key
        self.templates = templates
        self.base_url = base_url or "https://api.notifications.service.gov.uk"
        hush_notify_client_logs()

    def __repr__(self) -> str:
        return f"NotifySender(base_url={self.base_url!r}, api_key=<hidden>)"

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.templates.kinds

    def _client(self) -> Any:
        from notifications_python_client.notifications import NotificationsAPIClient

        return NotificationsAPIClient(self._api_key, base_url=self.base_url, timeout=20)

    def send(
        self,
        contact: Contact,
        link: str,
        stop_link: str,
        reference: str,
        language: str | None = None,
    ) -> Sent:
        personalisation = {"link": link, "stop_link": stop_link}
        template = self.templates.template_for(contact.kind, language)
        if not template:
            raise Rejected(f"no {contact.kind} template")
        client = self._client()
        try:
            if contact.kind == "sms":
                reply = client.send_sms_notification(
                    phone_number=contact.to,
                    template_id=template,
                    personalisation=personalisation,
                    reference=reference,
                )
            else:
                reply = client.send_email_notification(
                    email_address=contact.to,
                    template_id=template,
                    personalisation=personalisation,
                    reference=reference,
                )
        except Exception as error:  # noqa: BLE001 - classified, never shown
            raise _classified(error) from None
        return Sent(str(reply["id"]), "created")

    def status(self, notify_id: str) -> str:
        try:
            reply = self._client().get_notification_by_id(notify_id)
        except Exception as error:  # noqa: BLE001
            raise _classified(error) from None
        return str(reply.get("status") or "unknown")

    def find_by_reference(self, reference: str) -> Sent | None:
        try:
            reply = self._client().get_all_notifications(reference=reference)
        except Exception as error:  # noqa: BLE001
            raise _classified(error) from None
        for found in reply.get("notifications") or []:
            if found.get("reference") == reference:
                return Sent(str(found["id"]), str(found.get("status") or "created"))
        return None


def _classified(error: Exception) -> Exception:
    from notifications_python_client.errors import APIError

    if not isinstance(error, APIError):
        return Unavailable(type(error).__name__)
    code = error.status_code
    if code == 429:
        return RateLimited("429")
    if code >= 500:
        return Unavailable(str(code))
    kind = "error"
    try:
        response = error.response
        errors = response.json().get("errors") if response is not None else None
        if errors:
            kind = str(errors[0].get("error") or "error")
    except (ValueError, AttributeError, TypeError):
        pass
    return Rejected(f"{code} {kind}"[:32])


class _StatusOnly(logging.Filter):
    """The Notify client logs "API POST request on URL failed with 400 'message'": Notify's
    message can quote what was sent, so only the method and status code are kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if record.msg.__class__ is str and "failed with" in record.msg and len(args) >= 3:
            record.msg, record.args = "Notify API %s request failed with %s", (args[0], args[2])
        elif record.levelno < logging.WARNING:
            return False
        return True


def hush_notify_client_logs() -> None:
    for name in ("notifications_python_client.base", "notifications_python_client"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _StatusOnly) for f in logger.filters):
            logger.addFilter(_StatusOnly())
