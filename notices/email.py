"""Sending a notice by email through the council's mail relay (SMTP).

Python's own `smtplib` and `email`: a notice is one short plain-text message to a
relay the council runs or rents, which is all they do, and they are maintained with
Python itself, so Heard adds no dependency to a path a child's safety rests on.

`smtp://` tries STARTTLS whenever the relay offers it (verifying the certificate),
and refuses to send a password over a connection it could not encrypt unless the
relay is on this machine; `smtps://` is TLS from the first byte. Every failure
becomes `SendFailed`, whose text is safe to log: it names the relay and what went
wrong, never a password, and a notice carries no child's words in the first place.
"""

from __future__ import annotations

import ipaddress
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import unquote, urlsplit

from notices.recipients import Recipients
from notices.senders import SendFailed
from notices.wording import Notice

TIMEOUT_SECONDS = 15.0
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class SmtpRelay:
    """Where mail goes, from HEARD_SMTP_URL: smtp://[user:pass@]host[:port] or smtps://..."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, url: str) -> SmtpRelay:
        """Read the URL; ValueError with a plain reason if it is not one Heard can use."""
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ValueError("it must start with smtp:// or smtps://")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            raise ValueError("the port is not a number") from None
        if not parts.hostname:
            raise ValueError("it names no mail server")
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        if (username is None) != (password is None):
            raise ValueError("give both a user name and a password, or neither")
        return cls(scheme, parts.hostname, port, username, password)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def on_this_machine(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def build_message(notice: Notice, to: tuple[str, ...], sender: str, *, kind: str) -> EmailMessage:
    """One plain-text email to every address of the route. The Message-ID is the same for
    every try of the same notice, so a mail client can fold a rare repeat into one."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = notice.subject()
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id_for(notice.alert_id, kind, sender)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(notice.email_body())
    return message


class EmailSender:
    """Sends notices through one relay; a new connection each time (a few a day)."""

    channel = "email"

    def __init__(
        self,
        relay: SmtpRelay,
        sender: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.relay = relay
        self.sender = sender
        self.timeout = timeout
        self.ssl_context = ssl_context

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def addressed(self, recipients: Recipients) -> bool:
        return bool(recipients.emails)

    def send(self, recipients: Recipients, notice: Notice, *, kind: str = "notice") -> None:
        """One message to every address of the route, handed to the relay, or SendFailed."""
        to = recipients.emails
        if not to:
            return
        message = build_message(notice, to, self.sender, kind=kind)
        relay = self.relay
        try:
            with self._connect() as smtp:
                if relay.username is not None and relay.password is not None:
                    smtp.login(relay.username, relay.password)
                refused = smtp.send_message(message, from_addr=self.sender, to_addrs=list(to))
        except SendFailed:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise SendFailed(
                f"the mail relay at {relay.where} refused the login ({exc.smtp_code})"
            ) from None
        except smtplib.SMTPRecipientsRefused:
            raise SendFailed(
                f"the mail relay at {relay.where} refused every address of the route",
                channel_down=False,
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            raise SendFailed(
                f"the mail relay at {relay.where} refused the From address "
                f"{self.sender} ({exc.smtp_code})"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(f"the mail relay at {relay.where} answered {exc.smtp_code}") from None
        except ssl.SSLError as exc:
            raise SendFailed(
                f"TLS with the mail relay at {relay.where} failed ({exc.reason or 'handshake'})"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            reason = "timed out" if isinstance(exc, socket.timeout) else type(exc).__name__
            raise SendFailed(
                f"could not reach the mail relay at {relay.where} ({reason})"
            ) from None
        if refused:
            raise SendFailed(
                f"the mail relay at {relay.where} refused {len(refused)} of {len(to)} addresses",
                channel_down=False,
            )

    def _connect(self) -> smtplib.SMTP:
        relay = self.relay
        if relay.scheme == "smtps":
            return smtplib.SMTP_SSL(
                relay.host, relay.port, timeout=self.timeout, context=self._context()
            )
        smtp = smtplib.SMTP(relay.host, relay.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=self._context())
                smtp.ehlo()
            elif relay.username is not None and not relay.on_this_machine:
                raise SendFailed(
                    f"the mail relay at {relay.where} does not offer STARTTLS, and Heard will "
                    "not send its password unencrypted; use smtps:// or a relay with STARTTLS"
                )
        except BaseException:
            smtp.close()
            raise
        return smtp


def message_id_for(alert_id: int, kind: str, sender: str) -> str:
    """The same for every try of one notice, so a mail client can fold a rare repeat."""
    return f"<heard-alert-{alert_id}-{kind}@{sender.rpartition('@')[2] or 'heard.invalid'}>"
