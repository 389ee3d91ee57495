"""What the alert-notice tests share: a real SMTP server on loopback (aiosmtpd), with
STARTTLS and a login when a test wants them, and settings that point Heard at it.

The TLS certificate in tests/fixtures/smtp-tls/ is a self-signed one for 127.0.0.1 and
localhost, made for these tests only (valid for a century, so it never expires in CI).
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import make_settings

from heard.settings import Settings

TLS_DIR = Path(__file__).parent / "fixtures" / "smtp-tls"
CERT, KEY = TLS_DIR / "cert.pem", TLS_DIR / "key.pem"
SENDER = "heard@council.example"
LEAD = "safeguarding.lead@council.example"
USER, PASSWORD = "heard-relay", "relay-pass-Qm7"  # noqa: S105 - a test relay's login


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    @property
    def alert_id(self) -> int:
        """From the Message-ID Heard gives each notice: <heard-alert-ID-KIND@domain>."""
        return int(str(self.message["Message-ID"]).split("-")[2])

    @property
    def kind(self) -> str:
        return str(self.message["Message-ID"]).split("-")[3].split("@")[0]


@dataclass
class Mailbox:
    """The aiosmtpd handler: keeps every message the relay accepted, and whether TLS was on."""

    received: list[Received] = field(default_factory=list)
    tls_used: list[bool] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
            self.tls_used.append(session.ssl is not None)
        return "250 OK"

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages() if address in m.rcpt_tos]


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def server_tls() -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(CERT, KEY)
    return context


def client_tls() -> ssl.SSLContext:
    """What Heard's sender uses in these tests: the default, verifying, trusting our CA."""
    return ssl.create_default_context(cafile=str(CERT))


@dataclass
class SmtpServer:
    mailbox: Mailbox
    port: int
    controller: Controller

    def url(self, *, login: bool = False, password: str = PASSWORD) -> str:
        auth = f"{USER}:{password}@" if login else ""
        return f"smtp://{auth}127.0.0.1:{self.port}"


@contextmanager
def smtp_server(
    *, starttls: bool = False, login: Callable[[str, str], bool] | None = None
) -> Iterator[SmtpServer]:
    """aiosmtpd on 127.0.0.1: plain, or offering STARTTLS; with `login`, AUTH is offered
    (after STARTTLS) and each login is checked by it."""
    mailbox = Mailbox()
    kwargs: dict[str, Any] = {}
    if starttls:
        kwargs["tls_context"] = server_tls()
    if login is not None:

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any):  # type: ignore[no-untyped-def]
            ok = isinstance(auth, LoginPassword) and login(
                auth.login.decode(), auth.password.decode()
            )
            return AuthResult(success=ok, handled=False)

        kwargs["authenticator"] = authenticator
        kwargs["auth_require_tls"] = starttls
    else:
        kwargs["auth_require_tls"] = False
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield SmtpServer(mailbox, port, controller)
    finally:
        controller.stop()


def mail_settings(data_dir: Path, database_url: str, smtp_url: str, **extra: str) -> Settings:
    """Settings for a council with no routes file: every alert to the lead's address."""
    values = {
        "HEARD_SAFEGUARDING_EMAIL": LEAD,
        "HEARD_SMTP_URL": smtp_url,
        "HEARD_SMTP_FROM": SENDER,
        "HEARD_BASE_URL": "https://heard.council.example",
        **extra,
    }
    return make_settings(data_dir, database_url, **values)
